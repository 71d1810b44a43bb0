"""Demo assessments for the demo communes of Lâm Đồng (old Đức Trọng district and Bảo Lộc):

- window 2025AR (01/11/2024 – 31/10/2025): every demo village and residential group assessed against the
  «An toàn về an ninh, trật tự» standard for residential areas, approved by the province in November 2025;
  about nine in ten pass (the others fail one criterion, a few a disqualifying one);
- window 2025AC (16/11/2024 – 15/11/2025): each demo commune and ward assessed against the commune standard
  and classified on the 100-point movement rubric, and a few schools and enterprises, approved in December
  2025;
- the last window that has ended since (2026AR / 2026AC on a current machine), when it is not 2025: a few
  assessments still in the flow (a draft, one waiting for the commune's review, one waiting for the
  province, one returned), so the demo accounts have something to do.

Deterministic (fixed random seed) and idempotent: nothing is created when the demo communes already have
assessments. Rows are written through the models with dates in the past and the demo accounts as actors
(when they exist); every step also gets its event. Unit names of schools and enterprises are illustrative.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from binhyen.areas.models import Area, Level
from binhyen.assessment import domain
from binhyen.assessment.models import (
    Assessment,
    AssessmentEvent,
    AssessmentScore,
    EventKind,
    ItemKind,
    Rubric,
    RubricItem,
    Status,
    UnitKind,
)
from binhyen.audit import domain as audit
from binhyen.demo.seed_registries import COMMUNES, OFFICERS
from binhyen.stats import periods

LEADER = "lanhdao.ductrong"  # the only demo commune leader (Đức Trọng); elsewhere the review has no account
ANALYST = "phongtrao.lamdong"
GROUP_LEADERS = {"24958-0001": "totruong.tdp1"}
YEAR = 2025
# Units that fail in 2025: village code suffix → (item code, disqualifying?) by commune.
FAILING_VILLAGES = {
    "24958": {"0010": "3.1"},  # Thôn Phú Trung: thefts up on the year before
    "24967": {"0007": "2.3"},  # Thôn K'Rèn: a serious crime not yet cleared
    "24976": {"0004": "4.1"},  # Thôn Tân Phú: the self-managed scheme stopped
    "24823": {"0009": "3.2"},
    "24820": {"0004": "2.2"},
}
FAILING_COMMUNES = {"24820": "3.2"}  # Phường 2 Bảo Lộc: under 70% of residential groups safe
# Movement points aimed at per commune (the classes follow from the rubric's cut-offs).
MOVEMENT_TARGETS = {"24958": 93, "24967": 86, "24976": 78, "24985": 72, "24823": 91, "24820": 64, "24829": 83}
NAMED_UNITS: list[tuple[str, str, str]] = [
    ("24958", UnitKind.SCHOOL, "Trường THCS Liên Nghĩa"),
    ("24958", UnitKind.AGENCY, "Công ty TNHH Rau hoa Liên Nghĩa (mẫu)"),
    ("24967", UnitKind.SCHOOL, "Trường THPT Hiệp Thạnh (mẫu)"),
    ("24985", UnitKind.AGENCY, "Hợp tác xã Nông nghiệp Ninh Gia (mẫu)"),
    ("24823", UnitKind.SCHOOL, "Trường THCS Phường 1 Bảo Lộc (mẫu)"),
    ("24829", UnitKind.AGENCY, "Nhà máy chế biến chè B'Lao (mẫu)"),
]
EVIDENCE = [
    "Nghị quyết chi bộ số {n}-NQ/CB ngày {d}; bản đăng ký phấn đấu có chữ ký của {h} hộ.",
    "Kế hoạch số {n}/KH-UBND ngày {d} về bảo đảm an ninh, trật tự năm {y}.",
    "Biên bản họp Ban Chỉ đạo các quý I–IV; quyết định kiện toàn số {n}/QĐ-UBND.",
    "Báo cáo tổng kết năm {y} của Công an xã; sổ theo dõi buổi tuyên truyền.",
    "Ảnh và biên bản Ngày hội Toàn dân bảo vệ an ninh Tổ quốc ngày 19/8/{y}.",
]
REVIEW_NOTES = [
    "Chưa có biên bản họp quý IV.",
    "Số buổi tuyên truyền ít hơn kế hoạch.",
    "Mô hình mới chưa có đánh giá hiệu quả.",
]


def _users() -> dict[str, Any]:
    names = [*OFFICERS.values(), LEADER, ANALYST, *GROUP_LEADERS.values()]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(
        day, datetime.time(rng.randrange(7, 17), rng.randrange(0, 60)), tzinfo=tz
    )


def _items(rubric: Rubric) -> list[RubricItem]:
    return domain.rubric_items(rubric)


def _evidence(rng: random.Random, year: int) -> str:
    day = datetime.date(year, rng.randrange(1, 4), rng.randrange(1, 28))
    return rng.choice(EVIDENCE).format(
        n=rng.randrange(3, 120), d=f"{day:%d/%m/%Y}", h=rng.randrange(180, 900), y=year
    )


def _safety_marks(items: list[RubricItem], failing: str | None) -> dict[str, bool]:
    return {i.code: i.code != failing for i in items}


def _movement_marks(items: list[RubricItem], target: int, rng: random.Random) -> dict[str, Decimal]:
    """Points per item (halves) adding up to exactly `target`, never above an item's maximum."""
    points = [i for i in items if i.kind == ItemKind.POINTS]
    total_max = sum((i.max_points for i in points), Decimal(0))
    half = Decimal("0.5")
    scores = {
        i.code: (i.max_points * Decimal(target) * 2 / total_max).to_integral_value() / 2 for i in points
    }
    goal = Decimal(target)
    for _ in range(400):
        diff = goal - sum(scores.values(), Decimal(0))
        if not diff:
            break
        step = half if diff > 0 else -half
        fits = [i for i in points if Decimal(0) <= scores[i.code] + step <= i.max_points]
        pick = rng.choice(fits)
        scores[pick.code] += step
    return scores


