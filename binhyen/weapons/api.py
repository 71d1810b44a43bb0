"""/api/v1/weapons: weapons, explosives and support tools handed in, scoped by area."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import forbidden
from binhyen.api.registry import area_by_code, problems, scoped_counts
from binhyen.areas.models import Area
from binhyen.weapons import domain
from binhyen.weapons.models import WeaponSurrender

router = Router(tags=["weapons"])


class SurrenderOut(Schema):
    id: int
    date: datetime.date
    commune: str
    commune_name: str
    village: str | None
    village_name: str | None
    item_type: str
    item_type_name: str
    quantity: Decimal
    unit: str
    exchange: str
    rice_kg: Decimal | None
    received_by: str | None
    people: int
    surrendered_by: str
    campaign: str
    note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SurrenderList(Schema):
    count: int
    limit: int
    offset: int
    items: list[SurrenderOut]


def surrender_out(s: WeaponSurrender) -> dict[str, Any]:
    village = s.village if s.village_id else None
    return {
        "id": s.pk,
        "date": s.date,
        "commune": s.commune.code,
        "commune_name": s.commune.name,
        "village": village.code if village else None,
        "village_name": village.name if village else None,
        "item_type": s.item_type,
        "item_type_name": domain.TYPE_LABELS.get(s.item_type, s.item_type),
        "quantity": s.quantity,
        "unit": s.unit,
        "exchange": s.exchange,
        "rice_kg": s.rice_kg,
        "received_by": s.received_by.username if s.received_by_id and s.received_by else None,
        "people": s.people,
        "surrendered_by": s.surrendered_by,
        "campaign": s.campaign,
        "note": s.note,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


class SurrenderFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: các lượt giao nộp trong đơn vị đó (cả cấp dưới)")
    from_: datetime.date | None = Field(None, alias="from", description="từ ngày (YYYY-MM-DD)")
    to: datetime.date | None = Field(None, description="đến ngày (YYYY-MM-DD)")
    item_type: str | None = Field(None, description="mã loại: " + ", ".join(domain.TYPE_CODES))
    campaign: str | None = Field(None, description="đợt vận động (chứa chuỗi này)")


class SurrenderIn(Schema):
    date: datetime.date = Field(..., description="ngày giao nộp")
    commune: str = Field(..., description="mã xã, phường, đặc khu tiếp nhận")
    village: str | None = Field(None, description="mã thôn, tổ dân phố thuộc xã đó")
    item_type: str = Field(..., description="mã loại: " + ", ".join(domain.TYPE_CODES))
    quantity: Decimal = Field(..., description="số lượng, theo đơn vị của loại (khẩu, viên, kg…)")
    exchange: str = Field("", description="hỗ trợ, đổi lấy, ví dụ «20 kg gạo»")
    rice_kg: Decimal | None = Field(None, description="số kg gạo đã đổi")
    received_by: str | None = Field(None, description="tên đăng nhập cán bộ tiếp nhận; mặc định: người gọi")
    people: int = Field(1, description="số người giao nộp")
    surrendered_by: str = Field("", description="tên người giao nộp: không bắt buộc, chỉ ghi khi cần")
    campaign: str = Field("", description="đợt vận động, ví dụ «Đổi gạo lấy vũ khí 2022»")
    note: str = ""


class SurrenderPatch(Schema):
    date: datetime.date | None = None
    commune: str | None = None
    village: str | None = None
    item_type: str | None = None
    quantity: Decimal | None = None
    exchange: str | None = None
    rice_kg: Decimal | None = None
    received_by: str | None = None
    people: int | None = None
    surrendered_by: str | None = None
    campaign: str | None = None
    note: str | None = None


class TypeCount(Schema):
    code: str
    name: str
    unit: str
    surrenders: int
    quantity: Decimal


class CountsOut(Schema):
    area: str | None
    area_name: str
    from_: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None
    surrenders: int
    people: int
    rice_kg: Decimal
    exchanges: int
    communes: int
    guns: Decimal
    types: list[TypeCount]


class CountParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")
    from_: datetime.date | None = Field(None, alias="from", description="từ ngày")
    to: datetime.date | None = Field(None, description="đến ngày")


def counts_out(c: domain.Counts) -> dict[str, Any]:
    return {
        "area": c.area.code if c.area else None,
        "area_name": c.area.name if c.area else "",
        "from": c.start,
        "to": c.end,
        "surrenders": c.surrenders,
        "people": c.people,
        "rice_kg": c.rice_kg,
        "exchanges": c.exchanges,
        "communes": c.communes,
        "guns": c.guns,
        "types": [
            {
                "code": r.code,
                "name": r.label,
                "unit": r.unit,
                "surrenders": r.surrenders,
                "quantity": r.quantity,
            }
            for r in c.by_type
        ],
    }


def _visible_counts(user: Any, start: datetime.date | None, end: datetime.date | None) -> domain.Counts:
    qs = domain.filter_surrenders(domain.visible_surrenders(user), domain.Filters(start=start, end=end))
    return domain.summarise(qs, None, start, end)


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    if not domain.can_view(request.user, area):
        raise forbidden()


def _get(request: HttpRequest, surrender_id: int) -> WeaponSurrender:
    _require_view(request)
    with problems(domain.WeaponError):
        return domain.get_surrender(request.user, surrender_id)


@router.get("/surrenders", response=SurrenderList, auth=STAFF_AUTH, summary="Danh sách lượt giao nộp vũ khí")
def list_weapon_surrenders(
    request: HttpRequest, filters: Query[SurrenderFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = area_by_code(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(area=area, start=filters.from_, end=filters.to, campaign=filters.campaign or "")
    with problems(domain.WeaponError):
        domain.check_period(f.start, f.end)
        if filters.item_type:
            code = domain.type_code(filters.item_type)
            if code is None:
                raise domain.WeaponError(f"Không có loại «{filters.item_type}».", "item_type")
            f.item_type = code
    return page(domain.filter_surrenders(domain.visible_surrenders(request.user), f), paging, surrender_out)


@router.get(
    "/counts",
    response=CountsOut,
    auth=STAFF_AUTH,
    by_alias=True,
    summary="Số vũ khí, vật liệu nổ thu hồi theo loại và số gạo đã hỗ trợ trong kỳ",
)
def weapon_counts(request: HttpRequest, params: Query[CountParams]) -> dict[str, Any]:
    with problems(domain.WeaponError):
        return counts_out(
            scoped_counts(
                request,
                params.area,
                params.from_,
                params.to,
                require_view=_require_view,
                counts=domain.counts,
                check_period=domain.check_period,
                summarise_visible=_visible_counts,
            )
        )


@router.post("/surrenders", response={201: SurrenderOut}, auth=STAFF_AUTH, summary="Ghi một lượt giao nộp")
def create_weapon_surrender(request: HttpRequest, payload: SurrenderIn) -> Status[dict[str, Any]]:
    data = domain.SurrenderInput(
        **{**payload.model_dump(), "village": payload.village or "", "received_by": payload.received_by or ""}
    )
    with problems(domain.WeaponError):
        surrender = domain.create_surrender(request.user, data)
    return Status(201, surrender_out(surrender))


@router.get(
    "/surrenders/{int:surrender_id}", response=SurrenderOut, auth=STAFF_AUTH, summary="Một lượt giao nộp"
)
def get_weapon_surrender(request: HttpRequest, surrender_id: int) -> dict[str, Any]:
    return surrender_out(_get(request, surrender_id))


@router.patch(
    "/surrenders/{int:surrender_id}", response=SurrenderOut, auth=STAFF_AUTH, summary="Sửa lượt giao nộp"
)
def update_weapon_surrender(
    request: HttpRequest, surrender_id: int, payload: SurrenderPatch
) -> dict[str, Any]:
    surrender = _get(request, surrender_id)
    if not domain.can_manage(request.user, surrender):
        raise forbidden()
    data = domain.surrender_data(surrender)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name in ("village", "exchange", "surrendered_by", "campaign", "note"):
            value = value or ""
        elif name == "rice_kg":
            pass
        elif value is None:
            continue
        setattr(data, name, value)
    with problems(domain.WeaponError):
        return surrender_out(domain.update_surrender(request.user, surrender, data))


@router.delete(
    "/surrenders/{int:surrender_id}", response={204: None}, auth=STAFF_AUTH, summary="Xoá lượt giao nộp"
)
def delete_weapon_surrender(request: HttpRequest, surrender_id: int) -> Status[None]:
    surrender = _get(request, surrender_id)
    with problems(domain.WeaponError):
        domain.delete_surrender(request.user, surrender)
    return Status(204, None)
