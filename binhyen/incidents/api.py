"""/api/v1/incidents (the incidents register, scoped by area) and /api/v1/crime-categories (the crime
taxonomy: public list, edited by administrators)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.incidents import domain
from binhyen.incidents.models import CrimeCategory, Incident

router = Router(tags=["incidents"])
taxonomy_router = Router(tags=["incidents"])


def _problem(e: domain.IncidentError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code.strip()).select_related("parent").first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code}».")
    return area


# --- schemas ----------------------------------------------------------------------------------------


class IncidentOut(Schema):
    id: int
    category: str
    category_name: str
    occurred_at: datetime.datetime
    commune: str
    commune_name: str
    village: str | None
    village_name: str | None
    address: str
    latitude: float | None
    longitude: float | None
    summary: str
    cleared: bool
    cleared_at: datetime.datetime | None
    suspects: int
    victims: int
    deaths: int
    injuries: int
    property_damage_vnd: int | None
    source_tip: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class IncidentList(Schema):
    count: int
    limit: int
    offset: int
    items: list[IncidentOut]


def incident_out(i: Incident) -> dict[str, Any]:
    village = i.village if i.village_id else None
    return {
        "id": i.pk,
        "category": i.category.code,
        "category_name": i.category.name,
        "occurred_at": i.occurred_at,
        "commune": i.commune.code,
        "commune_name": i.commune.name,
        "village": village.code if village else None,
        "village_name": village.name if village else None,
        "address": i.address,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "summary": i.summary,
        "cleared": i.cleared,
        "cleared_at": i.cleared_at,
        "suspects": i.suspects,
        "victims": i.victims,
        "deaths": i.deaths,
        "injuries": i.injuries,
        "property_damage_vnd": i.property_damage_vnd,
        "source_tip": i.source_tip_id,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


class IncidentFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: vụ việc trong đơn vị đó (cả các cấp dưới)")
    category: str | None = Field(None, description="mã loại vụ việc (loại cha gồm cả các loại con)")
    from_: datetime.date | None = Field(
        None, alias="from", description="từ ngày (YYYY-MM-DD), tính cả ngày đó"
    )
    to: datetime.date | None = Field(None, description="đến ngày (YYYY-MM-DD), tính cả ngày đó")
    cleared: bool | None = Field(None, description="true: đã khám phá; false: chưa khám phá")
    q: str | None = Field(None, description="tìm trong loại, tóm tắt, địa chỉ; không phân biệt dấu")


class IncidentIn(Schema):
    category: str = Field(..., description="mã loại vụ việc, xem /api/v1/crime-categories")
    occurred_at: datetime.datetime = Field(..., description="thời gian xảy ra (ISO 8601, có múi giờ)")
    commune: str = Field(..., description="mã xã, phường, đặc khu")
    village: str | None = Field(None, description="mã thôn, tổ dân phố thuộc xã đó")
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    summary: str
    cleared: bool = Field(False, description="đã khám phá")
    cleared_at: datetime.datetime | None = None
    suspects: int = Field(0, description="số đối tượng (chỉ số lượng, không ghi tên)")
    victims: int = Field(0, description="số bị hại")
    deaths: int = Field(0, description="số người chết")
    injuries: int = Field(0, description="số người bị thương")
    property_damage_vnd: int | None = Field(None, description="thiệt hại tài sản (đồng)")
    source_tip: int | None = Field(None, description="id tin báo gốc, nếu vụ việc ghi từ tin báo")


class IncidentPatch(Schema):
    category: str | None = None
    occurred_at: datetime.datetime | None = None
    commune: str | None = None
    village: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    summary: str | None = None
    cleared: bool | None = None
    cleared_at: datetime.datetime | None = None
    suspects: int | None = None
    victims: int | None = None
    deaths: int | None = None
    injuries: int | None = None
    property_damage_vnd: int | None = None
    source_tip: int | None = None


class PeriodOut(Schema):
    from_: datetime.date = Field(..., alias="from")
    to: datetime.date
    total: int
    cleared: int
    cleared_rate: float | None
    suspects: int
    victims: int
    deaths: int
    injuries: int
    property_damage_vnd: int


class CategoryCount(Schema):
    code: str
    name: str
    group: str
    total: int
    cleared: int
    previous_total: int
    previous_cleared: int
    change: int


class StatsOut(Schema):
    area: str | None
    area_name: str
    current: PeriodOut
    previous: PeriodOut = Field(..., description="cùng kỳ năm trước")
    change: int
    change_percent: float | None
    categories: list[CategoryCount]


class StatsParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")
    from_: datetime.date | None = Field(None, alias="from", description="từ ngày; mặc định: đầu năm nay")
    to: datetime.date | None = Field(None, description="đến ngày; mặc định: hôm nay")


def _period_out(p: domain.Period) -> dict[str, Any]:
    return {
        "from": p.start,
        "to": p.end,
        "total": p.total,
        "cleared": p.cleared,
        "cleared_rate": p.cleared_rate,
        "suspects": p.suspects,
        "victims": p.victims,
        "deaths": p.deaths,
        "injuries": p.injuries,
        "property_damage_vnd": p.property_damage_vnd,
    }


def stats_out(c: domain.Comparison) -> dict[str, Any]:
    return {
        "area": c.area.code if c.area else None,
        "area_name": c.area.name if c.area else "",
        "current": _period_out(c.current),
        "previous": _period_out(c.previous),
        "change": c.change,
        "change_percent": c.change_percent,
        "categories": [
            {
                "code": r.code,
                "name": r.name,
                "group": r.group,
                "total": r.total,
                "cleared": r.cleared,
                "previous_total": r.previous_total,
                "previous_cleared": r.previous_cleared,
                "change": r.change,
            }
            for r in c.rows
        ],
    }


# --- incidents --------------------------------------------------------------------------------------


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    user = request.user
    if area is None:
        allowed = has_perm(user, Perm.VIEW_INCIDENTS)
    else:
        allowed = has_perm(user, Perm.VIEW_INCIDENTS, area)
    if not allowed:
        raise forbidden()


def _get(request: HttpRequest, incident_id: int) -> Incident:
    _require_view(request)
    try:
        return domain.get_incident(request.user, incident_id)
    except domain.IncidentError as e:
        raise _problem(e) from None


@router.get("", response=IncidentList, auth=STAFF_AUTH, summary="Danh sách vụ việc (theo địa bàn được xem)")
def list_incidents(
    request: HttpRequest, filters: Query[IncidentFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = _area(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(
        area=area, start=filters.from_, end=filters.to, cleared=filters.cleared, q=filters.q or ""
    )
    try:
        if filters.category:
            f.category = domain.get_category(filters.category)
        if f.start and f.end:
            domain.check_period(f.start, f.end)
    except domain.IncidentError as e:
        raise _problem(e) from None
    qs = domain.filter_incidents(domain.visible_incidents(request.user), f)
    return page(qs, paging, incident_out)


@router.get(
    "/stats",
    response=StatsOut,
    auth=STAFF_AUTH,
    by_alias=True,
    summary="Thống kê vụ việc theo loại trong kỳ, so với cùng kỳ năm trước",
)
def incident_stats(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    end = params.to or timezone.localdate()
    start = params.from_ or domain.start_of_year(end)
    try:
        if params.area:
            area = _area(params.area)
            _require_view(request, area)
            return stats_out(domain.counts(area, start, end))
        _require_view(request)
        roots = scope(request.user, Perm.VIEW_INCIDENTS)
        if roots is None:
            return stats_out(domain.counts(None, start, end))
        if len(roots) == 1:
            return stats_out(domain.counts(roots[0], start, end))
        return stats_out(domain.compare(domain.visible_incidents(request.user), start, end))
    except domain.IncidentError as e:
        raise _problem(e) from None


@router.post("", response={201: IncidentOut}, auth=STAFF_AUTH, summary="Ghi một vụ việc")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    data = domain.NewIncident(**{**payload.model_dump(), "village": payload.village or ""})
    try:
        incident = domain.create_incident(request.user, data)
    except domain.IncidentError as e:
        raise _problem(e) from None
    return Status(201, incident_out(incident))


@router.get("/{int:incident_id}", response=IncidentOut, auth=STAFF_AUTH, summary="Một vụ việc")
def get_incident(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    return incident_out(_get(request, incident_id))


@router.patch("/{int:incident_id}", response=IncidentOut, auth=STAFF_AUTH, summary="Sửa vụ việc")
def update_incident(request: HttpRequest, incident_id: int, payload: IncidentPatch) -> dict[str, Any]:
    incident = _get(request, incident_id)
    if not domain.can_manage(request.user, incident):
        raise forbidden()
    data = domain.incident_data(incident)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name in ("category", "commune", "summary") and value is None:
            continue
        if name in ("village", "address"):
            value = value or ""
        if name in domain.COUNT_FIELDS or name == "cleared":
            value = value if value is not None else getattr(data, name)
        setattr(data, name, value)
    try:
        return incident_out(domain.update_incident(request.user, incident, data))
    except domain.IncidentError as e:
        raise _problem(e) from None


@router.delete("/{int:incident_id}", response={204: None}, auth=STAFF_AUTH, summary="Xoá vụ việc")
def delete_incident(request: HttpRequest, incident_id: int) -> Status[None]:
    incident = _get(request, incident_id)
    try:
        domain.delete_incident(request.user, incident)
    except domain.IncidentError as e:
        raise _problem(e) from None
    return Status(204, None)


# --- crime taxonomy ---------------------------------------------------------------------------------


class CrimeCategoryOut(Schema):
    code: str
    name: str
    group: str
    description: str
    parent: str | None
    active: bool
    order: int


class CrimeCategoryIn(Schema):
    code: str = Field(..., description="mã: chữ thường không dấu, số, dấu gạch ngang")
    name: str
    group: str = ""
    description: str = ""
    parent: str | None = Field(None, description="mã loại cha (danh mục hai cấp)")
    active: bool = True
    order: int = 100


class CrimeCategoryPatch(Schema):
    code: str | None = None
    name: str | None = None
    group: str | None = None
    description: str | None = None
    parent: str | None = None
    active: bool | None = None
    order: int | None = None


class CategoryFilters(Schema):
    all: bool = Field(False, description="true: cả các loại đã ngừng sử dụng")


def category_out(c: CrimeCategory) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "group": c.group,
        "description": c.description,
        "parent": c.parent.code if c.parent_id and c.parent else None,
        "active": c.active,
        "order": c.order,
    }


@taxonomy_router.get("", response=list[CrimeCategoryOut], summary="Danh mục loại vụ việc (công khai)")
def list_crime_categories(request: HttpRequest, filters: Query[CategoryFilters]) -> list[dict[str, Any]]:
    return [category_out(c) for c in domain.categories(active_only=not filters.all)]


def _require_taxonomy(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_CRIME_TAXONOMY, None):
        raise forbidden()


@taxonomy_router.post(
    "", response={201: CrimeCategoryOut}, auth=STAFF_AUTH, summary="Thêm loại vụ việc (quản trị)"
)
def create_crime_category(request: HttpRequest, payload: CrimeCategoryIn) -> Status[dict[str, Any]]:
    _require_taxonomy(request)
    data = domain.CategoryInput(**{**payload.model_dump(), "parent": payload.parent or ""})
    try:
        return Status(201, category_out(domain.create_category(request.user, data)))
    except domain.IncidentError as e:
        raise _problem(e) from None


@taxonomy_router.patch(
    "/{code}",
    response=CrimeCategoryOut,
    auth=STAFF_AUTH,
    summary="Sửa loại vụ việc; active=false để ngừng sử dụng (quản trị)",
)
def update_crime_category(request: HttpRequest, code: str, payload: CrimeCategoryPatch) -> dict[str, Any]:
    _require_taxonomy(request)
    try:
        category = domain.get_category(code)
    except domain.IncidentError as e:
        raise ApiProblem(404, e.message) from None
    data = domain.category_data(category)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "parent":
            value = value or ""
        elif value is None:
            continue
        setattr(data, name, value)
    try:
        return category_out(domain.update_category(request.user, category, data))
    except domain.IncidentError as e:
        raise _problem(e) from None
