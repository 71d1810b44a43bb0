"""Reading the camera pages' input. Parsing only: every rule about cameras lives in `cameras.domain`.

What cannot even be read (a word where a number belongs, an unknown commune name) is raised as
`domain.CameraError` with a Vietnamese message and the field it belongs to, so the pages show it exactly
like the domain's own errors.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.cameras import domain
from binhyen.cameras.models import Camera, CameraStatus, Funding, OwnerKind, Recording, RequestStatus
from binhyen.core.text import fold, nfc

# Shown next to the consent box and stored with the camera: what the owner agrees to.
CONSENT_PURPOSE = (
    "Phục vụ bảo đảm an ninh, trật tự tại địa bàn: Công an xã biết vị trí, hướng nhìn của camera "
    "và liên hệ chủ camera để đề nghị trích xuất hình ảnh khi có vụ việc."
)
# Compass points for the "which way does it look" select; degrees clockwise from north.
COMPASS = [
    ("0", _("North")),
    ("45", _("North-east")),
    ("90", _("East")),
    ("135", _("South-east")),
    ("180", _("South")),
    ("225", _("South-west")),
    ("270", _("West")),
    ("315", _("North-west")),
]
RADII = [50, 100, 200, 300, 500, 1000, 2000]
DEFAULT_RADIUS = 300
TEXT_FIELDS = (
    "label",
    "owner_kind",
    "commune",
    "commune_text",
    "village",
    "latitude",
    "longitude",
    "address",
    "direction",
    "direction_deg",
    "fov_deg",
    "range_m",
    "covers",
    "retention_days",
    "recording",
    "funding",
    "contact_name",
    "contact_phone",
)
# Domain field name → the form input the message is shown at.
FIELD_OF = {"latitude": "location", "longitude": "location", "lat": "location", "direction_deg": "direction"}
FORM_FIELDS = {
    "label",
    "owner_kind",
    "commune",
    "village",
    "location",
    "address",
    "direction",
    "fov_deg",
    "range_m",
    "covers",
    "retention_days",
    "recording",
    "funding",
    "contact_name",
    "contact_phone",
    "consent",
}
MAX_CANDIDATES = 10


def form_field(error: domain.CameraError) -> str:
    field = FIELD_OF.get(error.field, error.field)
    return field if field in FORM_FIELDS else "all"


def defaults(commune: str = "") -> dict[str, Any]:
    return {
        "label": "",
        "owner_kind": OwnerKind.HOUSEHOLD.value,
        "commune": commune,
        "commune_text": "",
        "village": "",
        "latitude": "",
        "longitude": "",
        "address": "",
        "direction": "",
        "direction_deg": "",
        "fov_deg": "90",
        "range_m": "30",
        "covers": "",
        "retention_days": "7",
        "recording": Recording.LOCAL.value,
        "funding": Funding.RESIDENTS.value,
        "contact_name": "",
        "contact_phone": "",
        "consent": False,
    }


def camera_values(post: Mapping[str, Any]) -> dict[str, Any]:
    """What was typed, to show again when the form comes back with an error."""
    values: dict[str, Any] = {k: str(post.get(k) or "").strip() for k in TEXT_FIELDS}
    values["consent"] = post.get("consent") == "1"
    return values


def values_of(camera: Camera, contact: Mapping[str, str]) -> dict[str, Any]:
    """An existing camera as form values (the contact read through domain.contact by the caller)."""
    direction = "" if camera.direction_deg is None else str(camera.direction_deg)
    in_compass = direction in {c for c, _label in COMPASS}
    return {
        "label": camera.label,
        "owner_kind": camera.owner_kind,
        "commune": camera.commune.code,
        "commune_text": camera.commune.name,
        "village": camera.village.code if camera.village_id and camera.village else "",
        "latitude": "" if camera.latitude is None else f"{camera.latitude:.6f}",
        "longitude": "" if camera.longitude is None else f"{camera.longitude:.6f}",
        "address": camera.address,
        "direction": direction if in_compass else "",
        "direction_deg": "" if in_compass else direction,
        "fov_deg": str(camera.fov_deg),
        "range_m": str(camera.range_m),
        "covers": camera.covers,
        "retention_days": str(camera.retention_days),
        "recording": camera.recording,
        "funding": camera.funding,
        "contact_name": contact.get("name", ""),
        "contact_phone": contact.get("phone", ""),
        "consent": True,
    }


def _number(text: str, field: str, message: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise domain.CameraError(message, field) from None


def _whole(text: str, field: str, message: str, default: int) -> int:
    number = _number(text, field, message)
    if number is None:
        return default
    if number != int(number):
        raise domain.CameraError(message, field)
    return int(number)


def resolve_commune(code: str, text: str) -> str:
    """The commune's code: the one the search box chose, else found by its name typed without JS."""
    code = nfc(code or "").strip()
    if code:
        return code
    text = nfc(text or "").strip()
    if not text or text.isdigit():
        return text
    name, _sep, province = text.partition(",")
    qs = areas.search(name, level=Level.COMMUNE).select_related("parent")
    for word in fold(province).split():
        qs = qs.filter(parent__search_key__contains=word)
    matches = list(qs.order_by("path")[: MAX_CANDIDATES + 1])
    if len(matches) == 1:
        return str(matches[0].code)
    folded = fold(name)
    exact = [a for a in matches if a.search_key in {p + folded for p in ("", "xa ", "phuong ", "dac khu ")}]
    if len(exact) == 1:
        return str(exact[0].code)
    if not matches:
        raise domain.CameraError(f"Không tìm thấy xã/phường «{text}». Hãy gõ lại tên.", "commune")
    names = "; ".join(f"{a.name} ({a.parent.name if a.parent else ''})" for a in (exact or matches)[:5])
    raise domain.CameraError(
        f"Có nhiều xã/phường khớp với «{text}» ({names}); hãy thêm tên tỉnh sau dấu phẩy.", "commune"
    )


