"""Domain rules for movement schemes (mô hình) and their type catalogue.

Views, the REST API, imports, the admin and the demo seed call these functions.

Lifecycle: proposed → active → under review → active | retired; a retired scheme goes back to
under review only, and becomes active again only after a review has been recorded since (so a scheme
that "no longer fits" is not brought back without looking at it again). Retiring needs a reason.

Replication (nhân rộng), the choice made here:
- a scheme managed by the province gets new sites on the same scheme (one scheme, more sites);
- a scheme managed by a commune gets new sites on the same scheme for targets inside that commune (its
  villages), and, for each other commune named (or commune of a named village), a copy of the scheme
  managed by that commune (status «proposed», `replicated_from` the original) with the site there,
  because that commune runs and reviews its copy itself.

Runners: a scheme is run by organisations of the movement (organisations.domain) of its managing area:
the commune's, or for a province's scheme those of its communes; anyone else is kept as free text
(`run_by`, "other runners"). Choosing an organisation needs to see it; a dissolved one stays linked but is
not chosen anew. When a scheme is replicated to a village, the organisations of the same kinds as those
running it that cover that village join in running it there (on the same scheme, or on the other
commune's copy): the village's own team runs the village's gong.

Visibility: a user who may view the movement in an area sees the schemes managed there and the schemes
with a site there (so a group leader sees what runs in the village). Managing needs MANAGE_MOVEMENT at
the managing area.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.core import parsing
from binhyen.core.text import fold, nfc
from binhyen.organisations import domain as organisations
from binhyen.schemes.models import (
    Effectiveness,
    ManagingLevel,
    Scheme,
    SchemeOrganisation,
    SchemeReview,
    SchemeSite,
    SchemeStatus,
    SchemeType,
)

if TYPE_CHECKING:
    from binhyen.organisations.models import Organisation

MAX_NAME = 200
MAX_TEXT = 5000
MAX_REASON = 500
MAX_REPLICATE = 200
MAX_ORGANISATIONS = 50  # organisations running one scheme
MAX_ORGANISATION_CHOICES = 300  # offered in the form
_MAX_ID = 2**63 - 1  # larger ids would overflow the database's bigint
_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

STATUS_VI = {
    SchemeStatus.PROPOSED: "Đề xuất",
    SchemeStatus.ACTIVE: "Đang hoạt động",
    SchemeStatus.UNDER_REVIEW: "Đang rà soát",
    SchemeStatus.RETIRED: "Đã loại bỏ",
}
LEVEL_VI = {ManagingLevel.COMMUNE: "Xã, phường", ManagingLevel.PROVINCE: "Tỉnh, thành phố"}
EFFECTIVENESS_VI = {Effectiveness.GOOD: "Tốt", Effectiveness.FAIR: "Khá", Effectiveness.POOR: "Kém"}

# Allowed transitions: from → to.
TRANSITIONS: dict[str, set[str]] = {
    SchemeStatus.PROPOSED: {SchemeStatus.ACTIVE, SchemeStatus.RETIRED},
    SchemeStatus.ACTIVE: {SchemeStatus.UNDER_REVIEW},
    SchemeStatus.UNDER_REVIEW: {SchemeStatus.ACTIVE, SchemeStatus.RETIRED},
    SchemeStatus.RETIRED: {SchemeStatus.UNDER_REVIEW},
}


class SchemeError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    (422 invalid, 403 forbidden, 404 not found, 409 conflict)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class SchemeForbidden(SchemeError):
    def __init__(self, message: str = "Bạn không có quyền với mô hình ở địa bàn này.") -> None:
        super().__init__(message, status=403)


class SchemeNotFound(SchemeError):
    def __init__(self, message: str = "Không tìm thấy mô hình.") -> None:
        super().__init__(message, status=404)


# --- input ------------------------------------------------------------------------------------------


@dataclass
class SchemeInput:
    name: str = ""
    type: str = ""  # scheme type code
    level: str = ManagingLevel.COMMUNE
    managing_area: str = ""  # area code: a commune (level commune) or a province (level province)
    start_date: datetime.date | None = None
    description: str = ""
    run_by: str = ""  # other runners (free text)
    organisations: list[int] = field(default_factory=list)  # ids of the organisations running it


@dataclass
class SiteInput:
    area: str = ""  # area code: a commune or a village inside the managing area
    place_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    started_on: datetime.date | None = None


@dataclass
class ReviewInput:
    reviewed_on: datetime.date | None = None
    effectiveness: str = ""
    notes: str = ""
    evidence: str = ""


def scheme_data(scheme: Scheme) -> SchemeInput:
    return SchemeInput(
        name=scheme.name,
        type=scheme.type.code,
        level=scheme.level,
        managing_area=scheme.managing_area.code,
        start_date=scheme.start_date,
        description=scheme.description,
        run_by=scheme.run_by,
        organisations=list(scheme.runner_links.order_by("id").values_list("organisation_id", flat=True)),
    )




def parse_date(text: str, field: str = "date") -> datetime.date | None:
    try:
        return parsing.parse_date(text)
    except ValueError as e:
        raise SchemeError(str(e), field) from None


def parse_coordinate(text: str, field: str, label: str) -> float | None:
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise SchemeError(f"{label}: nhập số thập phân, ví dụ 11.7362.", field) from None
    if math.isnan(value) or math.isinf(value):
        raise SchemeError(f"{label}: nhập số thập phân, ví dụ 11.7362.", field)
    return value


SCHEME_FORM_FIELDS = ("name", "type", "level", "managing_area", "start_date", "description", "run_by")
SITE_FORM_FIELDS = ("area", "place_name", "latitude", "longitude", "started_on")
REVIEW_FORM_FIELDS = ("reviewed_on", "effectiveness", "notes", "evidence")


def parse_ids(values: Iterable[str], field: str = "organisations") -> list[int]:
    ids: list[int] = []
    for value in values:
        text = (value or "").strip()
        if not text:
            continue
        if not text.isdigit():
            raise SchemeError("Tổ chức thực hiện không hợp lệ; hãy chọn trong danh sách.", field)
        ids.append(int(text))
    return ids


def scheme_from_form(values: Mapping[str, str], organisation_ids: Iterable[str] = ()) -> SchemeInput:
    return SchemeInput(
        name=values.get("name", ""),
        type=values.get("type", ""),
        level=values.get("level", "") or ManagingLevel.COMMUNE,
        managing_area=values.get("managing_area", ""),
        start_date=parse_date(values.get("start_date", ""), "start_date"),
        description=values.get("description", ""),
        run_by=values.get("run_by", ""),
        organisations=parse_ids(organisation_ids),
    )


def scheme_form_values(data: SchemeInput) -> dict[str, str]:
    return {
        "name": data.name,
        "type": data.type,
        "level": data.level,
        "managing_area": data.managing_area,
        "start_date": data.start_date.isoformat() if data.start_date else "",
        "description": data.description,
        "run_by": data.run_by,
    }


def site_from_form(values: Mapping[str, str]) -> SiteInput:
    return SiteInput(
        area=values.get("area", ""),
        place_name=values.get("place_name", ""),
        latitude=parse_coordinate(values.get("latitude", ""), "latitude", "Vĩ độ"),
        longitude=parse_coordinate(values.get("longitude", ""), "longitude", "Kinh độ"),
        started_on=parse_date(values.get("started_on", ""), "started_on"),
    )


def review_from_form(values: Mapping[str, str]) -> ReviewInput:
    return ReviewInput(
        reviewed_on=parse_date(values.get("reviewed_on", ""), "reviewed_on"),
        effectiveness=values.get("effectiveness", ""),
        notes=values.get("notes", ""),
        evidence=values.get("evidence", ""),
    )


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, area: Area | None = None) -> bool:
    return (
        has_perm(user, Perm.VIEW_MOVEMENT, area) if area is not None else has_perm(user, Perm.VIEW_MOVEMENT)
    )


def can_manage(user: Any, scheme: Scheme | None = None, area: Area | None = None) -> bool:
    target = scheme.managing_area if scheme is not None else area
    if target is None:
        return has_perm(user, Perm.MANAGE_MOVEMENT)
    return has_perm(user, Perm.MANAGE_MOVEMENT, target)


def _require_manage(user: Any, area: Area) -> None:
    if not has_perm(user, Perm.MANAGE_MOVEMENT, area):
        raise SchemeForbidden(f"Bạn không có quyền quản lý mô hình của {area.name}.")


def can_manage_types(user: Any) -> bool:
    return has_perm(user, Perm.MANAGE_MOVEMENT_TYPES, None)


# --- validation -------------------------------------------------------------------------------------


def get_area(code: str, field: str = "area") -> Area:
    code = nfc(code or "").strip()
    if not code:
        raise SchemeError("Hãy chọn đơn vị hành chính.", field)
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is None:
        raise SchemeError(f"Không có đơn vị hành chính mã «{code}».", field)
    return area


def _within(area: Area, root: Area) -> bool:
    return root.path <= area.path < root.path + "z"


def _managing_area(level: str, code: str) -> Area:
    if level not in ManagingLevel.values:
        raise SchemeError(f"Cấp quản lý «{level}» không hợp lệ; chọn xã hoặc tỉnh.", "level")
    area = get_area(code, "managing_area")
    wanted = Level.COMMUNE if level == ManagingLevel.COMMUNE else Level.PROVINCE
    if area.level != wanted:
        what = "một xã, phường, đặc khu" if wanted == Level.COMMUNE else "một tỉnh, thành phố"
        raise SchemeError(f"Đơn vị quản lý «{area.name}» phải là {what}.", "managing_area")
    return area


def _text(value: str, limit: int, label: str, field: str) -> str:
    text = nfc(value or "").strip()
    if len(text) > limit:
        raise SchemeError(f"{label} dài quá {limit} ký tự.", field)
    return text


def _clean(data: SchemeInput, existing: Scheme | None = None) -> dict[str, Any]:
    name = _text(data.name, MAX_NAME, "Tên mô hình", "name")
    if len(name) < 3:
        raise SchemeError("Hãy nhập tên mô hình (ít nhất 3 ký tự).", "name")
    keeps_type = existing is not None and nfc(data.type or "").strip() == existing.type.code
    scheme_type = get_type(data.type, active_only=not keeps_type)
    area = _managing_area(data.level, data.managing_area)
    if data.start_date is not None:
        if data.start_date > timezone.localdate() + datetime.timedelta(days=366):
            raise SchemeError("Ngày bắt đầu không thể quá một năm sau hôm nay.", "start_date")
        if data.start_date.year < 1945:
            raise SchemeError("Ngày bắt đầu không hợp lệ.", "start_date")
    return {
        "name": name,
        "type": scheme_type,
        "level": data.level,
        "managing_area": area,
        "start_date": data.start_date,
        "description": _text(data.description, MAX_TEXT, "Mô tả", "description"),
        "run_by": _text(data.run_by, 500, "Người, đơn vị thực hiện khác", "run_by"),
    }


def clean_scheme(data: SchemeInput, user: Any) -> dict[str, Any]:
    """Validate without saving (imports check every row first)."""
    values = _clean(data)
    values["organisations"] = _organisations(user, values["managing_area"], data.organisations)
    return values


# --- runners (organisations of the movement) --------------------------------------------------------


def organisations_in(user: Any, area: Area) -> QuerySet[Organisation]:
    """Organisations (not dissolved) in `area` and under it that `user` may see: those a scheme managed
    there may be run by."""
    return organisations.filter_organisations(
        organisations.visible_organisations(user), organisations.Filters(area=area)
    )


def organisation_choices(user: Any, area: Area, scheme: Scheme | None = None) -> list[Organisation]:
    """What the scheme form offers: the commune's organisations; for a province's scheme, those of the
    communes where it runs (a province has thousands); and whatever already runs the scheme."""
    if area.level == Level.PROVINCE:
        communes: dict[int, Area] = {}
        if scheme is not None and scheme.managing_area_id == area.pk:
            for site in scheme.sites.filter(ended_on__isnull=True).select_related("area__parent"):
                commune = _commune_of(site.area)
                communes[commune.pk] = commune
        qs = organisations.visible_organisations(user).none()
        for commune in communes.values():
            qs = qs | organisations_in(user, commune)
    else:
        qs = organisations_in(user, area)
    found = list(qs.order_by("area_path", "type__order", "name", "id")[:MAX_ORGANISATION_CHOICES])
    if scheme is not None:
        have = {o.pk for o in found}
        found += [o for o in runners(scheme) if o.pk not in have]
    return found


def _organisations(
    user: Any, area: Area, ids: Iterable[int], existing: Scheme | None = None
) -> list[Organisation]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    if len(wanted) > MAX_ORGANISATIONS:
        raise SchemeError(f"Chọn tối đa {MAX_ORGANISATIONS} tổ chức thực hiện.", "organisations")
    if any(not isinstance(pk, int) or not 0 < pk <= _MAX_ID for pk in wanted):
        raise SchemeError("Tổ chức thực hiện không hợp lệ; hãy chọn trong danh sách.", "organisations")
    visible = organisations.visible_organisations(user)
    found = {o.pk: o for o in visible.filter(pk__in=wanted)}
    inside = set(
        organisations.filter_organisations(visible, organisations.Filters(area=area, include_dissolved=True))
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    current = set(existing.runner_links.values_list("organisation_id", flat=True)) if existing else set()
    result: list[Organisation] = []
    for pk in wanted:
        org = found.get(pk)
        if org is None:
            raise SchemeError(f"Không tìm thấy tổ chức số {pk}.", "organisations")
        if pk not in inside:
            raise SchemeError(
                f"«{org.name}» không thuộc {area.name}, đơn vị quản lý mô hình.", "organisations"
            )
        if org.dissolved_on is not None and pk not in current:
            raise SchemeError(
                f"«{org.name}» đã giải thể; không giao thực hiện mô hình được.", "organisations"
            )
        result.append(org)
    return result


def _set_organisations(scheme: Scheme, orgs: list[Organisation]) -> None:
    """Link and unlink one row at a time, so that each change is in the audit log."""
    wanted = {o.pk for o in orgs}
    have: set[int] = set()
    for link in scheme.runner_links.all():
        if link.organisation_id in wanted:
            have.add(link.organisation_id)
        else:
            link.delete()
    for org in orgs:
        if org.pk not in have:
            SchemeOrganisation.objects.create(scheme=scheme, organisation=org)


def get_organisation(user: Any, pk: int) -> Organisation:
    """An organisation the user may see, e.g. to list the schemes it runs."""
    if not 0 < pk <= _MAX_ID:
        raise SchemeError(f"Không tìm thấy tổ chức số {pk}.", "organisation")
    try:
        return organisations.get_organisation(user, pk)
    except organisations.OrganisationError:
        raise SchemeError(f"Không tìm thấy tổ chức số {pk}.", "organisation") from None


def runners(scheme: Scheme) -> list[Organisation]:
    """The organisations running the scheme, by name."""
    return list(scheme.organisations.select_related("type", "commune").order_by("name", "id"))


def openable_organisations(user: Any, orgs: Iterable[Organisation]) -> set[int]:
    """Which of `orgs` the user may open (the scheme page links those)."""
    ids = [o.pk for o in orgs]
    if not ids:
        return set()
    return set(organisations.visible_organisations(user).filter(pk__in=ids).values_list("pk", flat=True))


def schemes_run_by(user: Any, organisation: Organisation) -> QuerySet[Scheme]:
    """The schemes the user may see that `organisation` runs (for the organisation's page)."""
    return visible_schemes(user).filter(runner_links__organisation=organisation)


def _coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise SchemeError("Cần cả vĩ độ và kinh độ.", "latitude" if lat is None else "longitude")
    if math.isnan(lat) or not -90 <= lat <= 90:
        raise SchemeError("Vĩ độ phải trong khoảng −90 đến 90.", "latitude")
    if math.isnan(lon) or not -180 <= lon <= 180:
        raise SchemeError("Kinh độ phải trong khoảng −180 đến 180.", "longitude")
    return round(lat, 6), round(lon, 6)


def _site_area(scheme_area: Area, code: str) -> Area:
    area = get_area(code, "area")
    if area.level not in (Level.COMMUNE, Level.VILLAGE):
        raise SchemeError("Nơi thực hiện phải là một xã, phường hoặc một thôn, tổ dân phố.", "area")
    if not _within(area, scheme_area):
        raise SchemeError(f"«{area.name}» không thuộc {scheme_area.name}, đơn vị quản lý mô hình.", "area")
    return area


def _open_site(scheme: Scheme, area: Area, place_name: str) -> SchemeSite | None:
    return (
        scheme.sites.filter(area=area, ended_on__isnull=True)
        .filter(Q(place_name__iexact=place_name) if place_name else Q(place_name=""))
        .first()
    )


def clean_site(scheme_area: Area, data: SiteInput) -> dict[str, Any]:
    area = _site_area(scheme_area, data.area)
    lat, lon = _coordinates(data.latitude, data.longitude)
    return {
        "area": area,
        "place_name": _text(data.place_name, 200, "Tên địa điểm", "place_name"),
        "latitude": lat,
        "longitude": lon,
        "started_on": data.started_on,
    }


# --- schemes ----------------------------------------------------------------------------------------


def create_scheme(user: Any, data: SchemeInput, sites: Iterable[SiteInput] = ()) -> Scheme:
    """A new scheme («proposed»), optionally with its first sites."""
    c = _clean(data)
    _require_manage(user, c["managing_area"])
    orgs = _organisations(user, c["managing_area"], data.organisations)
    site_values = [clean_site(c["managing_area"], s) for s in sites]
    with transaction.atomic():
        scheme = Scheme(**c, created_by=user if getattr(user, "pk", None) else None)
        scheme.status_changed_at = timezone.now()
        scheme.save()
        _set_organisations(scheme, orgs)
        seen: set[tuple[int, str]] = set()
        for values in site_values:
            key = (values["area"].pk, fold(values["place_name"]))
            if key in seen:
                continue
            seen.add(key)
            SchemeSite.objects.create(scheme=scheme, **values)
    return scheme


def update_scheme(user: Any, scheme: Scheme, data: SchemeInput) -> Scheme:
    _require_manage(user, scheme.managing_area)
    c = _clean(data, scheme)
    if c["managing_area"].pk != scheme.managing_area_id:
        _require_manage(user, c["managing_area"])
        outside = [s for s in scheme.sites.select_related("area") if not _within(s.area, c["managing_area"])]
        if outside:
            raise SchemeError(
                f"Mô hình có nơi thực hiện ngoài {c['managing_area'].name} ({outside[0].area.name}).",
                "managing_area",
            )
    orgs = _organisations(user, c["managing_area"], data.organisations, scheme)
    with transaction.atomic():
        for name, value in c.items():
            setattr(scheme, name, value)
        scheme.save()
        _set_organisations(scheme, orgs)
    return scheme


def change_status(user: Any, scheme: Scheme, to: str, reason: str = "") -> Scheme:
    """Move a scheme through its lifecycle (see the module's docstring)."""
    _require_manage(user, scheme.managing_area)
    if to not in SchemeStatus.values:
        raise SchemeError(f"Trạng thái «{to}» không hợp lệ.", "status")
    reason = _text(reason, MAX_REASON, "Lý do", "reason")
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().select_related("managing_area", "type").get(pk=scheme.pk)
        current = scheme.status
        if to == current:
            raise SchemeError(f"Mô hình đã ở trạng thái «{STATUS_VI[SchemeStatus(to)]}».", "status", 409)
        if current == SchemeStatus.RETIRED and to == SchemeStatus.ACTIVE:
            raise SchemeError(
                "Mô hình đã bị loại bỏ không thể hoạt động lại ngay: hãy chuyển sang «Đang rà soát», "
                "ghi kết quả rà soát, rồi mới cho hoạt động lại.",
                "status",
                409,
            )
        if to not in TRANSITIONS[current]:
            raise SchemeError(
                f"Không thể chuyển mô hình từ «{STATUS_VI[SchemeStatus(current)]}» sang "
                f"«{STATUS_VI[SchemeStatus(to)]}».",
                "status",
                409,
            )
        if to == SchemeStatus.RETIRED and not reason:
            raise SchemeError("Hãy ghi lý do loại bỏ mô hình, ví dụ «không còn phù hợp».", "reason")
        if (
            to == SchemeStatus.ACTIVE
            and current == SchemeStatus.UNDER_REVIEW
            and scheme.retired_at is not None
            and not scheme.reviews.filter(
                created_at__gte=scheme.status_changed_at or scheme.retired_at
            ).exists()
        ):
            raise SchemeError(
                "Mô hình này đã từng bị loại bỏ: cần ghi một lần rà soát trước khi cho hoạt động lại.",
                "status",
                409,
            )
        now = timezone.now()
        scheme.status = to
        scheme.status_reason = reason
        scheme.status_changed_at = now
        if to == SchemeStatus.RETIRED:
            scheme.retired_at = now
        scheme.save()
    return scheme


def delete_scheme(user: Any, scheme: Scheme) -> None:
    """Only a proposed scheme without reviews can be deleted (a mistake); others are retired."""
    _require_manage(user, scheme.managing_area)
    if scheme.status != SchemeStatus.PROPOSED or scheme.reviews.exists():
        raise SchemeError(
            "Chỉ xoá được mô hình mới đề xuất; mô hình khác hãy loại bỏ kèm lý do.", "status", 409
        )
    scheme.delete()


# --- sites ------------------------------------------------------------------------------------------


def add_site(user: Any, scheme: Scheme, data: SiteInput) -> SchemeSite:
    _require_manage(user, scheme.managing_area)
    if scheme.status == SchemeStatus.RETIRED:
        raise SchemeError("Mô hình đã bị loại bỏ; không thể thêm nơi thực hiện.", "area", 409)
    values = clean_site(scheme.managing_area, data)
    if _open_site(scheme, values["area"], values["place_name"]) is not None:
        raise SchemeError(f"Mô hình đã thực hiện tại {values['area'].name}.", "area", 409)
    return SchemeSite.objects.create(scheme=scheme, **values)


def remove_site(user: Any, scheme: Scheme, site_id: int) -> SchemeSite:
    """End a site (it stays in the history with its end date, and is no longer counted)."""
    _require_manage(user, scheme.managing_area)
    site = scheme.sites.filter(pk=site_id).first()
    if site is None:
        raise SchemeNotFound("Không tìm thấy nơi thực hiện này của mô hình.")
    if site.ended_on is None:
        site.ended_on = timezone.localdate()
        site.save()
    return site


# --- reviews ----------------------------------------------------------------------------------------


def add_review(user: Any, scheme: Scheme, data: ReviewInput) -> SchemeReview:
    _require_manage(user, scheme.managing_area)
    day = data.reviewed_on or timezone.localdate()
    if day > timezone.localdate():
        raise SchemeError("Ngày rà soát không thể ở tương lai.", "reviewed_on")
    if data.effectiveness not in Effectiveness.values:
        raise SchemeError("Hãy chọn hiệu quả: tốt, khá hoặc kém.", "effectiveness")
    return SchemeReview.objects.create(
        scheme=scheme,
        reviewed_on=day,
        effectiveness=data.effectiveness,
        notes=_text(data.notes, MAX_TEXT, "Nhận xét", "notes"),
        evidence=_text(data.evidence, 500, "Minh chứng", "evidence"),
        reviewer=user if getattr(user, "pk", None) else None,
    )


# --- replication (nhân rộng) ------------------------------------------------------------------------


@dataclass
class Replication:
    sites: list[SchemeSite] = field(default_factory=list)  # new sites on the same scheme
    copies: list[Scheme] = field(default_factory=list)  # new schemes (one per other commune)
    organisations: list[SchemeOrganisation] = field(default_factory=list)  # new runners (same or copies)


def _commune_of(area: Area) -> Area:
    if area.level == Level.VILLAGE and area.parent is not None:
        return area.parent
    return area


def replicate(user: Any, scheme: Scheme, codes: Iterable[str]) -> Replication:
    """Replicate a scheme to more places (see the module's docstring). All or nothing."""
    _require_manage(user, scheme.managing_area)
    if scheme.status == SchemeStatus.RETIRED:
        raise SchemeError("Không nhân rộng mô hình đã bị loại bỏ.", "areas", 409)
    wanted = list(dict.fromkeys(nfc(c).strip() for c in codes if c and c.strip()))
    if not wanted:
        raise SchemeError("Hãy chọn ít nhất một thôn, tổ dân phố hoặc xã, phường để nhân rộng.", "areas")
    if len(wanted) > MAX_REPLICATE:
        raise SchemeError(f"Nhân rộng tối đa {MAX_REPLICATE} nơi một lần.", "areas")
    targets: list[Area] = []
    for code in wanted:
        area = get_area(code, "areas")
        if area.level not in (Level.COMMUNE, Level.VILLAGE):
            raise SchemeError(f"«{area.name}» không phải xã, phường hay thôn, tổ dân phố.", "areas")
        targets.append(area)
    result = Replication()
    kinds = {o.type_id: o.type for o in runners(scheme)}
    with transaction.atomic():
        copies: dict[int, Scheme] = {}
        for area in targets:
            if _within(area, scheme.managing_area):
                if _open_site(scheme, area, "") is not None:
                    raise SchemeError(f"Mô hình đã thực hiện tại {area.name}.", "areas", 409)
                result.sites.append(
                    SchemeSite.objects.create(scheme=scheme, area=area, started_on=timezone.localdate())
                )
                result.organisations += _village_runners(user, scheme, area, kinds)
                continue
            if scheme.level == ManagingLevel.PROVINCE:
                raise SchemeError(f"«{area.name}» không thuộc {scheme.managing_area.name}.", "areas")
            commune = _commune_of(area)
            _require_manage(user, commune)
            copy = copies.get(commune.pk)
            if copy is None:
                copy = Scheme(
                    name=scheme.name,
                    type=scheme.type,
                    level=ManagingLevel.COMMUNE,
                    managing_area=commune,
                    description=scheme.description,
                    run_by="",
                    replicated_from=scheme,
                    status=SchemeStatus.PROPOSED,
                    status_changed_at=timezone.now(),
                    created_by=user if getattr(user, "pk", None) else None,
                )
                copy.save()
                copies[commune.pk] = copy
                result.copies.append(copy)
            SchemeSite.objects.create(scheme=copy, area=area, started_on=timezone.localdate())
            result.organisations += _village_runners(user, copy, area, kinds)
    return result


def _village_runners(
    user: Any, scheme: Scheme, area: Area, kinds: Mapping[int, Any]
) -> list[SchemeOrganisation]:
    """Link the organisations of the kinds in `kinds` that cover the village `area` (see the module)."""
    if area.level != Level.VILLAGE or not kinds:
        return []
    have = set(scheme.runner_links.values_list("organisation_id", flat=True))
    visible = organisations.visible_organisations(user)
    links: list[SchemeOrganisation] = []
    for kind in kinds.values():
        for org in organisations.filter_organisations(visible, organisations.Filters(area=area, type=kind)):
            if org.pk in have or len(have) >= MAX_ORGANISATIONS:
                continue
            have.add(org.pk)
            links.append(SchemeOrganisation.objects.create(scheme=scheme, organisation=org))
    return links


# --- reading ----------------------------------------------------------------------------------------


def _within_any(roots: list[Area], prefix: str = "") -> Q:
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(**{f"{prefix}area_path__gte": root.path, f"{prefix}area_path__lt": root.path + "z"})
    return query


def _in_areas(qs: QuerySet[Scheme], roots: list[Area]) -> QuerySet[Scheme]:
    """Schemes managed in the areas or with a site there."""
    sites = SchemeSite.objects.filter(_within_any(roots), scheme=OuterRef("pk"))
    return qs.filter(_within_any(roots) | Q(Exists(sites)))


def visible_schemes(user: Any) -> QuerySet[Scheme]:
    qs = Scheme.objects.select_related("type", "managing_area")
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    return _in_areas(qs, roots)


def get_scheme(user: Any, scheme_id: int | str) -> Scheme:
    try:
        pk = int(scheme_id)
    except (TypeError, ValueError):
        raise SchemeNotFound() from None
    scheme = visible_schemes(user).filter(pk=pk).first()
    if scheme is None:
        raise SchemeNotFound()
    return scheme


@dataclass
class Filters:
    area: Area | None = None
    type: SchemeType | None = None
    status: str = ""
    level: str = ""
    q: str = ""
    organisation: Organisation | None = None  # schemes this organisation runs


def filter_schemes(qs: QuerySet[Scheme], f: Filters) -> QuerySet[Scheme]:
    if f.area is not None:
        qs = _in_areas(qs, [f.area])
    if f.type is not None:
        qs = qs.filter(type=f.type)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.organisation is not None:
        qs = qs.filter(runner_links__organisation=f.organisation)
    for word in fold(f.q or "").split()[:8]:
        # The name, other runners and description, or the name of an organisation running it.
        runner = SchemeOrganisation.objects.filter(
            scheme=OuterRef("pk"), organisation__search_text__contains=word
        )
        qs = qs.filter(Q(search_text__contains=word) | Q(Exists(runner)))
    return qs


@dataclass
class Counts:
    """How many schemes (not retired), at how many open sites, managed at which level, by type and status."""

    area: Area | None
    schemes: int = 0
    sites: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_type: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, name, schemes, sites
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def commune_level(self) -> int:
        return self.by_level.get(ManagingLevel.COMMUNE, 0)

    @property
    def province_level(self) -> int:
        return self.by_level.get(ManagingLevel.PROVINCE, 0)


def counts(qs: QuerySet[Scheme], areas: list[Area] | None = None) -> Counts:
    """Counts over `qs` (already scoped to what the user may see) within `areas` (None: all of qs).

    A scheme counts for an area when it is managed there or has an open site there; its sites count
    when they lie in the area. Retired schemes count only in `by_status`.
    """
    result = Counts(area=areas[0] if areas and len(areas) == 1 else None)
    if areas:
        qs = _in_areas(qs, areas)
    qs = qs.order_by()
    for row in qs.values("status").annotate(n=Count("id")):
        result.by_status[row["status"]] = row["n"]
    live = qs.exclude(status=SchemeStatus.RETIRED)
    result.schemes = live.count()
    for level_row in live.values("level").annotate(n=Count("id")):
        result.by_level[level_row["level"]] = level_row["n"]
    sites = SchemeSite.objects.filter(ended_on__isnull=True, scheme__in=live.values("pk"))
    if areas:
        sites = sites.filter(_within_any(areas))
    result.sites = sites.count()
    site_by_type = {
        r["scheme__type_id"]: r["n"] for r in sites.values("scheme__type_id").annotate(n=Count("id"))
    }
    rows = {r["type_id"]: r["n"] for r in live.values("type_id").annotate(n=Count("id"))}
    for t in SchemeType.objects.filter(pk__in=set(rows) | set(site_by_type)).order_by("order", "name"):
        result.by_type.append((t.code, t.name, rows.get(t.pk, 0), site_by_type.get(t.pk, 0)))
    return result


# --- the type catalogue (administrators) ------------------------------------------------------------


def types(active_only: bool = True) -> QuerySet[SchemeType]:
    qs = SchemeType.objects.all()
    return qs.filter(active=True) if active_only else qs


def get_type(code: str, active_only: bool = False) -> SchemeType:
    code = nfc(code or "").strip()
    if not code:
        raise SchemeError("Hãy chọn loại mô hình.", "type")
    found = SchemeType.objects.filter(code=code).first()
    if found is None:
        raise SchemeError(f"Không có loại mô hình «{code}».", "type")
    if active_only and not found.active:
        raise SchemeError(f"Loại mô hình «{found.name}» đã ngừng sử dụng.", "type")
    return found


def find_type(text: str) -> SchemeType | None:
    """A type by its code or its name (without marks, any case): what imports accept."""
    text = nfc(text or "").strip()
    if not text:
        return None
    found = SchemeType.objects.filter(code=text.lower()).first()
    if found is None:
        key = fold(text)
        found = next((t for t in SchemeType.objects.all() if fold(t.name) == key), None)
    return found


def type_usage() -> dict[int, int]:
    rows = Scheme.objects.order_by().values("type_id").annotate(n=Count("id"))
    return {r["type_id"]: r["n"] for r in rows}


@dataclass
class TypeInput:
    code: str = ""
    name: str = ""
    description: str = ""
    active: bool = True
    order: int = 100


def _require_types(user: Any) -> None:
    if not can_manage_types(user):
        raise SchemeForbidden("Chỉ quản trị hệ thống được sửa danh mục loại mô hình.")


def _clean_type(data: TypeInput, existing: SchemeType | None) -> dict[str, Any]:
    code = nfc(data.code or "").strip().lower()
    if not code:
        raise SchemeError("Hãy nhập mã loại mô hình.", "code")
    if len(code) > 40 or not _CODE_RE.match(code):
        raise SchemeError(
            "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 40 ký tự), ví dụ hem-an-toan.",
            "code",
        )
    taken = SchemeType.objects.filter(code=code)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if taken.exists():
        raise SchemeError(f"Mã «{code}» đã có.", "code")
    name = _text(data.name, 150, "Tên loại", "name")
    if not name:
        raise SchemeError("Hãy nhập tên loại mô hình.", "name")
    if not isinstance(data.order, int) or not 0 <= data.order <= 32767:
        raise SchemeError("Thứ tự phải là số nguyên từ 0 đến 32767.", "order")
    return {
        "code": code,
        "name": name,
        "description": _text(data.description, 400, "Mô tả", "description"),
        "active": bool(data.active),
        "order": data.order,
    }


def create_type(user: Any, data: TypeInput) -> SchemeType:
    _require_types(user)
    t = SchemeType(**_clean_type(data, None))
    t.save()
    return t


def update_type(user: Any, scheme_type: SchemeType, data: TypeInput) -> SchemeType:
    _require_types(user)
    c = _clean_type(data, scheme_type)
    if c["code"] != scheme_type.code and scheme_type.schemes.exists():
        raise SchemeError("Loại đang có mô hình nên không đổi được mã.", "code")
    for name, value in c.items():
        setattr(scheme_type, name, value)
    scheme_type.save()
    return scheme_type


def type_data(t: SchemeType) -> TypeInput:
    return TypeInput(code=t.code, name=t.name, description=t.description, active=t.active, order=t.order)
