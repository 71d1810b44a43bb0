"""/api/v1/assessments: rubrics, assessments and their flow (self-assessment → commune review → province
approval), and the year's results, scoped by area. Rules live in assessment.domain."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from binhyen.accounts.permissions import scope
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.assessment import domain
from binhyen.assessment.models import Assessment, EventKind, Rubric, RubricKind

router = Router(tags=["assessment"])


def _problem(e: domain.AssessmentError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code.strip()).select_related("parent").first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code[:30]}».")
    return area


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _user(user: Any) -> str | None:
    return user.username if user is not None else None


# --- schemas ----------------------------------------------------------------------------------------


class ResultOut(Schema):
    total: float
    max_total: float
    result_class: str
    result_label: str
    passed: bool | None
    missing: list[str]
    missing_evidence: list[str]
    disqualified_by: list[str]
    unmet: list[str]


class ItemOut(Schema):
    code: str
    section: str
    section_title: str
    text: str
    kind: str
    max_points: float
    disqualifying: bool
    evidence_required: bool
    self_score: float | None
    self_met: bool | None
    evidence: str
    links: list[str]
    file_name: str
    review_score: float | None
    review_met: bool | None
    review_note: str


class EventOut(Schema):
    kind: str
    kind_name: str
    actor: str | None
    from_status: str
    to_status: str
    reason: str
    at: datetime.datetime


class AssessmentOut(Schema):
    id: int
    rubric: str
    rubric_name: str
    rubric_kind: str
    unit_kind: str
    unit_kind_name: str
    unit_name: str
    area: str
    area_name: str
    commune: str
    commune_name: str
    window: str
    window_label: str
    window_start: datetime.date
    window_end: datetime.date
    status: str
    status_name: str
    self_total: float | None
    review_total: float | None
    total: float | None
    result_class: str
    result_label: str
    passed: bool | None
    review_comment: str
    approval_note: str
    created_by: str | None
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    reviewed_by: str | None
    reviewed_at: datetime.datetime | None
    approved_by: str | None
    approved_at: datetime.datetime | None
    approved_on: datetime.date | None
    returned_by: str | None
    returned_at: datetime.datetime | None
    return_reason: str
    rejected_by: str | None
    rejected_at: datetime.datetime | None
    rejection_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class AssessmentDetail(AssessmentOut):
    actions: list[str]
    self_result: ResultOut
    review_result: ResultOut | None
    items: list[ItemOut]
    events: list[EventOut]


class AssessmentList(Schema):
    count: int
    limit: int
    offset: int
    items: list[AssessmentOut]


def assessment_out(a: Assessment) -> dict[str, Any]:
    from binhyen.stats import periods

    return {
        "id": a.pk,
        "rubric": a.rubric.code,
        "rubric_name": a.rubric.name,
        "rubric_kind": a.rubric_kind,
        "unit_kind": a.unit_kind,
        "unit_kind_name": domain.unit_kind_label(a.unit_kind),
        "unit_name": a.unit_name,
        "area": a.area.code,
        "area_name": a.area.name,
        "commune": a.commune.code,
        "commune_name": a.commune.name,
        "window": a.window,
        "window_label": periods.parse(a.window).label,
        "window_start": a.window_start,
        "window_end": a.window_end,
        "status": a.status,
        "status_name": domain.status_label(a.status),
        "self_total": _float(a.self_total),
        "review_total": _float(a.review_total),
        "total": _float(a.total),
        "result_class": a.result_class,
        "result_label": a.result_label,
        "passed": a.passed,
        "review_comment": a.review_comment,
        "approval_note": a.approval_note,
        "created_by": _user(a.created_by),
        "submitted_by": _user(a.submitted_by),
        "submitted_at": a.submitted_at,
        "reviewed_by": _user(a.reviewed_by),
        "reviewed_at": a.reviewed_at,
        "approved_by": _user(a.approved_by),
        "approved_at": a.approved_at,
        "approved_on": a.approved_on,
        "returned_by": _user(a.returned_by),
        "returned_at": a.returned_at,
        "return_reason": a.return_reason,
        "rejected_by": _user(a.rejected_by),
        "rejected_at": a.rejected_at,
        "rejection_reason": a.rejection_reason,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def result_out(o: domain.Outcome) -> dict[str, Any]:
    return {
        "total": float(o.total),
        "max_total": float(o.max_total),
        "result_class": o.result_class,
        "result_label": o.result_label,
        "passed": o.passed,
        "missing": o.missing,
        "missing_evidence": o.missing_evidence,
        "disqualified_by": o.disqualified_by,
        "unmet": o.unmet,
    }


def detail_out(user: Any, a: Assessment) -> dict[str, Any]:
    own, reviewed = domain.outcomes(a)
    items = []
    for row in domain.rows(a):
        s, i = row.score, row.item
        items.append(
            {
                "code": i.code,
                "section": i.section.code,
                "section_title": i.section.title,
                "text": i.text,
                "kind": i.kind,
                "max_points": float(i.max_points),
                "disqualifying": i.disqualifying,
                "evidence_required": i.evidence_required,
                "self_score": _float(s.self_score) if s else None,
                "self_met": s.self_met if s else None,
                "evidence": s.evidence if s else "",
                "links": s.link_list if s else [],
                "file_name": s.evidence_name if s and s.evidence_file else "",
                "review_score": _float(s.review_score) if s else None,
                "review_met": s.review_met if s else None,
                "review_note": s.review_note if s else "",
            }
        )
    labels = dict(EventKind.choices)
    events = [
        {
            "kind": e.kind,
            "kind_name": str(labels.get(e.kind, e.kind)),
            "actor": _user(e.actor),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "reason": e.reason,
            "at": e.at,
        }
        for e in a.events.select_related("actor")
    ]
    return {
        **assessment_out(a),
        "actions": sorted(domain.actions(user, a)),
        "self_result": result_out(own),
        "review_result": result_out(reviewed) if reviewed else None,
        "items": items,
        "events": events,
    }


class AssessmentFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: các bản đánh giá trong đơn vị đó (cả cấp dưới)")
    window: str | None = Field(None, description="kỳ đánh giá, ví dụ 2025AR (khu dân cư) hoặc 2025AC")
    kind: str | None = Field(None, description="loại đơn vị: " + ", ".join(domain.UNIT_KIND_CODES))
    status: str | None = Field(None, description="trạng thái: " + ", ".join(domain.STATUS_CODES))
    rubric: str | None = Field(None, description="mã bộ tiêu chí")
    rubric_kind: str | None = Field(None, description="movement (chấm điểm) hoặc safety (đạt/không đạt)")
    result: str | None = Field(None, description="kết quả: pass, fail hoặc mã mức xếp loại")
    from_: datetime.date | None = Field(None, alias="from", description="phê duyệt từ ngày")
    to: datetime.date | None = Field(None, description="phê duyệt đến ngày")
    q: str | None = Field(None, description="tìm theo tên đơn vị")


class AssessmentIn(Schema):
    rubric: str = Field(..., description="mã bộ tiêu chí, ví dụ an-toan-khu-dan-cu")
    unit_kind: str = Field(..., description="loại đơn vị: " + ", ".join(domain.UNIT_KIND_CODES))
    area: str = Field(..., description="mã thôn, tổ dân phố (khu dân cư) hoặc mã xã, phường")
    window: str = Field(..., description="kỳ đánh giá: 2025AR (khu dân cư) hoặc 2025AC (các đơn vị khác)")
    unit_name: str = Field("", description="tên cơ quan, doanh nghiệp, nhà trường")


class ScoreEntry(Schema):
    item: str = Field(..., description="mã mục, ví dụ A1")
    score: float | str | None = Field(
        None, description="điểm (mục chấm điểm), 0..tối đa, một chữ số thập phân"
    )
    met: bool | str | None = Field(None, description="đạt / không đạt (mục đạt/không đạt)")
    evidence: str | None = Field(None, description="mô tả bằng chứng")
    links: list[str] | None = Field(None, description="liên kết tới bằng chứng (http, https)")


class ScoresIn(Schema):
    items: list[ScoreEntry]


class ReviewEntry(Schema):
    item: str
    score: float | str | None = None
    met: bool | str | None = None
    note: str | None = None


class ReviewIn(Schema):
    items: list[ReviewEntry] = Field(
        default_factory=list, description="các mục chấm khác đơn vị; mục không gửi giữ kết quả tự đánh giá"
    )
    comment: str = ""


class ReasonIn(Schema):
    reason: str


class ApproveIn(Schema):
    note: str = ""


def _entries(items: list[Any]) -> list[dict[str, Any]]:
    return [{name: getattr(e, name) for name in e.model_fields_set | {"item"}} for e in items]


def _get(request: HttpRequest, assessment_id: int) -> Assessment:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        return domain.get(request.user, assessment_id)
    except domain.AssessmentError as e:
        raise _problem(e) from None


def _run(request: HttpRequest, assessment_id: int, action: Any) -> dict[str, Any]:
    a = _get(request, assessment_id)
    try:
        a = action(a)
    except domain.AssessmentError as e:
        raise _problem(e) from None
    return detail_out(request.user, domain.get(request.user, a.pk))


# --- assessments ------------------------------------------------------------------------------------


@router.get("", response=AssessmentList, auth=STAFF_AUTH, summary="Danh sách bản đánh giá")
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = _area(filters.area) if filters.area else None
    if not domain.can_view(request.user, area):
        raise forbidden()
    f = domain.Filters(
        area=area,
        window=filters.window or "",
        unit_kind=filters.kind or "",
        status=filters.status or "",
        rubric=filters.rubric or "",
        rubric_kind=filters.rubric_kind or "",
        result=filters.result or "",
        start=filters.from_,
        end=filters.to,
        q=filters.q or "",
    )
    try:
        domain.check_filters(f)
    except domain.AssessmentError as e:
        raise _problem(e) from None
    qs = domain.filter_assessments(domain.visible(request.user), f).select_related(
        "created_by", "submitted_by", "reviewed_by", "approved_by", "returned_by", "rejected_by"
    )
    return page(qs, paging, assessment_out)


@router.post("", response={201: AssessmentDetail}, auth=STAFF_AUTH, summary="Lập bản tự đánh giá")
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status[dict[str, Any]]:
    try:
        a = domain.create(request.user, domain.NewAssessment(**payload.model_dump()))
    except domain.AssessmentError as e:
        raise _problem(e) from None
    return Status(201, detail_out(request.user, a))


@router.get("/{int:assessment_id}", response=AssessmentDetail, auth=STAFF_AUTH, summary="Một bản đánh giá")
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return detail_out(request.user, _get(request, assessment_id))


@router.delete(
    "/{int:assessment_id}", response={204: None}, auth=STAFF_AUTH, summary="Xoá bản tự đánh giá (dự thảo)"
)
def delete_assessment(request: HttpRequest, assessment_id: int) -> Status[None]:
    a = _get(request, assessment_id)
    try:
        domain.delete(request.user, a)
    except domain.AssessmentError as e:
        raise _problem(e) from None
    return Status(204, None)


@router.put(
    "/{int:assessment_id}/scores",
    response=AssessmentDetail,
    auth=STAFF_AUTH,
    summary="Ghi điểm tự chấm, bằng chứng (các mục gửi lên)",
)
def save_assessment_scores(request: HttpRequest, assessment_id: int, payload: ScoresIn) -> dict[str, Any]:
    entries = _entries(payload.items)
    return _run(request, assessment_id, lambda a: domain.save_self_scores(request.user, a, entries))


@router.post(
    "/{int:assessment_id}/evidence/{code}",
    response=AssessmentDetail,
    auth=STAFF_AUTH,
    summary="Tải tệp bằng chứng cho một mục (PDF, ảnh, Word, Excel; tối đa 10 MB)",
)
def upload_assessment_evidence(
    request: HttpRequest, assessment_id: int, code: str, file: File[UploadedFile]
) -> dict[str, Any]:
    upload = domain.Upload(file.name or "", file, file.size or 0)
    return _run(
        request, assessment_id, lambda a: domain.attach_evidence(request.user, a, code, upload).assessment
    )


@router.post(
    "/{int:assessment_id}/submit", response=AssessmentDetail, auth=STAFF_AUTH, summary="Gửi xã thẩm định"
)
def submit_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _run(request, assessment_id, lambda a: domain.submit(request.user, a))


@router.post(
    "/{int:assessment_id}/review", response=AssessmentDetail, auth=STAFF_AUTH, summary="Xã thẩm định"
)
def review_assessment(request: HttpRequest, assessment_id: int, payload: ReviewIn) -> dict[str, Any]:
    entries = _entries(payload.items)
    return _run(request, assessment_id, lambda a: domain.review(request.user, a, entries, payload.comment))


@router.post(
    "/{int:assessment_id}/return",
    response=AssessmentDetail,
    auth=STAFF_AUTH,
    summary="Trả lại (xã trả đơn vị; tỉnh trả xã), có lý do",
)
def return_assessment(request: HttpRequest, assessment_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _run(request, assessment_id, lambda a: domain.send_back(request.user, a, payload.reason))


@router.post(
    "/{int:assessment_id}/approve", response=AssessmentDetail, auth=STAFF_AUTH, summary="Tỉnh phê duyệt"
)
def approve_assessment(request: HttpRequest, assessment_id: int, payload: ApproveIn) -> dict[str, Any]:
    return _run(request, assessment_id, lambda a: domain.approve(request.user, a, payload.note))


@router.post(
    "/{int:assessment_id}/reject",
    response=AssessmentDetail,
    auth=STAFF_AUTH,
    summary="Tỉnh không công nhận (có lý do)",
)
def reject_assessment(request: HttpRequest, assessment_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _run(request, assessment_id, lambda a: domain.reject(request.user, a, payload.reason))


# --- results ----------------------------------------------------------------------------------------


class KindResultOut(Schema):
    kind: str
    name: str
    window: str
    window_label: str
    approved: int
    passed: int
    in_progress: int
    rejected: int
    units: int | None
    not_assessed: int | None
    text: str


class GradeOut(Schema):
    code: str
    label: str
    count: int


class ChildOut(Schema):
    area: str
    area_name: str
    villages: int
    villages_approved: int
    villages_passed: int
    result: str
    movement: str


class ResultsOut(Schema):
    area: str | None
    area_name: str
    year: int
    kinds: list[KindResultOut]
    grades: list[GradeOut]
    children: list[ChildOut]


class ResultParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: địa bàn rộng nhất bạn được xem")
    year: int | None = Field(None, description="năm của kỳ đánh giá (kỳ 2025AR, 2025AC là năm 2025)")


def default_area(user: Any) -> Area | None:
    """The widest area where the user takes part in assessments (None: the nation); ApiProblem when the
    user's areas do not nest."""
    roots: list[Area] = []
    for perm in domain.VIEW_PERMS:
        found = scope(user, perm)
        if found is None:
            return None
        roots += found
    if not roots:
        raise forbidden()
    widest = min(roots, key=lambda r: len(r.path))
    if all(widest.contains(r) for r in roots):
        return widest
    raise ApiProblem(
        422, "Hãy chọn đơn vị (area).", errors=[{"field": "area", "message": "Hãy chọn đơn vị."}]
    )


