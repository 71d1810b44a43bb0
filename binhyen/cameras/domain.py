"""Domain rules for the camera registry: registration with consent, confirmation, withdrawal, finding
cameras near a point, footage requests and coverage. Views, API, imports and commands call these.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.cameras import geo
from binhyen.cameras.models import (
    Camera,
    CameraStatus,
    Confirmation,
    FootageRequest,
    Funding,
    OwnerKind,
    Recording,
    RequestStatus,
)
from binhyen.core import crypto
from binhyen.core.text import nfc

MAX_RADIUS_M = 20_000
MIN_WINDOW = datetime.timedelta(minutes=15)
MAX_WINDOW = datetime.timedelta(hours=12)
DUPLICATE_DISTANCE_M = 5.0
_PHONE_RE = re.compile(r"^\+?[0-9]{9,12}$")


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "CAMERA_STALE_DAYS", 90))


class CameraError(ValueError):
    """A rule was broken; `message` is Vietnamese and `field` names the input."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class CameraForbidden(CameraError):
    def __init__(self, message: str = "Bạn không có quyền với camera này.") -> None:
        super().__init__(message, status=403)


# --- registration -----------------------------------------------------------------------------------


@dataclass
class CameraInput:
    label: str
    commune: str
    latitude: float | None
    longitude: float | None
    consent: bool = False  # never pre-ticked: the owner says yes each time
    consent_purpose: str = ""
    village: str = ""
    address: str = ""
    owner_kind: str = OwnerKind.HOUSEHOLD
    contact_name: str = ""
    contact_phone: str = ""
    direction_deg: int | None = None
    fov_deg: int = 90
    range_m: int = 30
    covers: str = ""
    retention_days: int = 7
    recording: str = Recording.LOCAL
    funding: str = Funding.RESIDENTS
    extra: dict[str, Any] = field(default_factory=dict)


def contact_key(phone: str) -> str:
    """A keyed hash of the phone number: finds duplicates without storing the number in the clear."""
    if not phone:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), phone.encode(), hashlib.sha256).hexdigest()


def _commune(code: str) -> Area:
    area = Area.objects.filter(code=(code or "").strip()).first()
    if area is None or area.level != Level.COMMUNE:
        raise CameraError(f"Không có xã/phường mã «{code}».", "commune")
    return area


def _village(commune: Area, code: str) -> Area | None:
    if not code:
        return None
    village = Area.objects.filter(code=code.strip(), parent=commune).first()
    if village is None:
        raise CameraError(f"Thôn/tổ dân phố «{code}» không thuộc {commune.name}.", "village")
    return village


def _choice(value: str, choices: Any, field_name: str, label: str) -> str:
    if value not in choices.values:
        raise CameraError(f"{label} «{value}» không hợp lệ.", field_name)
    return str(value)