class _Writer:
    def __init__(self, rng: random.Random, users: dict[str, Any]) -> None:
        self.rng = rng
        self.users = users
        self.count = 0

    def assessment(
        self,
        rubric: Rubric,
        unit_kind: str,
        area: Area,
        window: periods.Period,
        unit_name: str = "",
        *,
        status: str,
        marks: dict[str, Any],
        days: dict[str, datetime.date],
        review_changes: int = 0,
        reason: str = "",
    ) -> Assessment:
        """One assessment with its scores, reached `status` through the flow on the given days."""
        rng, users = self.rng, self.users
        commune = area.parent if area.level == Level.VILLAGE and area.parent else area
        self_user = users.get(GROUP_LEADERS.get(area.code, "")) or users.get(OFFICERS.get(commune.code, ""))
        reviewer = users.get(LEADER) if commune.code == "24958" else None
        analyst = users.get(ANALYST)
        a = Assessment(
            rubric=rubric,
            unit_kind=unit_kind,
            area=area,
            commune=commune,
            unit_name=unit_name or area.name,
            unit_key=domain.fold(unit_name) if unit_name else "",
            window=window.id,
            window_start=window.start,
            window_end=window.end,
            status=Status.DRAFT,
            created_by=self_user,
        )
        a.save()
        items = _items(rubric)
        year = int(window.id[:4])
        steps: dict[str, int] = {
            Status.DRAFT: 1,
            Status.RETURNED: 2,
            Status.SUBMITTED: 2,
            Status.REVIEWED: 3,
            Status.APPROVED: 4,
        }
        upto = steps[status]
        changed = set(rng.sample([i.code for i in items if i.kind == ItemKind.POINTS], review_changes))
        scores = []
        for n, item in enumerate(items):
            if status == Status.DRAFT and n >= len(items) // 2:
                break  # a draft half filled in
            s = AssessmentScore(assessment=a, item=item)
            if item.kind == ItemKind.POINTS:
                s.self_score = marks[item.code]
            else:
                s.self_met = marks[item.code]
            if item.evidence_required or rng.random() < 0.25:
                s.evidence = _evidence(rng, year)
            if upto >= 3:
                s.review_score, s.review_met = s.self_score, s.self_met
                if item.code in changed and s.self_score:
                    s.review_score = max(s.self_score - Decimal(rng.choice(["0.5", "1"])), Decimal(0))
                    s.review_note = rng.choice(REVIEW_NOTES)
            scores.append(s)
        AssessmentScore.objects.bulk_create(scores)
        own = domain.evaluate(rubric, items, domain.self_marks(scores))
        a.self_total = own.total
        events = [(EventKind.CREATED, "", Status.DRAFT, self_user, days["created"], "")]
        if upto >= 2:
            a.submitted_by, a.submitted_at = self_user, _at(days["submitted"], rng)
            events.append(
                (EventKind.SUBMITTED, Status.DRAFT, Status.SUBMITTED, self_user, days["submitted"], "")
            )
        if upto >= 3:
            reviewed = domain.evaluate(rubric, items, domain.review_marks(scores))
            a.review_total = reviewed.total
            a.reviewed_by, a.reviewed_at = reviewer, _at(days["reviewed"], rng)
            a.review_comment = "Hồ sơ đầy đủ, đề nghị công nhận." if reviewed.passed is not False else (
                "Đơn vị chưa đạt tiêu chí, đề nghị không công nhận năm nay."
            )  # fmt: skip
            events.append(
                (
                    EventKind.REVIEWED,
                    Status.SUBMITTED,
                    Status.REVIEWED,
                    reviewer,
                    days["reviewed"],
                    a.review_comment,
                )
            )
        if upto >= 4:
            a.total, a.result_class, a.result_label, a.passed = (
                reviewed.total, reviewed.result_class, reviewed.result_label, reviewed.passed,
            )  # fmt: skip
            a.approved_by, a.approved_at, a.approved_on = (
                analyst,
                _at(days["approved"], rng),
                days["approved"],
            )
            events.append(
                (EventKind.APPROVED, Status.REVIEWED, Status.APPROVED, analyst, days["approved"], "")
            )
        if status == Status.RETURNED:
            a.returned_by, a.returned_at, a.return_reason = reviewer, _at(days["returned"], rng), reason
            events.append(
                (EventKind.RETURNED, Status.SUBMITTED, Status.RETURNED, reviewer, days["returned"], reason)
            )
        a.status = status
        a.save()
        Assessment.objects.filter(pk=a.pk).update(created_at=_at(days["created"], rng))
        AssessmentEvent.objects.bulk_create(
            AssessmentEvent(
                assessment=a, kind=k, from_status=f, to_status=t, actor=u, at=_at(d, rng), reason=why
            )
            for k, f, t, u, d, why in events
        )
        self.count += 1
        return a


