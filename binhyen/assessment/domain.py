"""Domain rules for assessments: rubrics, scoring, the flow and the results.

    draft ──submit──► submitted ──review──► reviewed ──approve──► approved
      ▲   (the unit,      │  (the commune,      │  (the province,
      │   SELF_ASSESS)    │  REVIEW_ASSESSMENT) │  APPROVE_ASSESSMENT)
      └──── returned ◄────┘ return              ├──reject──► rejected
                       submitted ◄──── return ──┘

- A unit's self-assessment is written by whoever holds SELF_ASSESS over the unit's area (the village for a
  residential area, the commune for a commune, an agency or a school); it may be saved incomplete, and is
  submitted only when every item is scored (0..max points, one decimal) or decided (met / not met) and
  every item that asks for evidence has some (text, links or a file).
- The commune's review (REVIEW_ASSESSMENT over the unit's commune) gives the reviewer's score or decision
  per item (an item left out keeps the self score; a different score needs a note), or returns the
  assessment to the unit with a reason.
- The province (APPROVE_ASSESSMENT over the unit) approves (the result is fixed on that day: statistics
  count it on `approved_on`), rejects with a reason (closed for good), or returns it to the commune.
- One assessment per unit, rubric and window; a second one is refused with the first one's number.

Results: a movement rubric classifies by the total points (`settings["classes"]`, highest cut-off first);
a disqualifying item not met gives `settings["disqualified_class"]` whatever the points. A safety rubric
passes when no disqualifying item fails and at least `settings["pass_percent"]` % of the other items are
met (100 %: all of them, as the circular requires).

Messages are Vietnamese; AssessmentError carries the field and the HTTP status (422 invalid, 403
forbidden, 404 not found, 409 not possible in the current status or a duplicate).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.assessment.models import (
    Assessment,
    AssessmentEvent,
    AssessmentScore,
    EventKind,
    ItemKind,
    Rubric,
    RubricItem,
    RubricKind,
    Status,
    UnitKind,
)
from binhyen.core.text import fold, nfc
from binhyen.stats import periods

MAX_UNIT_NAME = 200
MAX_TEXT = 4000
MAX_NOTE = 2000
MIN_REASON = 5
MAX_REASON = 2000
MAX_LINKS = 10
MAX_LINK = 500
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_CHILD_ROWS = 400
ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal("0")

UNIT_KIND_CODES: tuple[str, ...] = tuple(UnitKind.values)
STATUS_CODES: tuple[str, ...] = tuple(Status.values)
WINDOW_KINDS: dict[str, periods.PeriodKind] = {
    UnitKind.RESIDENTIAL: periods.PeriodKind.ASSESSMENT_RESIDENTIAL,
    UnitKind.COMMUNE: periods.PeriodKind.ASSESSMENT_COMMUNE,
    UnitKind.AGENCY: periods.PeriodKind.ASSESSMENT_COMMUNE,
    UnitKind.SCHOOL: periods.PeriodKind.ASSESSMENT_COMMUNE,
}
WINDOW_SUFFIX = {periods.PeriodKind.ASSESSMENT_RESIDENTIAL: "AR", periods.PeriodKind.ASSESSMENT_COMMUNE: "AC"}
NAMED_UNITS = (UnitKind.AGENCY, UnitKind.SCHOOL)  # a named unit in a commune, not an Area
# Plural names for the results ("Đạt 164/173 khu dân cư").
UNIT_PLURALS: dict[str, Any] = {
    UnitKind.RESIDENTIAL: _("residential areas"),
    UnitKind.COMMUNE: _("communes, wards"),
    UnitKind.AGENCY: _("agencies, enterprises"),
    UnitKind.SCHOOL: _("schools"),
}
VIEW_PERMS = (Perm.SELF_ASSESS, Perm.REVIEW_ASSESSMENT, Perm.APPROVE_ASSESSMENT)
IN_PROGRESS = (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.RETURNED)
PASS, FAIL = "pass", "fail"
PASS_LABEL, FAIL_LABEL = "Đạt", "Không đạt"


def unit_kind_label(code: str) -> str:
    return str(dict(UnitKind.choices).get(code, code))


def status_label(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


class AssessmentError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class AssessmentForbidden(AssessmentError):
    def __init__(self, message: str = "Bạn không có quyền với bản đánh giá này.") -> None:
        super().__init__(message, status=403)


class AssessmentNotFound(AssessmentError):
    def __init__(self, message: str = "Không tìm thấy bản đánh giá.") -> None:
        super().__init__(message, status=404)


class AssessmentConflict(AssessmentError):
    def __init__(self, message: str, field: str = "status") -> None:
        super().__init__(message, field=field, status=409)


def fmt_points(value: Decimal | float | int | None) -> str:
    """7.5 → "7,5"; 8.0 → "8" (the Vietnamese decimal comma)."""
    if value is None:
        return "–"
    d = Decimal(str(value)).quantize(ONE_DECIMAL)
    text = f"{d:f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


# --- rubric rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    min: Decimal


_CLASS_CODE = re.compile(r"^[a-z0-9_-]{1,20}$")


def check_settings(kind: str, settings: Any) -> dict[str, Any]:
    """A rubric's settings, checked and normalised (classes highest first); AssessmentError otherwise."""
    if not isinstance(settings, dict):
        raise AssessmentError("Thiết lập của bộ tiêu chí phải là một đối tượng JSON.", "settings")
    if kind == RubricKind.MOVEMENT:
        classes = settings.get("classes")
        if not isinstance(classes, list) or len(classes) < 2:
            raise AssessmentError(
                "Cần ít nhất hai mức xếp loại, ví dụ "
                '{"classes": [{"code": "excellent", "label": "Xuất sắc", "min": 90}, ..., '
                '{"code": "weak", "label": "Yếu", "min": 0}]}.',
                "settings",
            )
        grades: list[dict[str, Any]] = []
        for c in classes:
            if not isinstance(c, dict):
                raise AssessmentError("Mỗi mức xếp loại cần code, label và min.", "settings")
            code, label, minimum = c.get("code"), c.get("label"), c.get("min")
            if not isinstance(code, str) or not _CLASS_CODE.match(code):
                raise AssessmentError(
                    f"Mã mức xếp loại «{str(code)[:30]}» không hợp lệ (chữ thường, số, - hoặc _).", "settings"
                )
            if not isinstance(label, str) or not label.strip() or len(label) > 100:
                raise AssessmentError(f"Mức «{code}» cần tên (tối đa 100 ký tự).", "settings")
            if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 0:
                raise AssessmentError(f"Điểm tối thiểu của mức «{label}» phải là số không âm.", "settings")
            grades.append({"code": code, "label": nfc(label), "min": minimum})
        codes = [g["code"] for g in grades]
        if len(set(codes)) != len(codes):
            raise AssessmentError("Các mức xếp loại phải có mã khác nhau.", "settings")
        if len({g["min"] for g in grades}) != len(grades):
            raise AssessmentError("Các mức xếp loại phải có điểm tối thiểu khác nhau.", "settings")
        if min(g["min"] for g in grades) != 0:
            raise AssessmentError("Mức thấp nhất phải bắt đầu từ 0 điểm (ví dụ Yếu: min 0).", "settings")
        grades.sort(key=lambda g: -g["min"])
        disqualified = settings.get("disqualified_class") or grades[-1]["code"]
        if disqualified not in codes:
            raise AssessmentError(f"«disqualified_class» phải là một trong: {', '.join(codes)}.", "settings")
        return {"classes": grades, "disqualified_class": disqualified}
    pct = settings.get("pass_percent", 100)
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 <= pct <= 100:
        raise AssessmentError("«pass_percent» phải là số từ 0 đến 100.", "settings")
    return {"pass_percent": pct}