def _int(value: Any, field_name: str, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CameraError(f"{label} phải là một số nguyên.", field_name) from None


def _float(value: Any, field_name: str, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CameraError(f"{label} phải là một số.", field_name) from None
    if number != number:  # NaN
        raise CameraError(f"{label} phải là một số.", field_name)
    return number


def clean(data: CameraInput) -> dict[str, Any]:
    """Check every field; returns the values to store. Raises CameraError naming the field."""
    data.retention_days = _int(data.retention_days, "retention_days", "Số ngày lưu hình")
    data.fov_deg = _int(data.fov_deg, "fov_deg", "Góc nhìn")
    data.range_m = _int(data.range_m, "range_m", "Tầm nhìn")
    if data.direction_deg is not None and data.direction_deg != "":
        data.direction_deg = _int(data.direction_deg, "direction_deg", "Hướng nhìn")
    else:
        data.direction_deg = None
    label = nfc(data.label or "")[:120]
    if not label:
        raise CameraError("Hãy đặt tên ngắn cho camera (ví dụ: «Camera cổng nhà văn hoá»).", "label")
    commune = _commune(data.commune)
    village = _village(commune, data.village)
    if data.latitude is None or data.longitude is None:
        raise CameraError("Hãy chọn vị trí camera trên bản đồ (vĩ độ, kinh độ).", "latitude")
    lat = _float(data.latitude, "latitude", "Vĩ độ")
    lon = _float(data.longitude, "longitude", "Kinh độ")
    if not geo.in_vietnam(lat, lon):
        wrong = "latitude" if not geo.LAT_MIN <= lat <= geo.LAT_MAX else "longitude"
        raise CameraError("Vị trí nằm ngoài lãnh thổ Việt Nam; hãy kiểm tra vĩ độ, kinh độ.", wrong)
    if not data.consent:
        raise CameraError(
            "Cần chủ camera đồng ý đăng ký (mục đích sử dụng) trước khi lưu; không thể lưu khi chưa đồng ý.",
            "consent",
        )
    purpose = nfc(data.consent_purpose or "") or "Phục vụ bảo đảm an ninh, trật tự tại địa bàn"
    if not 1 <= int(data.retention_days) <= 365:
        raise CameraError("Số ngày lưu hình phải từ 1 đến 365.", "retention_days")
    if data.direction_deg is not None and not 0 <= int(data.direction_deg) <= 359:
        raise CameraError("Hướng nhìn phải từ 0 đến 359 độ (0 = hướng Bắc).", "direction_deg")
    if not 1 <= int(data.fov_deg) <= 360:
        raise CameraError("Góc nhìn phải từ 1 đến 360 độ.", "fov_deg")
    if not 1 <= int(data.range_m) <= 500:
        raise CameraError("Tầm nhìn phải từ 1 đến 500 mét.", "range_m")
    phone = re.sub(r"[\s.\-()]", "", data.contact_phone or "")
    if phone and not _PHONE_RE.match(phone):
        raise CameraError("Số điện thoại liên hệ không hợp lệ.", "contact_phone")
    return {
        "label": label,
        "commune": commune,
        "village": village,
        "area_path": (village or commune).path,
        "address": nfc(data.address or "")[:300],
        "latitude": round(lat, 7),
        "longitude": round(lon, 7),
        "lat_band": geo.band(round(lat, 7)),
        "owner_kind": _choice(data.owner_kind, OwnerKind, "owner_kind", "Loại chủ camera"),
        "contact_name_enc": crypto.encrypt(nfc(data.contact_name or "")[:150]),
        "contact_phone_enc": crypto.encrypt(phone),
        "contact_key": contact_key(phone),
        "direction_deg": None if data.direction_deg is None else int(data.direction_deg),
        "fov_deg": int(data.fov_deg),
        "range_m": int(data.range_m),
        "covers": nfc(data.covers or "")[:300],
        "retention_days": int(data.retention_days),
        "recording": _choice(data.recording, Recording, "recording", "Cách lưu hình"),
        "funding": _choice(data.funding, Funding, "funding", "Nguồn kinh phí"),
        "consent_purpose": purpose[:300],
    }


def _duplicate(values: dict[str, Any], owner: Any, exclude: int | None = None) -> Camera | None:
    """The same camera registered twice: same owner (account or contact phone), within 5 m, same way."""
    lat, lon = values["latitude"], values["longitude"]
    same_owner = Q(pk__in=[])
    if owner is not None:
        same_owner |= Q(owner=owner)
    if values["contact_key"]:
        same_owner |= Q(contact_key=values["contact_key"])
    if owner is None and not values["contact_key"]:
        # Entered for an owner without an account or phone: the same place and way is the same camera.
        same_owner |= Q(owner__isnull=True, contact_key="")
    for camera in _box(Camera.objects.filter(same_owner), lat, lon, DUPLICATE_DISTANCE_M).exclude(
        status=CameraStatus.REMOVED
    ):
        if camera.pk == exclude:
            continue
        if geo.haversine_m(lat, lon, camera.latitude, camera.longitude) > DUPLICATE_DISTANCE_M:  # type: ignore[arg-type]
            continue
        a, b = values["direction_deg"], camera.direction_deg
        if a is None or b is None or abs((a - b + 180) % 360 - 180) <= 20:
            return camera
    return None


def can_manage(user: Any, camera: Camera) -> bool:
    return bool(camera.owner_id and camera.owner_id == getattr(user, "pk", None)) or has_perm(
        user, Perm.MANAGE_CAMERAS, camera.commune
    )


def register(user: Any, data: CameraInput, *, owner: Any = None) -> Camera:
    """An owner registers their camera, or an officer enters one for an owner (owner=None: no account)."""
    values = clean(data)
    commune: Area = values["commune"]
    entering_for_someone = owner is not None and owner != user
    if owner is None and not has_perm(user, Perm.MANAGE_CAMERAS, commune):
        owner = user  # an owner registering their own camera
    if entering_for_someone and not has_perm(user, Perm.MANAGE_CAMERAS, commune):
        raise CameraForbidden("Chỉ cán bộ Công an xã mới nhập camera thay cho chủ camera.")
    if not has_perm(user, Perm.REGISTER_CAMERAS):
        raise CameraForbidden("Cần đăng nhập bằng tài khoản người dân để đăng ký camera.")
    now = timezone.now()
    with transaction.atomic():
        # One registration at a time per commune, so two identical ones cannot both pass the check.
        Area.objects.select_for_update().filter(pk=commune.pk).first()
        existing = _duplicate(values, owner)
        if existing is not None:
            raise CameraError(
                f"Camera này đã được đăng ký (mã {existing.pk}, «{existing.label}»): "
                "cùng chủ, cùng vị trí, cùng hướng.",
                "latitude",
                status=409,
            )
        return _create(values, owner, user, now)


def _create(values: dict[str, Any], owner: Any, user: Any, now: datetime.datetime) -> Camera:
    return Camera.objects.create(
        **values,
        owner=owner,
        consent_at=now,
        status=CameraStatus.ACTIVE,
        status_changed_at=now,
        last_confirmed_at=now,
        created_by=user if getattr(user, "pk", None) else None,
    )


def update(user: Any, camera: Camera, data: CameraInput) -> Camera:
    if not can_manage(user, camera):
        raise CameraForbidden()
    if camera.status == CameraStatus.REMOVED:
        raise CameraError("Camera đã gỡ khỏi danh sách; hãy đăng ký lại nếu lắp lại.", status=409)
    if camera.consent_at and not camera.consent_withdrawn_at:
        # Consent was given at registration and stands until withdrawn; an edit need not give it again.
        data.consent = True
        data.consent_purpose = data.consent_purpose or camera.consent_purpose
    values = clean(data)
    if (
        not has_perm(user, Perm.MANAGE_CAMERAS, values["commune"])
        and camera.commune_id != values["commune"].pk
    ):
        raise CameraForbidden("Chỉ cán bộ Công an xã mới chuyển camera sang xã khác.")
    existing = _duplicate(values, camera.owner, exclude=camera.pk)
    if existing is not None:
        raise CameraError(f"Trùng với camera đã đăng ký (mã {existing.pk}).", "latitude", status=409)
    for key, value in values.items():
        setattr(camera, key, value)
    camera.save()
    return camera


def confirm(user: Any, camera: Camera, working: bool) -> Camera:
    """The owner or the village leader says the camera still works (or not)."""
    if not (
        can_manage(user, camera) or has_perm(user, Perm.CONFIRM_CAMERAS, camera.village or camera.commune)
    ):
        raise CameraForbidden()
    if camera.status == CameraStatus.REMOVED:
        raise CameraError("Camera đã gỡ khỏi danh sách.", status=409)
    now = timezone.now()
    with transaction.atomic():
        Confirmation.objects.create(camera=camera, by=user, at=now, working=working)
        new_status = CameraStatus.ACTIVE if working else CameraStatus.OFFLINE
        if camera.status != new_status:
            camera.status, camera.status_changed_at = new_status, now
        camera.last_confirmed_at = now
        camera.save(update_fields=["status", "status_changed_at", "last_confirmed_at", "updated_at"])
    return camera


def remove(user: Any, camera: Camera, *, withdraw_consent: bool = False) -> Camera:
    """Take a camera off the registry (removed, or consent withdrawn). What stays is only what anonymous
    counts need: the commune, village, funding, kind and dates; no owner, contact, place or picture of it."""
    if not can_manage(user, camera):
        raise CameraForbidden()
    if camera.status == CameraStatus.REMOVED:
        raise CameraError("Camera đã gỡ khỏi danh sách.", status=409)
    now = timezone.now()
    with transaction.atomic():
        camera.owner = None
        camera.contact_name_enc = camera.contact_phone_enc = camera.contact_key = ""
        camera.label = "—"
        camera.address = camera.covers = ""
        camera.latitude = camera.longitude = None
        camera.lat_band = None
        camera.direction_deg = None
        if withdraw_consent:
            camera.consent_withdrawn_at = now
        camera.status, camera.status_changed_at = CameraStatus.REMOVED, now
        camera.save()
        FootageRequest.objects.filter(camera=camera, status=RequestStatus.PENDING).update(
            status=RequestStatus.DECLINED, answered_at=now, answer_note="Camera đã gỡ khỏi danh sách."
        )
    return camera


def is_stale(camera: Camera, now: datetime.datetime | None = None) -> bool:
    return camera.status != CameraStatus.REMOVED and camera.last_confirmed_at < (
        (now or timezone.now()) - stale_after()
    )


def stale(qs: QuerySet[Camera], now: datetime.datetime | None = None) -> QuerySet[Camera]:
    return qs.exclude(status=CameraStatus.REMOVED).filter(
        last_confirmed_at__lt=(now or timezone.now()) - stale_after()
    )


# --- reading ----------------------------------------------------------------------------------------


def visible_cameras(user: Any) -> QuerySet[Camera]:
    """Officers: the cameras in their areas. Owners: use owned_cameras."""
    roots = scope(user, Perm.VIEW_CAMERAS)
    qs = Camera.objects.select_related("commune", "village")
    if roots is None:
        return qs
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
    return qs.filter(query)


def owned_cameras(user: Any) -> QuerySet[Camera]:
    if not getattr(user, "is_authenticated", False):
        return Camera.objects.none()
    return (
        Camera.objects.filter(owner=user)
        .exclude(status=CameraStatus.REMOVED)
        .select_related("commune", "village")
    )


def get_camera(user: Any, camera_id: int | str) -> Camera:
    try:
        pk = int(camera_id)
    except (TypeError, ValueError):
        pk = 0
    camera = (
        (visible_cameras(user).filter(pk=pk).first() or owned_cameras(user).filter(pk=pk).first())
        if pk
        else None
    )
    if camera is None:
        raise CameraError("Không tìm thấy camera.", status=404)
    return camera


def get_camera_to_confirm(user: Any, camera_id: int | str) -> Camera:
    """Village leaders confirm the cameras of their village without seeing the rest of the registry."""
    try:
        return get_camera(user, camera_id)
    except CameraError:
        pass
    roots = scope(user, Perm.CONFIRM_CAMERAS)
    qs = Camera.objects.select_related("commune", "village").exclude(status=CameraStatus.REMOVED)
    if roots is not None:
        query = Q(pk__in=[])
        for root in roots:
            query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
        qs = qs.filter(query)
    camera = qs.filter(pk=int(camera_id)).first() if str(camera_id).isdigit() else None
    if camera is None:
        raise CameraError("Không tìm thấy camera.", status=404)
    return camera


def contact(user: Any, camera: Camera, purpose: str = "") -> dict[str, str]:
    """Who to ask for footage. Owners see their own; officers in the area see it, each read audited."""
    own = bool(camera.owner_id and camera.owner_id == getattr(user, "pk", None))
    if not own and not has_perm(user, Perm.VIEW_CAMERAS, camera.commune):
        raise CameraForbidden()
    values = {
        "name": crypto.decrypt(camera.contact_name_enc),
        "phone": crypto.decrypt(camera.contact_phone_enc),
        "owner": (str(camera.owner) if camera.owner else ""),
        "owner_phone": (getattr(camera.owner, "phone", "") if camera.owner else ""),
    }
    if not own:
        audit.record_read(
            camera,
            [k for k, v in values.items() if v],
            area_path=camera.area_path,
            purpose=purpose or "camera contact",
        )
    return values


def _box(qs: QuerySet[Camera], lat: float, lon: float, radius_m: float) -> QuerySet[Camera]:
    lat_min, lat_max, lon_min, lon_max = geo.bounding_box(lat, lon, radius_m)
    # The bands the box touches (two or three for 500 m), each a tight range on the
    # (lat_band, longitude) index; then the exact latitude edges.
    bands = list(range(geo.band(lat_min), geo.band(lat_max) + 1))
    return qs.filter(
        lat_band__in=bands,
        longitude__gte=lon_min,
        longitude__lte=lon_max,
        latitude__gte=lat_min,
        latitude__lte=lat_max,
    )


@dataclass
class Near:
    camera: Camera
    distance_m: float


def near_ids(
    user: Any, lat: float, lon: float, radius_m: float, *, facing: bool = False, include_offline: bool = True
) -> list[tuple[int, float]]:
    """(camera id, distance in metres) within radius_m of the point, nearest first, among the cameras
    the user may see. Reads only the columns the check needs: no model objects, no joins, no sort in SQL."""
    if not geo.in_vietnam(lat, lon):
        raise CameraError("Điểm nằm ngoài lãnh thổ Việt Nam; hãy kiểm tra vĩ độ, kinh độ.", "lat")
    if not 1 <= radius_m <= MAX_RADIUS_M:
        raise CameraError(f"Bán kính phải từ 1 đến {MAX_RADIUS_M:,} mét.".replace(",", "."), "radius_m")
    roots = scope(user, Perm.VIEW_CAMERAS)
    qs = Camera.objects.all()
    if roots is not None:
        query = Q(pk__in=[])
        for root in roots:
            query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
        qs = qs.filter(query)
    qs = _box(qs, lat, lon, radius_m).exclude(status=CameraStatus.REMOVED)
    if not include_offline:
        qs = qs.filter(status=CameraStatus.ACTIVE)
    found = []
    rows = qs.order_by().values_list("pk", "latitude", "longitude", "direction_deg", "fov_deg")
    for pk, cam_lat, cam_lon, direction, fov in rows:
        if cam_lat is None or cam_lon is None:  # removed cameras have no place
            continue
        d = geo.haversine_m(lat, lon, cam_lat, cam_lon)
        if d > radius_m:
            continue
        if facing and not geo.looks_towards(direction, fov, cam_lat, cam_lon, lat, lon):
            continue
        found.append((pk, d))
    found.sort(key=lambda item: (item[1], item[0]))
    return found


def owner_ids(
    area_paths: list[str], lat: float | None = None, lon: float | None = None, radius_m: float | None = None
) -> list[int]:
    """Owners (user ids) of cameras not removed in the areas, and within radius_m of the point when one is
    given. For calling owners out with an alert: reads only owner ids and positions (no contacts), and
    needs no camera permission, since calling owners out is not looking at their cameras."""
    query = Q(pk__in=[])
    for path in area_paths:
        query |= Q(area_path__gte=path, area_path__lt=path + "z")
    qs = Camera.objects.filter(query, owner__isnull=False).exclude(status=CameraStatus.REMOVED)
    circle = lat is not None and lon is not None and bool(radius_m)
    if circle:
        assert lat is not None and lon is not None and radius_m
        qs = _box(qs, lat, lon, radius_m)
    owners: set[int] = set()
    for owner_id, cam_lat, cam_lon in qs.order_by().values_list("owner_id", "latitude", "longitude"):
        if circle:
            assert lat is not None and lon is not None and radius_m
            if cam_lat is None or cam_lon is None or geo.haversine_m(lat, lon, cam_lat, cam_lon) > radius_m:
                continue
        owners.add(owner_id)
    return sorted(owners)


def near(
    user: Any, lat: float, lon: float, radius_m: float, *, facing: bool = False, include_offline: bool = True
) -> list[Near]:
    """Cameras within radius_m of the point, nearest first, among those the user may see."""
    hits = near_ids(user, lat, lon, radius_m, facing=facing, include_offline=include_offline)
    cameras = Camera.objects.select_related("commune", "village").in_bulk([pk for pk, _ in hits])
    return [Near(cameras[pk], d) for pk, d in hits if pk in cameras]


def in_area(user: Any, area: Area) -> QuerySet[Camera]:
    if not has_perm(user, Perm.VIEW_CAMERAS, area):
        raise CameraForbidden("Khu vực này nằm ngoài địa bàn bạn được xem.")
    return visible_cameras(user).filter(area_path__gte=area.path, area_path__lt=area.path + "z")


# --- footage requests -------------------------------------------------------------------------------


@dataclass
class FootageInput:
    camera_ids: list[int]
    case_reference: str
    window_start: datetime.datetime
    window_end: datetime.datetime
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    incident_id: int | None = None


def request_footage(user: Any, data: FootageInput, incident: Any = None) -> list[FootageRequest]:
    """Ask each chosen camera's owner for the footage of a time window. All or nothing."""
    case = nfc(data.case_reference or "")[:120]
    if not case:
        raise CameraError("Hãy ghi số hiệu vụ việc / hồ sơ.", "case_reference")
    start, end = data.window_start, data.window_end
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    if timezone.is_naive(end):
        end = timezone.make_aware(end)
    if end <= start:
        raise CameraError("Thời điểm kết thúc phải sau thời điểm bắt đầu.", "window_end")
    if end - start < MIN_WINDOW:
        raise CameraError("Khoảng thời gian cần trích xuất ít nhất 15 phút.", "window_end")
    if end - start > MAX_WINDOW:
        raise CameraError("Khoảng thời gian cần trích xuất tối đa 12 giờ.", "window_end")
    now = timezone.now()
    if start > now or end > now + datetime.timedelta(minutes=5):
        wrong = "window_end" if start <= now else "window_start"
        raise CameraError("Không thể yêu cầu hình ảnh của thời điểm chưa tới.", wrong)
    if not data.camera_ids:
        raise CameraError("Hãy chọn ít nhất một camera.", "camera_ids")
    if (
        data.latitude is not None
        and data.longitude is not None
        and not geo.in_vietnam(data.latitude, data.longitude)
    ):
        raise CameraError("Vị trí nằm ngoài lãnh thổ Việt Nam.", "latitude")
    cameras = []
    for camera_id in dict.fromkeys(data.camera_ids):
        camera = get_camera(user, camera_id)
        if not has_perm(user, Perm.REQUEST_FOOTAGE, camera.commune):
            raise CameraForbidden("Bạn không được yêu cầu trích xuất hình ảnh của camera ngoài địa bàn.")
        if camera.status == CameraStatus.REMOVED:
            raise CameraError(f"Camera mã {camera.pk} đã gỡ khỏi danh sách.", "camera_ids")
        due = start + datetime.timedelta(days=camera.retention_days)
        if due <= now:
            raise CameraError(
                f"Camera «{camera.label}» chỉ lưu hình {camera.retention_days} ngày: "
                "khoảng thời gian này đã bị ghi đè.",
                "window_start",
            )
        cameras.append((camera, due))
    created = []
    with transaction.atomic():
        for camera, due in cameras:
            created.append(
                FootageRequest.objects.create(
                    camera=camera,
                    incident=incident,
                    case_reference=case,
                    place=nfc(data.place or "")[:300],
                    latitude=data.latitude,
                    longitude=data.longitude,
                    window_start=start,
                    window_end=end,
                    area_path=camera.area_path,
                    requested_by=user,
                    due_at=due,
                    token=secrets.token_urlsafe(32),
                )
            )
    from binhyen.cameras.tasks import notify_owner

    def enqueue(pk: int) -> None:
        notify_owner.enqueue(pk)

    for r in created:
        transaction.on_commit(functools.partial(enqueue, r.pk))
    return created


def request_for_token(token: str) -> FootageRequest | None:
    if not token or len(token) > 43:
        return None
    return FootageRequest.objects.select_related("camera").filter(token=token).first()


def visible_requests(user: Any) -> QuerySet[FootageRequest]:
    roots = scope(user, Perm.VIEW_CAMERAS)
    qs = FootageRequest.objects.select_related("camera", "requested_by")
    if roots is None:
        return qs
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
    return qs.filter(query)


def owner_requests(user: Any) -> QuerySet[FootageRequest]:
    if not getattr(user, "is_authenticated", False):
        return FootageRequest.objects.none()
    return FootageRequest.objects.filter(camera__owner=user).select_related("camera")


def answer(
    request: FootageRequest, status: str, handover: str = "", note: str = "", user: Any = None
) -> FootageRequest:
    """The owner's answer (through their account or the link's token, which the caller has checked)."""
    if status not in (RequestStatus.PROVIDED, RequestStatus.NOTHING, RequestStatus.DECLINED):
        raise CameraError("Câu trả lời không hợp lệ.", "status")
    if request.status != RequestStatus.PENDING:
        raise CameraError("Yêu cầu này đã được trả lời.", "status", status=409)
    handover = nfc(handover or "")[:300]
    if status == RequestStatus.PROVIDED and not handover:
        raise CameraError(
            "Hãy ghi cách bàn giao hình ảnh (ví dụ: chép vào USB, gửi qua Zalo cho cán bộ).", "handover"
        )
    request.status = status
    request.handover = handover
    request.answer_note = nfc(note or "")[:2000]
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "handover", "answer_note", "answered_at"])
    audit.record("update", request, area_path=request.area_path, detail={"answer": status}, actor=user)
    return request


