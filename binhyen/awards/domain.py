"""Domain rules for award proposals (đề nghị khen thưởng) and their approval flow.

    draft → submitted → approved (commune leaders, APPROVE_AWARDS) → decided (DECIDE_AWARDS: number,
    date, issuing authority); rejected, with a reason, at approval (APPROVE_AWARDS) or at decision
    (DECIDE_AWARDS).

Drafts are written by commune officers and leaders (PROPOSE_AWARDS) and only drafts can be edited or
deleted. `counts` gives what a report needs: proposals by award kind and status.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.awards.models import AwardKind, AwardProposal, NomineeKind, Status
from binhyen.core import parsing
from binhyen.core.text import fold, nfc

MAX_NAME = 200
MAX_ACHIEVEMENT = 5000
MIN_ACHIEVEMENT = 10
KIND_CODES: tuple[str, ...] = tuple(AwardKind.values)
KIND_LABELS: dict[str, str] = {str(k): str(v) for k, v in AwardKind.choices}
STATUS_CODES: tuple[str, ...] = tuple(Status.values)
STATUS_LABELS: dict[str, str] = {str(k): str(v) for k, v in Status.choices}
NOMINEE_LABELS: dict[str, str] = {str(k): str(v) for k, v in NomineeKind.choices}
MEDALS = ("medal_1", "medal_2", "medal_3")
KIND_ALIASES: dict[str, str] = {
    **{fold(label): code for code, label in KIND_LABELS.items()},
    **{code.replace("_", " "): code for code in KIND_CODES},
    "huy chuong bao ve an ninh to quoc hang nhat": "medal_1", "huy chuong hang nhat": "medal_1",
    "huy chuong bao ve an ninh to quoc hang nhi": "medal_2", "huy chuong hang nhi": "medal_2",
    "huy chuong bao ve an ninh to quoc hang ba": "medal_3", "huy chuong hang ba": "medal_3",
    "bang khen bo cong an": "ministry_merit", "bang khen cua bo cong an": "ministry_merit",
    "bang khen bo truong bo cong an": "ministry_merit", "bang khen bo": "ministry_merit",
    "bang khen ubnd tinh": "province_merit", "bang khen cua ubnd tinh": "province_merit",
    "bang khen chu tich ubnd tinh": "province_merit", "bang khen tinh": "province_merit",
    "giay khen": "commendation", "co thi dua": "emulation_flag", "co": "emulation_flag",
}  # fmt: skip
NOMINEE_ALIASES = {
    "individual": "individual", "ca nhan": "individual", "person": "individual",
    "collective": "collective", "tap the": "collective", "group": "collective",
}  # fmt: skip


class AwardError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    (422 invalid, 403 forbidden, 404 not found, 409 not possible in the proposal's current status)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class AwardForbidden(AwardError):
    def __init__(self, message: str = "Bạn không có quyền với đề nghị khen thưởng này.") -> None:
        super().__init__(message, status=403)


class AwardNotFound(AwardError):
    def __init__(self, message: str = "Không tìm thấy đề nghị khen thưởng.") -> None:
        super().__init__(message, status=404)


class AwardConflict(AwardError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="status", status=409)


# --- input ------------------------------------------------------------------------------------------


@dataclass
class ProposalInput:
    nominee_kind: str = ""  # individual | collective (or Cá nhân / Tập thể)
    nominee_name: str = ""
    commune: str = ""
    village: str = ""
    award_kind: str = ""  # AwardKind code (or its Vietnamese name)
    year: int | None = None
    proposed_on: datetime.date | None = None  # default: today
    achievement: str = ""


def proposal_data(p: AwardProposal) -> ProposalInput:
    return ProposalInput(
        nominee_kind=p.nominee_kind,
        nominee_name=p.nominee_name,
        commune=p.commune.code,
        village=p.village.code if p.village_id and p.village else "",
        award_kind=p.award_kind,
        year=p.year,
        proposed_on=p.proposed_on,
        achievement=p.achievement,
    )




def parse_date(text: str, field: str = "date") -> datetime.date | None:
    try:
        return parsing.parse_date(text)
    except ValueError as e:
        raise AwardError(str(e), field) from None


def parse_year(text: str, field: str = "year") -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise AwardError(f"Năm «{text[:10]}» không hợp lệ; nhập bốn chữ số, ví dụ 2021.", field)
    return int(text)


def _alias(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text).replace("_", " ")).split())


def kind_code(text: str) -> str | None:
    key = _alias(text)
    if not key:
        return None
    if key.replace(" ", "_") in KIND_CODES:
        return key.replace(" ", "_")
    return KIND_ALIASES.get(key)


def nominee_code(text: str) -> str | None:
    return NOMINEE_ALIASES.get(_alias(text))


FORM_FIELDS = ("nominee_kind", "nominee_name", "commune", "village", "award_kind", "year", "proposed_on",
               "achievement")  # fmt: skip


def from_form(values: Mapping[str, str]) -> ProposalInput:
    return ProposalInput(
        nominee_kind=values.get("nominee_kind", ""),
        nominee_name=values.get("nominee_name", ""),
        commune=values.get("commune", ""),
        village=values.get("village", ""),
        award_kind=values.get("award_kind", ""),
        year=parse_year(values.get("year", "")),
        proposed_on=parse_date(values.get("proposed_on", ""), "proposed_on"),
        achievement=values.get("achievement", ""),
    )


def form_values(data: ProposalInput) -> dict[str, str]:
    return {
        "nominee_kind": data.nominee_kind,
        "nominee_name": data.nominee_name,
        "commune": data.commune,
        "village": data.village,
        "award_kind": data.award_kind,
        "year": "" if data.year is None else str(data.year),
        "proposed_on": data.proposed_on.isoformat() if data.proposed_on else "",
        "achievement": data.achievement,
    }


# --- validation -------------------------------------------------------------------------------------


def get_commune(code: str) -> Area:
    try:
        return areas.commune_by_code(code, "Hãy chọn xã, phường đề nghị khen thưởng.")
    except areas.AreaError as e:
        raise AwardError(e.message, e.field) from None


def _village(commune: Area, code: str) -> Area | None:
    try:
        return areas.village_in(commune, code)
    except areas.AreaError as e:
        raise AwardError(e.message, e.field) from None


def clean(data: ProposalInput) -> dict[str, Any]:
    nominee = nominee_code(data.nominee_kind or "")
    if nominee is None:
        raise AwardError("Hãy chọn đối tượng khen thưởng: cá nhân hoặc tập thể.", "nominee_kind")
    name = " ".join(nfc(data.nominee_name or "").split())
    if len(name) < 2:
        raise AwardError(
            "Hãy nhập họ tên cá nhân." if nominee == "individual" else "Hãy nhập tên tập thể.", "nominee_name"
        )
    if len(name) > MAX_NAME:
        raise AwardError(f"Tên quá dài (tối đa {MAX_NAME} ký tự).", "nominee_name")
    commune = get_commune(data.commune)
    village = _village(commune, data.village)
    if not (data.award_kind or "").strip():
        raise AwardError("Hãy chọn hình thức khen thưởng.", "award_kind")
    kind = kind_code(data.award_kind)
    if kind is None:
        allowed = "; ".join(KIND_LABELS.values())
        raise AwardError(
            f"Hình thức khen thưởng «{data.award_kind[:60]}» không có trong danh mục; dùng: {allowed}.",
            "award_kind",
        )
    if kind in MEDALS and nominee != "individual":
        raise AwardError("Huy chương Bảo vệ an ninh Tổ quốc chỉ đề nghị cho cá nhân.", "award_kind")
    if kind == "emulation_flag" and nominee != "collective":
        raise AwardError("Cờ thi đua chỉ đề nghị cho tập thể.", "award_kind")
    today = timezone.localdate()
    proposed_on = data.proposed_on or today
    if proposed_on > today:
        raise AwardError("Ngày đề nghị không thể ở tương lai.", "proposed_on")
    year = data.year if data.year is not None else proposed_on.year
    if not isinstance(year, int) or isinstance(year, bool) or not 1975 <= year <= today.year:
        raise AwardError(f"Năm thành tích phải từ 1975 đến {today.year}.", "year")
    if proposed_on.year < year:
        raise AwardError("Ngày đề nghị không thể trước năm thành tích.", "proposed_on")
    achievement = nfc(data.achievement or "").strip()
    if len(achievement) < MIN_ACHIEVEMENT:
        raise AwardError("Hãy tóm tắt thành tích (ít nhất vài câu).", "achievement")
    if len(achievement) > MAX_ACHIEVEMENT:
        raise AwardError(f"Tóm tắt thành tích quá dài (tối đa {MAX_ACHIEVEMENT} ký tự).", "achievement")
    return {
        "nominee_kind": nominee,
        "nominee_name": name,
        "commune": commune,
        "village": village,
        "award_kind": kind,
        "year": year,
        "proposed_on": proposed_on,
        "achievement": achievement,
    }


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, area: Area | None = None) -> bool:
    if area is None:
        return has_perm(user, Perm.VIEW_MOVEMENT)
    return has_perm(user, Perm.VIEW_MOVEMENT, area)


def can_propose(user: Any, proposal: AwardProposal | None = None, commune: Area | None = None) -> bool:
    place = proposal.commune if proposal is not None else commune
    if place is None:
        return has_perm(user, Perm.PROPOSE_AWARDS)
    return has_perm(user, Perm.PROPOSE_AWARDS, place)


def can_approve(user: Any, proposal: AwardProposal) -> bool:
    return has_perm(user, Perm.APPROVE_AWARDS, proposal.commune)


def can_decide(user: Any, proposal: AwardProposal) -> bool:
    return has_perm(user, Perm.DECIDE_AWARDS, proposal.commune)


def actions(user: Any, proposal: AwardProposal) -> set[str]:
    """What the user may do with the proposal now: edit, delete, submit, approve, reject, decide."""
    done: set[str] = set()
    if proposal.status == Status.DRAFT and can_propose(user, proposal):
        done |= {"edit", "delete", "submit"}
    if proposal.status == Status.SUBMITTED and can_approve(user, proposal):
        done |= {"approve", "reject"}
    if proposal.status == Status.APPROVED and can_decide(user, proposal):
        done |= {"decide", "reject"}
    return done


def _require_propose(user: Any, commune: Area) -> None:
    if not has_perm(user, Perm.PROPOSE_AWARDS, commune):
        raise AwardForbidden(f"Bạn không có quyền lập đề nghị khen thưởng ở {commune.name}.")


def _require_status(proposal: AwardProposal, *allowed: str, doing: str) -> None:
    if proposal.status not in allowed:
        current = STATUS_LABELS.get(proposal.status, proposal.status)
        raise AwardConflict(f"Không thể {doing}: đề nghị đang ở trạng thái «{current}».")


def _who(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# --- writing ----------------------------------------------------------------------------------------


def create_proposal(user: Any, data: ProposalInput) -> AwardProposal:
    """A draft proposal; the user must propose awards in its commune."""
    _require_propose(user, get_commune(data.commune))
    proposal = AwardProposal(**clean(data), status=Status.DRAFT, proposed_by=_who(user))
    proposal.save()
    return proposal


def update_proposal(user: Any, proposal: AwardProposal, data: ProposalInput) -> AwardProposal:
    """Change a draft (after submission a proposal is no longer edited: it is approved or rejected)."""
    _require_propose(user, proposal.commune)
    _require_status(proposal, Status.DRAFT, doing="sửa đề nghị")
    _require_propose(user, get_commune(data.commune))
    for name, value in clean(data).items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


def delete_proposal(user: Any, proposal: AwardProposal) -> None:
    _require_propose(user, proposal.commune)
    _require_status(proposal, Status.DRAFT, doing="xoá đề nghị")
    proposal.delete()


def _locked(proposal: AwardProposal) -> AwardProposal:
    # Only the proposal's row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    qs = AwardProposal.objects.select_for_update(of=("self",)).select_related("commune", "village")
    return qs.get(pk=proposal.pk)


def submit(user: Any, proposal: AwardProposal) -> AwardProposal:
    """Draft → submitted (trình xét duyệt)."""
    _require_propose(user, proposal.commune)
    with transaction.atomic():
        p = _locked(proposal)
        _require_status(p, Status.DRAFT, doing="trình đề nghị")
        p.status, p.submitted_at = Status.SUBMITTED, timezone.now()
        p.save()
    return p


def approve(user: Any, proposal: AwardProposal) -> AwardProposal:
    """Submitted → approved by the commune (lãnh đạo xã duyệt, APPROVE_AWARDS)."""
    if not can_approve(user, proposal):
        raise AwardForbidden(f"Chỉ lãnh đạo {proposal.commune.name} được duyệt đề nghị khen thưởng.")
    with transaction.atomic():
        p = _locked(proposal)
        _require_status(p, Status.SUBMITTED, doing="duyệt đề nghị")
        p.status, p.approved_by, p.approved_at = Status.APPROVED, _who(user), timezone.now()
        p.save()
    return p


def reject(user: Any, proposal: AwardProposal, reason: str) -> AwardProposal:
    """Submitted → rejected (by the commune) or approved → rejected (at decision), with a reason."""
    reason = nfc(reason or "").strip()
    _require_status(proposal, Status.SUBMITTED, Status.APPROVED, doing="từ chối đề nghị")
    if proposal.status == Status.SUBMITTED and not can_approve(user, proposal):
        raise AwardForbidden(f"Chỉ lãnh đạo {proposal.commune.name} được trả lại đề nghị đã trình.")
    if proposal.status == Status.APPROVED and not can_decide(user, proposal):
        raise AwardForbidden("Chỉ cấp có thẩm quyền quyết định khen thưởng được từ chối đề nghị đã duyệt.")
    if len(reason) < 5:
        raise AwardError("Hãy ghi lý do không khen thưởng.", "reason")
    if len(reason) > 2000:
        raise AwardError("Lý do quá dài (tối đa 2.000 ký tự).", "reason")
    with transaction.atomic():
        p = _locked(proposal)
        _require_status(p, Status.SUBMITTED, Status.APPROVED, doing="từ chối đề nghị")
        p.rejected_stage = p.status
        p.status, p.rejected_by, p.rejected_at = Status.REJECTED, _who(user), timezone.now()
        p.rejection_reason = reason
        p.save()
    return p


@dataclass
class Decision:
    number: str = ""  # "1234/QĐ-UBND"
    date: datetime.date | None = None
    authority: str = ""  # "Chủ tịch UBND tỉnh Lâm Đồng"


_DECISION_RE = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ/.\- ]+$")


def decide(user: Any, proposal: AwardProposal, decision: Decision) -> AwardProposal:
    """Approved → decided (quyết định khen thưởng), with the decision's number, date and authority."""
    if not can_decide(user, proposal):
        raise AwardForbidden(
            "Chỉ cấp có thẩm quyền (Công an tỉnh, quản trị) được ghi quyết định khen thưởng."
        )
    number = nfc(decision.number or "").strip()
    if not number:
        raise AwardError("Hãy nhập số quyết định, ví dụ 1234/QĐ-UBND.", "decision_number")
    if len(number) > 60 or not _DECISION_RE.match(number) or not any(c.isdigit() for c in number):
        raise AwardError(
            f"Số quyết định «{number[:60]}» không hợp lệ; ví dụ 1234/QĐ-UBND.", "decision_number"
        )
    if decision.date is None:
        raise AwardError("Hãy nhập ngày quyết định.", "decision_date")
    if decision.date > timezone.localdate():
        raise AwardError("Ngày quyết định không thể ở tương lai.", "decision_date")
    if decision.date < proposal.proposed_on:
        raise AwardError("Ngày quyết định không thể trước ngày đề nghị.", "decision_date")
    authority = nfc(decision.authority or "").strip()
    if len(authority) < 3:
        raise AwardError("Hãy nhập cơ quan, người ký quyết định.", "issuing_authority")
    if len(authority) > 200:
        raise AwardError("Cơ quan ký quyết định quá dài (tối đa 200 ký tự).", "issuing_authority")
    with transaction.atomic():
        p = _locked(proposal)
        _require_status(p, Status.APPROVED, doing="ghi quyết định khen thưởng")
        p.status, p.decided_by, p.decided_at = Status.DECIDED, _who(user), timezone.now()
        p.decision_number, p.decision_date, p.issuing_authority = number, decision.date, authority
        p.save()
    return p


