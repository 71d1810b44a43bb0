"""The security gong in a real Chromium: a commune officer sends an alert to a village from the compose
page (the audience estimate shows who it reaches); a member of the village's security team, whose page
is open in a second browser, sees it arrive live as a banner and answers "Đã nhận"; the officer's alert
page, open all along, shows the acknowledged count move without a reload."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


def _setup(make_user: Any) -> dict[str, Any]:
    from binhyen.alerts import domain
    from binhyen.areas import domain as areas
    from binhyen.organisations import domain as orgs

    village = areas.create_villages(areas.get_area(DUC_TRONG), [areas.VillageInput("Thôn Đa Thọ", "thôn")])[0]
    officer = make_user("commune_officer", DUC_TRONG, username="congan.ductrong", full_name="Lê Văn Công")
    member = make_user("resident", village.code, username="to.antt", full_name="Phạm Văn Tổ")
    team = orgs.create_organisation(
        officer,
        orgs.OrganisationInput(type="to-bao-ve-antt", name="Tổ bảo vệ ANTT thôn Đa Thọ", commune=DUC_TRONG),
    )
    person = orgs.find_or_create_person(
        officer,
        orgs.PersonInput(full_name="Phạm Văn Tổ", commune=DUC_TRONG, birth_date=datetime.date(1985, 1, 1)),
    )
    orgs.add_membership(officer, team, person, orgs.MembershipInput(joined_on=datetime.date(2024, 1, 1)))
    person.user = member
    person.save(update_fields=["user"])
    # The member also follows the village in the app (consent given on the subscriptions page).
    domain.subscribe(
        member, domain.SubscriptionInput(area_codes=[village.code], channels=["web"], consent=True)
    )
    return {"village": village, "officer": officer, "member": member, "team": team}


def _login(page: Any, base: str, username: str) -> None:
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))


def test_officer_sends_a_gong_the_member_acknowledges_live_the_count_moves(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from playwright.sync_api import expect

    from binhyen.alerts.models import Alert, Delivery

    w = _setup(make_user)
    base = live_server.url

    # The member's page is open before anything is sent (second browser context).
    member_context = browser_page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 412, "height": 860}
    )
    member_page = member_context.new_page()
    member_page.set_default_timeout(15000)
    try:
        _login(member_page, base, "to.antt")
        member_page.goto(base + "/canh-bao/hop-thu/")
        expect(member_page.locator("[data-testid=gong-banner]")).to_have_count(0)

        # The officer composes: a security alert to Thôn Đa Thọ, for subscribers and the team.
        page = browser_page
        _login(page, base, "congan.ductrong")
        page.goto(base + "/canh-bao/moi/")
        page.select_option("#id_kind", "security")
        page.select_option("#id_severity", "Severe")
        page.check("#id_urgent")
        page.fill("#id_headline", "Trộm xe máy ở chợ Đa Thọ")
        page.fill("#id_text", "Hai đối tượng đi xe Wave không biển số vừa lấy trộm xe máy ở cổng chợ.")
        page.fill("#id_instruction", "Tổ ANTT ra cổng chợ; bà con khoá xe.")
        page.check(f"input[name=areas][value='{w['village'].code}']")
        page.check("input[name=to_members]")
        page.check(f"input[name=organisations][value='{w['team'].pk}']")
        # The live estimate: one person (the member is both subscriber and team member: one delivery).
        expect(page.locator("[data-testid=estimate-total]")).to_have_text("1")
        page.locator("[data-testid=send-alert]").click()
        page.wait_for_url(re.compile(r"/canh-bao/\d+/$"))
        alert = Alert.objects.get()
        assert alert.headline == "Trộm xe máy ở chợ Đa Thọ" and alert.urgent and not alert.wide
        delivery = Delivery.objects.get(alert=alert, user=w["member"], channel="web")
        assert delivery.member
        expect(page.locator("[data-count=total]")).to_have_text("1")
        expect(page.locator("[data-testid=count-acknowledged]")).to_have_text("0")

        # The member's open page shows it live, and marks it seen.
        banner = member_page.locator("[data-testid=gong-banner]")
        expect(banner).to_have_count(1)
        expect(banner).to_contain_text("Trộm xe máy ở chợ Đa Thọ")
        expect(banner).to_contain_text("Tổ ANTT ra cổng chợ")
        expect(banner.locator("[data-testid=gong-respond]")).to_be_visible()  # a member: "Đang đến"
        expect(page.locator("[data-count=delivered]")).to_have_text("1")  # seen, on the officer's page
        banner.locator("[data-testid=gong-acknowledge]").click()
        expect(banner).to_contain_text("✓ Đã nhận")
        delivery.refresh_from_db()
        assert delivery.acknowledged_at is not None and delivery.delivered_at is not None

        # The officer sees the count move, without reloading.
        expect(page.locator("[data-testid=count-acknowledged]")).to_have_text("1")
        assert page.url.endswith(f"/canh-bao/{alert.pk}/")

        # And "đang đến".
        banner.locator("[data-testid=gong-respond]").click()
        expect(banner).to_contain_text("✓ Đang đến")
        expect(page.locator("[data-testid=count-responding]")).to_have_text("1")
    finally:
        member_context.close()
        browser_page.goto("about:blank")
        # The live streams notice the closed pages at their next heartbeat (every second) and end, so
        # that no request thread still holds a database connection when the test database goes away.
        time.sleep(2.5)