def camera_input(values: Mapping[str, Any], *, consent_purpose: str = CONSENT_PURPOSE) -> domain.CameraInput:
    """The domain's input from the form's values (raises CameraError for what cannot even be read)."""
    commune = resolve_commune(values["commune"], values["commune_text"])
    bad_place = "Vĩ độ, kinh độ phải là số (ví dụ 11.735, 108.373); hãy chạm vào bản đồ để chọn."
    latitude = _number(values["latitude"], "latitude", bad_place)
    longitude = _number(values["longitude"], "latitude", bad_place)
    raw_direction = values["direction_deg"] or values["direction"]
    direction = None
    if raw_direction:
        direction = _whole(raw_direction, "direction_deg", "Hướng nhìn phải là số độ từ 0 đến 359.", 0)
    return domain.CameraInput(
        label=values["label"],
        commune=commune,
        village=values["village"],
        latitude=latitude,
        longitude=longitude,
        consent=bool(values["consent"]),
        consent_purpose=consent_purpose,
        address=values["address"],
        owner_kind=values["owner_kind"] or OwnerKind.HOUSEHOLD,
        contact_name=values["contact_name"],
        contact_phone=values["contact_phone"],
        direction_deg=direction,
        fov_deg=_whole(values["fov_deg"], "fov_deg", "Góc nhìn phải là số độ (1–360).", 90),
        range_m=_whole(values["range_m"], "range_m", "Tầm nhìn phải là số mét (1–500).", 30),
        covers=values["covers"],
        retention_days=_whole(
            values["retention_days"], "retention_days", "Số ngày lưu hình phải là số nguyên (1–365).", 7
        ),
        recording=values["recording"] or Recording.LOCAL,
        funding=values["funding"] or Funding.RESIDENTS,
    )


def commune_of(values: Mapping[str, Any]) -> Area | None:
    code = (values.get("commune") or "").strip()
    if not code:
        return None
    return Area.objects.filter(code=code, level=Level.COMMUNE).select_related("parent").first()


def direction_label(direction: int | None) -> str:
    """ "North-east (40°)": the nearest compass point and the degrees; "" when unknown."""
    if direction is None:
        return ""
    point = COMPASS[round(direction / 45) % 8][1]
    return f"{point} ({direction}°)"


# --- footage requests -------------------------------------------------------------------------------

WHEN_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")


def parse_when(text: str, field: str) -> datetime.datetime:
    text = (text or "").strip()
    if not text:
        raise domain.CameraError("Hãy nhập ngày giờ (ví dụ 25/12/2025 20:30).", field)
    for fmt in WHEN_FORMATS:
        try:
            return timezone.make_aware(datetime.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise domain.CameraError("Ngày giờ không đúng dạng; ví dụ 25/12/2025 20:30.", field)


def local_input(moment: datetime.datetime) -> str:
    """A moment as a datetime-local input value in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def camera_ids(raw: list[str]) -> list[int]:
    ids = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise domain.CameraError("Camera đã chọn không hợp lệ.", "camera_ids") from None
    return ids


def coordinate(text: str | None) -> float | None:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def radius(text: str | None) -> int:
    try:
        value = int(float(text or DEFAULT_RADIUS))
    except ValueError:
        return DEFAULT_RADIUS
    return value


ANSWERS = [RequestStatus.PROVIDED, RequestStatus.NOTHING, RequestStatus.DECLINED]
STATUS_FILTERS = [("", _("Any status")), *CameraStatus.choices]
