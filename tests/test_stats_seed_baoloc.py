"""The seeds' own figures come back out: records entered for Bảo Lộc's three wards in 2021 (the 2022
tổng kết article: 31 schemes at 48 sites, 23 managed by communes and 8 above; 705 tips, 403 valuable;
90 outreach sessions for 5,000 people with 30,000 leaflets; awards) give a dashboard and a DOCX report
that state those figures and the ratios derived from them, compared with 2020."""

from __future__ import annotations

import datetime
import io
import random
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from binhyen.areas import domain as areas
from binhyen.awards.models import AwardKind, AwardProposal, NomineeKind
from binhyen.awards.models import Status as AwardStatus
from binhyen.outreach.models import OutreachSession
from binhyen.reports import writer
from binhyen.reports.document import Paragraph
from binhyen.reports.render_docx import render_docx
from binhyen.schemes.models import ManagingLevel, Scheme, SchemeSite, SchemeStatus, SchemeType
from binhyen.stats import periods, rollup
from binhyen.stats import summary as stats_summary
from binhyen.tips.models import Category, Tip
from tests.conftest import LAM_DONG

pytestmark = pytest.mark.django_db

WARDS = ["24823", "24820", "24829"]  # Phường 1, Phường 2, Phường B'Lao (Bảo Lộc before July 2025)
TZ = datetime.timezone(datetime.timedelta(hours=7))


def _tips(year: int, total: int, valuable: int, rng: random.Random) -> None:
    cats = list(Category.objects.all())
    wards = [areas.get_area(c) for c in WARDS]
    rows = []
    for i in range(total):
        ward = wards[i % 3]
        received = datetime.datetime(year, 1, 1, 8, tzinfo=TZ) + datetime.timedelta(days=rng.randrange(365))
        rows.append(
            Tip(
                tracking_code=f"T{year}{i:06d}",
                category=rng.choice(cats),
                description="Tin báo",
                commune=ward,
                area_path=ward.path,
                received_at=received,
                deadline=received + datetime.timedelta(days=20),
                valuable=i < valuable,
            )
        )
    Tip.objects.bulk_create(rows)


def _schemes() -> None:
    kinds = list(SchemeType.objects.all())
    wards = [areas.get_area(c) for c in WARDS]
    province = areas.get_area(LAM_DONG)
    start = datetime.date(2019, 6, 1)
    sites = 0
    for i in range(31):
        commune_level = i < 23
        managing = wards[i % 3] if commune_level else province
        scheme = Scheme.objects.create(
            name=f"Mô hình {i + 1}",
            type=kinds[i % len(kinds)],
            managing_area=managing,
            level=ManagingLevel.COMMUNE if commune_level else ManagingLevel.PROVINCE,
            start_date=start,
            status=SchemeStatus.ACTIVE,
            status_changed_at=timezone.now(),
        )
        # Replicated to 48 sites in all: 17 schemes run at two places, the others at one.
        for j in range(2 if i < 17 else 1):
            SchemeSite.objects.create(scheme=scheme, area=wards[(i + j) % 3], started_on=start)
            sites += 1
    assert sites == 48


def _outreach(year: int, sessions: int, people: int, leaflets: int) -> None:
    wards = [areas.get_area(c) for c in WARDS]
    for i in range(sessions):
        OutreachSession.objects.create(
            date=datetime.date(year, 1 + i % 12, 1 + i % 28),
            commune=wards[i % 3],
            place="Nhà văn hoá",
            topics="law",
            organiser="Mặt trận Tổ quốc",
            attendees=people // sessions + (1 if i < people % sessions else 0),
            leaflets=leaflets // sessions + (1 if i < leaflets % sessions else 0),
        )


def _awards() -> None:
    ward = areas.get_area(WARDS[0])
    plan = [(AwardKind.MINISTRY_MERIT, 3), (AwardKind.PROVINCE_MERIT, 3), (AwardKind.COMMENDATION, 21)]
    for kind, n in plan:
        for i in range(n):
            AwardProposal.objects.create(
                nominee_kind=NomineeKind.INDIVIDUAL if i % 2 else NomineeKind.COLLECTIVE,
                nominee_name=f"Đơn vị {i}",
                commune=ward,
                award_kind=kind,
                year=2021,
                proposed_on=datetime.date(2021, 12, 20),
                status=AwardStatus.DECIDED,
                decision_number=f"{i}/QĐ",
                decision_date=datetime.date(2021, 12, 30),
            )