def _days(rng: random.Random, end: datetime.date, approve_after: int) -> dict[str, datetime.date]:
    created = end - datetime.timedelta(days=rng.randrange(12, 30))
    submitted = created + datetime.timedelta(days=rng.randrange(2, 8))
    reviewed = end + datetime.timedelta(days=rng.randrange(3, 12))
    approved = reviewed + datetime.timedelta(days=approve_after + rng.randrange(0, 6))
    return {"created": created, "submitted": submitted, "reviewed": reviewed, "approved": approved}


def _residential(w: _Writer, communes: dict[str, Area], rubric: Rubric) -> None:
    window = periods.parse(f"{YEAR}AR")
    items = _items(rubric)
    for code, commune in communes.items():
        for village in commune.children.order_by("path"):
            failing = FAILING_VILLAGES.get(code, {}).get(village.code.split("-")[-1])
            w.assessment(
                rubric, UnitKind.RESIDENTIAL, village, window, status=Status.APPROVED,
                marks=_safety_marks(items, failing), days=_days(w.rng, window.end, 14),
            )  # fmt: skip


def _communes(w: _Writer, communes: dict[str, Area], safety: Rubric, movement: Rubric) -> None:
    window = periods.parse(f"{YEAR}AC")
    safety_items, movement_items = _items(safety), _items(movement)
    for code, commune in communes.items():
        w.assessment(
            safety, UnitKind.COMMUNE, commune, window, status=Status.APPROVED,
            marks=_safety_marks(safety_items, FAILING_COMMUNES.get(code)), days=_days(w.rng, window.end, 12),
        )  # fmt: skip
        marks: dict[str, Any] = {
            **_movement_marks(movement_items, MOVEMENT_TARGETS.get(code, 80), w.rng),
            **{i.code: True for i in movement_items if i.kind == ItemKind.CHECK},
        }
        w.assessment(
            movement, UnitKind.COMMUNE, commune, window, status=Status.APPROVED, marks=marks,
            days=_days(w.rng, window.end, 14), review_changes=w.rng.choice([0, 1, 2]),
        )  # fmt: skip


