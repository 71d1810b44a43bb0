"""/api/v1/areas: public lists of units; villages managed by their commune."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas import domain, imports
from binhyen.areas.models import Area, Level

router = Router(tags=["areas"])
predecessors_router = Router(tags=["areas"])

LEVELS = {
    "province": Level.PROVINCE,
    "commune": Level.COMMUNE,
    "village": Level.VILLAGE,
    "1": Level.PROVINCE,
    "2": Level.COMMUNE,
    "3": Level.VILLAGE,
}


class AreaOut(Schema):
    code: str
    name: str
    type: str
    level: str
    parent: str | None


class AreaList(Schema):
    count: int
    limit: int
    offset: int
    items: list[AreaOut]


class AreaFilters(Schema):
    level: str | None = Field(None, description="province | commune | village")
    parent: str | None = Field(None, description="mã đơn vị cha: chỉ lấy các đơn vị trực thuộc")
    within: str | None = Field(None, description="mã đơn vị: mọi đơn vị nằm trong (cả các cấp dưới)")
    q: str | None = Field(None, description="tìm theo tên, không phân biệt dấu (đ = d)")


LEVEL_NAMES = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}


def area_out(a: Area) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "type": a.type,
        "level": LEVEL_NAMES[Level(a.level)],
        "parent": a.parent.code if a.parent_id and a.parent else None,
    }


def _area(code: str) -> Area:
    try:
        return domain.get_area(code)
    except domain.AreaError as e:
        raise ApiProblem(404, e.message) from None


@router.get("", response=AreaList, summary="Danh sách đơn vị hành chính (công khai)")
def list_areas(
    request: HttpRequest, filters: Query[AreaFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = Area.objects.select_related("parent")
    if filters.level:
        level = LEVELS.get(filters.level.strip().lower())
        if level is None:
            raise ApiProblem(422, "Tham số level phải là province, commune hoặc village.", field="level")
        qs = qs.filter(level=level)
    if filters.parent:
        qs = qs.filter(parent=_area(filters.parent))
    if filters.within:
        qs = qs.within(_area(filters.within))
    if filters.q:
        qs = domain.search(filters.q).filter(pk__in=qs.values("pk")).select_related("parent")
    return page(qs.order_by("path"), paging, area_out)


@router.get("/{code}", response=AreaOut, summary="Một đơn vị hành chính (công khai)")
def get_area(request: HttpRequest, code: str) -> dict[str, Any]:
    return area_out(_area(code))


class PredecessorOut(Schema):
    old_code: str
    old_name: str
    old_type: str
    successor: str
    effective_date: str


@router.get(
    "/{code}/predecessors",
    response=list[PredecessorOut],
    summary="Các đơn vị cũ (trước sắp xếp) nay thuộc đơn vị này",
)
def predecessors(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    area = _area(code)
    return [
        {
            "old_code": p.old_code,
            "old_name": p.old_name,
            "old_type": p.old_type,
            "successor": area.code,
            "effective_date": p.effective_date.isoformat(),
        }
        for p in area.predecessors.all()
    ]


class VillageIn(Schema):
    parent: str = Field(..., description="mã xã, phường, đặc khu")
    name: str
    type: str = Field(
        ..., description="village | hamlet | ban | residential_group | quarter, hoặc tiếng Việt"
    )
    population: int | None = None


class VillagePatch(Schema):
    name: str | None = None
    type: str | None = None
    population: int | None = None


def _domain_problem(e: domain.AreaError) -> ApiProblem:
    return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])


@router.post("", response={201: AreaOut}, auth=STAFF_AUTH, summary="Tạo thôn, tổ dân phố")
def create_village(request: HttpRequest, payload: VillageIn) -> Status[dict[str, Any]]:
    commune = _area(payload.parent)
    if not has_perm(request.user, Perm.MANAGE_VILLAGES, commune):
        raise forbidden()
    try:
        village = domain.create_village(
            commune, domain.VillageInput(payload.name, payload.type, payload.population)
        )
    except domain.AreaError as e:
        raise _domain_problem(e) from None
    return Status(201, area_out(village))


@router.patch("/{code}", response=AreaOut, auth=STAFF_AUTH, summary="Sửa thôn, tổ dân phố")
def update_village(request: HttpRequest, code: str, payload: VillagePatch) -> dict[str, Any]:
    village = _area(code)
    if not has_perm(request.user, Perm.MANAGE_VILLAGES, village):
        raise forbidden()
    data = domain.VillageInput(
        payload.name if payload.name is not None else village.name,
        payload.type if payload.type is not None else village.type,
        payload.population if "population" in payload.model_fields_set else village.population,
    )
    try:
        return area_out(domain.update_village(village, data))
    except domain.AreaError as e:
        raise _domain_problem(e) from None


@router.delete("/{code}", response={204: None}, auth=STAFF_AUTH, summary="Xoá thôn, tổ dân phố")
def delete_village(request: HttpRequest, code: str) -> Status[None]:
    village = _area(code)
    if not has_perm(request.user, Perm.MANAGE_VILLAGES, village):
        raise forbidden()
    try:
        domain.delete_village(village)
    except domain.AreaError as e:
        raise _domain_problem(e) from None
    return Status(204, None)


class ImportResult(Schema):
    created: int
    errors: list[dict[str, Any]]


@router.post(
    "/{code}/import",
    response={201: ImportResult, 422: ImportResult},
    auth=STAFF_AUTH,
    summary="Nhập thôn, tổ dân phố từ CSV/Excel (tất cả hoặc không)",
)
def import_villages(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    commune = _area(code)
    if not has_perm(request.user, Perm.MANAGE_VILLAGES, commune):
        raise forbidden()
    try:
        table = imports.read_table(file.read(), file.name or "")
    except imports.ImportFileError as e:
        raise ApiProblem(422, str(e)) from None
    report = imports.import_villages(commune, table)
    body = {"created": report.created, "errors": [e.as_dict() for e in report.errors]}
    return Status((201 if report.ok else 422), body)


@predecessors_router.get("", response=list[PredecessorOut], summary="Tra cứu đơn vị cũ → đơn vị hiện hành")
def find_predecessors(request: HttpRequest, old_code: str) -> list[dict[str, Any]]:
    return [
        {
            "old_code": p.old_code,
            "old_name": p.old_name,
            "old_type": p.old_type,
            "successor": p.successor.code,
            "effective_date": p.effective_date.isoformat(),
        }
        for p in domain.successors_of(old_code)
    ]


@predecessors_router.post(
    "/import",
    response={201: ImportResult, 422: ImportResult},
    auth=STAFF_AUTH,
    summary="Nhập bảng đơn vị cũ → đơn vị mới (CSV/Excel)",
)
def import_predecessors(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    if not has_perm(request.user, Perm.MANAGE_PREDECESSORS, None):
        raise forbidden()
    try:
        table = imports.read_table(file.read(), file.name or "")
    except imports.ImportFileError as e:
        raise ApiProblem(422, str(e)) from None
    report = imports.import_predecessors(table)
    body = {"created": report.created, "errors": [e.as_dict() for e in report.errors]}
    return Status((201 if report.ok else 422), body)
