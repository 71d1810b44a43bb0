"""Domain rules for period data sets (biểu mẫu báo cáo định kỳ).

The flow of one data set for one area and period (a `Submission`):

    draft ──submit──► submitted ──approve──► approved
      ▲                  │    ▲                 │
      └──── returned ◄───┘    └── (resubmit) ◄──┴── return (with a reason)

- Entering (`save_form`, `submit_form`, the DHIS2 import) needs `Perm.ENTER_DATA` over the area; a form
  is editable while it is a draft or returned. Every text typed is kept: a value that is not a valid
  number stays in `Submission.draft` and is shown again until corrected; accepted values are `DataValue`
  rows.
- Submitting checks that every element has a value (0 when there is nothing), that no typed text is
  still invalid and that no validation rule is broken; otherwise it is refused with the rules' messages,
  and the draft stays as typed.
- Approving and returning is done by the level above: `Perm.APPROVE_DATA` over the commune's province
  for a commune's data set, over the nation for a province's.
- Statistics count APPROVED values only (indicators.py): a figure becomes official when the level above
  has accepted it, and a returned submission stops counting until it is approved again.
- Completeness: the share of the expected units (every commune, or every province, in the area) whose
  submission is submitted or approved. Timeliness: the share whose FIRST submission was made by the due
  date (period end + the data set's due days), so a report returned for a correction does not become
  late.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.core.text import nfc
from binhyen.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    EventAction,
    FillLevel,
    Operator,
    Status,
    Submission,
    SubmissionEvent,
    ValidationRule,
    ValueType,
)
from binhyen.stats import periods, query, registry
from binhyen.stats.periods import Period, PeriodError

MAX_VALUE = Decimal(1_000_000_000)
DECIMALS = 3  # values are kept to thousandths (the statistics store them × 1000)
MAX_REASON = 2000
MAX_COMMENT = 500
CODE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,47}", re.ASCII)
LEVEL_NAMES: dict[int, str] = {
    FillLevel.PROVINCE: "tỉnh, thành phố",
    FillLevel.COMMUNE: "xã, phường, đặc khu",
}
EDITABLE = (Status.DRAFT, Status.RETURNED)
COMPLETE = (Status.SUBMITTED, Status.APPROVED)
INDICATOR_VALUE = "dataset_value"  # sum of approved values, subgroup = element code
INDICATOR_REPORTS = "dataset_reports"  # number of approved values, subgroup = element code


class DataSetError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input (an element code for values);
    `status` is the HTTP status pages and the API answer with (422 invalid, 403 forbidden, 404 not found,
    409 the submission's state does not allow it)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class DataSetForbidden(DataSetError):
    def __init__(self, message: str = "Bạn không có quyền với biểu mẫu của đơn vị này.") -> None:
        super().__init__(message, status=403)


class DataSetNotFound(DataSetError):
    def __init__(self, message: str = "Không tìm thấy biểu mẫu.") -> None:
        super().__init__(message, status=404)


class FormRefused(DataSetError):
    """Submitting was refused; the form (with what was typed, saved as a draft) and every reason are kept."""

    def __init__(self, form: Form, message: str) -> None:
        super().__init__(message, status=422)
        self.form = form


# --- expressions of validation rules ------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\S))", re.ASCII)
Expr = tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text or ""
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing spaces are left
            break
        number, name, other = match.groups()
        if number is not None:
            out.append(("num", number))
        elif name is not None:
            out.append(("var", name))
        elif other is not None:
            if other not in "+-*/()":
                raise DataSetError(f"Biểu thức «{text}» có ký tự không dùng được: «{other}».", "expression")
            out.append(("op", other))
        pos = match.end()
    return out


def parse_expression(text: str) -> Expr:
    """An expression over element codes: numbers, codes, + - * / and parentheses."""
    tokens = _tokens(text)
    if not tokens:
        raise DataSetError("Biểu thức trống: nhập mã chỉ tiêu, số và các phép + - * /.", "expression")
    pos = 0

    def peek() -> tuple[str, str] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        return token

    def factor() -> Expr:
        token = peek()
        if token is None:
            raise DataSetError(f"Biểu thức «{text}» kết thúc giữa chừng.", "expression")
        kind, value = take()
        if kind == "num":
            return ("num", Decimal(value))
        if kind == "var":
            return ("var", value)
        if value == "-":
            return ("neg", factor())
        if value == "(":
            inner = expr()
            closing = peek()
            if closing != ("op", ")"):
                raise DataSetError(f"Biểu thức «{text}» thiếu dấu đóng ngoặc.", "expression")
            take()
            return inner
        raise DataSetError(f"Biểu thức «{text}» có «{value}» không đúng chỗ.", "expression")

    def term() -> Expr:
        node = factor()
        while peek() in (("op", "*"), ("op", "/")):
            node = (take()[1], node, factor())
        return node

    def expr() -> Expr:
        node = term()
        while peek() in (("op", "+"), ("op", "-")):
            node = (take()[1], node, term())
        return node

    tree = expr()
    if pos != len(tokens):
        raise DataSetError(f"Biểu thức «{text}» có «{tokens[pos][1]}» không đúng chỗ.", "expression")
    return tree


def expression_codes(tree: Expr) -> set[str]:
    if tree[0] == "var":
        return {tree[1]}
    if tree[0] == "num":
        return set()
    return set().union(*(expression_codes(t) for t in tree[1:]))


def evaluate(tree: Expr, values: Mapping[str, Decimal]) -> Decimal | None:
    """The value of an expression; None when an element has no value or a division by zero occurs."""
    kind = tree[0]
    if kind == "num":
        return tree[1]  # type: ignore[no-any-return]
    if kind == "var":
        return values.get(tree[1])
    if kind == "neg":
        inner = evaluate(tree[1], values)
        return None if inner is None else -inner
    a, b = evaluate(tree[1], values), evaluate(tree[2], values)
    if a is None or b is None:
        return None
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if b == 0:
        return None
    return a / b


_COMPARE = {
    Operator.LE: lambda a, b: a <= b,
    Operator.LT: lambda a, b: a < b,
    Operator.GE: lambda a, b: a >= b,
    Operator.GT: lambda a, b: a > b,
    Operator.EQ: lambda a, b: a == b,
    Operator.NE: lambda a, b: a != b,
}


def check_rule(
    left: str, operator: str, right: str, message: str, known: Iterable[str] | None = None
) -> None:
    """A rule's definition is usable: both sides parse, the operator exists, codes are known elements."""
    if operator not in _COMPARE:
        raise DataSetError(f"Phép so sánh «{operator}» không có; dùng <=, <, >=, >, == hoặc !=.", "operator")
    codes: set[str] = set()
    for name, side in (("left", left), ("right", right)):
        try:
            codes |= expression_codes(parse_expression(side))
        except DataSetError as e:
            raise DataSetError(e.message, name) from None
    allowed = set(known) if known is not None else set(DataElement.objects.values_list("code", flat=True))
    unknown = sorted(codes - allowed)
    if unknown:
        raise DataSetError(f"Quy tắc dùng mã chỉ tiêu không có: {', '.join(unknown)}.", "left")
    if not nfc(message or "").strip():
        raise DataSetError("Hãy nhập thông báo khi quy tắc bị vi phạm.", "message")


