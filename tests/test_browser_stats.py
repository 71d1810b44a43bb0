"""Statistics in a real Chromium: a province analyst opens the dashboard, picks a year, reads a figure
with its same-period comparison, drills into it (the incidents it counts), then writes the report and
downloads the DOCX, which LibreOffice converts to a one-or-more-page PDF carrying the national header."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG, LAM_DONG
from tests.test_reports_render import need_tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
TZ = datetime.timezone(datetime.timedelta(hours=7))


def test_dashboard_drill_down_and_docx(
    live_server: Any, browser_page: Any, units: None, make_user: Any, tmp_path: Path
) -> None:
    from binhyen.areas import domain as areas
    from binhyen.incidents.models import CrimeCategory, Incident
    from binhyen.stats import rollup

    theft = CrimeCategory.objects.get(code="trom-cap")
    duc = areas.get_area(DUC_TRONG)
    for i, year in enumerate([2021] * 8 + [2020] * 10):
        Incident.objects.create(
            category=theft, commune=duc, summary=f"Trộm xe máy {i}",
            occurred_at=datetime.datetime(year, 4, 1 + i, 9, tzinfo=TZ), cleared=i % 2 == 0,
        )  # fmt: skip
    rollup.run()
    make_user("province_analyst", LAM_DONG, username="phantich.lamdong", full_name="Trần Thị Số")

    page = browser_page
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "phantich.lamdong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))

    # The menu leads to the dashboard; choose calendar years, then 2021.
    page.locator("nav a[href='/thong-ke/']").first.click()
    page.wait_for_url(re.compile(r"/thong-ke/"))
    page.select_option("select[name=kind]", "year")
    page.wait_for_load_state()
    page.select_option("select[name=period]", "2021")
    page.locator("#period-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"period=2021"))
    card = page.locator("[data-indicator=incidents]")
    assert card.locator(".value").inner_text().strip() == "8"
    assert "giảm 20,0% so với cùng kỳ" in card.inner_text()
    # Charts are drawn from vendored Chart.js (no network).
    page.wait_for_function("document.querySelector('canvas[data-line-chart]').dataset.drawn === '1'")

    # Drill into the figure: the incidents register lists exactly the 8 records it counts.
    card.locator(".value a").click()
    page.wait_for_url(re.compile(r"/incidents/\?"))
    assert page.locator("p.muted", has_text="8 vụ việc").count() == 1
    assert "Trộm xe máy 0" in page.content()

    # Back to the dashboard, then the report: preview and the DOCX download.
    page.go_back()
    page.locator("a[href^='/thong-ke/bao-cao/']").click()
    page.wait_for_url(re.compile(r"/thong-ke/bao-cao/"))
    assert "xảy ra 8 vụ việc về an ninh, trật tự" in page.locator(".report-preview").inner_text()
    page.fill("input[name=number]", "27")
    page.fill("input[name=signer_name]", "Nguyễn Văn Bình")
    with page.expect_download() as info:
        page.locator("button[name=format][value=docx]").click()
    docx = tmp_path / "bao-cao.docx"
    info.value.save_as(docx)
    assert docx.stat().st_size > 5000

    soffice = need_tool("soffice")
    pdftotext = need_tool("pdftotext")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "bao-cao.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 27/BC-CA",
                   "BÁO CÁO", "Nguyễn Văn Bình"):  # fmt: skip
        assert phrase in text, phrase
