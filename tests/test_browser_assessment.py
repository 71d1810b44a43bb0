"""Assessment in a real Chromium: a commune officer starts the commune's movement classification, watches the
running total follow the scores typed in (htmx, nothing saved yet), saves and sends it; the commune leader
lowers one score with a note; the province approves. Each step is checked on the page and in the database."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG, LAM_DONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
SHOTS = os.environ.get("BINHYEN_SCREENSHOTS", "")


def _login(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))


def _total(page: Any) -> str:
    return str(page.locator("[data-testid=running-total]").inner_text()).strip()


def test_movement_classification_from_self_assessment_to_approval(
    live_server: Any, browser_page: Any, units: None, make_user: Any
) -> None:
    from binhyen.assessment import data, domain
    from binhyen.assessment.models import Assessment, ItemKind, Rubric, RubricItem, RubricSection, Status

    data.install(Rubric, RubricSection, RubricItem)
    make_user("commune_officer", DUC_TRONG, username="congan.ductrong")
    make_user("commune_leader", DUC_TRONG, username="lanhdao.ductrong")
    make_user("province_analyst", LAM_DONG, username="phongtrao.lamdong")
    page = browser_page
    page.route(OUTSIDE, lambda route: route.abort())
    url = live_server.url

    _login(page, url, "congan.ductrong")
    page.goto(url + f"/danh-gia/moi/?area={DUC_TRONG}")
    page.select_option("#id_unit_kind", "commune")
    page.select_option("#id_rubric", "phong-trao-xa")
    page.select_option("#id_window", "2025AC")
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_url(re.compile(r"/danh-gia/\d+/tu-danh-gia/$"))
    a = Assessment.objects.get()
    items = domain.rubric_items(a.rubric)
    assert _total(page) == "0/100"

    # The running total follows what is typed, before anything is saved.
    first = items[0]
    page.fill(f"#score_{first.pk}", "3,5")
    page.locator(f"#score_{first.pk}").dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('[data-testid=running-total]').textContent.trim() == '3,5/100'"
    )
    assert not a.scores.exists()

    for item in items:
        if item.kind == ItemKind.POINTS:
            page.fill(f"#score_{item.pk}", str(item.max_points).replace(".0", ""))
        else:
            page.check(f"input[name=met_{item.pk}][value=yes]")
        if item.evidence_required:
            page.fill(f"#evidence_{item.pk}", "Nghị quyết số 15-NQ/ĐU ngày 10/01/2025.")
    page.locator(f"#score_{items[1].pk}").dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('[data-testid=running-total]').textContent.trim() == '100/100'"
    )
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "assessment-fill.png"), full_page=False)
    page.locator("button[name=then][value=submit]").click()
    page.wait_for_url(re.compile(rf"/danh-gia/{a.pk}/$"))
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.self_total == 100

    _login(page, url, "lanhdao.ductrong")
    page.goto(url + f"/danh-gia/{a.pk}/tham-dinh/")
    second = items[1]
    page.fill(f"#rscore_{second.pk}", "2")
    page.fill(f"#rnote_{second.pk}", "Chưa có biên bản họp quý IV.")
    page.locator(f"#rscore_{second.pk}").dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('[data-testid=running-total]').textContent.trim() == '98/100'"
    )
    page.locator("#review-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/danh-gia/{a.pk}/$"))
    a.refresh_from_db()
    assert a.status == Status.REVIEWED and a.review_total == 98

    _login(page, url, "phongtrao.lamdong")
    page.goto(url + f"/danh-gia/{a.pk}/phe-duyet/")
    assert "Chưa có biên bản họp quý IV." in page.content()
    page.locator("form[action$='phe-duyet/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/danh-gia/{a.pk}/$"))
    a.refresh_from_db()
    assert a.status == Status.APPROVED and a.total == Decimal("98") and a.result_label == "Xuất sắc"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "assessment-detail.png"), full_page=False)
    page.goto(url + f"/danh-gia/ket-qua/?area={LAM_DONG}&year=2025")
    assert "Xuất sắc" in page.locator("#movement-title + .table-wrap").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "assessment-results.png"), full_page=True)