@dataclass
class RuleResult:
    rule: ValidationRule
    left: Decimal
    right: Decimal

    @property
    def message(self) -> str:
        return self.rule.message


def broken_rules(rules: Iterable[ValidationRule], values: Mapping[str, Decimal]) -> list[RuleResult]:
    """The active rules that fail for these values (rules with a missing value are skipped)."""
    out = []
    for rule in rules:
        if not rule.active:
            continue
        try:
            left = evaluate(parse_expression(rule.left), values)
            right = evaluate(parse_expression(rule.right), values)
        except DataSetError:
            continue  # a rule that no longer parses is reported in the admin, not to the officer
        if left is None or right is None:
            continue
        if not _COMPARE[Operator(rule.operator)](left, right):
            out.append(RuleResult(rule, left, right))
    return out


# --- values -------------------------------------------------------------------------------------------

_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*", re.ASCII)
_STRICT = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


def _label(element: DataElement) -> str:
    return f"«{element.name}»"


def _check_range(element: DataElement, number: Decimal) -> Decimal:
    if number < 0:
        raise DataSetError(f"{_label(element)}: không được là số âm.", element.code)
    if element.value_type == ValueType.INTEGER and number != number.to_integral_value():
        raise DataSetError(f"{_label(element)}: phải là số nguyên, ví dụ 12.", element.code)
    if element.value_type == ValueType.PERCENTAGE and number > 100:
        raise DataSetError(f"{_label(element)}: tỷ lệ phần trăm phải từ 0 đến 100.", element.code)
    if number > MAX_VALUE:
        raise DataSetError(f"{_label(element)}: số quá lớn (tối đa 1.000.000.000).", element.code)
    if number != number.quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_UP):
        raise DataSetError(f"{_label(element)}: tối đa {DECIMALS} chữ số thập phân.", element.code)
    return number.quantize(Decimal(1).scaleb(-DECIMALS))


