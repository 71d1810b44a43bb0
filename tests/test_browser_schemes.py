"""Schemes in a real Chromium: an officer creates a scheme run by one of the commune's organisations, adds a
site, replicates it to two villages (the team covering one of them joins), reviews it and retires it;
bringing it straight back is refused with a clear message."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


def test_create_site_replicate_review_retire(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from binhyen.areas import domain as areas
    from binhyen.schemes.data import install
    from binhyen.schemes.models import Scheme, SchemeStatus, SchemeType

    install(SchemeType)  # transactional tests start from emptied tables
    commune = areas.get_area(DUC_TRONG)
    v1, v2, v3 = areas.create_villages(
        commune,
        [areas.VillageInput("Thôn Đa Thọ", "thôn"), areas.VillageInput("Thôn Đa Phú", "thôn"),
         areas.VillageInput("Thôn Đa Lộc", "thôn")],
    )  # fmt: skip
    officer = make_user("commune_officer", DUC_TRONG, username="congan.ductrong", full_name="Lê Văn Công")
    from binhyen.organisations import domain as organisations

    def team(name: str, village: Any) -> Any:
        return organisations.create_organisation(
            officer,
            organisations.OrganisationInput(
                type="to-bao-ve-antt", name=name, commune=DUC_TRONG, villages=[village.code]
            ),
        )

    team1, team2 = team("Tổ bảo vệ ANTT thôn Đa Thọ", v1), team("Tổ bảo vệ ANTT thôn Đa Phú", v2)

    page = browser_page
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "congan.ductrong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(live_server.url + "/mo-hinh/")
    page.locator("[data-testid=new-scheme]").click()
    page.wait_for_url(re.compile(r"/mo-hinh/moi/"))
    page.fill("#id_name", "Tiếng kẻng an ninh thôn Đa Thọ")
    page.select_option("#id_type", "tieng-keng-an-ninh")
    assert page.input_value("#id_managing_area") == DUC_TRONG
    page.fill("#id_start_date", "2021-03-15")
    # The commune's organisations are offered; the officer ticks the team of Đa Thọ.
    assert page.locator("input[name=organisations]").count() == 2
    page.check(f"input[name=organisations][value='{team1.pk}']")
    page.fill("#id_run_by", "Chi hội Nông dân thôn Đa Thọ")
    page.locator("[data-testid=save-scheme]").click()
    page.wait_for_url(re.compile(r"/mo-hinh/\d+/$"))
    scheme = Scheme.objects.get(name="Tiếng kẻng an ninh thôn Đa Thọ")
    assert page.locator("[data-testid=status]").get_attribute("data-status") == "proposed"
    runners = page.locator("[data-testid=organisations] a")
    assert runners.all_inner_texts() == ["Tổ bảo vệ ANTT thôn Đa Thọ"]
    assert "Chi hội Nông dân thôn Đa Thọ" in page.locator("body").inner_text()
    runners.first.click()  # the link leads to the organisation's page
    page.wait_for_url(re.compile(rf"/to-chuc/{team1.pk}/$"))
    page.go_back()
    page.wait_for_url(re.compile(rf"/mo-hinh/{scheme.pk}/$"))

    # A site with a point: the small map appears (without tiles, as on an office LAN).
    page.select_option("#id_site_area", v1.code)
    page.fill("#id_place_name", "Nhà văn hoá thôn Đa Thọ")
    page.fill("#id_latitude", "11.7352")
    page.fill("#id_longitude", "108.3731")
    page.locator("[data-testid=add-site]").click()
    page.wait_for_selector(f"tr[data-site='{v1.code}']")
    page.wait_for_selector("#scheme-map .leaflet-marker-icon")

    # Replicate to two more villages.
    page.locator("[data-testid=replicate]").click()
    page.wait_for_url(re.compile(r"/nhan-rong/$"))
    assert page.locator(f"input[name=areas][value='{v1.code}']").count() == 0  # already runs there
    page.check(f"input[name=areas][value='{v2.code}']")
    page.check(f"input[name=areas][value='{v3.code}']")
    page.locator("[data-testid=do-replicate]").click()
    page.wait_for_url(re.compile(rf"/mo-hinh/{scheme.pk}/$"))
    for v in (v1, v2, v3):
        assert page.locator(f"tr[data-site='{v.code}']").count() == 1
    assert scheme.sites.count() == 3 and Scheme.objects.count() == 1
    # Đa Phú's own team now runs it there too.
    assert page.locator(f"[data-testid=organisations] a[data-organisation='{team2.pk}']").count() == 1

    def move(status: str, reason: str = "") -> None:
        page.select_option("#id_status", status)
        page.fill("#id_reason", reason)
        page.locator("[data-testid=change-status]").click()
        page.wait_for_load_state()

    move("active")
    page.wait_for_selector("[data-testid=status][data-status=active]")
    move("under_review")
    page.wait_for_selector("[data-testid=status][data-status=under_review]")

    page.select_option("#id_effectiveness", "poor")
    page.fill("#id_notes", "Nhiều hộ đã lắp chuông cảnh báo; kẻng ít dùng.")
    page.fill("#id_evidence", "Biên bản rà soát số 12/BB-CA")
    page.locator("[data-testid=add-review]").click()
    page.wait_for_selector("[data-testid=reviews] >> text=Biên bản rà soát số 12/BB-CA")

    move("retired", "Không còn phù hợp")
    page.wait_for_selector("[data-testid=status][data-status=retired]")
    assert "Không còn phù hợp" in page.locator("body").inner_text()

    # Straight back to active: refused, with the reason, and nothing changes.
    move("active")
    error = page.locator("[data-testid=status-error]")
    error.wait_for()
    assert "rà soát" in error.inner_text()
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.RETIRED and scheme.status_reason == "Không còn phù hợp"

    page.goto(live_server.url + f"/mo-hinh/?area={DUC_TRONG}")
    assert page.locator("[data-testid=count-schemes]").inner_text().strip() == "0"  # retired: not counted
    assert page.locator(f"tr[data-scheme='{scheme.pk}']").count() == 1