def _plans(make_user: Any) -> None:
    """115 plans and documents issued in 2021 (the seed's "115 kế hoạch, văn bản"), entered by the three
    wards in the monthly data set for police months 2 to 12 and approved by the province."""
    from binhyen.datasets import domain as datasets

    dataset = datasets.get_dataset("antq_thang")
    analyst = make_user("province_analyst", LAM_DONG)
    plans = iter([4] * 16 + [3] * 17)  # 33 forms, 115 in all
    for code in WARDS:
        officer = make_user("commune_officer", code)
        ward = areas.get_area(code)
        for month in range(2, 13):
            period = periods.parse(f"2021P{month:02d}")
            typed = {
                "plans_issued": next(plans),
                "steering_meetings": 1,
                "mass_tips_received": 20,
                "mass_tips_valuable": 11,
                "offenders_assigned": 2,
                "offenders_progressed": 1,
            }
            form = datasets.submit_form(officer, dataset, ward, period, typed)
            assert form.submission is not None
            datasets.approve(analyst, form.submission)


@pytest.fixture
def bao_loc(make_user: Any) -> None:
    rng = random.Random(2021)
    _tips(2021, 705, 403, rng)
    _tips(2020, 600, 300, rng)
    _schemes()
    _outreach(2021, 90, 5000, 30000)
    _outreach(2020, 72, 4100, 25000)
    _awards()
    _plans(make_user)
    rollup.rebuild()


def test_baoloc_2021_figures_and_ratios(bao_loc: None) -> None:
    province = areas.get_area(LAM_DONG)
    year = periods.parse("2021")
    data = stats_summary.build(province.path, year)

    def v(code: str) -> float | None:
        f = data.figure(code)
        assert f is not None, code
        return f.value

    assert v("tips") == 705 and v("tips_valuable") == 403
    assert round(v("tips_valuable_pct") or 0, 1) == 57.2
    assert v("schemes") == 31 and v("scheme_sites") == 48
    assert (
        v("outreach_sessions") == 90 and v("outreach_attendees") == 5000 and v("outreach_leaflets") == 30000
    )
    assert v("awards") == 27
    assert v("plans_issued") == 115
    levels = {r.key: r.value for b in data.breakdowns if b.code == "schemes" for r in b.rows}
    assert levels == {"commune": 23, "province": 8}
    # The three wards rank by tips; the 8 schemes managed above the wards sit at the province itself.
    assert {r.path for r in data.ranking["tips"]} == {areas.get_area(c).path for c in WARDS}


def test_baoloc_2021_report_states_the_figures(bao_loc: None) -> None:
    province = areas.get_area(LAM_DONG)
    report = writer.write(province, periods.parse("2021"), writer.Options(number="12"))
    text = "\n".join(b.plain_text for b in report.blocks if isinstance(b, Paragraph))
    assert "Tiếp nhận 705 tin báo" in text
    assert "tăng 105 tin, tăng 17,5% so với cùng kỳ" in text
    assert "403 tin có giá trị, chiếm 57,2%" in text
    assert "Duy trì 31 mô hình phòng, chống tội phạm tại 48 điểm" in text
    assert "23 mô hình do cấp xã quản lý, 8 mô hình do cấp tỉnh quản lý" in text
    assert "Tổ chức 90 buổi tuyên truyền với 5.000 lượt người tham dự, phát 30.000 tờ rơi" in text
    assert "tăng 18 buổi, tăng 25,0% so với cùng kỳ" in text
    assert "Có 27 tập thể, cá nhân được khen thưởng" in text
    assert (
        "Kế hoạch, văn bản chỉ đạo về bảo đảm ANTT và xây dựng phong trào được ban hành: 115 văn bản" in text
    )
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as z:
        xml = z.read("word/document.xml").decode()
    for phrase in ("Tiếp nhận 705 tin báo", "57,2%", "tại 48 điểm", "Số: 12/BC-CA", "năm 2021"):
        assert phrase in xml, phrase


def test_incremental_updates_match_the_rebuild(bao_loc: None, make_user: Any) -> None:
    # One more valuable tip through the ORM (signals mark the day) shows after one incremental pass.
    ward = areas.get_area(WARDS[1])
    tip = (
        Tip.objects.filter(area_path=ward.path, valuable=False, received_at__year=2021).order_by("id").first()
    )
    assert tip is not None
    tip.valuable = True
    tip.save()
    rollup.run()
    data = stats_summary.build(areas.get_area(LAM_DONG).path, periods.parse("2021"))
    figure = data.figure("tips_valuable")
    assert figure is not None and figure.value == 404


def test_baoloc_2021_dashboard_shows_entered_figures(bao_loc: None, client: Any, make_user: Any) -> None:
    client.force_login(
        make_user("province_analyst", LAM_DONG), backend="binhyen.accounts.backends.LockoutModelBackend"
    )
    page = client.get(f"/thong-ke/?area={LAM_DONG}&period=2021")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-indicator="plans_issued"' in text
    assert ">115<" in text