def parse_value(element: DataElement, text: Any, strict: bool = False) -> Decimal | None:
    """A typed value as a number (None when empty); raises DataSetError naming the element.

    strict (the DHIS2 exchange): digits with an optional "." decimal point, nothing else. Otherwise (the
    web form), Vietnamese and English writing is understood: "1.234" and "1,234" are thousands in a whole
    number, "12,5" is twelve and a half, "1.234,5" has both.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise DataSetError(f"{_label(element)}: phải là một số.", element.code)
    if isinstance(text, int | float | Decimal):
        text = str(text)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    if not cleaned:
        return None
    kind_hint = "số nguyên, ví dụ 12" if element.value_type == ValueType.INTEGER else "số, ví dụ 12,5"
    if strict:
        if not _STRICT.fullmatch(cleaned):
            raise DataSetError(f"{_label(element)}: «{str(text)[:30]}» không phải là số.", element.code)
        number = Decimal(cleaned)
    else:
        negative = cleaned.startswith("-")
        body = cleaned[1:] if negative else cleaned
        if _GROUPED.fullmatch(body) and (element.value_type == ValueType.INTEGER or body.count(body[-4]) > 1):
            body = body.replace(".", "").replace(",", "")  # 1.234 / 1,234,567: thousands
        elif "," in body and "." in body:
            if body.rfind(",") > body.rfind("."):
                body = body.replace(".", "").replace(",", ".")  # 1.234,5
            else:
                body = body.replace(",", "")  # 1,234.5
        elif body.count(",") == 1:
            body = body.replace(",", ".")  # 12,5
        if not re.fullmatch(r"\d+(?:\.\d+)?", body, re.ASCII):
            raise DataSetError(
                f"{_label(element)}: «{str(text)[:30]}» không phải là {kind_hint}.", element.code
            )
        try:
            number = Decimal(body)
        except InvalidOperation:
            raise DataSetError(
                f"{_label(element)}: «{str(text)[:30]}» không phải là số.", element.code
            ) from None
        if negative:
            number = -number
    return _check_range(element, number)


def format_value(value: Decimal | float | int | None) -> str:
    """A value as DHIS2 writes it: "12", "12.5" (no thousands separator, "." decimal point)."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_UP)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


# --- definitions --------------------------------------------------------------------------------------


def check_code(code: str, what: str = "mã") -> str:
    code = (code or "").strip()
    if not CODE_RE.fullmatch(code):
        raise DataSetError(
            f"{what.capitalize()} «{code[:50]}» không hợp lệ: bắt đầu bằng chữ cái, chỉ gồm chữ cái "
            "không dấu, chữ số và dấu gạch dưới, tối đa 48 ký tự.",
            "code",
        )
    return code


def check_element_code(code: str, element: DataElement | None = None) -> str:
    """A new or changed element code: well formed, not an indicator's code, fixed once values exist."""
    code = check_code(code, "mã chỉ tiêu")
    if registry.known(code):
        raise DataSetError(
            f"Mã «{code}» đã là mã một chỉ tiêu thống kê tính từ sổ sách; hãy chọn mã khác để khi trao đổi "
            "dữ liệu (DHIS2) không bị trùng.",
            "code",
        )
    if element is not None and element.pk and element.code != code and element.values.exists():
        raise DataSetError(
            "Chỉ tiêu đã có số liệu: không được đổi mã (các hệ thống khác đang dùng mã này).", "code"
        )
    return code


def check_membership(dataset: DataSet, element: DataElement) -> None:
    """One value per (element, area, period): an element may not be in two data sets that are filled at the
    same level for the same kind of period, or its figures would be entered twice."""
    clash = (
        DataSetElement.objects.filter(
            element=element, dataset__period_kind=dataset.period_kind, dataset__level=dataset.level
        )
        .exclude(dataset_id=dataset.pk)
        .select_related("dataset")
        .first()
    )
    if clash is not None:
        raise DataSetError(
            f"Chỉ tiêu «{element.name}» đã có trong biểu «{clash.dataset.name}» cùng cấp và cùng loại kỳ: "
            "số liệu sẽ bị nhập hai lần.",
            "element",
        )


