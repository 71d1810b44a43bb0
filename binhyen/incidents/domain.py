"""Domain rules for the incidents register (vụ việc) and the crime taxonomy.

Views, the REST API, the admin and the demo seed call these functions. Incidents are what crime
statistics count: `counts` gives totals by category and cleared (khám phá) for a period and for the
same period a year earlier ("so với cùng kỳ").
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.core import parsing
from binhyen.core.text import fold, nfc
from binhyen.incidents.data import FALLBACK
from binhyen.incidents.models import CrimeCategory, Incident

MAX_SUMMARY = 5000
MIN_SUMMARY = 5
MAX_COUNT = 100_000
MAX_DAMAGE_VND = 10**15
MAX_AGE_YEARS = 30
FUTURE_SLACK = datetime.timedelta(minutes=10)
_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNT_FIELDS = ("suspects", "victims", "deaths", "injuries")
COUNT_LABELS = {
    "suspects": "Số đối tượng",
    "victims": "Số bị hại",
    "deaths": "Số người chết",
    "injuries": "Số người bị thương",
}


class IncidentError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    the API and the pages answer with (422 invalid, 403 forbidden, 404 not found)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class IncidentForbidden(IncidentError):
    def __init__(self, message: str = "Bạn không có quyền với vụ việc ở địa bàn này.") -> None:
        super().__init__(message, status=403)


class IncidentNotFound(IncidentError):
    def __init__(self, message: str = "Không tìm thấy vụ việc.") -> None:
        super().__init__(message, status=404)


# --- input ------------------------------------------------------------------------------------------


@dataclass
class NewIncident:
    category: str = ""  # crime category code
    occurred_at: datetime.datetime | None = None
    commune: str = ""  # area code of a commune, ward or special zone
    village: str = ""  # area code of one of its villages, or ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    summary: str = ""
    cleared: bool = False
    cleared_at: datetime.datetime | None = None
    suspects: int = 0
    victims: int = 0
    deaths: int = 0
    injuries: int = 0
    property_damage_vnd: int | None = None
    source_tip: int | None = None  # id of the tip it was recorded from


def incident_data(incident: Incident) -> NewIncident:
    """An existing incident as input: the starting point for edits (PATCH, the edit form)."""
    return NewIncident(
        category=incident.category.code,
        occurred_at=incident.occurred_at,
        commune=incident.commune.code,
        village=incident.village.code if incident.village_id and incident.village else "",
        address=incident.address,
        latitude=incident.latitude,
        longitude=incident.longitude,
        summary=incident.summary,
        cleared=incident.cleared,
        cleared_at=incident.cleared_at,
        suspects=incident.suspects,
        victims=incident.victims,
        deaths=incident.deaths,
        injuries=incident.injuries,
        property_damage_vnd=incident.property_damage_vnd,
        source_tip=incident.source_tip_id,
    )


# Parsing what people type in the web form: Vietnamese messages naming the field.

TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M", "%Hh")


def parse_date(text: str, field: str = "date") -> datetime.date | None:
    try:
        return parsing.parse_date(text)
    except ValueError as e:
        raise IncidentError(str(e), field) from None


def parse_time(text: str, field: str = "time") -> datetime.time | None:
    text = (text or "").strip().lower()
    if not text:
        return None
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise IncidentError(f"Giờ «{text[:10]}» không hợp lệ; nhập theo dạng giờ:phút, ví dụ 21:30.", field)


def parse_count(text: str, field: str, label: str) -> int | None:
    cleaned = (text or "").replace(".", "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise IncidentError(f"{label}: nhập một số nguyên không âm, ví dụ 2.", field)
    return int(cleaned)


def parse_coordinate(text: str, field: str, label: str) -> float | None:
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise IncidentError(f"{label}: nhập số thập phân, ví dụ 11.7362.", field) from None
    if math.isnan(value) or math.isinf(value):
        raise IncidentError(f"{label}: nhập số thập phân, ví dụ 11.7362.", field)
    return value


def local_datetime(day: datetime.date, at: datetime.time | None = None) -> datetime.datetime:
    """A date and time in Vietnam's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, at or datetime.time(0, 0)))