def grades(rubric: Rubric) -> list[Grade]:
    """The movement classes, highest cut-off first ([] for a safety rubric or broken settings)."""
    if rubric.kind != RubricKind.MOVEMENT:
        return []
    try:
        clean = check_settings(rubric.kind, rubric.settings)
    except AssessmentError:
        return []
    return [Grade(g["code"], g["label"], Decimal(str(g["min"]))) for g in clean["classes"]]


def rubric_items(rubric: Rubric) -> list[RubricItem]:
    return list(
        RubricItem.objects.filter(rubric=rubric)
        .select_related("section")
        .order_by("section__order", "section__code", "order", "code")
    )


def rubric_problems(rubric: Rubric, items: list[RubricItem] | None = None) -> list[str]:
    """What keeps a rubric from being used for new assessments ([] when it is fine)."""
    problems: list[str] = []
    kinds = rubric.unit_kind_list
    if not kinds:
        problems.append("Chưa chọn loại đơn vị áp dụng.")
    for k in kinds:
        if k not in UNIT_KIND_CODES:
            problems.append(f"Loại đơn vị «{k}» không hợp lệ; dùng: {', '.join(UNIT_KIND_CODES)}.")
    try:
        check_settings(rubric.kind, rubric.settings)
    except AssessmentError as e:
        problems.append(e.message)
    items = rubric_items(rubric) if items is None else items
    if not items:
        problems.append("Bộ tiêu chí chưa có mục nào.")
    points = [i for i in items if i.kind == ItemKind.POINTS]
    for i in items:
        if i.kind == ItemKind.POINTS and i.max_points <= 0:
            problems.append(f"Mục {i.code} chấm điểm nhưng điểm tối đa bằng 0.")
        if i.kind == ItemKind.POINTS and i.disqualifying:
            problems.append(f"Mục {i.code}: chỉ tiêu chí đạt/không đạt mới là tiêu chí loại trừ.")
    if rubric.kind == RubricKind.MOVEMENT:
        total = sum((i.max_points for i in points), ZERO)
        if rubric.total_points <= 0:
            problems.append("Bộ tiêu chí chấm điểm cần tổng điểm (ví dụ 100).")
        elif total != rubric.total_points:
            problems.append(
                f"Tổng điểm tối đa của các mục là {fmt_points(total)}, khác tổng điểm {rubric.total_points}."
            )
        for g in grades(rubric):
            if rubric.total_points and g.min > rubric.total_points:
                problems.append(f"Mức «{g.label}» cần {fmt_points(g.min)} điểm, quá tổng điểm.")
    elif points:
        problems.append("Bộ tiêu chí đạt/không đạt không có mục chấm điểm.")
    return problems


def active_rubrics(unit_kind: str = "") -> list[Rubric]:
    rubrics = list(Rubric.objects.filter(active=True))
    if unit_kind:
        rubrics = [r for r in rubrics if unit_kind in r.unit_kind_list]
    return rubrics


def get_rubric(code: str) -> Rubric:
    rubric = Rubric.objects.filter(code=(code or "").strip()).first()
    if rubric is None:
        raise AssessmentNotFound(f"Không có bộ tiêu chí «{(code or '')[:60]}».")
    return rubric


# --- scoring (pure) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    score: Decimal | None = None
    met: bool | None = None
    evidence: bool = False


@dataclass
class Outcome:
    kind: str
    total: Decimal = ZERO
    max_total: Decimal = ZERO
    missing: list[str] = field(default_factory=list)  # items not scored / decided
    missing_evidence: list[str] = field(default_factory=list)
    disqualified_by: list[str] = field(default_factory=list)  # disqualifying items not met
    unmet: list[str] = field(default_factory=list)  # other items not met
    checks: int = 0  # non-disqualifying met/not-met items
    checks_met: int = 0
    result_class: str = ""
    result_label: str = ""
    passed: bool | None = None

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def met_percent(self) -> float:
        return 100.0 if not self.checks else self.checks_met * 100 / self.checks


def classify(rubric: Rubric, total: Decimal, disqualified: bool) -> Grade | None:
    ladder = grades(rubric)
    if not ladder:
        return None
    if disqualified:
        wanted = rubric.settings.get("disqualified_class") if isinstance(rubric.settings, dict) else None
        return next((g for g in ladder if g.code == wanted), ladder[-1])
    return next((g for g in ladder if total >= g.min), ladder[-1])