def datasets(active_only: bool = False) -> QuerySet[DataSet]:
    qs = DataSet.objects.prefetch_related("members__element", "rules").order_by("level", "code")
    return qs.filter(active=True) if active_only else qs


def get_dataset(code: str) -> DataSet:
    dataset = datasets().filter(code=(code or "").strip()).first()
    if dataset is None:
        raise DataSetNotFound(f"Không có biểu mẫu mã «{str(code)[:50]}».")
    return dataset


def elements_of(dataset: DataSet) -> list[DataElement]:
    return [m.element for m in dataset.members.all()]


def rules_of(dataset: DataSet) -> list[ValidationRule]:
    return [r for r in dataset.rules.all() if r.active]


def kind_name(dataset: DataSet) -> str:
    return periods.kind_name(dataset.period_kind)


def get_period(dataset: DataSet, period_id: str, today: datetime.date | None = None) -> Period:
    """The period a data set is filled for; refuses ids of another kind and periods not yet started."""
    try:
        period = periods.parse(period_id)
    except PeriodError as e:
        raise DataSetError(str(e), "period") from None
    if period.kind != dataset.period_kind:
        example = periods.current(dataset.period_kind, today).id
        raise DataSetError(
            f"Biểu «{dataset.name}» báo cáo theo {kind_name(dataset).lower()} (ví dụ {example}); "
            f"kỳ «{period_id}» không thuộc loại đó.",
            "period",
        )
    today = today or timezone.localdate()
    if period.start > today:
        raise DataSetError(f"Kỳ {period.label} chưa bắt đầu: chưa thể nhập số liệu.", "period")
    return period


def due_date(dataset: DataSet, period: Period) -> datetime.date:
    return period.end + datetime.timedelta(days=dataset.due_days)


def recent_periods(dataset: DataSet, count: int = 6, today: datetime.date | None = None) -> list[Period]:
    """The current period of the data set's kind and those before it, newest first."""
    period = periods.current(dataset.period_kind, today)
    out = [period]
    while len(out) < count:
        period = period.previous()
        out.append(period)
    return out


def last_closed_period(dataset: DataSet, today: datetime.date | None = None) -> Period:
    """The latest period that has ended (what completeness is usually asked about)."""
    return periods.current(dataset.period_kind, today).previous()


def check_level(dataset: DataSet, area: Area) -> None:
    if area.level != dataset.level:
        raise DataSetError(
            f"Biểu «{dataset.name}» do cấp {LEVEL_NAMES[dataset.level]} lập; «{area.name}» không "
            "thuộc cấp đó.",
            "orgUnit",
        )


def resolve_unit(code: str) -> Area:
    """Today's unit for a code; an old (pre-July-2025) code is mapped through the predecessor table.

    A code of a current unit wins. An old unit whose figures went to one unit today becomes that unit;
    one that was split between several is refused as ambiguous (send the new units' codes instead).
    """
    code = nfc(code or "").strip()
    if not code:
        raise DataSetError("Thiếu mã đơn vị (orgUnit).", "orgUnit")
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is not None:
        return area
    successors = areas.successors_of(code)
    if not successors:
        raise DataSetError(f"Không có đơn vị hành chính mã «{code[:30]}».", "orgUnit", status=404)
    if len(successors) > 1:
        names = ", ".join(f"{p.successor.name} ({p.successor.code})" for p in successors[:8])
        old = successors[0].old_name or code
        raise DataSetError(
            f"Đơn vị cũ «{old}» ({code}) đã được sắp xếp vào {len(successors)} đơn vị mới ({names}): "
            "không biết số liệu thuộc đơn vị nào; hãy gửi theo mã đơn vị mới.",
            "orgUnit",
            status=409,
        )
    return Area.objects.select_related("parent").get(pk=successors[0].successor_id)


# --- permissions --------------------------------------------------------------------------------------


def approver_area(area: Area) -> Area | None:
    """Where approval is decided: the level above (a commune's province; the nation for a province)."""
    return area.parent if area.level == Level.COMMUNE else None


