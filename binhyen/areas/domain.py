"""Domain rules for administrative units. Views, API, admin and commands call these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum

from binhyen.areas.models import PATH_WIDTH, VILLAGE_TYPES, Area, AreaType, Level, Predecessor
from binhyen.core.text import fold, nfc

_PROVINCE_TYPES = {"tỉnh": AreaType.PROVINCE, "thành phố trung ương": AreaType.CITY}
_COMMUNE_TYPES = {"xã": AreaType.COMMUNE, "phường": AreaType.WARD, "đặc khu": AreaType.SPECIAL_ZONE}
MAX_VILLAGES_PER_COMMUNE = 10 ** PATH_WIDTH[3] - 1

# Accepted spellings of village types in forms and import files, folded (no diacritics, lower case).
VILLAGE_TYPE_WORDS = {
    "thon": AreaType.VILLAGE,
    "village": AreaType.VILLAGE,
    "ap": AreaType.HAMLET,
    "hamlet": AreaType.HAMLET,
    "ban": AreaType.BAN,
    "to dan pho": AreaType.RESIDENTIAL_GROUP,
    "tdp": AreaType.RESIDENTIAL_GROUP,
    "residential group": AreaType.RESIDENTIAL_GROUP,
    "residential_group": AreaType.RESIDENTIAL_GROUP,
    "khu pho": AreaType.QUARTER,
    "quarter": AreaType.QUARTER,
}


class AreaError(ValueError):
    """A rule was broken; `message` is Vietnamese and names the field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def segment(level: int, number: int) -> str:
    return str(number).zfill(PATH_WIDTH[level])


# --- official units ---------------------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


def load_official_units(progress: Callable[[Iterable], Iterable] | None = None) -> LoadResult:
    """Import the 34 provinces and 3,321 communes from `vietnam-provinces`; safe to run again."""
    from vietnam_provinces import Province, Ward

    wrap = progress or (lambda items: items)
    result = LoadResult()
    existing = {a.code: a for a in Area.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE])}
    with transaction.atomic():
        provinces: dict[int, Area] = {}
        for p in Province.iter_all():
            code = segment(1, p.code.value)
            wanted = {
                "name": p.name,
                "type": _PROVINCE_TYPES[p.division_type.value],
                "level": Level.PROVINCE,
                "parent": None,
                "path": code,
                "codename": p.codename,
            }
            provinces[p.code.value] = _upsert(existing, code, wanted, result)
        wards = sorted(Ward.iter_all(), key=lambda w: (w.province_code.value, w.code.value))
        new: list[Area] = []
        for w in wrap(wards):
            parent = provinces[w.province_code.value]
            code = segment(2, w.code.value)
            wanted = {
                "name": w.name,
                "type": _COMMUNE_TYPES[w.division_type.value],
                "level": Level.COMMUNE,
                "parent": parent,
                "path": parent.path + code,
                "codename": w.codename,
            }
            if code in existing:
                _upsert(existing, code, wanted, result)
            else:
                area = Area(code=code, search_key=fold(w.name), **wanted)
                new.append(area)
                result.created += 1
        # bulk_create skips save(), so search_key is set above; signals are skipped too, which is
        # fine: the official list is reference data, and the command itself is audited.
        Area.objects.bulk_create(new, batch_size=500)
    return result


def _upsert(existing: dict[str, Area], code: str, wanted: dict, result: LoadResult) -> Area:
    area = existing.get(code)
    if area is None:
        area = Area.objects.create(code=code, **wanted)
        result.created += 1
        return area
    changed = [k for k, v in wanted.items() if getattr(area, k) != v]
    if changed:
        for k in changed:
            setattr(area, k, wanted[k])
        area.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return area


# --- lookups ----------------------------------------------------------------------------------------


def get_area(code: str) -> Area:
    try:
        return Area.objects.select_related("parent").get(code=nfc(code))
    except Area.DoesNotExist:
        raise AreaError(f"Không có đơn vị hành chính mã «{code}».", "code") from None


def search(query: str, within: Area | None = None, level: int | None = None):  # type: ignore[no-untyped-def]
    """Diacritic-insensitive name search ("duc trong" finds "Xã Đức Trọng")."""
    qs = Area.objects.all() if within is None else Area.objects.within(within)
    if level:
        qs = qs.filter(level=level)
    for word in fold(query).split():
        qs = qs.filter(search_key__contains=word)
    return qs


def village_type(value: str) -> str:
    value = nfc(value)
    if value in AreaType.values and value in VILLAGE_TYPES:
        return value
    found = VILLAGE_TYPE_WORDS.get(fold(value))
    if not found:
        raise AreaError(
            f"Loại «{value}» không hợp lệ; dùng một trong: thôn, ấp, bản, tổ dân phố, khu phố.", "type"
        )
    return found


# --- villages and residential groups (created by each commune) -----------------------------------


@dataclass
class VillageInput:
    name: str
    type: str
    population: int | None = None