FORM_FIELDS = (
    "category",
    "date",
    "time",
    "commune",
    "village",
    "address",
    "latitude",
    "longitude",
    "summary",
    "cleared",
    "cleared_date",
    "suspects",
    "victims",
    "deaths",
    "injuries",
    "property_damage_vnd",
    "source_tip",
)


def from_form(values: Mapping[str, str]) -> NewIncident:
    """The web form's text fields as input; raises IncidentError naming the first bad field."""
    day = parse_date(values.get("date", ""), "date")
    if day is None:
        raise IncidentError("Hãy nhập ngày xảy ra vụ việc.", "date")
    at = parse_time(values.get("time", ""), "time")
    cleared = (values.get("cleared") or "") in ("1", "on", "true", "yes")
    cleared_day = parse_date(values.get("cleared_date", ""), "cleared_date")
    counts = {f: parse_count(values.get(f, ""), f, COUNT_LABELS[f]) or 0 for f in COUNT_FIELDS}
    damage = parse_count(values.get("property_damage_vnd", ""), "property_damage_vnd", "Thiệt hại tài sản")
    tip = (values.get("source_tip") or "").strip()
    return NewIncident(
        category=values.get("category", ""),
        occurred_at=local_datetime(day, at),
        commune=values.get("commune", ""),
        village=values.get("village", ""),
        address=values.get("address", ""),
        latitude=parse_coordinate(values.get("latitude", ""), "latitude", "Vĩ độ"),
        longitude=parse_coordinate(values.get("longitude", ""), "longitude", "Kinh độ"),
        summary=values.get("summary", ""),
        cleared=cleared,
        cleared_at=local_datetime(cleared_day, datetime.time(12, 0)) if cleared and cleared_day else None,
        property_damage_vnd=damage,
        source_tip=int(tip) if tip.isdigit() else None,
        **counts,
    )


def form_values(data: NewIncident) -> dict[str, str]:
    """The other way: input shown in the web form."""
    occurred = timezone.localtime(data.occurred_at) if data.occurred_at else None
    cleared = timezone.localtime(data.cleared_at) if data.cleared_at else None
    return {
        "category": data.category,
        "date": occurred.strftime("%Y-%m-%d") if occurred else "",
        "time": occurred.strftime("%H:%M") if occurred else "",
        "commune": data.commune,
        "village": data.village,
        "address": data.address,
        "latitude": "" if data.latitude is None else str(data.latitude),
        "longitude": "" if data.longitude is None else str(data.longitude),
        "summary": data.summary,
        "cleared": "1" if data.cleared else "",
        "cleared_date": cleared.strftime("%Y-%m-%d") if cleared else "",
        "suspects": str(data.suspects or 0),
        "victims": str(data.victims or 0),
        "deaths": str(data.deaths or 0),
        "injuries": str(data.injuries or 0),
        "property_damage_vnd": "" if data.property_damage_vnd is None else str(data.property_damage_vnd),
        "source_tip": "" if data.source_tip is None else str(data.source_tip),
    }


# --- validation -------------------------------------------------------------------------------------


def get_commune(code: str) -> Area:
    try:
        return areas.commune_by_code(code, "Hãy chọn xã, phường nơi xảy ra vụ việc.")
    except areas.AreaError as e:
        raise IncidentError(e.message, e.field) from None


def _village(commune: Area, code: str) -> Area | None:
    try:
        return areas.village_in(commune, code)
    except areas.AreaError as e:
        raise IncidentError(e.message, e.field) from None


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise IncidentError("Cần cả vĩ độ và kinh độ.", "latitude" if lat is None else "longitude")
    if math.isnan(lat) or not -90 <= lat <= 90:
        raise IncidentError("Vĩ độ phải trong khoảng −90 đến 90.", "latitude")
    if math.isnan(lon) or not -180 <= lon <= 180:
        raise IncidentError("Kinh độ phải trong khoảng −180 đến 180.", "longitude")
    return round(lat, 6), round(lon, 6)