def can_enter(user: Any, area: Area | None = None) -> bool:
    return has_perm(user, Perm.ENTER_DATA) if area is None else has_perm(user, Perm.ENTER_DATA, area)


def can_approve(user: Any, area: Area | None = None) -> bool:
    if area is None:
        return has_perm(user, Perm.APPROVE_DATA)
    return has_perm(user, Perm.APPROVE_DATA, approver_area(area))


def can_view(user: Any, area: Area | None = None) -> bool:
    if area is None:
        return any(has_perm(user, p) for p in (Perm.VIEW_STATS, Perm.ENTER_DATA, Perm.APPROVE_DATA))
    return has_perm(user, Perm.VIEW_STATS, area) or can_enter(user, area) or can_approve(user, area)


def require_view(user: Any, area: Area) -> None:
    if not can_view(user, area):
        raise DataSetForbidden(f"Bạn không có quyền xem biểu mẫu của {area.name}.")


def require_enter(user: Any, area: Area) -> None:
    if not can_enter(user, area):
        raise DataSetForbidden(f"Bạn không có quyền nhập số liệu cho {area.name}.")


def enterable_areas(user: Any, level: int) -> list[Area] | None:
    """Units at `level` where the user may enter data; None: anywhere (the page asks for a code)."""
    roots = scope(user, Perm.ENTER_DATA)
    if roots is None:
        return None
    found: dict[int, Area] = {}
    for root in roots:
        if root.level == level:
            found[root.pk] = root
        elif root.level < level:
            for a in Area.objects.within(root).filter(level=level)[:400]:
                found[a.pk] = a
    return sorted(found.values(), key=lambda a: a.path)


# --- forms --------------------------------------------------------------------------------------------


@dataclass
class Form:
    """A data set for one area and period as the page and the API show it."""

    dataset: DataSet
    area: Area
    period: Period
    submission: Submission | None
    elements: list[DataElement]
    values: dict[str, DataValue] = field(default_factory=dict)
    draft: dict[str, str] = field(default_factory=dict)  # typed texts not accepted yet
    errors: dict[str, str] = field(default_factory=dict)  # element code -> message
    rule_errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else Status.DRAFT

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def due_date(self) -> datetime.date:
        return due_date(self.dataset, self.period)

    @property
    def numbers(self) -> dict[str, Decimal]:
        return {code: v.value for code, v in self.values.items()}

    @property
    def missing(self) -> list[DataElement]:
        return [e for e in self.elements if e.code not in self.values and e.code not in self.draft]

    @property
    def on_time(self) -> bool | None:
        sub = self.submission
        if sub is None or sub.first_submitted_at is None:
            return None
        return timezone.localtime(sub.first_submitted_at).date() <= self.due_date

    def text(self, code: str) -> str:
        """What the input box shows: the text typed (if not accepted) or the stored value."""
        if code in self.draft:
            return self.draft[code]
        value = self.values.get(code)
        return format_value(value.value) if value else ""


def find_submission(dataset: DataSet, area: Area, period: Period) -> Submission | None:
    return Submission.objects.filter(dataset=dataset, area=area, period=period.id).first()


def _load(form: Form) -> Form:
    sub = form.submission
    if sub is not None:
        form.values = {v.element_code: v for v in sub.values.all()}
        form.draft = {k: str(v) for k, v in (sub.draft or {}).items() if k in {e.code for e in form.elements}}
        for code, text in form.draft.items():
            element = next(e for e in form.elements if e.code == code)
            try:
                parse_value(element, text)
            except DataSetError as e:
                form.errors[code] = e.message
    form.rule_errors = [r.message for r in broken_rules(rules_of(form.dataset), form.numbers)]
    return form


def open_form(user: Any, dataset: DataSet, area: Area, period: Period) -> Form:
    """The form as it stands (nothing is created by looking at it)."""
    check_level(dataset, area)
    require_view(user, area)
    return _load(Form(dataset, area, period, find_submission(dataset, area, period), elements_of(dataset)))


