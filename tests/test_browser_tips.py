"""Tips in a real Chromium on a phone-size screen: a resident sends an anonymous tip with a photo, an officer
handles it, and the resident sees the new status and the public note with the tracking code alone."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Only the live server answers: map tiles (and anything else outside) fail, as on an office LAN.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
# A real JPEG, drawn by the browser itself (no imaging library needed).
DRAW_JPEG = """() => {
  const c = document.createElement("canvas"); c.width = 16; c.height = 12;
  const g = c.getContext("2d"); g.fillStyle = "#b3261e"; g.fillRect(0, 0, 16, 12);
  g.fillStyle = "#0b5e55"; g.fillRect(4, 3, 8, 6);
  return c.toDataURL("image/jpeg", 0.9);
}"""


def _categories() -> None:
    """Transactional tests start from emptied tables: put the seeded categories back."""
    from binhyen.tips.data.categories import install
    from binhyen.tips.models import Category

    install(Category)


def test_resident_sends_tip_officer_decides_resident_sees_status(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from binhyen.areas import domain as areas
    from binhyen.tips.models import Attachment, Status, Tip

    _categories()
    village = areas.create_villages(areas.get_area(DUC_TRONG), [areas.VillageInput("Thôn Đa Thọ", "thôn")])[0]
    make_user("commune_officer", DUC_TRONG, username="congan.ductrong", full_name="Lê Văn Công")

    page = browser_page
    page.set_viewport_size(PHONE)
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(live_server.url + "/bao-tin/")
    jpeg = base64.b64decode(page.evaluate(DRAW_JPEG).split(",", 1)[1])
    assert jpeg.startswith(b"\xff\xd8\xff")

    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.select_option("#id_category", "trom-cap")
    page.fill(
        "#id_description", "Tối qua có hai thanh niên đi xe máy không biển số cạy khoá cổng nhà văn hoá thôn."
    )
    page.check("input[name=occurred_approx]")
    page.fill("#id_occurred_text", "khoảng 22 giờ tối qua")
    # The commune through the search box (no diacritics typed), then a village from its list.
    page.fill("#id_commune_text", "duc trong")
    option = page.locator(f"#commune-options [role=option][data-code='{DUC_TRONG}']")
    option.wait_for()
    option.click()
    assert page.input_value("#id_commune") == DUC_TRONG
    page.wait_for_selector(f"#id_village option[value='{village.code}']", state="attached")
    page.select_option("#id_village", village.code)
    page.fill("#id_address", "Cổng nhà văn hoá thôn")
    # The map works without tiles: a tap places the pin and fills the coordinates.
    page.locator("#pin-map").click()
    assert page.input_value("#id_latitude") != "" and page.input_value("#id_longitude") != ""
    page.set_input_files("#id_files", files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": jpeg}])
    page.wait_for_selector("[data-file-list] li")
    assert page.locator("#contact-fields").is_hidden()  # anonymous by default: no contact asked
    page.locator("[data-submit]").click()

    page.wait_for_url(re.compile(r"/theo-doi/[A-Z0-9-]+/$"))
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert page.locator("[data-testid=just-sent]").is_visible()
    tracking_url = page.url
    tip = Tip.objects.get(tracking_code=code)
    assert tip.anonymous and tip.village_id == village.pk and tip.latitude is not None
    assert Attachment.objects.get(tip=tip).content_type == "image/jpeg"

    # The officer, on a phone too, in another browser.
    officer = page.context.browser.new_context(locale="vi-VN", viewport=PHONE)
    try:
        op = officer.new_page()
        op.set_default_timeout(15000)
        op.route(OUTSIDE, lambda route: route.abort())
        op.goto(live_server.url + "/accounts/login/")
        op.fill("input[name=username]", "congan.ductrong")
        op.fill("input[name=password]", DEMO_PASSWORD)
        op.locator("form button[type=submit]").first.click()
        op.wait_for_url(re.compile(r"/$"))
        op.goto(live_server.url + "/tips/")
        op.locator(f"tr[data-tip='{code}'] a").first.click()
        op.wait_for_url(re.compile(rf"/tips/{tip.pk}/$"))
        assert "Tối qua có hai thanh niên" in op.locator("[data-testid=description]").inner_text()
        assert op.locator("img.thumb").count() == 1
        op.locator("[data-testid=claim]").click()
        op.wait_for_selector("[data-testid=release]")
        assert "Lê Văn Công" in op.locator("[data-testid=claim-box]").inner_text()
        op.locator("[data-testid=start-check]").click()
        op.wait_for_selector("[data-testid=status][data-status=checking]")
        op.select_option("#id_decide_status", Status.FORWARDED.value)
        op.fill("#id_decide_reason", "Có dấu hiệu tội phạm trộm cắp tài sản; chuyển Công an tỉnh.")
        op.locator("[data-testid=decide]").click()
        op.wait_for_selector("[data-testid=status][data-status=forwarded]")
        op.fill("#id_note_body", "Công an xã đã xác minh và chuyển cơ quan điều tra. Cảm ơn bạn đã báo tin.")
        op.check("#id_note_public")
        op.locator("[data-testid=add-note]").click()
        op.wait_for_selector(".note-public")
    finally:
        officer.close()

    # The resident, with the code only, sees the new status and the public note.
    page.goto(tracking_url)
    page.wait_for_selector("[data-testid=tip-status] [data-status=forwarded]")
    body = page.locator("body").inner_text()
    assert "Công an xã đã xác minh và chuyển cơ quan điều tra." in body
    assert "Tối qua có hai thanh niên" not in body  # never the description
    assert "Có dấu hiệu tội phạm" not in body  # nor the reason of the decision
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
