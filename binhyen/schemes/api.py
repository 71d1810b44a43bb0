"""/api/v1/schemes: movement schemes (mô hình), scoped by area; /api/v1/schemes/types: the type catalogue
(public list)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.schemes import domain, exports, imports
from binhyen.schemes.models import Scheme, SchemeReview, SchemeSite

router = Router(tags=["schemes"])


def _problem(e: domain.SchemeError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code.strip()).select_related("parent").first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code}».")
    return area


# --- schemas ----------------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    area: str
    area_name: str
    place_name: str
    latitude: float | None
    longitude: float | None
    started_on: datetime.date | None
    ended_on: datetime.date | None


class ReviewOut(Schema):
    id: int
    reviewed_on: datetime.date
    effectiveness: str
    notes: str
    evidence: str
    reviewer: str | None


class OrganisationRef(Schema):
    id: int
    name: str


class SchemeOut(Schema):
    id: int
    name: str
    type: str
    type_name: str
    level: str
    managing_area: str
    managing_area_name: str
    start_date: datetime.date | None
    status: str
    status_reason: str
    status_changed_at: datetime.datetime | None
    description: str
    organisations: list[OrganisationRef] = Field(..., description="tổ chức thực hiện")
    run_by: str = Field(..., description="người, đơn vị thực hiện khác")
    replicated_from: int | None
    sites: list[SiteOut]
    reviews: list[ReviewOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SchemeList(Schema):
    count: int
    limit: int
    offset: int
    items: list[SchemeOut]


def site_out(s: SchemeSite) -> dict[str, Any]:
    return {
        "id": s.pk,
        "area": s.area.code,
        "area_name": s.area.name,
        "place_name": s.place_name,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "started_on": s.started_on,
        "ended_on": s.ended_on,
    }


def review_out(r: SchemeReview) -> dict[str, Any]:
    reviewer = r.reviewer
    return {
        "id": r.pk,
        "reviewed_on": r.reviewed_on,
        "effectiveness": r.effectiveness,
        "notes": r.notes,
        "evidence": r.evidence,
        "reviewer": (reviewer.get_full_name() or reviewer.get_username()) if reviewer else None,
    }


def scheme_out(s: Scheme) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "type": s.type.code,
        "type_name": s.type.name,
        "level": s.level,
        "managing_area": s.managing_area.code,
        "managing_area_name": s.managing_area.name,
        "start_date": s.start_date,
        "status": s.status,
        "status_reason": s.status_reason,
        "status_changed_at": s.status_changed_at,
        "description": s.description,
        "organisations": [{"id": o.pk, "name": o.name} for o in domain.runners(s)],
        "run_by": s.run_by,
        "replicated_from": s.replicated_from_id,
        "sites": [site_out(x) for x in s.sites.select_related("area")],
        "reviews": [review_out(r) for r in s.reviews.select_related("reviewer")],
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


class SchemeFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: mô hình quản lý hoặc thực hiện trong đơn vị đó")
    type: str | None = Field(None, description="mã loại mô hình")
    status: str | None = Field(None, description="proposed, active, under_review, retired")
    level: str | None = Field(None, description="commune hoặc province: cấp quản lý")
    q: str | None = Field(
        None, description="tìm trong tên, tên tổ chức và người thực hiện, mô tả; không phân biệt dấu"
    )
    organisation: int | None = Field(None, description="id tổ chức: các mô hình tổ chức này thực hiện")


class SiteIn(Schema):
    area: str = Field(..., description="mã xã, phường hoặc thôn, tổ dân phố thuộc đơn vị quản lý")
    place_name: str = Field("", description="tên địa điểm, ví dụ một cơ quan, trường học")
    latitude: float | None = None
    longitude: float | None = None
    started_on: datetime.date | None = None


class SchemeIn(Schema):
    name: str
    type: str = Field(..., description="mã loại mô hình, xem /api/v1/schemes/types")
    level: str = Field("commune", description="commune (xã quản lý) hoặc province (tỉnh quản lý)")
    managing_area: str = Field(..., description="mã xã (level=commune) hoặc tỉnh (level=province)")
    start_date: datetime.date | None = None
    description: str = ""
    organisations: list[int] = Field(
        default_factory=list,
        description="id các tổ chức thực hiện, thuộc đơn vị quản lý (xem /api/v1/organisations)",
    )
    run_by: str = Field("", description="người, đơn vị thực hiện khác (ghi chú)")
    sites: list[SiteIn] = Field(default_factory=list)


class SchemePatch(Schema):
    name: str | None = None
    type: str | None = None
    level: str | None = None
    managing_area: str | None = None
    start_date: datetime.date | None = None
    description: str | None = None
    organisations: list[int] | None = Field(None, description="thay cả danh sách tổ chức thực hiện")
    run_by: str | None = None


class StatusIn(Schema):
    status: str = Field(..., description="proposed, active, under_review, retired")
    reason: str = Field("", description="lý do (bắt buộc khi loại bỏ)")


class ReviewIn(Schema):
    reviewed_on: datetime.date | None = Field(None, description="mặc định: hôm nay")
    effectiveness: str = Field(..., description="good, fair, poor")
    notes: str = ""
    evidence: str = Field("", description="minh chứng: mô tả hoặc đường dẫn")


class ReplicateIn(Schema):
    areas: list[str] = Field(..., description="mã các thôn, tổ dân phố hoặc xã, phường")


class ReplicateOut(Schema):
    sites: list[SiteOut]
    copies: list[int] = Field(..., description="id các mô hình mới (bản sao cho xã khác)")


class CountsParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")


class TypeCount(Schema):
    code: str
    name: str
    schemes: int
    sites: int


class CountsOut(Schema):
    area: str | None
    area_name: str
    schemes: int
    sites: int
    commune_level: int
    province_level: int
    by_status: dict[str, int]
    by_type: list[TypeCount]


class SchemeTypeOut(Schema):
    code: str
    name: str
    description: str
    active: bool
    order: int


class ImportRowError(Schema):
    row: int
    field: str
    message: str


class ImportResult(Schema):
    created: int
    errors: list[ImportRowError]


# --- helpers ----------------------------------------------------------------------------------------


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    if not domain.can_view(request.user, area):
        raise forbidden()


def _get(request: HttpRequest, scheme_id: int) -> Scheme:
    _require_view(request)
    try:
        return domain.get_scheme(request.user, scheme_id)
    except domain.SchemeError as e:
        raise _problem(e) from None


def _managed(request: HttpRequest, scheme_id: int) -> Scheme:
    scheme = _get(request, scheme_id)
    if not domain.can_manage(request.user, scheme):
        raise forbidden()
    return scheme


def _fresh(scheme: Scheme) -> Scheme:
    return Scheme.objects.select_related("type", "managing_area").get(pk=scheme.pk)


# --- endpoints --------------------------------------------------------------------------------------


@router.get("/types", response=list[SchemeTypeOut], summary="Danh mục loại mô hình (công khai)")
def list_scheme_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": t.code, "name": t.name, "description": t.description, "active": t.active, "order": t.order}
        for t in domain.types(active_only=False)
    ]


@router.get("", response=SchemeList, auth=STAFF_AUTH, summary="Danh sách mô hình (theo địa bàn được xem)")
def list_schemes(
    request: HttpRequest, filters: Query[SchemeFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = _area(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(area=area, status=filters.status or "", level=filters.level or "", q=filters.q or "")
    try:
        if filters.type:
            f.type = domain.get_type(filters.type)
        if filters.organisation is not None:
            f.organisation = domain.get_organisation(request.user, filters.organisation)
    except domain.SchemeError as e:
        raise _problem(e) from None
    qs = domain.filter_schemes(domain.visible_schemes(request.user), f)
    return page(qs, paging, scheme_out)


@router.get("/counts", response=CountsOut, auth=STAFF_AUTH, summary="Số mô hình, số nơi thực hiện, theo cấp")
def scheme_counts(request: HttpRequest, params: Query[CountsParams]) -> dict[str, Any]:
    area = _area(params.area) if params.area else None
    _require_view(request, area)
    qs = domain.visible_schemes(request.user)
    if area is not None:
        c = domain.counts(qs, [area])
    else:
        roots = scope(request.user, Perm.VIEW_MOVEMENT)
        c = domain.counts(qs, roots if roots else None)
        area = roots[0] if roots and len(roots) == 1 else None
    return {
        "area": area.code if area else None,
        "area_name": area.name if area else "",
        "schemes": c.schemes,
        "sites": c.sites,
        "commune_level": c.commune_level,
        "province_level": c.province_level,
        "by_status": c.by_status,
        "by_type": [{"code": t[0], "name": t[1], "schemes": t[2], "sites": t[3]} for t in c.by_type],
    }


@router.get("/export.xlsx", auth=STAFF_AUTH, summary="Xuất danh sách mô hình ra Excel")
def export_schemes(request: HttpRequest, filters: Query[SchemeFilters]) -> HttpResponse:
    area = _area(filters.area) if filters.area else None
    _require_view(request, area)
    qs = domain.filter_schemes(domain.visible_schemes(request.user), domain.Filters(area=area))
    body = exports.xlsx(qs, [area] if area else None)
    response = HttpResponse(body, content_type=exports.CONTENT_TYPE_XLSX)
    response["Content-Disposition"] = 'attachment; filename="mo-hinh.xlsx"'
    return response


@router.post(
    "/import",
    response={201: ImportResult, 422: ImportResult},
    auth=STAFF_AUTH,
    summary="Nhập mô hình từ CSV/Excel vào một xã hoặc tỉnh (tất cả hoặc không)",
)
def import_schemes(request: HttpRequest, area: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    target = _area(area)
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT, target):
        raise forbidden()
    try:
        table = imports.read(file.read(), file.name or "")
        report = imports.import_schemes(request.user, target, table)
    except imports.ImportFileError as e:
        raise ApiProblem(422, str(e)) from None
    except domain.SchemeError as e:
        raise _problem(e) from None
    body = {"created": report.created, "errors": [e.as_dict() for e in report.errors]}
    return Status(201 if report.ok else 422, body)


@router.post("", response={201: SchemeOut}, auth=STAFF_AUTH, summary="Thêm một mô hình")
def create_scheme(request: HttpRequest, payload: SchemeIn) -> Status[dict[str, Any]]:
    values = payload.model_dump()
    sites = [domain.SiteInput(**s) for s in values.pop("sites")]
    try:
        scheme = domain.create_scheme(request.user, domain.SchemeInput(**values), sites)
    except domain.SchemeError as e:
        raise _problem(e) from None
    return Status(201, scheme_out(_fresh(scheme)))


@router.get("/{int:scheme_id}", response=SchemeOut, auth=STAFF_AUTH, summary="Một mô hình")
def get_scheme(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    return scheme_out(_get(request, scheme_id))


@router.patch("/{int:scheme_id}", response=SchemeOut, auth=STAFF_AUTH, summary="Sửa mô hình")
def update_scheme(request: HttpRequest, scheme_id: int, payload: SchemePatch) -> dict[str, Any]:
    scheme = _managed(request, scheme_id)
    data = domain.scheme_data(scheme)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if value is None and name != "start_date":
            continue
        setattr(data, name, value)
    try:
        return scheme_out(_fresh(domain.update_scheme(request.user, scheme, data)))
    except domain.SchemeError as e:
        raise _problem(e) from None


@router.post(
    "/{int:scheme_id}/status",
    response=SchemeOut,
    auth=STAFF_AUTH,
    summary="Chuyển trạng thái: đề xuất → hoạt động → rà soát → hoạt động | loại bỏ",
)
def change_scheme_status(request: HttpRequest, scheme_id: int, payload: StatusIn) -> dict[str, Any]:
    scheme = _managed(request, scheme_id)
    try:
        return scheme_out(_fresh(domain.change_status(request.user, scheme, payload.status, payload.reason)))
    except domain.SchemeError as e:
        raise _problem(e) from None


@router.post("/{int:scheme_id}/sites", response={201: SiteOut}, auth=STAFF_AUTH, summary="Thêm nơi thực hiện")
def add_scheme_site(request: HttpRequest, scheme_id: int, payload: SiteIn) -> Status[dict[str, Any]]:
    scheme = _managed(request, scheme_id)
    try:
        site = domain.add_site(request.user, scheme, domain.SiteInput(**payload.model_dump()))
    except domain.SchemeError as e:
        raise _problem(e) from None
    return Status(201, site_out(site))


@router.delete(
    "/{int:scheme_id}/sites/{int:site_id}",
    response=SiteOut,
    auth=STAFF_AUTH,
    summary="Thôi thực hiện tại một nơi (giữ lại lịch sử)",
)
def remove_scheme_site(request: HttpRequest, scheme_id: int, site_id: int) -> dict[str, Any]:
    scheme = _managed(request, scheme_id)
    try:
        return site_out(domain.remove_site(request.user, scheme, site_id))
    except domain.SchemeError as e:
        raise _problem(e) from None


@router.post(
    "/{int:scheme_id}/reviews", response={201: ReviewOut}, auth=STAFF_AUTH, summary="Ghi kết quả rà soát"
)
def add_scheme_review(request: HttpRequest, scheme_id: int, payload: ReviewIn) -> Status[dict[str, Any]]:
    scheme = _managed(request, scheme_id)
    try:
        review = domain.add_review(request.user, scheme, domain.ReviewInput(**payload.model_dump()))
    except domain.SchemeError as e:
        raise _problem(e) from None
    return Status(201, review_out(review))


@router.post(
    "/{int:scheme_id}/replicate",
    response={201: ReplicateOut},
    auth=STAFF_AUTH,
    summary="Nhân rộng mô hình ra các thôn, xã khác",
)
def replicate_scheme(request: HttpRequest, scheme_id: int, payload: ReplicateIn) -> Status[dict[str, Any]]:
    scheme = _managed(request, scheme_id)
    try:
        result = domain.replicate(request.user, scheme, payload.areas)
    except domain.SchemeError as e:
        raise _problem(e) from None
    return Status(
        201, {"sites": [site_out(s) for s in result.sites], "copies": [c.pk for c in result.copies]}
    )