def _event(sub: Submission, action: str, user: Any, note: str = "") -> None:
    SubmissionEvent.objects.create(submission=sub, action=action, by=_user(user), note=note)


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def get_or_create_submission(user: Any, dataset: DataSet, area: Area, period: Period) -> Submission:
    sub = find_submission(dataset, area, period)
    if sub is None:
        sub = Submission(
            dataset=dataset,
            area=area,
            period=period.id,
            period_start=period.start,
            period_end=period.end,
            due_date=due_date(dataset, period),
            created_by=_user(user),
        )
        try:
            with transaction.atomic():
                sub.save()
        except IntegrityError:  # created meanwhile by another request: use that one
            found = find_submission(dataset, area, period)
            if found is None:
                raise
            sub = found
    return sub


def require_editable(sub: Submission) -> None:
    if sub.status == Status.SUBMITTED:
        raise DataSetError(
            "Biểu mẫu đã gửi, đang chờ cấp trên duyệt: không sửa được số liệu "
            "(cấp trên có thể trả lại để sửa).",
            "status",
            status=409,
        )
    if sub.status == Status.APPROVED:
        raise DataSetError(
            "Biểu mẫu đã được duyệt: không sửa được số liệu (cấp trên có thể trả lại để sửa).",
            "status",
            status=409,
        )


@dataclass
class Changes:
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


def put_value(
    sub: Submission, element: DataElement, value: Decimal | None, user: Any, comment: str | None = None
) -> str:
    """Store (or, with None, remove) one accepted value of an editable submission.

    Returns "imported", "updated", "deleted" or "unchanged".
    """
    existing = DataValue.objects.filter(element=element, area_id=sub.area_id, period=sub.period).first()
    if value is None:
        if existing is None:
            return "unchanged"
        existing.delete()
        return "deleted"
    comment = None if comment is None else nfc(comment).strip()[:MAX_COMMENT]
    who = getattr(user, "username", "") or ""
    if existing is None:
        DataValue(
            submission=sub,
            element=element,
            area=sub.area,
            period=sub.period,
            period_start=sub.period_start,
            value=value,
            comment=comment or "",
            approved=sub.status == Status.APPROVED,
            stored_by=who,
        ).save()
        return "imported"
    if existing.value == value and (comment is None or existing.comment == comment):
        return "unchanged"
    existing.value = value
    if comment is not None:
        existing.comment = comment
    existing.stored_by = who
    existing.submission = sub
    existing.save()
    return "updated"


def save_form(user: Any, dataset: DataSet, area: Area, period: Period, typed: Mapping[str, Any]) -> Form:
    """Save what was typed for some elements (codes missing from `typed` stay as they are).

    Valid values are stored, empty ones removed, invalid texts kept in the draft with their error. Broken
    rules are reported on the form (and refuse submitting), never lose what was typed.
    """
    check_level(dataset, area)
    require_enter(user, area)
    if not dataset.active:
        raise DataSetError(f"Biểu «{dataset.name}» đã ngừng nhận số liệu.", "dataset", status=409)
    elements = {e.code: e for e in elements_of(dataset)}
    unknown = sorted(set(typed) - set(elements))
    if unknown:
        raise DataSetError(
            f"Biểu «{dataset.name}» không có chỉ tiêu: {', '.join(unknown)[:200]}.", unknown[0]
        )
    with transaction.atomic():
        sub = get_or_create_submission(user, dataset, area, period)
        sub = Submission.objects.select_for_update().get(pk=sub.pk)
        require_editable(sub)
        draft = dict(sub.draft or {})
        changes = Changes()
        for code, text in typed.items():
            element = elements[code]
            try:
                number = parse_value(element, text)
            except DataSetError:
                draft[code] = nfc(str(text))[:100]
                continue
            draft.pop(code, None)
            result = put_value(sub, element, number, user)
            setattr(changes, result, getattr(changes, result) + 1)
        if draft != (sub.draft or {}) or changes.imported or changes.updated or changes.deleted:
            sub.draft = draft
            sub.save()
            _event(sub, EventAction.SAVED, user)
    return _load(Form(dataset, area, period, sub, list(elements.values())))


def submit_form(
    user: Any, dataset: DataSet, area: Area, period: Period, typed: Mapping[str, Any] | None = None
) -> Form:
    """Save `typed` (if given) then submit to the level above; FormRefused with every reason otherwise."""
    form = save_form(user, dataset, area, period, typed or {})
    problems: list[str] = list(form.errors.values())
    if form.missing:
        names = "; ".join(e.name for e in form.missing[:5])
        problems.append(f"Chưa nhập {len(form.missing)} chỉ tiêu (nhập 0 nếu không có): {names}.")
    problems += form.rule_errors
    if problems:
        raise FormRefused(form, "Chưa gửi được biểu mẫu (đã lưu bản nháp): " + " ".join(problems))
    sub = form.submission
    assert sub is not None
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=sub.pk)
        require_editable(sub)
        now = timezone.now()
        sub.status = Status.SUBMITTED
        sub.submitted_at = now
        sub.submitted_by = _user(user)
        sub.first_submitted_at = sub.first_submitted_at or now
        sub.save()
        _event(sub, EventAction.SUBMITTED, user)
    form.submission = sub
    return form


