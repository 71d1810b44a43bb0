"""/api/v1/cameras and /api/v1/footage-requests. Nothing here is public: owners see their own cameras,
officers those in their area; contacts only through the audited /contact endpoint."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja import Query as QueryParam
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.cameras import domain
from binhyen.cameras.models import Camera, FootageRequest

router = Router(tags=["cameras"])
footage_router = Router(tags=["cameras"])


def _problem(e: domain.CameraError) -> ApiProblem:
    errors = [{"field": e.field, "message": e.message}] if e.field else []
    return ApiProblem(e.status, e.message, errors=errors)


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


class NearItem(Schema):
    id: int
    lat: float
    lon: float
    distance_m: float
    label: str
    status: str
    direction_deg: int | None
    retention_days: int


class NearList(Schema):
    count: int
    items: list[NearItem]


@router.get(
    "/near", response=NearList, auth=STAFF_AUTH, summary="Camera trong bán kính R mét, gần nhất trước"
)
def near_cameras(
    request: HttpRequest,
    lat: float,
    lon: float,
    radius_m: float = QueryParam(500, description="bán kính (mét), 1–20.000"),
    facing: bool = QueryParam(False, description="chỉ camera nhìn về phía điểm này"),
) -> dict[str, Any]:
    if not has_perm(request.user, Perm.VIEW_CAMERAS):
        raise forbidden()
    try:
        found = domain.near(request.user, lat, lon, radius_m, facing=facing)
    except domain.CameraError as e:
        raise _problem(e) from None
    items = [
        {
            "id": n.camera.pk,
            "lat": n.camera.latitude,
            "lon": n.camera.longitude,
            "distance_m": round(n.distance_m, 1),
            "label": n.camera.label,
            "status": n.camera.status,
            "direction_deg": n.camera.direction_deg,
            "retention_days": n.camera.retention_days,
        }
        for n in found
    ]
    return {"count": len(items), "items": items}


class CameraItem(Schema):
    id: int
    lat: float | None
    lon: float | None
    status: str
    label: str
    commune: str
    village: str | None
    stale: bool


class CameraList(Schema):
    count: int
    limit: int
    offset: int
    items: list[CameraItem]


def camera_item(c: Camera) -> dict[str, Any]:
    return {
        "id": c.pk,
        "lat": c.latitude,
        "lon": c.longitude,
        "status": c.status,
        "label": c.label,
        "commune": c.commune.code,
        "village": c.village.code if c.village_id and c.village else None,
        "stale": domain.is_stale(c),
    }


@router.get(
    "", response=CameraList, auth=STAFF_AUTH, summary="Camera trong một địa bàn (cả cấp dưới), hoặc của tôi"
)
def list_cameras(
    request: HttpRequest,
    paging: Query[PageParams],
    area: str | None = QueryParam(None, description="mã đơn vị: mọi camera trong đơn vị này"),
    status: str | None = None,
) -> dict[str, Any]:
    if area:
        unit = Area.objects.filter(code=area).first()
        if unit is None:
            raise ApiProblem(422, f"Không có đơn vị mã «{area}».", field="area")
        try:
            qs = domain.in_area(request.user, unit)
        except domain.CameraError as e:
            raise _problem(e) from None
    elif has_perm(request.user, Perm.VIEW_CAMERAS):
        qs = domain.visible_cameras(request.user)
    else:
        qs = domain.owned_cameras(request.user)
    if status:
        qs = qs.filter(status=status)
    return page(qs.order_by("id"), paging, camera_item)


class CameraIn(Schema):
    label: str
    commune: str
    latitude: float
    longitude: float
    consent: bool = Field(False, description="chủ camera đồng ý đăng ký (bắt buộc, không mặc định)")
    consent_purpose: str = ""
    village: str = ""
    address: str = ""
    owner_kind: str = "household"
    contact_name: str = ""
    contact_phone: str = ""
    direction_deg: int | None = Field(None, description="hướng nhìn, độ (0 = Bắc, theo chiều kim đồng hồ)")
    fov_deg: int = 90
    range_m: int = 30
    covers: str = Field("", description="đường, cổng, ngã ba… camera nhìn thấy")
    retention_days: int = 7
    recording: str = Field("local", description="local | cloud | linked")
    funding: str = Field("residents", description="residents | enterprise | budget | socialised")


class CameraOut(Schema):
    id: int
    label: str
    owner_kind: str
    commune: str
    village: str | None
    address: str
    lat: float | None
    lon: float | None
    direction_deg: int | None
    fov_deg: int
    range_m: int
    covers: str
    retention_days: int
    recording: str
    funding: str
    consent_purpose: str
    consent_at: str | None
    consent_withdrawn_at: str | None
    status: str
    last_confirmed_at: str
    stale: bool
    has_owner_account: bool


def camera_out(c: Camera) -> dict[str, Any]:
    return {
        **{
            k: getattr(c, k)
            for k in ("label", "owner_kind", "address", "direction_deg", "fov_deg", "range_m")
        },
        **{k: getattr(c, k) for k in ("covers", "retention_days", "recording", "funding", "consent_purpose")},
        "id": c.pk,
        "commune": c.commune.code,
        "village": c.village.code if c.village_id and c.village else None,
        "lat": c.latitude,
        "lon": c.longitude,
        "consent_at": _iso(c.consent_at),
        "consent_withdrawn_at": _iso(c.consent_withdrawn_at),
        "status": c.status,
        "last_confirmed_at": _iso(c.last_confirmed_at),
        "stale": domain.is_stale(c),
        "has_owner_account": c.owner_id is not None,
    }


def _input(payload: CameraIn) -> domain.CameraInput:
    return domain.CameraInput(**payload.model_dump())


@router.post(
    "", response={201: CameraOut}, auth=STAFF_AUTH, summary="Đăng ký camera (chủ camera hoặc cán bộ)"
)
def register_camera(request: HttpRequest, payload: CameraIn) -> Status[dict[str, Any]]:
    try:
        camera = domain.register(request.user, _input(payload))
    except domain.CameraError as e:
        raise _problem(e) from None
    return Status(201, camera_out(camera))


def _camera(request: HttpRequest, camera_id: int) -> Camera:
    try:
        return domain.get_camera(request.user, camera_id)
    except domain.CameraError as e:
        raise _problem(e) from None


@router.get("/coverage", auth=STAFF_AUTH, summary="Độ phủ camera theo xã, thôn")
def camera_coverage(request: HttpRequest, area: str) -> dict[str, Any]:
    unit = Area.objects.filter(code=area).first()
    if unit is None:
        raise ApiProblem(422, f"Không có đơn vị mã «{area}».", field="area")
    if not has_perm(request.user, Perm.VIEW_CAMERA_COVERAGE, unit):
        raise forbidden()
    data = domain.coverage(unit)
    return {
        "area": unit.code,
        "total": data["total"],
        "rows": [
            {**{k: v for k, v in r.items() if k != "area"}, "area": r["area"].code, "name": r["area"].name}
            for r in data["rows"]
        ],
    }


@router.get("/{camera_id}", response=CameraOut, auth=STAFF_AUTH, summary="Một camera")
def get_camera(request: HttpRequest, camera_id: int) -> dict[str, Any]:
    return camera_out(_camera(request, camera_id))


@router.put("/{camera_id}", response=CameraOut, auth=STAFF_AUTH, summary="Sửa camera")
def update_camera(request: HttpRequest, camera_id: int, payload: CameraIn) -> dict[str, Any]:
    camera = _camera(request, camera_id)
    try:
        return camera_out(domain.update(request.user, camera, _input(payload)))
    except domain.CameraError as e:
        raise _problem(e) from None


@router.delete("/{camera_id}", response={204: None}, auth=STAFF_AUTH, summary="Gỡ camera / rút lại đồng ý")
def remove_camera(request: HttpRequest, camera_id: int, withdraw: bool = False) -> Status[None]:
    camera = _camera(request, camera_id)
    try:
        domain.remove(request.user, camera, withdraw_consent=withdraw)
    except domain.CameraError as e:
        raise _problem(e) from None
    return Status(204, None)


class ConfirmIn(Schema):
    working: bool = True


@router.post(
    "/{camera_id}/confirm", response=CameraOut, auth=STAFF_AUTH, summary="Xác nhận camera còn hoạt động"
)
def confirm_camera(request: HttpRequest, camera_id: int, payload: ConfirmIn) -> dict[str, Any]:
    try:
        camera = domain.get_camera_to_confirm(request.user, camera_id)
        return camera_out(domain.confirm(request.user, camera, payload.working))
    except domain.CameraError as e:
        raise _problem(e) from None


class ContactOut(Schema):
    name: str
    phone: str
    owner: str
    owner_phone: str


@router.get(
    "/{camera_id}/contact",
    response=ContactOut,
    auth=STAFF_AUTH,
    summary="Liên hệ của chủ camera (ghi nhật ký)",
)
def camera_contact(request: HttpRequest, camera_id: int) -> dict[str, str]:
    camera = _camera(request, camera_id)
    try:
        return domain.contact(request.user, camera, purpose="api")
    except domain.CameraError as e:
        raise _problem(e) from None


# --- footage requests ---------------------------------------------------------------------------------


class FootageIn(Schema):
    camera_ids: list[int]
    case_reference: str
    window_start: datetime.datetime
    window_end: datetime.datetime
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    incident: int | None = None


class FootageOut(Schema):
    id: int
    camera: int | None
    camera_label: str
    incident: int | None
    case_reference: str
    place: str
    window_start: str
    window_end: str
    requested_at: str
    due_at: str
    status: str
    answered_at: str | None
    handover: str
    answer_note: str
    owner_link: str


def footage_out(r: FootageRequest) -> dict[str, Any]:
    from binhyen.cameras.tasks import owner_link

    return {
        "id": r.pk,
        "camera": r.camera_id,
        "camera_label": r.camera.label if r.camera else "",
        "incident": r.incident_id,
        "case_reference": r.case_reference,
        "place": r.place,
        "window_start": _iso(r.window_start),
        "window_end": _iso(r.window_end),
        "requested_at": _iso(r.requested_at),
        "due_at": _iso(r.due_at),
        "status": r.status,
        "answered_at": _iso(r.answered_at),
        "handover": r.handover,
        "answer_note": r.answer_note,
        "owner_link": owner_link(r),
    }


@footage_router.post(
    "", response={201: list[FootageOut]}, auth=STAFF_AUTH, summary="Đề nghị chủ camera trích xuất hình ảnh"
)
def create_footage_requests(request: HttpRequest, payload: FootageIn) -> Status[list[dict[str, Any]]]:
    if not has_perm(request.user, Perm.REQUEST_FOOTAGE):
        raise forbidden()
    incident = None
    if payload.incident is not None:
        from binhyen.incidents import domain as incidents

        try:
            incident = incidents.get_incident(request.user, payload.incident)
        except Exception:
            raise ApiProblem(422, "Không tìm thấy vụ việc.", field="incident") from None
    data = domain.FootageInput(
        camera_ids=payload.camera_ids,
        case_reference=payload.case_reference,
        window_start=payload.window_start,
        window_end=payload.window_end,
        place=payload.place,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    try:
        created = domain.request_footage(request.user, data, incident=incident)
    except domain.CameraError as e:
        raise _problem(e) from None
    return Status(201, [footage_out(r) for r in created])


class FootageList(Schema):
    count: int
    limit: int
    offset: int
    items: list[FootageOut]


@footage_router.get("", response=FootageList, auth=STAFF_AUTH, summary="Các đề nghị trích xuất hình ảnh")
def list_footage_requests(
    request: HttpRequest, paging: Query[PageParams], incident: int | None = None, status: str | None = None
) -> dict[str, Any]:
    if has_perm(request.user, Perm.VIEW_CAMERAS):
        qs = domain.visible_requests(request.user)
    else:
        qs = domain.owner_requests(request.user)
    if incident is not None:
        qs = qs.filter(incident_id=incident)
    if status:
        qs = qs.filter(status=status)
    return page(qs, paging, footage_out)


class AnswerIn(Schema):
    status: str = Field(..., description="provided | nothing | declined")
    handover: str = Field("", description="cách bàn giao hình ảnh (khi provided)")
    note: str = ""


class AnswerOut(Schema):
    status: str
    answered_at: str | None


@footage_router.post(
    "/answer/{token}", response=AnswerOut, summary="Chủ camera trả lời đề nghị (bằng đường dẫn đã nhận)"
)
def answer_footage_request(request: HttpRequest, token: str, payload: AnswerIn) -> dict[str, Any]:
    item = domain.request_for_token(token)
    if item is None:
        raise ApiProblem(404, "Đường dẫn không đúng hoặc đề nghị không còn.")
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    try:
        item = domain.answer(item, payload.status, payload.handover, payload.note, user=user)
    except domain.CameraError as e:
        raise _problem(e) from None
    return {"status": item.status, "answered_at": _iso(item.answered_at)}
