"""Flows a person clicks through, in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_officer_logs_in_sees_dashboard_and_switches_language(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from binhyen.areas import domain

    duc_trong = domain.get_area(DUC_TRONG)
    domain.create_villages(
        duc_trong,
        [
            domain.VillageInput("Thôn Phú Thạnh", "thôn", 2450),
            domain.VillageInput("Tổ dân phố 1", "tổ dân phố", 1320),
        ],
    )
    make_user("commune_officer", DUC_TRONG, username="congan.ductrong")
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "congan.ductrong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    assert "Xã Đức Trọng" in body
    assert "Thôn, tổ dân phố" in body or "thôn, tổ dân phố" in body.lower()
    assert "3.770" in body  # known population, Vietnamese number format
    assert page.locator("canvas").count() >= 1  # the chart is drawn
    # Switch to English.
    page.locator(
        "[data-testid=language-switch] button[value=en], button[name=language][value=en]"
    ).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    english = page.locator("body").inner_text()
    assert "Villages" in english or "villages" in english
    assert "3,770" in english
    # And back.
    page.locator(
        "[data-testid=language-switch] button[value=vi], button[name=language][value=vi]"
    ).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_wrong_password_shows_vietnamese_message(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    make_user("commune_officer", DUC_TRONG, username="canbo")
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "canbo")
    page.fill("input[name=password]", "sai-mat-khau")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.locator("body").inner_text()