# --- reading ----------------------------------------------------------------------------------------


def within(area: Area) -> Q:
    return Q(area_path__gte=area.path, area_path__lt=area.path + "z")


def visible_proposals(user: Any) -> QuerySet[AwardProposal]:
    qs = AwardProposal.objects.select_related("commune", "village")
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    query = Q(pk__in=[])
    for root in roots:
        query |= within(root)
    return qs.filter(query)


def get_proposal(user: Any, proposal_id: int | str) -> AwardProposal:
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError):
        raise AwardNotFound() from None
    found = visible_proposals(user).filter(pk=pk).first()
    if found is None:
        raise AwardNotFound()
    return found


def record_name_read(proposal: AwardProposal) -> None:
    """An individual's name is personal data: every read of one proposal's detail is audited."""
    if proposal.nominee_kind == NomineeKind.INDIVIDUAL:
        from binhyen.audit import domain as audit

        audit.record_read(proposal, ["nominee_name"], area_path=proposal.area_path, purpose="khen thưởng")


@dataclass
class Filters:
    area: Area | None = None
    start: datetime.date | None = None  # proposal date, inclusive
    end: datetime.date | None = None
    award_kind: str = ""
    status: str = ""
    year: int | None = None


def check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and start > end:
        raise AwardError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from")