def evaluate(rubric: Rubric, items: Sequence[RubricItem], marks: Mapping[int, Mark]) -> Outcome:
    """Totals and the result of one set of marks (self or review) against the rubric's items."""
    out = Outcome(kind=rubric.kind)
    for item in items:
        mark = marks.get(item.pk, Mark())
        if item.evidence_required and not mark.evidence:
            out.missing_evidence.append(item.code)
        if item.kind == ItemKind.POINTS:
            out.max_total += item.max_points
            if mark.score is None:
                out.missing.append(item.code)
            else:
                out.total += mark.score
            continue
        if mark.met is None:
            out.missing.append(item.code)
        if not item.disqualifying:
            out.checks += 1
            out.checks_met += mark.met is True
        if mark.met is False:
            (out.disqualified_by if item.disqualifying else out.unmet).append(item.code)
    if rubric.kind == RubricKind.MOVEMENT:
        grade = classify(rubric, out.total, bool(out.disqualified_by))
        if grade is not None:
            out.result_class, out.result_label = grade.code, grade.label
    else:
        try:
            pct = check_settings(rubric.kind, rubric.settings)["pass_percent"]
        except AssessmentError:
            pct = 100
        out.passed = not out.disqualified_by and out.met_percent >= pct
        out.result_class, out.result_label = (PASS, PASS_LABEL) if out.passed else (FAIL, FAIL_LABEL)
    return out


def self_marks(scores: Iterable[AssessmentScore]) -> dict[int, Mark]:
    return {s.item_id: Mark(s.self_score, s.self_met, s.has_evidence) for s in scores}


def review_marks(scores: Iterable[AssessmentScore]) -> dict[int, Mark]:
    return {s.item_id: Mark(s.review_score, s.review_met, s.has_evidence) for s in scores}


# --- parsing ----------------------------------------------------------------------------------------

_SCORE_TEXT = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")
_TRUE = {"1", "true", "yes", "y", "dat", "co", "met", "x"}
_FALSE = {"0", "false", "no", "n", "khong dat", "khong", "not met", "chua dat"}


def parse_score(value: Any, item: RubricItem, field: str = "") -> Decimal | None:
    """A score for a points item: empty → None; 0..max with at most one decimal ("7,5" is read too)."""
    field = field or f"items.{item.code}.score"
    bad = AssessmentError(
        f"Điểm mục {item.code} phải là số từ 0 đến {fmt_points(item.max_points)}, tối đa một chữ số thập "
        "phân (ví dụ 7,5).",
        field,
    )
    if value is None:
        return None
    if isinstance(value, bool):
        raise bad
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not text:
            return None
        if not _SCORE_TEXT.match(text):
            raise bad
        value = text.replace(",", ".")
    elif isinstance(value, float):
        value = repr(value)
    elif not isinstance(value, int | Decimal):
        raise bad
    try:
        d = Decimal(value)
    except (InvalidOperation, ValueError):
        raise bad from None
    if not d.is_finite() or d != d.quantize(ONE_DECIMAL) or d < 0 or d > item.max_points:
        raise bad
    return d.quantize(ONE_DECIMAL)


def parse_met(value: Any, item: RubricItem, field: str = "") -> bool | None:
    """Met / not met: True, False or None (not decided); "đạt", "không đạt", "yes", "1"... are read."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = fold(value)
        if not key:
            return None
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise AssessmentError(f"Mục {item.code}: chọn «Đạt» hoặc «Không đạt».", field or f"items.{item.code}.met")


_url = URLValidator(schemes=["http", "https"])


def parse_links(value: Any, item: RubricItem) -> str:
    """Links to evidence, one a line (a list, or text split on spaces and new lines)."""
    field = f"items.{item.code}.links"
    if value is None:
        return ""
    if isinstance(value, str):
        parts = value.split()
    elif isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if str(v).strip()]
    else:
        raise AssessmentError(f"Mục {item.code}: liên kết phải là danh sách địa chỉ.", field)
    if len(parts) > MAX_LINKS:
        raise AssessmentError(f"Mục {item.code}: tối đa {MAX_LINKS} liên kết.", field)
    for link in parts:
        try:
            if len(link) > MAX_LINK:
                raise ValidationError("too long")
            _url(link)
        except ValidationError:
            raise AssessmentError(
                f"Mục {item.code}: liên kết «{link[:60]}» không hợp lệ; nhập địa chỉ bắt đầu bằng http:// "
                "hoặc https://.",
                field,
            ) from None
    return "\n".join(parts)


def _text(value: Any, limit: int, field: str, label: str) -> str:
    text = nfc(str(value or ""))
    if len(text) > limit:
        raise AssessmentError(f"{label} quá dài (tối đa {limit:,} ký tự).".replace(",", "."), field)
    return text


def _reason(value: str, label: str = "lý do") -> str:
    reason = nfc(value or "")
    if len(reason) < MIN_REASON:
        raise AssessmentError(f"Hãy ghi {label} (ít nhất {MIN_REASON} ký tự).", "reason")
    if len(reason) > MAX_REASON:
        raise AssessmentError(f"Lý do quá dài (tối đa {MAX_REASON:,} ký tự).".replace(",", "."), "reason")
    return reason


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, area: Area | None = None) -> bool:
    """Anyone taking part in assessments somewhere (or in `area`): units, communes, the province."""
    if area is None:
        return any(has_perm(user, p) for p in VIEW_PERMS)
    return any(has_perm(user, p, area) for p in VIEW_PERMS)


def can_self_assess(user: Any, area: Area | None = None) -> bool:
    return has_perm(user, Perm.SELF_ASSESS, area) if area is not None else has_perm(user, Perm.SELF_ASSESS)


def can_review(user: Any, a: Assessment) -> bool:
    return has_perm(user, Perm.REVIEW_ASSESSMENT, a.commune)


def can_approve(user: Any, a: Assessment) -> bool:
    return has_perm(user, Perm.APPROVE_ASSESSMENT, a.area)


def can_manage_rubrics(user: Any) -> bool:
    return has_perm(user, Perm.MANAGE_RUBRICS, None)


def actions(user: Any, a: Assessment) -> set[str]:
    """What the user may do now: fill, submit, delete, review, return, approve, reject."""
    done: set[str] = set()
    if a.is_editable and can_self_assess(user, a.area):
        done |= {"fill", "submit"}
        if a.status == Status.DRAFT:
            done.add("delete")
    if a.status == Status.SUBMITTED and can_review(user, a):
        done |= {"review", "return"}
    if a.status == Status.REVIEWED and can_approve(user, a):
        done |= {"approve", "reject", "return"}
    return done


def _who(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _require_self(user: Any, a: Assessment) -> None:
    if not can_self_assess(user, a.area):
        raise AssessmentForbidden(f"Bạn không có quyền tự đánh giá cho {a.unit_name}.")


def _require_status(a: Assessment, *allowed: str, doing: str) -> None:
    if a.status not in allowed:
        raise AssessmentConflict(
            f"Không thể {doing}: bản đánh giá đang ở trạng thái «{status_label(a.status)}»."
        )


def _event(a: Assessment, user: Any, kind: str, before: str, reason: str = "") -> None:
    AssessmentEvent.objects.create(
        assessment=a, kind=kind, actor=_who(user), from_status=before, to_status=a.status, reason=reason,
        at=timezone.now(),
    )  # fmt: skip


def _locked(a: Assessment) -> Assessment:
    qs = Assessment.objects.select_for_update(of=("self",)).select_related("rubric", "area", "commune")
    return qs.get(pk=a.pk)


# --- creating ---------------------------------------------------------------------------------------


@dataclass
class NewAssessment:
    rubric: str = ""  # rubric code
    unit_kind: str = ""  # UnitKind value
    area: str = ""  # area code: the village (residential) or the commune (commune, agency, school)
    window: str = ""  # period id: "2025AR" (residential) or "2025AC"
    unit_name: str = ""  # agencies and schools


def window_kind(unit_kind: str) -> periods.PeriodKind:
    return WINDOW_KINDS[unit_kind]


def parse_window(window_id: str, unit_kind: str = "", field: str = "window") -> periods.Period:
    """An assessment window by id; with a unit kind, it must be that kind's window."""
    text = (window_id or "").strip()
    if not text:
        raise AssessmentError("Hãy chọn kỳ đánh giá, ví dụ 2025AR hoặc 2025AC.", field)
    try:
        period = periods.parse(text)
    except periods.PeriodError as e:
        raise AssessmentError(str(e), field) from None
    if period.kind not in WINDOW_SUFFIX:
        raise AssessmentError(
            f"«{text[:20]}» không phải kỳ đánh giá; dùng năm và AR (khu dân cư, 01/11 – 31/10) hoặc AC (xã, "
            "cơ quan, trường học, 16/11 – 15/11), ví dụ 2025AR.",
            field,
        )
    if unit_kind:
        wanted = window_kind(unit_kind)
        if period.kind != wanted:
            example = f"{text[:4]}{WINDOW_SUFFIX[wanted]}"
            raise AssessmentError(
                f"{unit_kind_label(unit_kind)} được đánh giá theo kỳ {periods.kind_name(wanted).lower()}; "
                f"dùng kỳ {example}.",
                field,
            )
    return period