def results_out(r: domain.Results) -> dict[str, Any]:
    return {
        "area": r.area.code if r.area else None,
        "area_name": r.area.name if r.area else "",
        "year": r.year,
        "kinds": [
            {
                "kind": k.kind,
                "name": k.label,
                "window": k.window.id,
                "window_label": k.window.label,
                "approved": k.approved,
                "passed": k.passed,
                "in_progress": k.in_progress,
                "rejected": k.rejected,
                "units": k.units,
                "not_assessed": k.not_assessed,
                "text": domain.result_sentence(k),
            }
            for k in r.kinds
        ],
        "grades": [{"code": g.code, "label": g.label, "count": g.count} for g in r.grades],
        "children": [
            {
                "area": c.area.code,
                "area_name": c.area.name,
                "villages": c.villages,
                "villages_approved": c.villages_approved,
                "villages_passed": c.villages_passed,
                "result": c.result,
                "movement": c.movement,
            }
            for c in r.children
        ],
    }


@router.get(
    "/results", response=ResultsOut, auth=STAFF_AUTH, summary="Kết quả đánh giá của năm trong một địa bàn"
)
def assessment_results(request: HttpRequest, params: Query[ResultParams]) -> dict[str, Any]:
    area: Area | None = None
    if params.area:
        area = _area(params.area)
        if not domain.can_view(request.user, area):
            raise forbidden()
    else:
        area = default_area(request.user)
    year = params.year or domain.last_ended_year()
    try:
        return results_out(domain.results(area, year))
    except domain.AssessmentError as e:
        raise _problem(e) from None