def _clean(data: NewIncident) -> dict[str, Any]:
    category = get_category(data.category, active_only=True)
    if data.occurred_at is None:
        raise IncidentError("Hãy nhập thời gian xảy ra vụ việc.", "occurred_at")
    occurred = _aware(data.occurred_at)
    now = timezone.now()
    if occurred > now + FUTURE_SLACK:
        raise IncidentError("Thời gian xảy ra không thể ở tương lai.", "occurred_at")
    if occurred < now - datetime.timedelta(days=365 * MAX_AGE_YEARS):
        raise IncidentError(f"Thời gian xảy ra không thể trước {MAX_AGE_YEARS} năm.", "occurred_at")
    commune = get_commune(data.commune)
    village = _village(commune, data.village)
    summary = nfc(data.summary or "")
    if len(summary) < MIN_SUMMARY:
        raise IncidentError("Hãy tóm tắt vụ việc.", "summary")
    if len(summary) > MAX_SUMMARY:
        raise IncidentError(f"Tóm tắt quá dài (tối đa {MAX_SUMMARY} ký tự).", "summary")
    address = nfc(data.address or "")
    if len(address) > 300:
        raise IncidentError("Địa chỉ quá dài (tối đa 300 ký tự).", "address")
    lat, lon = _coordinates(data.latitude, data.longitude)
    counts: dict[str, int] = {}
    for name in COUNT_FIELDS:
        value = getattr(data, name)
        value = 0 if value is None else value
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            raise IncidentError(
                f"{COUNT_LABELS[name]} phải là số nguyên từ 0 đến {MAX_COUNT:,}.".replace(",", "."), name
            )
        counts[name] = value
    damage = data.property_damage_vnd
    if damage is not None and (not isinstance(damage, int) or not 0 <= damage <= MAX_DAMAGE_VND):
        raise IncidentError("Thiệt hại tài sản phải là số tiền (đồng) không âm.", "property_damage_vnd")
    cleared_at: datetime.datetime | None = None
    if data.cleared:
        cleared_at = _aware(data.cleared_at) if data.cleared_at else now
        if cleared_at > now + FUTURE_SLACK:
            raise IncidentError("Ngày khám phá không thể ở tương lai.", "cleared_at")
        if cleared_at < occurred:
            if timezone.localdate(cleared_at) < timezone.localdate(occurred):
                raise IncidentError("Ngày khám phá không thể trước ngày xảy ra.", "cleared_at")
            cleared_at = occurred
    return {
        "category": category,
        "occurred_at": occurred,
        "commune": commune,
        "village": village,
        "address": address,
        "latitude": lat,
        "longitude": lon,
        "summary": summary,
        "cleared": bool(data.cleared),
        "cleared_at": cleared_at,
        "property_damage_vnd": damage,
        **counts,
    }


def can_manage(user: Any, incident: Incident | None = None, commune: Area | None = None) -> bool:
    place = incident.commune if incident is not None else commune
    if place is None:
        return has_perm(user, Perm.MANAGE_INCIDENTS)
    return has_perm(user, Perm.MANAGE_INCIDENTS, place)


def _require_manage(user: Any, commune: Area) -> None:
    if not has_perm(user, Perm.MANAGE_INCIDENTS, commune):
        raise IncidentForbidden(f"Bạn không có quyền ghi vụ việc ở {commune.name}.")


def _source_tip(user: Any, tip_id: int | None) -> Any:
    if tip_id is None:
        return None
    from binhyen.tips import domain as tips

    try:
        return tips.get_tip(user, tip_id)
    except tips.TipError:
        raise IncidentError(
            "Không tìm thấy tin báo gốc (hoặc bạn không được xem tin này).", "source_tip"
        ) from None


# --- writing ----------------------------------------------------------------------------------------


def create_incident(user: Any, data: NewIncident) -> Incident:
    """Record an incident; validates everything, and the user must manage incidents in its commune."""
    _require_manage(user, get_commune(data.commune))
    c = _clean(data)
    tip = _source_tip(user, data.source_tip)
    incident = Incident(**c, source_tip=tip, created_by=user if getattr(user, "pk", None) else None)
    incident.save()
    return incident


def update_incident(user: Any, incident: Incident, data: NewIncident) -> Incident:
    """Change an incident. The user must manage incidents both where it was and where it now is."""
    _require_manage(user, incident.commune)
    if data.cleared and data.cleared_at is None and incident.cleared:
        data = replace(data, cleared_at=incident.cleared_at)
    _require_manage(user, get_commune(data.commune))
    c = _clean(data)
    if data.source_tip != incident.source_tip_id:
        incident.source_tip = _source_tip(user, data.source_tip)
    for name, value in c.items():
        setattr(incident, name, value)
    incident.save()
    return incident


