"""Domain rules for weapons, explosives and support tools handed in (thu hồi vũ khí, vật liệu nổ).

Views, the REST API, the import, the admin and the demo seed call these functions. `counts` gives what a
report needs: surrenders, items by type (in each type's unit) and what was given in exchange (kg of rice).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.core import parsing
from binhyen.core.text import fold, nfc
from binhyen.weapons.models import UNITS, ItemType, WeaponSurrender

MAX_QUANTITY = Decimal("1000000")
MAX_RICE_KG = Decimal("1000000")
MAX_PEOPLE = 10_000
MAX_AGE_YEARS = 30
TYPE_CODES: tuple[str, ...] = tuple(ItemType.values)
TYPE_LABELS: dict[str, str] = {str(k): str(v) for k, v in ItemType.choices}
TYPE_ALIASES: dict[str, str] = {
    **{fold(label): code for code, label in TYPE_LABELS.items()},
    **{code.replace("_", " "): code for code in TYPE_CODES},
    "sung quan dung": "military_gun", "sung": "military_gun", "military gun": "military_gun",
    "sung tu che": "homemade_gun", "sung kip": "homemade_gun", "sung cau": "homemade_gun",
    "sung san": "hunting_gun", "hunting gun": "hunting_gun",
    "sung hoi": "airgun", "sung ban dan chi": "airgun", "air gun": "airgun",
    "dan": "ammunition", "dan cac loai": "ammunition", "vien dan": "ammunition", "rounds": "ammunition",
    "thuoc no": "explosives", "vat lieu no": "explosives", "explosive": "explosives",
    "kip no": "detonators", "kip": "detonators", "day chay cham": "detonators", "detonator": "detonators",
    "luu dan": "grenades", "min": "grenades", "bom": "grenades", "dan phao": "grenades",
    "bom min": "grenades", "grenade": "grenades", "mines": "grenades", "shells": "grenades",
    "dao": "blades", "kiem": "blades", "dao kiem": "blades", "vu khi tho so": "blades",
    "knives": "blades", "swords": "blades",
    "cong cu ho tro": "support_tools", "dui cui": "support_tools", "roi dien": "support_tools",
    "support tools": "support_tools",
    "phao": "firecrackers", "phao no": "firecrackers", "firecracker": "firecrackers",
    "khac": "other",
}  # fmt: skip


class WeaponError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    the API and the pages answer with (422 invalid, 403 forbidden, 404 not found)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class WeaponForbidden(WeaponError):
    def __init__(self, message: str = "Bạn không có quyền với số liệu thu hồi vũ khí ở địa bàn này.") -> None:
        super().__init__(message, status=403)


class WeaponNotFound(WeaponError):
    def __init__(self, message: str = "Không tìm thấy lượt giao nộp.") -> None:
        super().__init__(message, status=404)


# --- input ------------------------------------------------------------------------------------------


@dataclass
class SurrenderInput:
    date: datetime.date | None = None
    commune: str = ""
    village: str = ""
    item_type: str = ""  # ItemType code (or its Vietnamese name)
    quantity: Decimal | int | float | None = None
    exchange: str = ""
    rice_kg: Decimal | int | float | None = None
    received_by: str = ""  # username of the receiving officer; "" = the user recording it
    people: int | None = 1
    surrendered_by: str = ""  # optional; leave empty unless needed
    campaign: str = ""
    note: str = ""


def surrender_data(s: WeaponSurrender) -> SurrenderInput:
    return SurrenderInput(
        date=s.date,
        commune=s.commune.code,
        village=s.village.code if s.village_id and s.village else "",
        item_type=s.item_type,
        quantity=s.quantity,
        exchange=s.exchange,
        rice_kg=s.rice_kg,
        received_by=s.received_by.username if s.received_by_id and s.received_by else "",
        people=s.people,
        surrendered_by=s.surrendered_by,
        campaign=s.campaign,
        note=s.note,
    )


def parse_date(text: str, field: str = "date") -> datetime.date | None:
    try:
        return parsing.parse_date(text)
    except ValueError as e:
        raise WeaponError(str(e), field) from None


def parse_decimal(text: str, field: str, label: str) -> Decimal | None:
    """ "1,5" / "1.5" / "20 kg" → Decimal; "" → None. A dot followed by three digits is a thousands
    separator ("1.200" = 1200), as Vietnamese write numbers."""
    cleaned = re.sub(r"\s*(kg|khau|vien|cai|qua)$", "", fold(text or "").strip()).replace(" ", "")
    if not cleaned:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise WeaponError(f"{label}: «{text[:20]}» không phải số, ví dụ 2 hoặc 1,5.", field) from None
    if not value.is_finite():
        raise WeaponError(f"{label}: «{text[:20]}» không phải số.", field)
    return value


def parse_count(text: str, field: str, label: str) -> int | None:
    cleaned = (text or "").replace(".", "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise WeaponError(f"{label}: nhập một số nguyên không âm, ví dụ 1.", field)
    return int(cleaned)


def type_code(text: str) -> str | None:
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text).replace("_", " ")).split())
    if not key:
        return None
    if key.replace(" ", "_") in TYPE_CODES:
        return key.replace(" ", "_")
    return TYPE_ALIASES.get(key) or TYPE_ALIASES.get(" ".join(fold(text).split()))


FORM_FIELDS = (
    "date", "commune", "village", "item_type", "quantity", "exchange", "rice_kg", "received_by", "people",
    "surrendered_by", "campaign", "note",
)  # fmt: skip


def from_form(values: Mapping[str, str]) -> SurrenderInput:
    people = parse_count(values.get("people", ""), "people", "Số người giao nộp")
    return SurrenderInput(
        date=parse_date(values.get("date", ""), "date"),
        commune=values.get("commune", ""),
        village=values.get("village", ""),
        item_type=values.get("item_type", ""),
        quantity=parse_decimal(values.get("quantity", ""), "quantity", "Số lượng"),
        exchange=values.get("exchange", ""),
        rice_kg=parse_decimal(values.get("rice_kg", ""), "rice_kg", "Số kg gạo"),
        received_by=values.get("received_by", ""),
        people=1 if people is None else people,
        surrendered_by=values.get("surrendered_by", ""),
        campaign=values.get("campaign", ""),
        note=values.get("note", ""),
    )


def _plain(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    d = Decimal(str(value))
    return format(d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize(), "f")


def form_values(data: SurrenderInput) -> dict[str, str]:
    return {
        "date": data.date.isoformat() if data.date else "",
        "commune": data.commune,
        "village": data.village,
        "item_type": data.item_type,
        "quantity": _plain(data.quantity),
        "exchange": data.exchange,
        "rice_kg": _plain(data.rice_kg),
        "received_by": data.received_by,
        "people": "" if data.people is None else str(data.people),
        "surrendered_by": data.surrendered_by,
        "campaign": data.campaign,
        "note": data.note,
    }


# --- validation -------------------------------------------------------------------------------------


def get_commune(code: str) -> Area:
    try:
        return areas.commune_by_code(code, "Hãy chọn xã, phường tiếp nhận.")
    except areas.AreaError as e:
        raise WeaponError(e.message, e.field) from None


def _village(commune: Area, code: str) -> Area | None:
    try:
        return areas.village_in(commune, code)
    except areas.AreaError as e:
        raise WeaponError(e.message, e.field) from None


def _decimal(value: Any, name: str, label: str, limit: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise WeaponError(f"{label} phải là số.", name)
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise WeaponError(f"{label} phải là số.", name) from None
    if not d.is_finite() or d < 0 or d > limit:
        raise WeaponError(f"{label} phải từ 0 đến {int(limit):,}.".replace(",", "."), name)
    return d


def _receiver(user: Any, username: str, commune: Area) -> Any:
    username = (username or "").strip()
    if not username:
        return user if getattr(user, "pk", None) else None
    receiver = get_user_model().objects.filter(username=username, is_active=True).first()
    if receiver is None:
        raise WeaponError(f"Không có cán bộ có tên đăng nhập «{username[:40]}».", "received_by")
    if not has_perm(receiver, Perm.MANAGE_MOVEMENT, commune):
        raise WeaponError(f"«{username[:40]}» không phải cán bộ tiếp nhận của {commune.name}.", "received_by")
    return receiver


def clean(data: SurrenderInput) -> dict[str, Any]:
    """Validated values (without the receiving officer, checked by `_receiver`)."""
    if data.date is None:
        raise WeaponError("Hãy nhập ngày giao nộp.", "date")
    today = timezone.localdate()
    if data.date > today:
        raise WeaponError("Ngày giao nộp không thể ở tương lai.", "date")
    if data.date < today - datetime.timedelta(days=365 * MAX_AGE_YEARS):
        raise WeaponError(f"Ngày giao nộp không thể trước {MAX_AGE_YEARS} năm.", "date")
    commune = get_commune(data.commune)
    village = _village(commune, data.village)
    if not (data.item_type or "").strip():
        raise WeaponError("Hãy chọn loại vũ khí, vật liệu nổ, công cụ hỗ trợ.", "item_type")
    code = type_code(data.item_type)
    if code is None:
        allowed = "; ".join(TYPE_LABELS.values())
        raise WeaponError(
            f"Loại «{data.item_type[:60]}» không có trong danh mục; dùng: {allowed}.", "item_type"
        )
    unit, decimals = UNITS[code]
    quantity = _decimal(data.quantity, "quantity", "Số lượng", MAX_QUANTITY)
    if quantity is None or quantity <= 0:
        raise WeaponError(f"Hãy nhập số lượng ({unit}) lớn hơn 0.", "quantity")
    if not decimals and quantity != quantity.to_integral():
        raise WeaponError(
            f"Số lượng {TYPE_LABELS[code].lower()} tính bằng {unit}: nhập số nguyên.", "quantity"
        )
    if quantity.as_tuple().exponent < -3:  # type: ignore[operator]
        raise WeaponError("Số lượng: tối đa 3 chữ số thập phân.", "quantity")
    rice = _decimal(data.rice_kg, "rice_kg", "Số kg gạo", MAX_RICE_KG)
    if rice is not None and rice.as_tuple().exponent < -2:  # type: ignore[operator]
        raise WeaponError("Số kg gạo: tối đa 2 chữ số thập phân.", "rice_kg")
    people = 1 if data.people is None else data.people
    if not isinstance(people, int) or isinstance(people, bool) or not 0 <= people <= MAX_PEOPLE:
        raise WeaponError(
            f"Số người giao nộp phải là số nguyên từ 0 đến {MAX_PEOPLE:,}.".replace(",", "."), "people"
        )
    texts: dict[str, str] = {}
    for name, label, limit in (
        ("exchange", "Hỗ trợ, đổi lấy", 300),
        ("surrendered_by", "Người giao nộp", 150),
        ("campaign", "Đợt vận động", 200),
        ("note", "Ghi chú", 5000),
    ):
        value = nfc(getattr(data, name) or "").strip()
        if len(value) > limit:
            raise WeaponError(f"{label} quá dài (tối đa {limit} ký tự).", name)
        texts[name] = value
    return {
        "date": data.date,
        "commune": commune,
        "village": village,
        "item_type": code,
        "quantity": quantity,
        "rice_kg": rice,
        "people": people,
        **texts,
    }


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, area: Area | None = None) -> bool:
    if area is None:
        return has_perm(user, Perm.VIEW_MOVEMENT)
    return has_perm(user, Perm.VIEW_MOVEMENT, area)


def can_manage(user: Any, surrender: WeaponSurrender | None = None, commune: Area | None = None) -> bool:
    place = surrender.commune if surrender is not None else commune
    if place is None:
        return has_perm(user, Perm.MANAGE_MOVEMENT)
    return has_perm(user, Perm.MANAGE_MOVEMENT, place)


def _require_manage(user: Any, commune: Area) -> None:
    if not has_perm(user, Perm.MANAGE_MOVEMENT, commune):
        raise WeaponForbidden(f"Bạn không có quyền ghi số liệu thu hồi vũ khí ở {commune.name}.")


# --- writing ----------------------------------------------------------------------------------------


def create_surrender(user: Any, data: SurrenderInput) -> WeaponSurrender:
    commune = get_commune(data.commune)
    _require_manage(user, commune)
    values = clean(data)
    surrender = WeaponSurrender(
        **values,
        received_by=_receiver(user, data.received_by, commune),
        created_by=user if getattr(user, "pk", None) else None,
    )
    surrender.save()
    return surrender


def update_surrender(user: Any, surrender: WeaponSurrender, data: SurrenderInput) -> WeaponSurrender:
    _require_manage(user, surrender.commune)
    commune = get_commune(data.commune)
    _require_manage(user, commune)
    values = clean(data)
    receiver = _receiver(user, data.received_by, commune) if data.received_by else surrender.received_by
    for name, value in values.items():
        setattr(surrender, name, value)
    surrender.received_by = receiver
    surrender.save()
    return surrender


def delete_surrender(user: Any, surrender: WeaponSurrender) -> None:
    _require_manage(user, surrender.commune)
    surrender.delete()


# --- reading ----------------------------------------------------------------------------------------


def within(area: Area) -> Q:
    return Q(area_path__gte=area.path, area_path__lt=area.path + "z")


def visible_surrenders(user: Any) -> QuerySet[WeaponSurrender]:
    qs = WeaponSurrender.objects.select_related("commune", "village", "received_by")
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    query = Q(pk__in=[])
    for root in roots:
        query |= within(root)
    return qs.filter(query)


def get_surrender(user: Any, surrender_id: int | str) -> WeaponSurrender:
    try:
        pk = int(surrender_id)
    except (TypeError, ValueError):
        raise WeaponNotFound() from None
    found = visible_surrenders(user).filter(pk=pk).first()
    if found is None:
        raise WeaponNotFound()
    return found


@dataclass
class Filters:
    area: Area | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    item_type: str = ""
    campaign: str = ""


def check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and start > end:
        raise WeaponError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from")


def filter_surrenders(qs: QuerySet[WeaponSurrender], f: Filters) -> QuerySet[WeaponSurrender]:
    if f.area is not None:
        qs = qs.filter(within(f.area))
    if f.start is not None:
        qs = qs.filter(date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(date__lte=f.end)
    if f.item_type:
        qs = qs.filter(item_type=f.item_type)
    if f.campaign:
        qs = qs.filter(campaign__icontains=f.campaign)
    return qs


# --- statistics -------------------------------------------------------------------------------------


@dataclass
class TypeRow:
    code: str
    label: str
    unit: str
    surrenders: int = 0
    quantity: Decimal = Decimal(0)


@dataclass
class Counts:
    area: Area | None
    start: datetime.date | None
    end: datetime.date | None
    surrenders: int = 0
    people: int = 0
    rice_kg: Decimal = Decimal(0)
    exchanges: int = 0  # surrenders for which something was given
    communes: int = 0
    by_type: list[TypeRow] = field(default_factory=list)  # every type, in the fixed order

    @property
    def guns(self) -> Decimal:
        return sum(
            (
                r.quantity
                for r in self.by_type
                if r.code in ("military_gun", "homemade_gun", "hunting_gun", "airgun")
            ),
            Decimal(0),
        )


def summarise(
    qs: QuerySet[WeaponSurrender],
    area: Area | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Counts:
    rows = {c: TypeRow(c, TYPE_LABELS[c], UNITS[c][0]) for c in TYPE_CODES}
    plain = qs.order_by()
    for r in plain.values("item_type").annotate(n=Count("id"), q=Sum("quantity")):
        row = rows.get(r["item_type"])
        if row is not None:
            row.surrenders, row.quantity = r["n"], Decimal(r["q"] or 0)
    totals = plain.aggregate(n=Count("id"), people=Sum("people"), rice=Sum("rice_kg"))
    result = Counts(area, start, end)
    result.surrenders = int(totals["n"] or 0)
    result.people = int(totals["people"] or 0)
    result.rice_kg = Decimal(totals["rice"] or 0)
    result.exchanges = plain.filter(Q(rice_kg__gt=0) | ~Q(exchange="")).count()
    result.communes = plain.values("commune_id").distinct().count()
    result.by_type = list(rows.values())
    return result


def counts(area: Area | None, start: datetime.date | None, end: datetime.date | None) -> Counts:
    """Surrenders in an area (None: the whole country) from `start` to `end` (both included; None: open).
    The caller checks that the user may view the movement there."""
    check_period(start, end)
    qs = filter_surrenders(WeaponSurrender.objects.all(), Filters(area, start, end))
    return summarise(qs, area, start, end)