def window_choices(unit_kind: str, today: datetime.date | None = None) -> list[tuple[str, str]]:
    """Windows to offer in a form: the last one that ended first, then the current one, then older."""
    if unit_kind not in WINDOW_KINDS:
        return []
    current = periods.current(window_kind(unit_kind), today)
    last = current.previous()
    chosen = [last, current, last.previous(), last.previous().previous()]
    return [(p.id, p.label) for p in chosen]


def year_window(year: int, unit_kind: str) -> str:
    return f"{year}{WINDOW_SUFFIX[window_kind(unit_kind)]}"


def last_ended_year(today: datetime.date | None = None) -> int:
    """The year of the most recent residential window that has ended (the results' default)."""
    current = periods.current(periods.PeriodKind.ASSESSMENT_RESIDENTIAL, today)
    return int(current.previous().id[:4])


def _unit_area(unit_kind: str, code: str) -> Area:
    code = nfc(code or "")
    named = "thôn, tổ dân phố" if unit_kind == UnitKind.RESIDENTIAL else "xã, phường"
    if not code:
        raise AssessmentError(f"Hãy chọn {named}.", "area")
    area = Area.objects.filter(code=code).select_related("parent").first()
    wanted = Level.VILLAGE if unit_kind == UnitKind.RESIDENTIAL else Level.COMMUNE
    if area is None or area.level != wanted:
        raise AssessmentError(f"«{code[:30]}» không phải mã một {named}.", "area")
    return area


def create(user: Any, data: NewAssessment) -> Assessment:
    """A unit's draft assessment against a rubric for a window (one per unit, rubric and window)."""
    unit_kind = (data.unit_kind or "").strip()
    if unit_kind not in UNIT_KIND_CODES:
        raise AssessmentError(
            "Hãy chọn loại đơn vị: khu dân cư, xã/phường, cơ quan/doanh nghiệp hoặc nhà trường.", "unit_kind"
        )
    area = _unit_area(unit_kind, data.area)
    if not can_self_assess(user, area):
        raise AssessmentForbidden(f"Bạn không có quyền tự đánh giá ở {area.name}.")
    if not (data.rubric or "").strip():
        raise AssessmentError("Hãy chọn bộ tiêu chí.", "rubric")
    try:
        rubric = get_rubric(data.rubric)
    except AssessmentNotFound as e:
        raise AssessmentError(e.message, "rubric") from None
    if not rubric.active:
        raise AssessmentError(f"Bộ tiêu chí «{rubric.name}» không còn được dùng.", "rubric")
    if unit_kind not in rubric.unit_kind_list:
        raise AssessmentError(
            f"Bộ tiêu chí «{rubric.name}» áp dụng cho {', '.join(rubric.unit_kind_labels).lower()}, không "
            f"cho {unit_kind_label(unit_kind).lower()}.",
            "rubric",
        )
    problems = rubric_problems(rubric)
    if problems:
        raise AssessmentError(f"Bộ tiêu chí «{rubric.name}» chưa hoàn chỉnh: {problems[0]}", "rubric")
    window = parse_window(data.window, unit_kind)
    if window.start > timezone.localdate():
        raise AssessmentError(f"Kỳ {window.label} chưa bắt đầu.", "window")
    if unit_kind in NAMED_UNITS:
        name = nfc(data.unit_name or "")
        if len(name) < 3:
            raise AssessmentError("Hãy nhập tên cơ quan, doanh nghiệp hoặc nhà trường.", "unit_name")
        if len(name) > MAX_UNIT_NAME:
            raise AssessmentError(f"Tên đơn vị quá dài (tối đa {MAX_UNIT_NAME} ký tự).", "unit_name")
        key = fold(name)
    else:
        name, key = area.name, ""
    commune = area.parent if unit_kind == UnitKind.RESIDENTIAL and area.parent else area
    found = Assessment.objects.filter(
        rubric=rubric, window=window.id, area=area, unit_kind=unit_kind, unit_key=key
    ).first()
    if found is not None:
        raise _duplicate(found, rubric, window)
    a = Assessment(
        rubric=rubric,
        unit_kind=unit_kind,
        area=area,
        commune=commune,
        unit_name=name,
        unit_key=key,
        window=window.id,
        window_start=window.start,
        window_end=window.end,
        status=Status.DRAFT,
        created_by=_who(user),
    )
    try:
        with transaction.atomic():
            a.save()
            _event(a, user, EventKind.CREATED, "")
    except IntegrityError:
        found = Assessment.objects.filter(
            rubric=rubric, window=window.id, area=area, unit_kind=unit_kind, unit_key=key
        ).first()
        if found is None:
            raise
        raise _duplicate(found, rubric, window) from None
    return a


