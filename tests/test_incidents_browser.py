"""Incidents in a real Chromium: the same-period chart is drawn and the form's village list follows
the chosen commune."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BINHYEN_SCREENSHOTS", "")


def test_officer_records_an_incident_and_sees_the_chart(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    import datetime

    from django.utils import timezone

    from binhyen.areas import domain as areas
    from binhyen.incidents import domain

    duc_trong = areas.get_area(DUC_TRONG)
    village = areas.create_village(duc_trong, areas.VillageInput("Thôn Phú Thạnh", "thôn"))
    officer = make_user("commune_officer", DUC_TRONG, username="congan.ductrong")
    today = timezone.localdate()
    for days, code in (
        (1, "trom-cap"),
        (2, "trom-cap"),
        (3, "danh-nhau"),
        (366, "trom-cap"),
        (367, "ma-tuy"),
    ):
        when = today - datetime.timedelta(days=days)
        if when.year != today.year and days < 366:
            continue
        domain.create_incident(
            officer,
            domain.NewIncident(
                category=code,
                occurred_at=domain.local_datetime(when, datetime.time(20, 0)),
                commune=DUC_TRONG,
                summary="Vụ việc mẫu để vẽ biểu đồ.",
            ),
        )
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "congan.ductrong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/incidents/")
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas[data-compare-chart]").get_attribute("data-drawn") == "1"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/incidents-list.png", full_page=True)
    page.goto(live_server.url + "/incidents/new/")
    page.select_option("#id_category", "co-bac")
    page.fill("#id_date", (today - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_time", "21:30")
    page.select_option("#id_village", village.code)
    page.fill("#id_summary", "Bắt quả tang nhóm đánh bạc trong vườn cà phê.")
    page.fill("#id_suspects", "-2")
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Số đối tượng" in page.locator("#err-suspects").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/incidents-form-error.png", full_page=True)
    page.fill("#id_suspects", "6")
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    assert "Bắt quả tang nhóm đánh bạc" in body and "Thôn Phú Thạnh" in body
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/incidents-detail.png", full_page=True)