def filter_proposals(qs: QuerySet[AwardProposal], f: Filters) -> QuerySet[AwardProposal]:
    if f.area is not None:
        qs = qs.filter(within(f.area))
    if f.start is not None:
        qs = qs.filter(proposed_on__gte=f.start)
    if f.end is not None:
        qs = qs.filter(proposed_on__lte=f.end)
    if f.award_kind:
        qs = qs.filter(award_kind=f.award_kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year is not None:
        qs = qs.filter(year=f.year)
    return qs


# --- statistics -------------------------------------------------------------------------------------


@dataclass
class KindRow:
    code: str
    label: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_CODES, 0))
    individuals: int = 0
    collectives: int = 0


@dataclass
class Counts:
    area: Area | None
    start: datetime.date | None
    end: datetime.date | None
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_CODES, 0))
    individuals: int = 0
    collectives: int = 0
    by_kind: list[KindRow] = field(default_factory=list)  # every kind, in the fixed order

    @property
    def medals_decided(self) -> int:
        return sum(r.by_status["decided"] for r in self.by_kind if r.code in MEDALS)


def summarise(
    qs: QuerySet[AwardProposal],
    area: Area | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Counts:
    rows = {c: KindRow(c, KIND_LABELS[c]) for c in KIND_CODES}
    result = Counts(area, start, end)
    grouped = qs.order_by().values("award_kind", "status", "nominee_kind").annotate(n=Count("id"))
    for r in grouped:
        row, n = rows.get(r["award_kind"]), r["n"]
        if row is None or r["status"] not in result.by_status:
            continue
        row.total += n
        row.by_status[r["status"]] += n
        result.total += n
        result.by_status[r["status"]] += n
        if r["nominee_kind"] == NomineeKind.INDIVIDUAL:
            row.individuals += n
            result.individuals += n
        else:
            row.collectives += n
            result.collectives += n
    result.by_kind = list(rows.values())
    return result


def counts(area: Area | None, start: datetime.date | None, end: datetime.date | None) -> Counts:
    """Proposals in an area (None: the whole country) proposed from `start` to `end` (both included;
    None: open), by award kind and status. The caller checks that the user may view them."""
    check_period(start, end)
    return summarise(
        filter_proposals(AwardProposal.objects.all(), Filters(area, start, end)), area, start, end
    )