def _named(w: _Writer, communes: dict[str, Area], rubrics: dict[str, Rubric]) -> None:
    window = periods.parse(f"{YEAR}AC")
    for code, kind, name in NAMED_UNITS:
        rubric = rubrics[kind]
        w.assessment(
            rubric, kind, communes[code], window, name, status=Status.APPROVED,
            marks=_safety_marks(_items(rubric), None), days=_days(w.rng, window.end, 10),
        )  # fmt: skip


def _in_flow(w: _Writer, communes: dict[str, Area], rubrics: dict[str, Rubric], today: datetime.date) -> None:
    """A few assessments of the last ended window still being worked on (skipped when that is 2025)."""
    window = periods.current(periods.PeriodKind.ASSESSMENT_RESIDENTIAL, today).previous()
    if int(window.id[:4]) <= YEAR:
        return
    rubric = rubrics[UnitKind.RESIDENTIAL]
    items = _items(rubric)
    villages = list(communes["24958"].children.order_by("path")[:3]) + list(
        communes["24967"].children.order_by("path")[:1]
    )
    statuses = [Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.RETURNED]
    for village, status in zip(villages, statuses, strict=False):
        start = min(today - datetime.timedelta(days=10), window.end + datetime.timedelta(days=5))
        days = {
            "created": start - datetime.timedelta(days=6),
            "submitted": start - datetime.timedelta(days=3),
            "reviewed": start,
            "returned": start,
        }
        w.assessment(
            rubric, UnitKind.RESIDENTIAL, village, window, status=status, marks=_safety_marks(items, None),
            days=days, reason="Bổ sung danh sách hộ gia đình ký cam kết và biên bản họp chi bộ.",
        )  # fmt: skip


def seed_assessment(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> int:
    """Create the demo assessments (skipped when the demo communes already have some). Returns how many
    assessments were created."""
    communes = {a.code: a for a in Area.objects.filter(code__in=COMMUNES, level=Level.COMMUNE)}
    if len(communes) < len(COMMUNES):
        return 0
    communes = {code: communes[code] for code in COMMUNES}
    paths = [c.path for c in communes.values()]
    if any(Assessment.objects.filter(area_path__startswith=p).exists() for p in paths):
        return 0
    rubrics = {
        UnitKind.RESIDENTIAL: Rubric.objects.filter(code="an-toan-khu-dan-cu").first(),
        UnitKind.COMMUNE: Rubric.objects.filter(code="an-toan-xa").first(),
        UnitKind.AGENCY: Rubric.objects.filter(code="an-toan-co-quan").first(),
        UnitKind.SCHOOL: Rubric.objects.filter(code="an-toan-truong-hoc").first(),
    }
    movement = Rubric.objects.filter(code="phong-trao-xa").first()
    if movement is None or any(r is None for r in rubrics.values()):
        return 0
    found: dict[str, Rubric] = {k: r for k, r in rubrics.items() if r is not None}
    today = timezone.localdate()
    if periods.parse(f"{YEAR}AC").end + datetime.timedelta(days=40) > today:
        return 0  # the 2025 windows have not been through their approvals yet on this clock
    w = _Writer(random.Random(20256), _users())
    steps: list[Callable[[], None]] = [
        lambda: _residential(w, communes, found[UnitKind.RESIDENTIAL]),
        lambda: _communes(w, communes, found[UnitKind.COMMUNE], movement),
        lambda: _named(w, communes, found),
        lambda: _in_flow(w, communes, found, today),
    ]
    items: Iterable[Callable[[], None]] = progress(steps) if progress else steps
    with audit.acting_as("system: demo seed"):
        for step in items:
            with transaction.atomic():
                step()
    return w.count
