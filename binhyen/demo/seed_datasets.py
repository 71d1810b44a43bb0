"""Demo data for period data sets: what the demo communes of Lâm Đồng reported from January 2024 on.

- The monthly report (antq_thang), police months from 2024P01 to the last month that has ended, for the
  seven demo communes: plans and documents issued (Bảo Lộc 2021 issued «115 kế hoạch, văn bản» in a
  year across 11 communes: about one per commune and month), steering-committee meetings, tips the people
  gave through the movement's organisations (Bảo Lộc: «705 tin, 403 tin có giá trị», about 57 % valuable)
  and people who erred helped back into the community.
- The quarterly report (antq_quy), police quarters: boards and teams consolidated, review conferences
  (more at the mid-year and year-end reviews), collectives and people commended, security pledges.
- The province's half-year review (antq_so_ket) for Lâm Đồng: safe and exemplary communes (seed 001:
  «164/173 xã, phường, thị trấn an toàn về ANTT»), models reviewed and retired, self-managed worker
  housing.

Everything before the last ended period is approved by the province (phongtrao.lamdong; the province's own
report by the administrator), most of it sent on time, some a few days late. The last ended period shows
the flow at work: some forms approved, some waiting for approval, one returned with a reason, one still a
draft and one not started. Deterministic (fixed random seed) and idempotent: skipped when the demo units
already have submissions. Rows are bulk-inserted, then the data set statistics are recounted.
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
from binhyen.audit import domain as audit
from binhyen.datasets import domain
from binhyen.datasets.models import DataSet, DataValue, EventAction, Status, Submission, SubmissionEvent
from binhyen.stats import periods, registry, rollup
from binhyen.stats.periods import Period

PROVINCE = "68"
COMMUNES = ["24958", "24967", "24976", "24985", "24823", "24820", "24829"]
URBAN = {"24823", "24820", "24829"}  # Bảo Lộc wards: more tips, more pledges
OFFICERS = {
    "24958": "congan.ductrong", "24967": "congan.hiepthanh", "24976": "congan.tanhoi",
    "24985": "congan.ninhgia", "24823": "congan.phuong1", "24820": "congan.phuong2", "24829": "congan.blao",
}  # fmt: skip
APPROVER = "phongtrao.lamdong"
ADMIN = "admin"
START = datetime.date(2024, 1, 1)
RETURN_REASON = (
    "Số tin có giá trị chưa khớp với sổ theo dõi tin báo của Công an xã; đề nghị đối chiếu lại và gửi lại."
)
# The last ended period: (commune code, what happened to its form).
LATEST = {
    "24958": Status.APPROVED, "24967": Status.SUBMITTED, "24976": Status.RETURNED, "24985": Status.SUBMITTED,
    "24823": Status.APPROVED, "24820": "draft", "24829": "",  # "": not started
}  # fmt: skip


def _monthly(rng: random.Random, code: str, period: Period) -> dict[str, Decimal]:
    urban = code in URBAN
    month = period.end.month
    plans = rng.choice([0, 1, 1, 1, 2]) + (1 if month in (1, 6, 12) else 0)
    received = rng.randint(3, 9) if urban else rng.randint(1, 6)
    valuable = sum(1 for _ in range(received) if rng.random() < 0.57)
    assigned = rng.randint(0, 4)
    return {
        "plans_issued": Decimal(plans),
        "steering_meetings": Decimal(1 if rng.random() < 0.8 else 0),
        "mass_tips_received": Decimal(received),
        "mass_tips_valuable": Decimal(valuable),
        "offenders_assigned": Decimal(assigned),
        "offenders_progressed": Decimal(sum(1 for _ in range(assigned) if rng.random() < 0.6)),
    }


def _quarterly(rng: random.Random, code: str, period: Period) -> dict[str, Decimal]:
    review = period.end.month in (6, 12)  # sơ kết 6 tháng, tổng kết năm
    return {
        "boards_consolidated": Decimal(rng.randint(0, 3)),
        "conferences_held": Decimal(rng.randint(1, 2) + (1 if review else 0)),
        "collectives_commended": Decimal(rng.randint(0, 2) + (2 if period.end.month == 12 else 0)),
        "individuals_commended": Decimal(rng.randint(1, 5) + (4 if period.end.month == 12 else 0)),
        "security_pledges": Decimal(rng.randint(60, 140) if code in URBAN else rng.randint(20, 80)),
    }


def _half_year(rng: random.Random, code: str, period: Period) -> dict[str, Decimal]:
    safe = Decimal(str(round(rng.uniform(92.5, 96.5), 1)))
    reviewed = rng.randint(45, 60)
    return {
        "safe_communes_pct": safe,
        "exemplary_communes_pct": Decimal(str(round(rng.uniform(15, 24), 1))),
        "models_reviewed": Decimal(reviewed),
        "models_retired": Decimal(rng.randint(1, 5)),
        "worker_housing_self_managed": Decimal(rng.randint(3, 10)),
    }


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)


def _periods(dataset: DataSet, today: datetime.date) -> list[Period]:
    """From the period holding START to the last one that has ended."""
    last = domain.last_closed_period(dataset, today)
    if last.end < START:
        return []
    return periods.periods_between(dataset.period_kind, START, last.end)


class _Batch:
    def __init__(self) -> None:
        self.values: list[tuple[Submission, dict[str, Decimal], str]] = []
        self.events: list[tuple[Submission, str, Any, datetime.datetime, str]] = []


def _form(
    batch: _Batch,
    rng: random.Random,
    dataset: DataSet,
    area: Area,
    period: Period,
    numbers: dict[str, Decimal],
    status: str,
    officer: Any,
    approver: Any,
    now: datetime.datetime,
) -> Submission | None:
    if status == "":
        return None
    due = domain.due_date(dataset, period)
    # Most units send their report in the last days before the due date; about one in six is late.
    sent_day = (
        due - datetime.timedelta(days=rng.randint(0, 4))
        if rng.random() > 0.17
        else due + datetime.timedelta(days=rng.randint(1, 6))
    )
    sent = min(_at(sent_day, rng), now - datetime.timedelta(hours=6))
    saved = sent - datetime.timedelta(days=rng.randint(0, 2), hours=rng.randint(1, 5))
    sub = Submission(
        dataset=dataset, area=area, area_path=area.path, period=period.id, period_start=period.start,
        period_end=period.end, due_date=due, status=Status.DRAFT, created_by=officer,
    )  # fmt: skip
    batch.events.append((sub, EventAction.SAVED, officer, saved, ""))
    if status == "draft":
        numbers = dict(list(numbers.items())[: len(numbers) // 2])  # half filled in
    else:
        sub.status = status
        sub.first_submitted_at = sub.submitted_at = sent
        sub.submitted_by = officer
        batch.events.append((sub, EventAction.SUBMITTED, officer, sent, ""))
    if status == Status.APPROVED:
        sub.approved_at = min(sent + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5)), now)
        sub.approved_by = approver
        batch.events.append((sub, EventAction.APPROVED, approver, sub.approved_at, ""))
    if status == Status.RETURNED:
        sub.returned_at = min(sent + datetime.timedelta(days=2), now)
        sub.returned_by = approver
        sub.return_reason = RETURN_REASON
        batch.events.append((sub, EventAction.RETURNED, approver, sub.returned_at, RETURN_REASON))
    batch.values.append((sub, numbers, getattr(officer, "username", "")))
    return sub


def seed_datasets(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, int]:
    """Seed the demo units' data set submissions; skipped when they have some. Returns how many values each
    data set got (0: skipped)."""
    units = {a.code: a for a in Area.objects.filter(code__in=[*COMMUNES, PROVINCE])}
    wanted = {"antq_thang": _monthly, "antq_quy": _quarterly, "antq_so_ket": _half_year}
    sets = {ds.code: ds for ds in domain.datasets().filter(code__in=wanted)}
    result = dict.fromkeys(wanted, 0)
    if len(units) < len(COMMUNES) + 1 or len(sets) < len(wanted):
        return result
    if Submission.objects.filter(area__in=units.values(), dataset__in=sets.values()).exists():
        return result
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[*OFFICERS.values(), APPROVER, ADMIN])
    }
    today = timezone.localdate()
    now = timezone.now()
    items: Iterable[str] = progress(list(wanted)) if progress else list(wanted)
    with audit.acting_as("system: demo seed"):
        for code in items:
            dataset = sets[code]
            rng = random.Random(f"datasets-{code}")
            elements = {e.code: e for e in domain.elements_of(dataset)}
            chosen = _periods(dataset, today)
            batch = _Batch()
            filled_by = [PROVINCE] if dataset.level == Level.PROVINCE else COMMUNES
            for i, period in enumerate(chosen):
                latest = i == len(chosen) - 1
                for unit_code in filled_by:
                    numbers = wanted[code](rng, unit_code, period)
                    if unit_code == PROVINCE:
                        officer, approver = users.get(ADMIN), users.get(ADMIN)
                        status: str = Status.SUBMITTED if latest else Status.APPROVED
                    else:
                        officer, approver = users.get(OFFICERS[unit_code]), users.get(APPROVER)
                        status = LATEST[unit_code] if latest else Status.APPROVED
                    if status == Status.RETURNED:
                        numbers["mass_tips_valuable"] = numbers.get("mass_tips_received", Decimal(0))
                    _form(
                        batch, rng, dataset, units[unit_code], period, numbers, status, officer, approver, now
                    )
            with transaction.atomic():
                result[code] = _store(batch, elements)
        rollup.rebuild([registry.source("datasets")])
    return result


def _store(batch: _Batch, elements: dict[str, Any]) -> int:
    subs = [s for s, _, _ in batch.values]
    Submission.objects.bulk_create(subs, batch_size=500)
    rows = [
        DataValue(
            submission=sub,
            element=elements[code],
            element_code=code,
            area_id=sub.area_id,
            area_path=sub.area_path,
            period=sub.period,
            period_start=sub.period_start,
            value=value,
            approved=sub.status == Status.APPROVED,
            stored_by=who,
        )  # fmt: skip
        for sub, numbers, who in batch.values
        for code, value in numbers.items()
        if code in elements
    ]
    DataValue.objects.bulk_create(rows, batch_size=1000)
    events = [
        SubmissionEvent(submission=sub, action=action, by=by, note=note)
        for sub, action, by, _, note in batch.events
    ]
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    # `at` is filled on insert (auto_now_add): give each event its real time.
    for event, (_, _, _, at, _) in zip(events, batch.events, strict=True):
        event.at = at
    SubmissionEvent.objects.bulk_update(events, ["at"], batch_size=500)
    return len(rows)