def _duplicate(found: Assessment, rubric: Rubric, window: periods.Period) -> AssessmentConflict:
    return AssessmentConflict(
        f"{found.unit_name} đã có bản đánh giá số {found.pk} theo «{rubric.name}» cho {window.label}; mỗi "
        "đơn vị chỉ có một bản cho mỗi bộ tiêu chí và kỳ đánh giá.",
        field="window",
    )


# --- the unit's self-assessment ---------------------------------------------------------------------


def _scores(a: Assessment) -> dict[int, AssessmentScore]:
    return {s.item_id: s for s in AssessmentScore.objects.filter(assessment=a)}


def _item_map(items: Sequence[RubricItem]) -> dict[str, RubricItem]:
    return {i.code: i for i in items}


def _entry_item(entry: Mapping[str, Any], by_code: Mapping[str, RubricItem]) -> RubricItem:
    code = str(entry.get("item") or "").strip()
    item = by_code.get(code)
    if item is None:
        raise AssessmentError(f"Bộ tiêu chí không có mục «{code[:20]}».", "items")
    return item


def save_self_scores(user: Any, a: Assessment, entries: Sequence[Mapping[str, Any]]) -> Assessment:
    """Save some or all of the unit's scores and evidence. Each entry has "item" (the item code) and any of
    "score" (points items), "met" (met/not-met items), "evidence" (text) and "links"; keys left out keep
    their value. Everything is checked before anything is written."""
    _require_self(user, a)
    _require_status(a, Status.DRAFT, Status.RETURNED, doing="sửa phần tự đánh giá")
    items = rubric_items(a.rubric)
    by_code = _item_map(items)
    changes: list[tuple[RubricItem, dict[str, Any]]] = []
    for entry in entries:
        item = _entry_item(entry, by_code)
        values: dict[str, Any] = {}
        if "score" in entry:
            if item.kind == ItemKind.POINTS:
                values["self_score"] = parse_score(entry["score"], item)
            elif entry["score"] not in (None, ""):
                raise AssessmentError(
                    f"Mục {item.code} chỉ chọn đạt hoặc không đạt, không chấm điểm.",
                    f"items.{item.code}.score",
                )
        if "met" in entry:
            if item.kind == ItemKind.CHECK:
                values["self_met"] = parse_met(entry["met"], item)
            elif entry["met"] not in (None, ""):
                raise AssessmentError(
                    f"Mục {item.code} chấm điểm, không chọn đạt/không đạt.", f"items.{item.code}.met"
                )
        if "evidence" in entry:
            values["evidence"] = _text(
                entry["evidence"], MAX_TEXT, f"items.{item.code}.evidence", f"Bằng chứng mục {item.code}"
            )
        if "links" in entry:
            values["links"] = parse_links(entry["links"], item)
        changes.append((item, values))
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.DRAFT, Status.RETURNED, doing="sửa phần tự đánh giá")
        existing = _scores(a)
        for item, values in changes:
            score = existing.get(item.pk) or AssessmentScore(assessment=a, item=item)
            for name, value in values.items():
                setattr(score, name, value)
            score.save()
            existing[item.pk] = score
        a.self_total = evaluate(a.rubric, items, self_marks(existing.values())).total
        a.save()
    return a


@dataclass
class Upload:
    name: str
    stream: IO[bytes]
    size: int


_ZIP_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def sniff(head: bytes, name: str) -> tuple[str, str] | None:
    """(content type, extension) of an evidence file, decided by its bytes: PDF, JPEG, PNG, WebP, and the
    Word/Excel/OpenDocument formats (a zip whose name says which); None for anything else."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(b"PK\x03\x04"):
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in _ZIP_TYPES:
            return _ZIP_TYPES[ext], ext
    return None


def attach_evidence(user: Any, a: Assessment, item_code: str, upload: Upload) -> AssessmentScore:
    """Store (or replace) an item's evidence file: PDF, image or office document, up to 10 MB."""
    _require_self(user, a)
    _require_status(a, Status.DRAFT, Status.RETURNED, doing="thêm bằng chứng")
    item = _entry_item({"item": item_code}, _item_map(rubric_items(a.rubric)))
    field = f"items.{item.code}.file"
    if upload.size <= 0:
        raise AssessmentError(f"Mục {item.code}: tệp bằng chứng trống.", field)
    if upload.size > MAX_EVIDENCE_BYTES:
        raise AssessmentError(
            f"Mục {item.code}: tệp lớn hơn {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB.", field
        )
    upload.stream.seek(0)
    found = sniff(upload.stream.read(16), upload.name or "")
    if found is None:
        raise AssessmentError(
            f"Mục {item.code}: chỉ nhận tệp PDF, ảnh (JPEG, PNG, WebP), Word hoặc Excel.", field
        )
    content_type, ext = found
    upload.stream.seek(0)
    digest = hashlib.sha256(upload.stream.read()).hexdigest()
    upload.stream.seek(0)
    old_name = ""
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.DRAFT, Status.RETURNED, doing="thêm bằng chứng")
        score = AssessmentScore.objects.filter(assessment=a, item=item).first() or AssessmentScore(
            assessment=a, item=item
        )
        old_name = (score.evidence_file.name or "") if score.evidence_file else ""
        score.evidence_file.save(f"{a.pk}-{digest[:16]}.{ext}", File(upload.stream), save=False)
        score.evidence_name = nfc(upload.name or "")[:200] or f"bang-chung.{ext}"
        score.evidence_type = content_type
        score.save()
        a.save(update_fields=["updated_at"])
    if old_name and old_name != score.evidence_file.name:
        score.evidence_file.storage.delete(old_name)
    return score