def _set_approved(sub: Submission, approved: bool) -> None:
    # Saved one by one so that the statistics see each change (a form has a handful of values).
    for value in sub.values.select_related("element", "area"):
        if value.approved != approved:
            value.approved = approved
            value.save()


def _require_approver(user: Any, sub: Submission) -> None:
    if not can_approve(user, sub.area):
        above = approver_area(sub.area)
        where = above.name if above else "toàn quốc"
        raise DataSetForbidden(f"Chỉ cấp trên ({where}) mới duyệt hoặc trả lại biểu mẫu của {sub.area.name}.")


def approve(user: Any, sub: Submission) -> Submission:
    """The level above accepts a submitted form: its values become official statistics."""
    _require_approver(user, sub)
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("area", "dataset").get(pk=sub.pk)
        if sub.status != Status.SUBMITTED:
            raise DataSetError(
                f"Chỉ duyệt được biểu mẫu đã gửi; biểu này đang ở trạng thái «{Status(sub.status).label}».",
                "status",
                status=409,
            )
        sub.status = Status.APPROVED
        sub.approved_at = timezone.now()
        sub.approved_by = _user(user)
        sub.save()
        _set_approved(sub, True)
        _event(sub, EventAction.APPROVED, user)
    return sub


def return_submission(user: Any, sub: Submission, reason: str) -> Submission:
    """Send a submitted (or approved) form back for correction, with the reason; it stops counting."""
    _require_approver(user, sub)
    reason = nfc(reason or "").strip()
    if not reason:
        raise DataSetError("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.", "reason")
    if len(reason) > MAX_REASON:
        raise DataSetError(f"Lý do quá dài (tối đa {MAX_REASON} ký tự).", "reason")
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("area", "dataset").get(pk=sub.pk)
        if sub.status not in COMPLETE:
            raise DataSetError(
                f"Chỉ trả lại được biểu mẫu đã gửi hoặc đã duyệt; biểu này đang ở trạng thái "
                f"«{Status(sub.status).label}».",
                "status",
                status=409,
            )
        sub.status = Status.RETURNED
        sub.returned_at = timezone.now()
        sub.returned_by = _user(user)
        sub.return_reason = reason
        sub.save()
        _set_approved(sub, False)
        _event(sub, EventAction.RETURNED, user, reason)
    return sub


def get_submission(user: Any, dataset: DataSet, area: Area, period: Period) -> Submission:
    require_view(user, area)
    sub = find_submission(dataset, area, period)
    if sub is None:
        raise DataSetNotFound(f"{area.name} chưa lập biểu «{dataset.name}» kỳ {period.label}.")
    return sub


def awaiting_approval(user: Any, limit: int = 100) -> list[Submission]:
    """Submitted forms this user may approve, oldest first."""
    roots = scope(user, Perm.APPROVE_DATA)
    qs = Submission.objects.filter(status=Status.SUBMITTED).select_related("dataset", "area")
    if roots is not None:
        if not roots:
            return []
        where = Q(pk__in=[])
        for root in roots:
            # Strictly below the root: a unit never approves its own forms.
            where |= Q(area_path__gt=root.path, area_path__lt=root.path + "z", area__level=root.level + 1)
        qs = qs.filter(where)
    return list(qs.order_by("submitted_at")[:limit])


# --- completeness and timeliness ----------------------------------------------------------------------


@dataclass
class UnitRow:
    area: Area
    expected: int = 0
    submitted: int = 0  # submitted or approved
    approved: int = 0
    on_time: int = 0
    submission: Submission | None = None  # when the row is one unit

    @property
    def completeness(self) -> float | None:
        return query.ratio(self.submitted, self.expected)

    @property
    def timeliness(self) -> float | None:
        return query.ratio(self.on_time, self.expected)