def delete_incident(user: Any, incident: Incident) -> None:
    _require_manage(user, incident.commune)
    incident.delete()


def mark_cleared(user: Any, incident: Incident, cleared: bool) -> Incident:
    """Khám phá: the incident has been solved (or, by mistake, un-mark it)."""
    _require_manage(user, incident.commune)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.cleared == cleared:
            return incident
        incident.cleared = cleared
        incident.cleared_at = max(timezone.now(), incident.occurred_at) if cleared else None
        incident.save()
    return incident


def incident_from_tip(user: Any, tip_id: int | str) -> NewIncident:
    """A new incident pre-filled from a tip the user may see: category, what happened, when and where.

    Reads the tip through tips.domain only, and never the reporter.
    """
    from binhyen.tips import domain as tips

    try:
        tip = tips.get_tip(user, tip_id)
    except tips.TipError:
        raise IncidentNotFound("Không tìm thấy tin báo (hoặc bạn không được xem tin này).") from None
    category = _category_for_tip(tip.category.code, tip.category.name)
    return NewIncident(
        category=category.code if category else "",
        occurred_at=tip.occurred_at,
        commune=tip.commune.code,
        village=tip.village.code if tip.village_id and tip.village else "",
        address=tip.address,
        latitude=tip.latitude,
        longitude=tip.longitude,
        summary=tip.description,
        source_tip=tip.pk,
    )


def _category_for_tip(code: str, name: str) -> CrimeCategory | None:
    active = CrimeCategory.objects.filter(active=True)
    found = active.filter(code=code).first()
    if found is None:
        key = fold(name)
        found = next((c for c in active if fold(c.name) == key), None)
    return found or active.filter(code=FALLBACK).first()


def incidents_from_tip(tip_id: int) -> list[int]:
    """Incidents already recorded from a tip (so the form can say so)."""
    return list(Incident.objects.filter(source_tip_id=tip_id).values_list("pk", flat=True))


# --- reading ----------------------------------------------------------------------------------------


def visible_incidents(user: Any) -> QuerySet[Incident]:
    """Incidents in the areas where the user may view incidents."""
    qs = Incident.objects.select_related("category", "commune", "village")
    roots = scope(user, Perm.VIEW_INCIDENTS)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    return qs.filter(_within_any(roots))


def _within_any(roots: list[Area]) -> Q:
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
    return query


def get_incident(user: Any, incident_id: int | str) -> Incident:
    """An incident the user may view; IncidentNotFound otherwise (no hint that it exists elsewhere)."""
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        raise IncidentNotFound() from None
    incident = visible_incidents(user).filter(pk=pk).first()
    if incident is None:
        raise IncidentNotFound()
    return incident


def can_view(user: Any, area: Area | None) -> bool:
    return has_perm(user, Perm.VIEW_INCIDENTS, area)


@dataclass
class Filters:
    category: CrimeCategory | None = None
    area: Area | None = None
    start: datetime.date | None = None  # inclusive, local dates
    end: datetime.date | None = None  # inclusive
    cleared: bool | None = None
    q: str = ""


def day_start(day: datetime.date) -> datetime.datetime:
    return local_datetime(day)


def filter_incidents(qs: QuerySet[Incident], f: Filters) -> QuerySet[Incident]:
    if f.category is not None:
        qs = qs.filter(Q(category=f.category) | Q(category__parent=f.category))
    if f.area is not None:
        qs = qs.filter(area_path__gte=f.area.path, area_path__lt=f.area.path + "z")
    if f.start is not None:
        qs = qs.filter(occurred_at__gte=day_start(f.start))
    if f.end is not None:
        qs = qs.filter(occurred_at__lt=day_start(f.end + datetime.timedelta(days=1)))
    if f.cleared is not None:
        qs = qs.filter(cleared=f.cleared)
    for word in fold(f.q or "").split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs


def check_period(start: datetime.date, end: datetime.date) -> None:
    if start > end:
        raise IncidentError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from")
    if (end - start).days > 366 * 10:
        raise IncidentError("Khoảng thời gian tối đa 10 năm.", "from")