# --- coverage -----------------------------------------------------------------------------------------


def coverage(area: Area) -> dict[str, Any]:
    """Cameras by status and funding, villages with and without a camera, cameras per 1,000 residents.

    Per commune (or per village when `area` is a commune), from the (area_path, status) index.
    """
    children = (
        list(Area.objects.filter(parent=area).order_by("path")) if area.level < Level.VILLAGE else [area]
    )
    live = Camera.objects.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
    rows = []
    for child in children:
        qs = live.filter(area_path__gte=child.path, area_path__lt=child.path + "z")
        by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
        by_funding = dict(
            qs.exclude(status=CameraStatus.REMOVED).values_list("funding").annotate(n=Count("id")).order_by()
        )
        active = by_status.get(CameraStatus.ACTIVE, 0)
        in_use = active + by_status.get(CameraStatus.OFFLINE, 0)
        villages = Area.objects.filter(path__gt=child.path, path__lt=child.path + "z", level=Level.VILLAGE)
        covered = (
            qs.exclude(status=CameraStatus.REMOVED).exclude(village=None).values("village").distinct().count()
            if child.level == Level.COMMUNE
            else (1 if in_use else 0)
        )
        total_villages = villages.count() if child.level == Level.COMMUNE else 1
        population = child.population or None
        rows.append(
            {
                "area": child,
                "active": active,
                "offline": by_status.get(CameraStatus.OFFLINE, 0),
                "removed": by_status.get(CameraStatus.REMOVED, 0),
                "stale": stale(qs).count(),
                "by_funding": {f: by_funding.get(f, 0) for f in Funding.values},
                "villages": total_villages,
                "villages_covered": covered,
                "per_1000": round(in_use * 1000 / population, 2) if population else None,
            }
        )
    total = {
        key: sum(r[key] for r in rows)
        for key in ("active", "offline", "removed", "stale", "villages", "villages_covered")
    }
    total["areas_with_cameras"] = sum(1 for r in rows if r["active"] + r["offline"])
    total["areas"] = len(rows)
    return {"area": area, "rows": rows, "total": total}