def remove_evidence(user: Any, a: Assessment, item_code: str) -> None:
    _require_self(user, a)
    _require_status(a, Status.DRAFT, Status.RETURNED, doing="xoá bằng chứng")
    item = _entry_item({"item": item_code}, _item_map(rubric_items(a.rubric)))
    score = AssessmentScore.objects.filter(assessment=a, item=item).first()
    if score is None or not score.evidence_file:
        return
    name = score.evidence_file.name or ""
    score.evidence_file = ""  # type: ignore[assignment]
    score.evidence_name = score.evidence_type = ""
    score.save()
    score.evidence_file.storage.delete(name)


def evidence(user: Any, score_id: int | str) -> AssessmentScore:
    """An evidence file the user may see (any viewer of the assessment)."""
    try:
        pk = int(score_id)
    except (TypeError, ValueError):
        raise AssessmentNotFound("Không tìm thấy tệp bằng chứng.") from None
    score = AssessmentScore.objects.select_related("assessment", "item").filter(pk=pk).first()
    if score is None or not score.evidence_file or not visible(user).filter(pk=score.assessment_id).exists():
        raise AssessmentNotFound("Không tìm thấy tệp bằng chứng.")
    return score


def submit(user: Any, a: Assessment) -> Assessment:
    """Draft or returned → submitted: every item scored or decided, evidence where the rubric asks."""
    _require_self(user, a)
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.DRAFT, Status.RETURNED, doing="gửi bản đánh giá")
        out = evaluate(a.rubric, rubric_items(a.rubric), self_marks(_scores(a).values()))
        if out.missing:
            raise AssessmentError(
                f"Còn {len(out.missing)} mục chưa chấm hoặc chưa chọn đạt/không đạt: "
                f"{', '.join(out.missing[:12])}{'...' if len(out.missing) > 12 else ''}.",
                "items",
            )
        if out.missing_evidence:
            raise AssessmentError(
                f"Các mục cần bằng chứng (mô tả, liên kết hoặc tệp): {', '.join(out.missing_evidence)}.",
                "items",
            )
        before = a.status
        a.status, a.submitted_by, a.submitted_at = Status.SUBMITTED, _who(user), timezone.now()
        a.self_total = out.total
        a.save()
        _event(a, user, EventKind.SUBMITTED, before)
    return a


def delete(user: Any, a: Assessment) -> None:
    """Only a draft that was never submitted is deleted (with its files)."""
    _require_self(user, a)
    _require_status(a, Status.DRAFT, doing="xoá bản đánh giá")
    names = [
        s.evidence_file.name or "" for s in AssessmentScore.objects.filter(assessment=a) if s.evidence_file
    ]
    storage = AssessmentScore._meta.get_field("evidence_file").storage  # type: ignore[union-attr]
    a.delete()
    for name in names:
        if name:
            storage.delete(name)


# --- the commune's review ---------------------------------------------------------------------------


def review(user: Any, a: Assessment, entries: Sequence[Mapping[str, Any]], comment: str = "") -> Assessment:
    """Submitted → reviewed. Each entry: "item", and "score" or "met", and "note". An item left out keeps
    the unit's own score; a score or decision different from the unit's needs a note."""
    if not can_review(user, a):
        raise AssessmentForbidden(f"Chỉ lãnh đạo {a.commune.name} được thẩm định bản đánh giá này.")
    _require_status(a, Status.SUBMITTED, doing="thẩm định")
    items = rubric_items(a.rubric)
    by_code = _item_map(items)
    given: dict[int, dict[str, Any]] = {}
    for entry in entries:
        item = _entry_item(entry, by_code)
        values: dict[str, Any] = {}
        if item.kind == ItemKind.POINTS and "score" in entry:
            values["review_score"] = parse_score(entry["score"], item)
        if item.kind == ItemKind.CHECK and "met" in entry:
            values["review_met"] = parse_met(entry["met"], item)
        if "note" in entry:
            values["review_note"] = _text(
                entry["note"], MAX_NOTE, f"items.{item.code}.note", f"Ghi chú thẩm định mục {item.code}"
            )
        given[item.pk] = values
    comment = _text(comment, MAX_TEXT, "comment", "Nhận xét chung")
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.SUBMITTED, doing="thẩm định")
        existing = _scores(a)
        for item in items:
            score = existing.get(item.pk) or AssessmentScore(assessment=a, item=item)
            values = given.get(item.pk, {})
            if item.kind == ItemKind.POINTS:
                chosen = values.get("review_score", score.self_score)
                if chosen is None:
                    raise AssessmentError(
                        f"Hãy chấm điểm thẩm định mục {item.code}.", f"items.{item.code}.score"
                    )
                differs = chosen != score.self_score
                score.review_score = chosen
            else:
                chosen_met = values.get("review_met", score.self_met)
                if chosen_met is None:
                    raise AssessmentError(
                        f"Hãy chọn đạt hoặc không đạt cho mục {item.code}.", f"items.{item.code}.met"
                    )
                differs = chosen_met != score.self_met
                score.review_met = chosen_met
            score.review_note = values.get("review_note", score.review_note)
            if differs and len(score.review_note) < 3:
                raise AssessmentError(
                    f"Mục {item.code}: ghi lý do khi kết quả thẩm định khác kết quả tự đánh giá.",
                    f"items.{item.code}.note",
                )
            score.save()
            existing[item.pk] = score
        before = a.status
        a.review_total = evaluate(a.rubric, items, review_marks(existing.values())).total
        a.review_comment = comment
        a.status, a.reviewed_by, a.reviewed_at = Status.REVIEWED, _who(user), timezone.now()
        a.save()
        _event(a, user, EventKind.REVIEWED, before, comment)
    return a


def send_back(user: Any, a: Assessment, reason: str) -> Assessment:
    """Return with a reason: a submitted assessment to the unit (the commune), a reviewed one to the
    commune (the province)."""
    _require_status(a, Status.SUBMITTED, Status.REVIEWED, doing="trả lại")
    if a.status == Status.SUBMITTED and not can_review(user, a):
        raise AssessmentForbidden(f"Chỉ lãnh đạo {a.commune.name} được trả lại bản đánh giá cho đơn vị.")
    if a.status == Status.REVIEWED and not can_approve(user, a):
        raise AssessmentForbidden("Chỉ cấp tỉnh được trả lại bản đánh giá đã thẩm định.")
    reason = _reason(reason, "lý do trả lại")
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.SUBMITTED, Status.REVIEWED, doing="trả lại")
        before = a.status
        a.status = Status.RETURNED if before == Status.SUBMITTED else Status.SUBMITTED
        a.returned_by, a.returned_at, a.return_reason = _who(user), timezone.now(), reason
        a.save()
        _event(a, user, EventKind.RETURNED, before, reason)
    return a