# --- statistics -------------------------------------------------------------------------------------


def year_earlier(day: datetime.date) -> datetime.date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def start_of_year(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(month=1, day=1)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    total: int = 0
    cleared: int = 0
    suspects: int = 0
    victims: int = 0
    deaths: int = 0
    injuries: int = 0
    property_damage_vnd: int = 0
    by_category: dict[int, tuple[int, int]] = field(default_factory=dict)  # category id → (total, cleared)

    @property
    def cleared_rate(self) -> float | None:
        return round(100 * self.cleared / self.total, 1) if self.total else None


@dataclass
class CategoryRow:
    code: str
    name: str
    group: str
    total: int
    cleared: int
    previous_total: int
    previous_cleared: int

    @property
    def change(self) -> int:
        return self.total - self.previous_total


@dataclass
class Comparison:
    """A period and the same period a year earlier (cùng kỳ)."""

    area: Area | None
    current: Period
    previous: Period
    rows: list[CategoryRow]

    @property
    def change(self) -> int:
        return self.current.total - self.previous.total

    @property
    def change_percent(self) -> float | None:
        if not self.previous.total:
            return None
        return round(100 * self.change / self.previous.total, 1)


def period_counts(qs: QuerySet[Incident], start: datetime.date, end: datetime.date) -> Period:
    """Totals for incidents that occurred from `start` to `end` (local dates, both included)."""
    within = qs.filter(
        occurred_at__gte=day_start(start), occurred_at__lt=day_start(end + datetime.timedelta(days=1))
    ).order_by()
    period = Period(start, end)
    for row in within.values("category_id").annotate(n=Count("id"), c=Count("id", filter=Q(cleared=True))):
        period.by_category[row["category_id"]] = (row["n"], row["c"])
        period.total += row["n"]
        period.cleared += row["c"]
    sums = within.aggregate(
        suspects=Sum("suspects"),
        victims=Sum("victims"),
        deaths=Sum("deaths"),
        injuries=Sum("injuries"),
        property_damage_vnd=Sum("property_damage_vnd"),
    )
    for name, value in sums.items():
        setattr(period, name, int(value or 0))
    return period


def compare(
    qs: QuerySet[Incident], start: datetime.date, end: datetime.date, area: Area | None = None
) -> Comparison:
    """Counts for a period and for the same period a year earlier, by category."""
    check_period(start, end)
    current = period_counts(qs, start, end)
    previous = period_counts(qs, year_earlier(start), year_earlier(end))
    ids = set(current.by_category) | set(previous.by_category)
    rows = []
    for c in CrimeCategory.objects.filter(pk__in=ids).order_by("order", "name"):
        total, cleared = current.by_category.get(c.pk, (0, 0))
        prev_total, prev_cleared = previous.by_category.get(c.pk, (0, 0))
        rows.append(CategoryRow(c.code, c.name, c.group, total, cleared, prev_total, prev_cleared))
    return Comparison(area, current, previous, rows)


def counts(area: Area | None, start: datetime.date, end: datetime.date) -> Comparison:
    """Incidents in an area (None: the whole country) for a period, with the same period a year earlier.

    The caller checks that the user may view incidents there.
    """
    qs = Incident.objects.all()
    if area is not None:
        qs = qs.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
    return compare(qs, start, end, area)


# --- the crime taxonomy (administrators) ------------------------------------------------------------


def categories(active_only: bool = True) -> QuerySet[CrimeCategory]:
    qs = CrimeCategory.objects.select_related("parent")
    return qs.filter(active=True) if active_only else qs


def get_category(code: str, active_only: bool = False) -> CrimeCategory:
    code = nfc(code or "")
    if not code:
        raise IncidentError("Hãy chọn loại vụ việc.", "category")
    category = CrimeCategory.objects.filter(code=code).select_related("parent").first()
    if category is None:
        raise IncidentError(f"Không có loại vụ việc «{code}».", "category", status=422)
    if active_only and not category.active:
        raise IncidentError(f"Loại vụ việc «{category.name}» đã ngừng sử dụng.", "category")
    return category


def category_usage() -> dict[int, int]:
    """How many incidents each category has (for the taxonomy page)."""
    rows = Incident.objects.order_by().values("category_id").annotate(n=Count("id"))
    return {r["category_id"]: r["n"] for r in rows}


@dataclass
class CategoryInput:
    code: str = ""
    name: str = ""
    group: str = ""
    description: str = ""
    parent: str = ""  # code of the parent category, or ""
    active: bool = True
    order: int = 100


def category_data(category: CrimeCategory) -> CategoryInput:
    return CategoryInput(
        code=category.code,
        name=category.name,
        group=category.group,
        description=category.description,
        parent=category.parent.code if category.parent_id and category.parent else "",
        active=category.active,
        order=category.order,
    )


def _require_taxonomy(user: Any) -> None:
    if not has_perm(user, Perm.MANAGE_CRIME_TAXONOMY, None):
        raise IncidentForbidden("Chỉ quản trị hệ thống được sửa danh mục loại vụ việc.")


def _clean_category(data: CategoryInput, existing: CrimeCategory | None) -> dict[str, Any]:
    code = nfc(data.code or "").lower()
    if not code:
        raise IncidentError("Hãy nhập mã loại vụ việc.", "code")
    if len(code) > 40 or not _CODE_RE.match(code):
        raise IncidentError(
            "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 40 ký tự), ví dụ trom-cap.",
            "code",
        )
    taken = CrimeCategory.objects.filter(code=code)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if taken.exists():
        raise IncidentError(f"Mã «{code}» đã có.", "code")
    name = nfc(data.name or "")
    if not name:
        raise IncidentError("Hãy nhập tên loại vụ việc.", "name")
    if len(name) > 150:
        raise IncidentError("Tên dài quá 150 ký tự.", "name")
    group = nfc(data.group or "")
    if len(group) > 100:
        raise IncidentError("Nhóm dài quá 100 ký tự.", "group")
    description = nfc(data.description or "")
    if len(description) > 400:
        raise IncidentError("Mô tả dài quá 400 ký tự.", "description")
    parent: CrimeCategory | None = None
    if data.parent:
        parent = CrimeCategory.objects.filter(code=nfc(data.parent)).first()
        if parent is None:
            raise IncidentError(f"Không có loại vụ việc «{data.parent}».", "parent")
        if existing is not None and parent.pk == existing.pk:
            raise IncidentError("Một loại không thể là loại cha của chính nó.", "parent")
        if parent.parent_id is not None:
            raise IncidentError("Danh mục chỉ có hai cấp: loại cha phải là loại cấp trên cùng.", "parent")
        if existing is not None and existing.children.exists():
            raise IncidentError("Loại này đang có loại con nên không thể thành loại con.", "parent")
    if not isinstance(data.order, int) or not 0 <= data.order <= 32767:
        raise IncidentError("Thứ tự phải là số nguyên từ 0 đến 32767.", "order")
    return {
        "code": code,
        "name": name,
        "group": group,
        "description": description,
        "parent": parent,
        "active": bool(data.active),
        "order": data.order,
    }


def create_category(user: Any, data: CategoryInput) -> CrimeCategory:
    _require_taxonomy(user)
    category = CrimeCategory(**_clean_category(data, None))
    category.save()
    return category


def update_category(user: Any, category: CrimeCategory, data: CategoryInput) -> CrimeCategory:
    """Edit a category. Its code can change only while no incident uses it (codes are what API clients
    and statistics exports keep)."""
    _require_taxonomy(user)
    c = _clean_category(data, category)
    if c["code"] != category.code and category.incidents.exists():
        raise IncidentError("Loại đang có vụ việc nên không đổi được mã.", "code")
    for name, value in c.items():
        setattr(category, name, value)
    category.save()
    return category


def deactivate_category(user: Any, category: CrimeCategory) -> CrimeCategory:
    """Stop offering a category for new incidents. Its incidents keep it and are still counted."""
    _require_taxonomy(user)
    category.active = False
    category.save()
    return category


def delete_category(user: Any, category: CrimeCategory) -> None:
    """Remove a category nobody used (a typo); a category in use is deactivated instead."""
    _require_taxonomy(user)
    if category.incidents.exists() or category.children.exists():
        raise IncidentError("Loại đang được dùng; hãy ngừng sử dụng thay vì xoá.", "code")
    category.delete()