@dataclass
class Completeness:
    dataset: DataSet
    area: Area | None  # None: the nation
    period: Period
    due_date: datetime.date
    expected: int = 0
    submitted: int = 0
    approved: int = 0
    on_time: int = 0
    rows: list[UnitRow] = field(default_factory=list)
    single_units: bool = True  # rows are units (not groups of units)

    @property
    def completeness(self) -> float | None:
        return query.ratio(self.submitted, self.expected)

    @property
    def timeliness(self) -> float | None:
        return query.ratio(self.on_time, self.expected)


def expected_units(dataset: DataSet, area: Area | None) -> QuerySet[Area]:
    qs = Area.objects.filter(level=dataset.level)
    return qs if area is None else qs.within(area)


def _on_time(sub: Submission, due: datetime.date) -> bool:
    return sub.first_submitted_at is not None and timezone.localtime(sub.first_submitted_at).date() <= due


def completeness(dataset: DataSet, area: Area | None, period: Period) -> Completeness:
    """Which of the expected units submitted this period, and on time: one row per unit when they are one
    level below the area (communes of a province), else one row per unit one level below (provinces)."""
    due = due_date(dataset, period)
    result = Completeness(dataset, area, period, due)
    subs = Submission.objects.filter(dataset=dataset, period=period.id)
    if area is not None:
        subs = subs.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
    by_area = {s.area_id: s for s in subs}
    units = list(expected_units(dataset, area).select_related("parent"))
    area_level = area.level if area is not None else 0
    result.single_units = dataset.level <= area_level + 1
    groups: dict[int, UnitRow] = {}
    for unit in units:
        if result.single_units:
            row = UnitRow(unit, submission=by_area.get(unit.pk))
            result.rows.append(row)
        else:
            top = unit
            while top.parent is not None and top.level > area_level + 1:
                top = top.parent
            row = groups.setdefault(top.pk, UnitRow(top))
        row.expected += 1
        sub = by_area.get(unit.pk)
        if sub is not None and sub.status in COMPLETE:
            row.submitted += 1
            row.approved += sub.status == Status.APPROVED
            row.on_time += _on_time(sub, due)
    if not result.single_units:
        result.rows = sorted(groups.values(), key=lambda r: r.area.path)
    for row in result.rows:
        result.expected += row.expected
        result.submitted += row.submitted
        result.approved += row.approved
        result.on_time += row.on_time
    return result


@dataclass
class TrendPoint:
    period: Period
    expected: int
    submitted: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return query.ratio(self.submitted, self.expected)

    @property
    def timeliness(self) -> float | None:
        return query.ratio(self.on_time, self.expected)


def completeness_trend(
    dataset: DataSet, area: Area | None, last: Period, count: int = 12
) -> list[TrendPoint]:
    """Completeness and timeliness of the `count` periods up to `last`, oldest first (one query each)."""
    expected = expected_units(dataset, area).count()
    chosen = [last]
    while len(chosen) < count:
        chosen.append(chosen[-1].previous())
    out = []
    for period in reversed(chosen):
        subs = Submission.objects.filter(dataset=dataset, period=period.id, status__in=COMPLETE)
        if area is not None:
            subs = subs.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
        due = due_date(dataset, period)
        firsts = list(subs.values_list("first_submitted_at", flat=True))
        on_time = sum(1 for f in firsts if f is not None and timezone.localtime(f).date() <= due)
        out.append(TrendPoint(period, expected, len(firsts), on_time))
    return out


# --- statistics ---------------------------------------------------------------------------------------


def element_value(code: str, path: str, start: datetime.date, end: datetime.date) -> float:
    """The approved figure of one data element in an area (its path; "" is the nation) from `start` to
    `end`, read from the statistics rollups: `query.values(["dataset_value"], path, start, end,
    subgroup=code)`. Values of every unit and period that starts in the range add up; a percentage
    element gives the average of the values instead (a sum of percentages means nothing)."""
    total = query.values([INDICATOR_VALUE], path, start, end, subgroup=code).get(INDICATOR_VALUE, 0.0)
    element = DataElement.objects.filter(code=code).only("value_type").first()
    if element is not None and element.value_type == ValueType.PERCENTAGE:
        reports = query.values([INDICATOR_REPORTS], path, start, end, subgroup=code).get(
            INDICATOR_REPORTS, 0.0
        )
        return total / reports if reports else 0.0
    return total