# --- rubrics ----------------------------------------------------------------------------------------


class RubricItemOut(Schema):
    code: str
    text: str
    guidance: str
    kind: str
    max_points: float
    disqualifying: bool
    evidence_required: bool


class RubricSectionOut(Schema):
    code: str
    title: str
    items: list[RubricItemOut]


class RubricOut(Schema):
    code: str
    name: str
    kind: str
    kind_name: str
    unit_kinds: list[str]
    legal_basis: str
    description: str
    total_points: int
    settings: dict[str, Any]
    active: bool
    problems: list[str]


class RubricDetail(RubricOut):
    sections: list[RubricSectionOut]


def rubric_out(r: Rubric) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "kind": r.kind,
        "kind_name": str(dict(RubricKind.choices).get(r.kind, r.kind)),
        "unit_kinds": r.unit_kind_list,
        "legal_basis": r.legal_basis,
        "description": r.description,
        "total_points": r.total_points,
        "settings": r.settings if isinstance(r.settings, dict) else {},
        "active": r.active,
        "problems": domain.rubric_problems(r),
    }


def _require_any_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise forbidden()


@router.get("/rubrics", response=list[RubricOut], auth=STAFF_AUTH, summary="Các bộ tiêu chí đánh giá")
def list_rubrics(request: HttpRequest) -> list[dict[str, Any]]:
    _require_any_view(request)
    return [rubric_out(r) for r in Rubric.objects.all()]


@router.get("/rubrics/{code}", response=RubricDetail, auth=STAFF_AUTH, summary="Một bộ tiêu chí và các mục")
def get_rubric(request: HttpRequest, code: str) -> dict[str, Any]:
    _require_any_view(request)
    try:
        rubric = domain.get_rubric(code)
    except domain.AssessmentError as e:
        raise _problem(e) from None
    sections: dict[int, dict[str, Any]] = {}
    for item in domain.rubric_items(rubric):
        section = sections.setdefault(
            item.section_id, {"code": item.section.code, "title": item.section.title, "items": []}
        )
        section["items"].append(
            {
                "code": item.code,
                "text": item.text,
                "guidance": item.guidance,
                "kind": item.kind,
                "max_points": float(item.max_points),
                "disqualifying": item.disqualifying,
                "evidence_required": item.evidence_required,
            }
        )
    return {**rubric_out(rubric), "sections": list(sections.values())}
