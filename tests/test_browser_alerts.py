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


# --- Web Push sign-up in a real Chromium ------------------------------------------------------------

# Headless Chromium refuses PushManager.subscribe ("AbortError: Registration failed - permission denied",
# even with the notifications permission granted; a real one would also need Google's push service over
# the network), so the page's PushManager.subscribe is replaced by one returning a fixed subscription; the
# rest is real: the service worker registers at /canh-bao/, the permission is asked (granted to the
# context), the page posts what it got, and a push message delivered through the DevTools protocol to the
# registered worker shows a notification whose data is the alert's page.
FAKE_PUSH = """
(() => {
  if (!window.PushManager) return;
  let current = null;
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
  PushManager.prototype.subscribe = function (options) {
    const key = Array.from(new Uint8Array(options.applicationServerKey));
    sessionStorage.setItem("pushKey", JSON.stringify(key));
    current = {
      endpoint: "https://push.example.net/send/headless-1",
      options: options,
      toJSON: () => ({ endpoint: "https://push.example.net/send/headless-1", expirationTime: null,
                       keys: { p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u" +
                                       "-Ts1XbjhazAkj7I99e8QcYP7DkM",
                               auth: "tBHItJI5svbpez7KI4CCXg" } }),
      unsubscribe: () => { current = null; return Promise.resolve(true); }
    };
    return Promise.resolve(current);
  };
})();
"""


def test_push_sign_up_registers_the_worker_and_stores_the_subscription(
    live_server: Any, browser_page: Any, units: None, make_user: Any, settings: Any
) -> None:
    import base64
    import json

    from playwright.sync_api import expect

    from binhyen.alerts.channels import push
    from binhyen.alerts.models import Subscription
    from binhyen.areas import domain as areas

    private, public = push.generate_vapid_key()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:canhbao@example.vn"
    village = areas.create_villages(areas.get_area(DUC_TRONG), [areas.VillageInput("Thôn Đa Thọ", "thôn")])[0]
    make_user("resident", village.code, username="nguoidan", full_name="Hoàng Thị Lan")
    base = live_server.url
    page = browser_page
    try:
        page.context.grant_permissions(["notifications"], origin=base)
        page.add_init_script(FAKE_PUSH)
        _login(page, base, "nguoidan")
        page.goto(base + "/canh-bao/dang-ky/")

        # The worker registers (scope /canh-bao/) and the button appears.
        button = page.locator("[data-testid=push-subscribe]")
        expect(button).to_be_visible()
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.active && r.scope)")
        assert scope == base + "/canh-bao/"

        page.check(f"input[name=areas][value='{village.code}']")
        page.check("input[name=kinds][value=security]")
        page.check("input[name=consent]")
        button.click()
        deadline = time.monotonic() + 10
        while not Subscription.objects.filter(channels="push").exists() and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        sub = Subscription.objects.get(channels="push")
        # The page reloads to list it.
        expect(page.locator(f"[data-subscription='{sub.pk}']")).to_be_visible()
        assert sub.push["endpoint"] == "https://push.example.net/send/headless-1"
        assert sub.user.username == "nguoidan" and sub.kinds == "security"
        key = json.loads(page.evaluate("sessionStorage.getItem('pushKey')"))
        assert bytes(key) == base64.urlsafe_b64decode(public + "=" * (-len(public) % 4))

        # A push message to the registered worker shows the alert as a notification.
        cdp = page.context.new_cdp_session(page)
        registrations: list[dict[str, Any]] = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
        cdp.send("ServiceWorker.enable")
        deadline = time.monotonic() + 10
        while (
            not any(r["scopeURL"] == base + "/canh-bao/" for r in registrations)
            and time.monotonic() < deadline
        ):
            page.wait_for_timeout(100)
        registration = next(r for r in registrations if r["scopeURL"] == base + "/canh-bao/")
        payload = {
            "title": "Trộm xe máy ở chợ Đa Thọ",
            "body": "Hai đối tượng lạ.",
            "url": base + "/canh-bao/7/",
            "id": "7",
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
        )
        shown = None
        deadline = time.monotonic() + 10
        while not shown and time.monotonic() < deadline:
            page.wait_for_timeout(200)
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                ".then(ns => ns.map(n => ({title: n.title, body: n.body, url: n.data && n.data.url})))"
            )
        assert shown == [
            {"title": "Trộm xe máy ở chợ Đa Thọ", "body": "Hai đối tượng lạ.", "url": base + "/canh-bao/7/"}
        ]
    finally:
        # No request of this page may still be running when the test database goes away.
        page.goto("about:blank")
        time.sleep(2.5)  # the live stream of the page notices at its next heartbeat and ends