# --- the province's decision ------------------------------------------------------------------------


def approve(user: Any, a: Assessment, note: str = "") -> Assessment:
    """Reviewed → approved: the reviewed result becomes the result, counted on today's date."""
    if not can_approve(user, a):
        raise AssessmentForbidden(
            "Chỉ cấp tỉnh (Phòng Phong trào, quản trị) được phê duyệt kết quả đánh giá."
        )
    note = _text(note, MAX_TEXT, "note", "Ý kiến phê duyệt")
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.REVIEWED, doing="phê duyệt")
        out = evaluate(a.rubric, rubric_items(a.rubric), review_marks(_scores(a).values()))
        if out.missing:
            raise AssessmentConflict(
                f"Thẩm định chưa đủ các mục: {', '.join(out.missing[:12])}; hãy trả lại cho xã.", "items"
            )
        now = timezone.now()
        before = a.status
        a.total, a.result_class, a.result_label, a.passed = (
            out.total,
            out.result_class,
            out.result_label,
            out.passed,
        )
        a.status, a.approved_by, a.approved_at = Status.APPROVED, _who(user), now
        a.approved_on = timezone.localdate(now)
        a.approval_note = note
        a.save()
        _event(a, user, EventKind.APPROVED, before, note)
    return a


def reject(user: Any, a: Assessment, reason: str) -> Assessment:
    """Reviewed → rejected (not recognised, closed): the reason is required."""
    if not can_approve(user, a):
        raise AssessmentForbidden("Chỉ cấp tỉnh (Phòng Phong trào, quản trị) được không công nhận kết quả.")
    _require_status(a, Status.REVIEWED, doing="không công nhận")
    reason = _reason(reason, "lý do không công nhận")
    with transaction.atomic():
        a = _locked(a)
        _require_status(a, Status.REVIEWED, doing="không công nhận")
        before = a.status
        a.status, a.rejected_by, a.rejected_at, a.rejection_reason = (
            Status.REJECTED, _who(user), timezone.now(), reason,
        )  # fmt: skip
        a.save()
        _event(a, user, EventKind.REJECTED, before, reason)
    return a


# --- reading ----------------------------------------------------------------------------------------


def within(area: Area) -> Q:
    return Q(area_path__gte=area.path, area_path__lt=area.path + "z")


def visible(user: Any) -> QuerySet[Assessment]:
    """Assessments in the areas where the user self-assesses, reviews or approves."""
    qs = Assessment.objects.select_related("rubric", "area", "commune")
    roots: list[Area] = []
    for perm in VIEW_PERMS:
        found = scope(user, perm)
        if found is None:
            return qs
        roots += found
    if not roots:
        return qs.none()
    query = Q(pk__in=[])
    for root in roots:
        query |= within(root)
    return qs.filter(query)


def get(user: Any, assessment_id: int | str) -> Assessment:
    """An assessment the user may view; AssessmentNotFound otherwise (no hint that it exists elsewhere)."""
    try:
        pk = int(assessment_id)
    except (TypeError, ValueError):
        raise AssessmentNotFound() from None
    found = visible(user).filter(pk=pk).first()
    if found is None:
        raise AssessmentNotFound()
    return found


@dataclass
class Row:
    """One rubric item with the assessment's marks, for pages and the API."""

    item: RubricItem
    score: AssessmentScore | None

    @property
    def section(self) -> Any:
        return self.item.section


def rows(a: Assessment) -> list[Row]:
    existing = _scores(a)
    return [Row(item, existing.get(item.pk)) for item in rubric_items(a.rubric)]


def outcomes(a: Assessment) -> tuple[Outcome, Outcome | None]:
    """The self outcome, and the review outcome once the commune has reviewed."""
    items = rubric_items(a.rubric)
    scores = list(_scores(a).values())
    own = evaluate(a.rubric, items, self_marks(scores))
    reviewed = a.reviewed_at is not None and a.status in (Status.REVIEWED, Status.APPROVED, Status.REJECTED)
    return own, evaluate(a.rubric, items, review_marks(scores)) if reviewed else None


@dataclass
class Filters:
    area: Area | None = None
    window: str = ""
    unit_kind: str = ""
    status: str = ""
    rubric: str = ""
    rubric_kind: str = ""  # movement / safety
    result: str = ""  # result class: "pass", "fail", "excellent"...
    start: datetime.date | None = None  # approved on or after
    end: datetime.date | None = None  # approved on or before
    q: str = ""