def clean_village(commune: Area, data: VillageInput, taken: set[str] | None = None) -> VillageInput:
    """Validate one village for a commune; raises AreaError naming the field."""
    if commune.level != Level.COMMUNE:
        raise AreaError("Thôn, tổ dân phố chỉ được tạo trong một xã, phường hoặc đặc khu.", "parent")
    name = nfc(data.name or "")
    if not name:
        raise AreaError("Tên không được để trống.", "name")
    if len(name) > 200:
        raise AreaError("Tên dài quá 200 ký tự.", "name")
    kind = village_type(data.type or "")
    if data.population is not None and not (0 <= data.population <= 2_000_000):
        raise AreaError("Dân số phải là số nguyên từ 0 đến 2.000.000.", "population")
    key = fold(name)
    if taken is None:
        taken = set(commune.children.values_list("search_key", flat=True))
    if key in taken:
        raise AreaError(f"«{name}» đã có trong {commune.name}.", "name")
    return VillageInput(name=name, type=kind, population=data.population)


def create_villages(commune: Area, items: list[VillageInput]) -> list[Area]:
    """Create several villages at once, all or nothing."""
    taken = set(commune.children.values_list("search_key", flat=True))
    cleaned: list[VillageInput] = []
    for item in items:
        c = clean_village(commune, item, taken)
        taken.add(fold(c.name))
        cleaned.append(c)
    with transaction.atomic():
        # Lock the commune row so two officers adding villages at once cannot take the same number.
        Area.objects.select_for_update().filter(pk=commune.pk).first()
        last = commune.children.aggregate(m=Max("path"))["m"]
        number = int(last[-PATH_WIDTH[3] :]) if last else 0
        if number + len(cleaned) > MAX_VILLAGES_PER_COMMUNE:
            raise AreaError("Xã đã đủ số thôn, tổ dân phố tối đa.", "parent")
        created = []
        for c in cleaned:
            number += 1
            seg = segment(3, number)
            area = Area(
                code=f"{commune.code}-{seg}",
                name=c.name,
                type=c.type,
                level=Level.VILLAGE,
                parent=commune,
                path=commune.path + seg,
                population=c.population,
            )
            try:
                area.save()
            except IntegrityError:
                raise AreaError(f"«{c.name}» đã có trong {commune.name}.", "name") from None
            created.append(area)
        Area.objects.filter(pk=commune.pk).update(village_count=F("village_count") + len(created))
    return created


def create_village(commune: Area, data: VillageInput) -> Area:
    return create_villages(commune, [data])[0]


def update_village(village: Area, data: VillageInput) -> Area:
    if village.level != Level.VILLAGE:
        raise AreaError("Chỉ sửa được thôn, tổ dân phố; đơn vị cấp xã, tỉnh lấy theo danh mục chính thức.")
    assert village.parent is not None
    taken = set(village.parent.children.exclude(pk=village.pk).values_list("search_key", flat=True))
    cleaned = clean_village(village.parent, data, taken)
    village.name, village.type, village.population = cleaned.name, cleaned.type, cleaned.population
    village.save()
    return village


def delete_village(village: Area) -> None:
    if village.level != Level.VILLAGE:
        raise AreaError("Chỉ xoá được thôn, tổ dân phố.")
    try:
        with transaction.atomic():
            parent_id = village.parent_id
            village.delete()
            Area.objects.filter(pk=parent_id or 0).update(village_count=F("village_count") - 1)
    except IntegrityError:
        raise AreaError("Không xoá được: đơn vị này đang có dữ liệu gắn với nó.") from None


# --- predecessors -----------------------------------------------------------------------------------


def successors_of(old_code: str) -> list[Predecessor]:
    """Where an old unit's figures are counted today."""
    return list(Predecessor.objects.filter(old_code=nfc(old_code)).select_related("successor"))


# --- counts for dashboards (indexed range counts, no GROUP BY) --------------------------------------


def counts(area: Area | None) -> dict[str, int]:
    qs = Area.objects.all() if area is None else Area.objects.within(area)
    return {
        "provinces": qs.filter(level=Level.PROVINCE).count(),
        "communes": qs.filter(level=Level.COMMUNE).count(),
        "villages": qs.filter(level=Level.VILLAGE).count(),
        "communes_with_villages": qs.filter(level=Level.COMMUNE, village_count__gt=0).count(),
        "population": qs.filter(level=Level.VILLAGE).aggregate(s=Sum("population"))["s"] or 0,
        "predecessors": Predecessor.objects.filter(successor__in=qs).count(),
    }


def top_communes(area: Area | None, limit: int = 15) -> list[Area]:
    qs = Area.objects.all() if area is None else Area.objects.within(area)
    return list(
        qs.filter(level=Level.COMMUNE, village_count__gt=0).order_by("-village_count", "path")[:limit]
    )


def children(area: Area | None) -> list[Area]:
    if area is None:
        return list(Area.objects.filter(level=Level.PROVINCE))
    return list(area.children.all())


def commune_by_code(code: str, missing: str = "Hãy chọn xã, phường.") -> Area:
    """The commune with this code for a form's commune field; AreaError(field="commune") otherwise."""
    code = nfc(code or "").strip()
    if not code:
        raise AreaError(missing, "commune")
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is None or area.level != Level.COMMUNE:
        raise AreaError(f"«{code}» không phải mã một xã, phường, đặc khu.", "commune")
    return area


def village_in(commune: Area, code: str) -> Area | None:
    """The village with this code, which must belong to the commune; None for an empty code."""
    code = nfc(code or "").strip()
    if not code:
        return None
    village = Area.objects.filter(code=code, level=Level.VILLAGE).first()
    if village is None or village.parent_id != commune.pk:
        raise AreaError(f"Thôn, tổ dân phố «{code}» không thuộc {commune.name}.", "village")
    return village
