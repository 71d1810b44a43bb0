"""The statistics dashboard and the report page: figures from the rollups, comparisons worded as the
seeds word them, drill-down links, scope, bad periods, and downloads that match the dashboard."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest

from binhyen.areas import domain as areas
from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.stats import rollup
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=7))


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


@pytest.fixture
def data() -> None:
    theft = CrimeCategory.objects.get(code="trom-cap")
    drugs = CrimeCategory.objects.get(code="ma-tuy")
    duc, hiep = areas.get_area(DUC_TRONG), areas.get_area(HIEP_THANH)

    def make(day: datetime.date, category: Any, commune: Any, cleared: bool = False) -> None:
        Incident.objects.create(
            category=category,
            commune=commune,
            summary="x",
            cleared=cleared,
            occurred_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ),
        )

    # 2021: 10 thefts (4 cleared) in Đức Trọng, 2 drug cases in Hiệp Thạnh; 2020: 12 thefts, 1 drug case.
    for i in range(10):
        make(datetime.date(2021, 3, 1 + i), theft, duc, cleared=i < 4)
    for i in range(2):
        make(datetime.date(2021, 5, 1 + i), drugs, hiep)
    for i in range(12):
        make(datetime.date(2020, 3, 1 + i), theft, duc)
    make(datetime.date(2020, 6, 1), drugs, hiep)
    rollup.run()


def test_dashboard_states_figures_and_same_period(client: Any, make_user: Any, data: None) -> None:
    login(client, make_user("province_analyst", LAM_DONG))
    r = client.get(f"/thong-ke/?area={LAM_DONG}&period=2021")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Năm 2021" in page
    # 12 incidents against 13: down 7.7%; social-order crimes (thefts) 10 against 12: down 16.7%.
    assert 'data-indicator="incidents"' in page
    assert "giảm 7,7% so với cùng kỳ" in page
    assert "giảm 16,7% so với cùng kỳ" in page
    # The figure links to the incidents it counts.
    assert f"/incidents/?area={LAM_DONG}&amp;from=2021-01-01&amp;to=2021-12-31" in page
    # Ranking of communes, with the drill-down to each commune's figures.
    assert f"?area={DUC_TRONG}&amp;period=2021" in page


def test_dashboard_scope_and_bad_period(client: Any, make_user: Any, data: None) -> None:
    login(client, make_user("commune_officer", DUC_TRONG))
    assert client.get(f"/thong-ke/?area={HOAN_KIEM}").status_code == 403
    assert client.get("/thong-ke/?area=").status_code == 403  # the nation
    r = client.get(f"/thong-ke/?area={DUC_TRONG}&period=2021M13")
    assert r.status_code == 200
    assert 'role="alert"' in r.content.decode()
    assert client.get("/thong-ke/?area=99999999").status_code == 404
    resident = make_user("resident", DUC_TRONG)
    login(client, resident)
    assert client.get("/thong-ke/").status_code == 403


def test_report_downloads_match_the_dashboard(client: Any, make_user: Any, data: None) -> None:
    login(client, make_user("commune_leader", DUC_TRONG))
    page = client.get(f"/thong-ke/bao-cao/?area={DUC_TRONG}&period=2021")
    assert page.status_code == 200
    text = page.content.decode()
    assert "xảy ra 10 vụ việc về an ninh, trật tự (giảm 2 vụ, giảm 16,7% so với cùng kỳ)" in text
    assert "Đã điều tra, làm rõ 4 vụ, đạt tỷ lệ 40,0%." in text
    r = client.post(
        "/thong-ke/bao-cao/",
        {
            "area": DUC_TRONG,
            "period": "2021",
            "number": "12",
            "signer_name": "Nguyễn Văn A",
            "format": "docx",
        },
    )
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('.docx"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in xml
    assert "12/BC-CA" in xml
    assert "giảm 16,7% so với cùng kỳ" in xml
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        r = client.post("/thong-ke/bao-cao/", {"area": DUC_TRONG, "period": "2021", "format": fmt})
        assert r.status_code == 200 and r.content.startswith(magic)
    bad = client.post(
        "/thong-ke/bao-cao/", {"area": DUC_TRONG, "period": "2021", "date": "31/02/2021", "format": "docx"}
    )
    assert bad.status_code == 422
    assert client.get(f"/thong-ke/bao-cao/?area={HOAN_KIEM}&period=2021").status_code == 403
    login(client, make_user("group_leader", DUC_TRONG))
    assert client.get(f"/thong-ke/bao-cao/?area={DUC_TRONG}&period=2021").status_code == 403


def test_a_running_period_is_counted_to_today_and_compared_with_the_same_dates() -> None:
    from binhyen.stats import domain, periods

    running = domain.to_date(periods.parse("2026P"), today=datetime.date(2026, 11, 23))
    assert (running.start, running.end) == (datetime.date(2025, 12, 15), datetime.date(2026, 11, 23))
    last = running.same_period_last_year()
    assert (last.start, last.end) == (datetime.date(2024, 12, 15), datetime.date(2025, 11, 23))
    finished = periods.parse("2025P")
    assert domain.to_date(finished, today=datetime.date(2026, 11, 23)) == finished