def filter_assessments(qs: QuerySet[Assessment], f: Filters) -> QuerySet[Assessment]:
    if f.area is not None:
        qs = qs.filter(within(f.area))
    if f.window:
        qs = qs.filter(window=f.window)
    if f.unit_kind:
        qs = qs.filter(unit_kind=f.unit_kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.rubric:
        qs = qs.filter(rubric__code=f.rubric)
    if f.rubric_kind:
        qs = qs.filter(rubric_kind=f.rubric_kind)
    if f.result:
        qs = qs.filter(result_class=f.result)
    if f.start is not None:
        qs = qs.filter(approved_on__gte=f.start)
    if f.end is not None:
        qs = qs.filter(approved_on__lte=f.end)
    for word in (f.q or "").split()[:6]:
        qs = qs.filter(unit_name__icontains=word)
    return qs


def check_filters(f: Filters) -> None:
    """Raise AssessmentError naming the first bad filter value."""
    if f.window:
        f.window = parse_window(f.window, field="window").id
    if f.unit_kind and f.unit_kind not in UNIT_KIND_CODES:
        raise AssessmentError(f"Loại đơn vị «{f.unit_kind[:20]}» không hợp lệ.", "kind")
    if f.status and f.status not in STATUS_CODES:
        raise AssessmentError(f"Trạng thái «{f.status[:20]}» không hợp lệ.", "status")
    if f.rubric_kind and f.rubric_kind not in RubricKind.values:
        raise AssessmentError(f"Loại bộ tiêu chí «{f.rubric_kind[:20]}» không hợp lệ.", "rubric_kind")
    if f.start and f.end and f.start > f.end:
        raise AssessmentError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from")


# --- results ----------------------------------------------------------------------------------------


@dataclass
class KindResult:
    kind: str
    label: str
    plural: str
    window: periods.Period
    approved: int = 0
    passed: int = 0
    in_progress: int = 0
    rejected: int = 0
    units: int | None = None  # how many such units the area has (villages, communes); None: unknown

    @property
    def not_assessed(self) -> int | None:
        if self.units is None:
            return None
        return max(self.units - self.approved - self.in_progress - self.rejected, 0)


@dataclass
class GradeCount:
    code: str
    label: str
    count: int = 0


@dataclass
class ChildRow:
    area: Area
    villages: int = 0  # villages the child has
    villages_approved: int = 0
    villages_passed: int = 0
    result: str = ""  # the child's own safety result (a commune) or its status
    movement: str = ""  # a commune's movement class


@dataclass
class Results:
    area: Area | None
    year: int
    kinds: list[KindResult]
    grades: list[GradeCount]
    children: list[ChildRow]


def results(area: Area | None, year: int) -> Results:
    """The year's results in an area (None: the nation): safe units per kind of unit ("Đạt 164/173 khu dân
    cư"), movement classes, and a row per commune (of a province) or per village (of a commune)."""
    if not periods.MIN_YEAR < year <= periods.MAX_YEAR:
        raise AssessmentError(f"Năm {year} không hợp lệ.", "year")
    windows = {k: periods.parse(year_window(year, k)) for k in UNIT_KIND_CODES}
    kinds = {k: KindResult(k, unit_kind_label(k), str(UNIT_PLURALS[k]), windows[k]) for k in UNIT_KIND_CODES}
    qs = Assessment.objects.filter(window__in={p.id for p in windows.values()})
    if area is not None:
        qs = qs.filter(within(area))
    grade_counts: dict[str, GradeCount] = {}
    for g in grades_of_movement():
        grade_counts.setdefault(g.code, GradeCount(g.code, g.label))
    rows_: list[tuple[str, str, str, bool | None, str, str, str]] = list(
        qs.order_by().values_list(
            "unit_kind", "rubric_kind", "status", "passed", "result_class", "result_label", "area_path"
        )
    )
    for unit_kind, rubric_kind, status, passed, result_class, result_label, _path in rows_:
        if rubric_kind == RubricKind.MOVEMENT:
            if status == Status.APPROVED:
                grade_counts.setdefault(result_class, GradeCount(result_class, result_label)).count += 1
            continue
        k = kinds[unit_kind]
        if status == Status.APPROVED:
            k.approved += 1
            k.passed += passed is True
        elif status == Status.REJECTED:
            k.rejected += 1
        else:
            k.in_progress += 1
    villages = Area.objects.filter(level=Level.VILLAGE)
    communes = Area.objects.filter(level=Level.COMMUNE)
    if area is not None:
        villages, communes = villages.within(area), communes.within(area)
    kinds[UnitKind.RESIDENTIAL].units = villages.count()
    kinds[UnitKind.COMMUNE].units = communes.count()
    return Results(area, year, list(kinds.values()), list(grade_counts.values()), _children(area, rows_))


def result_sentence(k: KindResult) -> str:
    """ "Đạt 164/173 khu dân cư" (passed / approved), in the active language."""
    from django.utils.translation import gettext

    return gettext("Safe: %(passed)s/%(approved)s %(units)s") % {
        "passed": k.passed,
        "approved": k.approved,
        "units": k.plural,
    }


def grades_of_movement() -> list[Grade]:
    """The classes of the active movement rubrics, in order (for labels and empty counts)."""
    seen: dict[str, Grade] = {}
    for rubric in Rubric.objects.filter(kind=RubricKind.MOVEMENT, active=True):
        for g in grades(rubric):
            seen.setdefault(g.code, g)
    return sorted(seen.values(), key=lambda g: -g.min)


def _children(
    area: Area | None, rows_: list[tuple[str, str, str, bool | None, str, str, str]]
) -> list[ChildRow]:
    if area is None or area.level == Level.VILLAGE:
        return []
    if area.level == Level.PROVINCE:
        children = list(
            Area.objects.filter(parent=area, level=Level.COMMUNE).order_by("path")[:MAX_CHILD_ROWS]
        )
        by_path = {c.path: ChildRow(c, villages=c.village_count) for c in children}
        for unit_kind, rubric_kind, status, passed, _cls, label, path in rows_:
            row = by_path.get(path[: len(area.path) + 5])
            if row is None:
                continue
            if (
                unit_kind == UnitKind.RESIDENTIAL
                and rubric_kind == RubricKind.SAFETY
                and status == Status.APPROVED
            ):
                row.villages_approved += 1
                row.villages_passed += passed is True
            elif unit_kind == UnitKind.COMMUNE and path == row.area.path:
                if rubric_kind == RubricKind.SAFETY:
                    row.result = label if status == Status.APPROVED else status_label(status)
                elif status == Status.APPROVED:
                    row.movement = label
        return list(by_path.values())
    villages = list(Area.objects.filter(parent=area, level=Level.VILLAGE).order_by("path")[:MAX_CHILD_ROWS])
    by_path = {v.path: ChildRow(v) for v in villages}
    for unit_kind, rubric_kind, status, passed, _cls, label, path in rows_:
        row = by_path.get(path)
        if row is not None and unit_kind == UnitKind.RESIDENTIAL and rubric_kind == RubricKind.SAFETY:
            row.result = label if status == Status.APPROVED else status_label(status)
            row.villages_approved = int(status == Status.APPROVED)
            row.villages_passed = int(passed is True and status == Status.APPROVED)
    return list(by_path.values())


def village_share(commune: Area, year: int) -> tuple[int, int, int]:
    """(residential areas that passed, approved, villages) of a commune for a year: the commune standard's
    «70% of residential areas safe» criterion."""
    qs = Assessment.objects.filter(
        within(commune),
        window=year_window(year, UnitKind.RESIDENTIAL),
        unit_kind=UnitKind.RESIDENTIAL,
        rubric_kind=RubricKind.SAFETY,
        status=Status.APPROVED,
    )
    return qs.filter(passed=True).count(), qs.count(), commune.village_count


def window_year(a: Assessment) -> int:
    return int(a.window[:4])
