"""/api/v1/datasets (period data sets, their forms and approval) and /api/v1/dataValueSets (DHIS2 exchange).

The router is mounted at the API root. Rules live in datasets.domain, the exchange formats in
datasets.dhis2; handlers only translate HTTP.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.problems import ApiProblem, problem
from binhyen.areas.models import Area
from binhyen.datasets import dhis2, domain
from binhyen.datasets.models import DataSet, Submission
from binhyen.stats.periods import Period

router = Router(tags=["datasets"])

ADX_TYPE = "application/adx+xml"
CSV_TYPE = "application/csv"


def _problem(e: domain.DataSetError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=(code or "").strip()).select_related("parent").first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code[:30]}».")
    return area


def _require_any_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise ApiProblem(403, "Bạn không có quyền xem biểu mẫu số liệu.")


# --- schemas ------------------------------------------------------------------------------------------


class ElementOut(Schema):
    code: str
    name: str
    unit: str
    value_type: str
    description: str


class RuleOut(Schema):
    name: str
    left: str
    operator: str
    right: str
    message: str


class DataSetOut(Schema):
    code: str
    name: str
    period_kind: str
    period_kind_name: str
    level: int
    level_name: str
    due_days: int
    description: str
    active: bool
    elements: list[ElementOut]
    rules: list[RuleOut]


def dataset_out(ds: DataSet) -> dict[str, Any]:
    return {
        "code": ds.code,
        "name": ds.name,
        "period_kind": ds.period_kind,
        "period_kind_name": domain.kind_name(ds),
        "level": ds.level,
        "level_name": domain.LEVEL_NAMES[ds.level],
        "due_days": ds.due_days,
        "description": ds.description,
        "active": ds.active,
        "elements": [
            {
                "code": e.code,
                "name": e.name,
                "unit": e.unit,
                "value_type": e.value_type,
                "description": e.description,
            }
            for e in domain.elements_of(ds)
        ],  # fmt: skip
        "rules": [
            {"name": r.name, "left": r.left, "operator": r.operator, "right": r.right, "message": r.message}
            for r in domain.rules_of(ds)
        ],
    }


class ValueOut(Schema):
    element: str
    name: str
    unit: str
    value_type: str
    value: str | None = Field(None, description="giá trị đã nhận (dạng 12 hoặc 12.5)")
    draft: str | None = Field(None, description="chữ đã gõ nhưng chưa hợp lệ (được giữ lại)")
    error: str | None = None


class EventOut(Schema):
    action: str
    by: str
    at: datetime.datetime
    note: str


class FormOut(Schema):
    dataset: str
    dataset_name: str
    area: str
    area_name: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date
    status: str
    status_label: str
    editable: bool
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    on_time: bool | None
    approved_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    return_reason: str
    values: list[ValueOut]
    rule_violations: list[str]
    events: list[EventOut]


def _who(user: Any) -> str:
    if user is None:
        return ""
    return str(user.full_name or user.username)


def form_out(form: domain.Form) -> dict[str, Any]:
    sub = form.submission
    return {
        "dataset": form.dataset.code,
        "dataset_name": form.dataset.name,
        "area": form.area.code,
        "area_name": form.area.name,
        "period": form.period.id,
        "period_label": form.period.label,
        "period_start": form.period.start,
        "period_end": form.period.end,
        "due_date": form.due_date,
        "status": form.status,
        "status_label": form.status_label,
        "editable": form.editable,
        "first_submitted_at": sub.first_submitted_at if sub else None,
        "submitted_at": sub.submitted_at if sub else None,
        "on_time": form.on_time,
        "approved_at": sub.approved_at if sub else None,
        "returned_at": sub.returned_at if sub else None,
        "return_reason": sub.return_reason if sub else "",
        "values": [
            {
                "element": e.code,
                "name": e.name,
                "unit": e.unit,
                "value_type": e.value_type,
                "value": domain.format_value(form.values[e.code].value) if e.code in form.values else None,
                "draft": form.draft.get(e.code),
                "error": form.errors.get(e.code),
            }
            for e in form.elements
        ],
        "rule_violations": form.rule_errors,
        "events": [
            {"action": ev.action, "by": _who(ev.by), "at": ev.at, "note": ev.note}
            for ev in (sub.events.select_related("by") if sub else [])
        ],
    }


class FormIn(Schema):
    values: dict[str, str | int | float | None] = Field(
        default_factory=dict,
        description="mã chỉ tiêu → giá trị (số, hoặc chữ như trên biểu: 1.234, 12,5); null hoặc rỗng: xoá",
    )


class ReturnIn(Schema):
    reason: str = Field(..., description="lý do trả lại, để đơn vị biết cần sửa gì")


class UnitOut(Schema):
    area: str
    area_name: str
    expected: int
    submitted: int
    approved: int
    on_time: int
    status: str | None = Field(None, description="trạng thái biểu của đơn vị (khi dòng là một đơn vị)")
    first_submitted_at: datetime.datetime | None = None


class CompletenessOut(Schema):
    dataset: str
    area: str | None
    area_name: str
    period: str
    period_label: str
    due_date: datetime.date
    expected: int
    submitted: int
    approved: int
    on_time: int
    completeness: float | None = Field(None, description="% đơn vị đã gửi (đã gửi hoặc đã duyệt)")
    timeliness: float | None = Field(None, description="% đơn vị gửi lần đầu đúng hạn")
    units: list[UnitOut]


class CompletenessParams(Schema):
    area: str | None = Field(None, description="mã tỉnh (hoặc xã); bỏ trống: toàn quốc")
    period: str | None = Field(None, description="mã kỳ; bỏ trống: kỳ gần nhất đã kết thúc")


def completeness_out(c: domain.Completeness) -> dict[str, Any]:
    return {
        "dataset": c.dataset.code,
        "area": c.area.code if c.area else None,
        "area_name": c.area.name if c.area else "Toàn quốc",
        "period": c.period.id,
        "period_label": c.period.label,
        "due_date": c.due_date,
        "expected": c.expected,
        "submitted": c.submitted,
        "approved": c.approved,
        "on_time": c.on_time,
        "completeness": c.completeness,
        "timeliness": c.timeliness,
        "units": [
            {
                "area": r.area.code,
                "area_name": r.area.name,
                "expected": r.expected,
                "submitted": r.submitted,
                "approved": r.approved,
                "on_time": r.on_time,
                "status": r.submission.status
                if r.submission
                else (None if not c.single_units else "missing"),
                "first_submitted_at": r.submission.first_submitted_at if r.submission else None,
            }
            for r in c.rows
        ],
    }


# --- data sets and forms ------------------------------------------------------------------------------


@router.get("/datasets", response=list[DataSetOut], auth=STAFF_AUTH, summary="Danh sách biểu mẫu số liệu")
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    _require_any_view(request)
    return [dataset_out(ds) for ds in domain.datasets()]


def _dataset(code: str) -> DataSet:
    try:
        return domain.get_dataset(code)
    except domain.DataSetError as e:
        raise _problem(e) from None


@router.get("/datasets/{code}", response=DataSetOut, auth=STAFF_AUTH, summary="Một biểu mẫu số liệu")
def get_dataset(request: HttpRequest, code: str) -> dict[str, Any]:
    _require_any_view(request)
    return dataset_out(_dataset(code))


def _target(request: HttpRequest, code: str, area_code: str, period_id: str) -> tuple[DataSet, Area, Period]:
    ds = _dataset(code)
    area = _area(area_code)
    if not domain.can_view(request.user, area):
        raise ApiProblem(403, f"Bạn không có quyền với biểu mẫu của {area.name}.")
    try:
        domain.check_level(ds, area)
        return ds, area, domain.get_period(ds, period_id)
    except domain.DataSetError as e:
        raise _problem(e) from None


FORM_PATH = "/datasets/{code}/forms/{area}/{period}"


@router.get(FORM_PATH, response=FormOut, auth=STAFF_AUTH, summary="Biểu mẫu của một đơn vị trong một kỳ")
def get_dataset_form(request: HttpRequest, code: str, area: str, period: str) -> dict[str, Any]:
    ds, unit, p = _target(request, code, area, period)
    try:
        return form_out(domain.open_form(request.user, ds, unit, p))
    except domain.DataSetError as e:
        raise _problem(e) from None


def _refused(form: domain.Form, message: str) -> ApiProblem:
    errors = [{"field": code, "message": msg} for code, msg in form.errors.items()]
    errors += [{"field": "rules", "message": msg} for msg in form.rule_errors]
    for e in form.missing:
        errors.append({"field": e.code, "message": "Chưa nhập (nhập 0 nếu không có)."})
    return ApiProblem(422, message, errors=errors, form=json.loads(json.dumps(form_out(form), default=str)))


@router.put(FORM_PATH, response=FormOut, auth=STAFF_AUTH, summary="Lưu số liệu (bản nháp) của biểu mẫu")
def save_dataset_form(
    request: HttpRequest, code: str, area: str, period: str, payload: FormIn
) -> dict[str, Any]:
    ds, unit, p = _target(request, code, area, period)
    try:
        form = domain.save_form(request.user, ds, unit, p, payload.values)
    except domain.DataSetError as e:
        raise _problem(e) from None
    if form.errors or form.rule_errors:
        raise _refused(form, "Đã lưu bản nháp, nhưng có số liệu chưa hợp lệ: " + " ".join(
            [*form.errors.values(), *form.rule_errors]
        ))  # fmt: skip
    return form_out(form)


def _optional_values(request: HttpRequest) -> dict[str, Any] | None:
    """The optional JSON body {"values": {...}} of a submit: nothing sent means "submit what is saved"."""
    body = request.body.strip()
    if not body or ("json" not in (request.content_type or "") and not body.startswith(b"{")):
        return None  # nothing sent (an empty form post): submit what is saved
    try:
        return FormIn.model_validate(json.loads(request.body)).values
    except (ValueError, PydanticValidationError):
        raise ApiProblem(
            422, 'Nội dung gửi lên phải là JSON dạng {"values": {"mã chỉ tiêu": giá trị}}.', errors=[]
        ) from None


@router.post(
    FORM_PATH + "/submit",
    response=FormOut,
    auth=STAFF_AUTH,
    summary="Gửi biểu mẫu lên cấp trên duyệt (có thể kèm số liệu cần lưu trước)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": FormIn.model_json_schema()}},
        }
    },
)
def submit_dataset_form(request: HttpRequest, code: str, area: str, period: str) -> dict[str, Any]:
    ds, unit, p = _target(request, code, area, period)
    values = _optional_values(request)
    try:
        return form_out(domain.submit_form(request.user, ds, unit, p, values))
    except domain.FormRefused as e:
        raise _refused(e.form, e.message) from None
    except domain.DataSetError as e:
        raise _problem(e) from None


def _submission(request: HttpRequest, code: str, area: str, period: str) -> Submission:
    ds, unit, p = _target(request, code, area, period)
    try:
        return domain.get_submission(request.user, ds, unit, p)
    except domain.DataSetError as e:
        raise _problem(e) from None


@router.post(FORM_PATH + "/approve", response=FormOut, auth=STAFF_AUTH, summary="Duyệt biểu mẫu (cấp trên)")
def approve_dataset_form(request: HttpRequest, code: str, area: str, period: str) -> dict[str, Any]:
    sub = _submission(request, code, area, period)
    try:
        domain.approve(request.user, sub)
        return form_out(
            domain.open_form(request.user, sub.dataset, sub.area, domain.get_period(sub.dataset, period))
        )
    except domain.DataSetError as e:
        raise _problem(e) from None


@router.post(
    FORM_PATH + "/return", response=FormOut, auth=STAFF_AUTH, summary="Trả lại biểu mẫu để sửa, kèm lý do"
)
def return_dataset_form(
    request: HttpRequest, code: str, area: str, period: str, payload: ReturnIn
) -> dict[str, Any]:
    sub = _submission(request, code, area, period)
    try:
        domain.return_submission(request.user, sub, payload.reason)
        return form_out(
            domain.open_form(request.user, sub.dataset, sub.area, domain.get_period(sub.dataset, period))
        )
    except domain.DataSetError as e:
        raise _problem(e) from None


@router.get(
    "/datasets/{code}/completeness", response=CompletenessOut, auth=STAFF_AUTH,
    summary="Mức đầy đủ và đúng hạn của biểu mẫu trong một kỳ",
)  # fmt: skip
def dataset_completeness(
    request: HttpRequest, code: str, params: Query[CompletenessParams]
) -> dict[str, Any]:
    ds = _dataset(code)
    area = _area(params.area) if params.area else None
    if not has_perm(request.user, Perm.VIEW_STATS, area):
        raise ApiProblem(403, "Bạn không có quyền xem tiến độ báo cáo của đơn vị này.")
    try:
        period = domain.get_period(ds, params.period) if params.period else domain.last_closed_period(ds)
    except domain.DataSetError as e:
        raise _problem(e) from None
    return completeness_out(domain.completeness(ds, area, period))


# --- DHIS2 data value sets ----------------------------------------------------------------------------


class DataValueSetParams(Schema):
    orgUnit: list[str] = Field(
        default_factory=list, description="mã đơn vị (lặp lại được); mã cũ được quy đổi"
    )
    period: list[str] = Field(
        default_factory=list, description="mã kỳ DHIS2 (202103, 2021Q1...) hoặc 2021P03"
    )
    startDate: str = Field("", description="thay cho period: từ ngày (YYYY-MM-DD)")
    endDate: str = Field("", description="đến ngày (YYYY-MM-DD)")
    dataSet: list[str] = Field(
        default_factory=list, description="mã biểu mẫu; có thì chỉ xuất chỉ tiêu của biểu"
    )
    dataElement: list[str] = Field(default_factory=list, description="chỉ xuất các mã chỉ tiêu này")
    children: str = Field("", description="true: cả các đơn vị cấp dưới")
    approvedOnly: str = Field("", description="true: chỉ số liệu nhập tay đã được duyệt")


def _export(request: HttpRequest, params: DataValueSetParams) -> tuple[dhis2.ExportQuery, list[dhis2.Row]]:
    try:
        q = dhis2.parse_query(
            request.user,
            params.orgUnit,
            params.period,
            params.startDate,
            params.endDate,
            params.children,
            params.dataSet,
            params.dataElement,
            params.approvedOnly,
        )
        return q, dhis2.export_rows(q)
    except domain.DataSetError as e:
        raise _problem(e) from None


def _csv_response(rows: list[dhis2.Row]) -> HttpResponse:
    response = HttpResponse(dhis2.to_csv(rows), content_type=f"{CSV_TYPE}; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dataValueSets.csv"'
    return response


def _adx_response(rows: list[dhis2.Row]) -> HttpResponse:
    return HttpResponse(dhis2.to_adx(rows), content_type=f"{ADX_TYPE}; charset=utf-8")


@router.get(
    "/dataValueSets",
    auth=STAFF_AUTH,
    summary="Xuất số liệu theo định dạng DHIS2 (JSON; CSV, ADX theo Accept)",
)
def get_data_value_sets(request: HttpRequest, params: Query[DataValueSetParams]) -> Any:
    q, rows = _export(request, params)
    accept = request.headers.get("Accept", "")
    if ADX_TYPE in accept:
        return _adx_response(rows)
    if "text/csv" in accept or CSV_TYPE in accept:
        return _csv_response(rows)
    return dhis2.to_json(q, rows)


@router.get("/dataValueSets.csv", auth=STAFF_AUTH, summary="Xuất số liệu dạng CSV của DHIS2")
def get_data_value_sets_csv(request: HttpRequest, params: Query[DataValueSetParams]) -> HttpResponse:
    return _csv_response(_export(request, params)[1])


@router.get("/dataValueSets.adx", auth=STAFF_AUTH, summary="Xuất số liệu dạng ADX (IHE QRPH)")
def get_data_value_sets_adx(request: HttpRequest, params: Query[DataValueSetParams]) -> HttpResponse:
    return _adx_response(_export(request, params)[1])


class ImportParams(Schema):
    importStrategy: str = Field("CREATE_AND_UPDATE", description="CREATE_AND_UPDATE, CREATE, UPDATE, DELETE")
    dryRun: str = Field("", description="true: chỉ kiểm tra, không lưu")


@router.post(
    "/dataValueSets",
    auth=STAFF_AUTH,
    summary="Nhập số liệu theo định dạng DHIS2 (JSON hoặc CSV), trả về ImportSummary",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object", "description": "data value set của DHIS2"}},
                "application/csv": {
                    "schema": {"type": "string", "description": ", ".join(dhis2.CSV_COLUMNS)}
                },
            }
        }
    },
)
def import_data_value_sets(request: HttpRequest, params: Query[ImportParams]) -> HttpResponse:
    kind = request.content_type or ""
    body = request.body
    try:
        if "csv" in kind:
            payload = dhis2.read_csv(body)
        elif "json" in kind or body.lstrip()[:1] == b"{":
            payload = dhis2.read_json(body)
        else:
            return problem(
                415,
                "Gửi JSON (Content-Type: application/json) hoặc CSV (Content-Type: application/csv).",
                instance=request.path,
            )
        summary = dhis2.import_values(
            request.user, payload, params.importStrategy, params.dryRun.strip().lower() == "true"
        )
    except domain.DataSetError as e:
        raise _problem(e) from None
    body_out = summary.as_dict()
    if summary.status == "ERROR" and summary.only_forbidden:
        return problem(
            403,
            "Bạn không có quyền nhập số liệu cho các đơn vị này.",
            instance=request.path,
            importSummary=body_out,
        )
    status = 409 if summary.status == "ERROR" else 200
    return HttpResponse(
        json.dumps(body_out, ensure_ascii=False), status=status, content_type="application/json"
    )
