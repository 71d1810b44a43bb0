"""Web pages for the camera registry: the owners' portal (register, confirm, withdraw, answer footage
requests), the commune police's list, map and "cameras near here", footage requests, and the owner's
answer page reached by the link in the request (the token is the credential).

Everything about cameras goes through `cameras.domain`; incidents through `incidents.domain`. Nothing
here is public except the answer page, and no list, map or JSON ever carries an owner's contact: that is
read only by `contact`, which the domain audits.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.cameras import domain, forms
from binhyen.cameras.models import (
    Camera,
    CameraStatus,
    Funding,
    OwnerKind,
    Recording,
    RequestStatus,
)
from binhyen.cameras.tasks import owner_link

PAGE_SIZE = 25
MAP_LIMIT = 5000
DUE_SOON = datetime.timedelta(days=2)
NO_VIEW = "Tài khoản của bạn không xem được danh sách camera của địa bàn."
NO_REGISTER = "Tài khoản của bạn không đăng ký được camera."
NO_MANAGE = "Chỉ cán bộ Công an xã mới nhập camera thay cho chủ camera."
NO_MANAGE_HERE = "Bạn chỉ nhập được camera ở xã/phường thuộc địa bàn của mình."
NO_REQUEST = "Chỉ cán bộ Công an xã mới đề nghị trích xuất hình ảnh camera."
NO_POINT = "Thiếu vị trí (vĩ độ, kinh độ) để tìm camera gần đó."
UNKNOWN_LINK = (
    "Đường dẫn không đúng hoặc đề nghị trích xuất hình ảnh không còn. "
    "Hãy kiểm tra lại đường dẫn trong tin nhắn, hoặc liên hệ Công an xã."
)
UNKNOWN_INCIDENT = "Không tìm thấy vụ việc (hoặc bạn không được xem vụ việc này)."


# --- helpers ------------------------------------------------------------------------------------------


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """Camera pages: never cached, never sent on as a referrer (the answer link is a credential)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _require(request: HttpRequest, perm: Perm, message: str) -> None:
    if not has_perm(request.user, perm):
        raise PermissionDenied(message)


def _camera(request: HttpRequest, pk: int) -> Camera:
    try:
        return domain.get_camera(request.user, pk)
    except domain.CameraError as e:
        raise Http404(e.message) from None


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _point(c: Camera) -> dict[str, Any]:
    """What a map marker needs: never the owner or the contact."""
    return {
        "id": c.pk,
        "lat": c.latitude,
        "lon": c.longitude,
        "status": c.status,
        "label": c.label,
        "dir": c.direction_deg,
    }


def _area_options(user: Any, perm: Perm = Perm.VIEW_CAMERAS) -> list[tuple[str, str]] | None:
    """The user's communes and their villages, for filters; None: too many (type a code)."""
    roots = scope(user, perm)
    if roots is None or len(roots) > 5 or any(a.level == Level.PROVINCE for a in roots):
        return None
    options: list[tuple[str, str]] = []
    for root in roots:
        options.append((root.code, root.name))
        if root.level == Level.COMMUNE:
            options += [(v.code, f"— {v.name}") for v in areas.children(root)]
    return options


def _home(user: Any, perm: Perm) -> tuple[str, str]:
    """(commune, village) codes the form opens on: the user's one commune or village, if they have one."""
    roots = scope(user, perm) or []
    if len(roots) != 1:
        return "", ""
    root = roots[0]
    if root.level == Level.COMMUNE:
        return str(root.code), ""
    if root.level == Level.VILLAGE and root.parent is not None:
        return str(root.parent.code), str(root.code)
    return "", ""


def _answer_rows(items: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "r": r,
            "overdue": r.status == RequestStatus.PENDING and r.due_at < now,
            "due_soon": r.status == RequestStatus.PENDING and now <= r.due_at < now + DUE_SOON,
        }
        for r in items
    ]


# --- the camera form (owner, officer for an owner, edit) ----------------------------------------------


def _form_context(values: dict[str, Any], mode: str, camera: Camera | None = None) -> dict[str, Any]:
    commune = forms.commune_of(values)
    if commune is not None and not values.get("commune_text"):
        values["commune_text"] = commune.name
    return {
        "values": values,
        "errors": {},
        "mode": mode,  # "owner", "officer" (for an owner without an account) or "edit"
        "camera": camera,
        "commune": commune,
        "villages": areas.children(commune) if commune is not None else [],
        "owner_kinds": OwnerKind.choices,
        "recordings": Recording.choices,
        "fundings": Funding.choices,
        "compass": forms.COMPASS,
        "consent_purpose": (camera.consent_purpose if camera else "") or forms.CONSENT_PURPOSE,
        "provinces": {a.code: a.name for a in Area.objects.filter(level=Level.PROVINCE).only("code", "name")},
        **_map_settings(),
    }


def _form_error(context: dict[str, Any], error: domain.CameraError) -> dict[str, Any]:
    context["errors"] = {forms.form_field(error): error.message}
    context["error_message"] = error.message
    return context


def _render_form(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return _private(render(request, "cameras/form.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """An owner registers their own camera, with their consent (never pre-ticked)."""
    _require(request, Perm.REGISTER_CAMERAS, NO_REGISTER)
    if request.method == "GET":
        commune, village = _home(request.user, Perm.REGISTER_CAMERAS)
        values = forms.defaults(commune)
        values["village"] = village
        return _render_form(request, _form_context(values, "owner"))
    values = forms.camera_values(request.POST)
    try:
        camera = domain.register(request.user, forms.camera_input(values), owner=request.user)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    except domain.CameraError as e:
        return _render_form(request, _form_error(_form_context(values, "owner"), e), status=422)
    messages.success(request, f"Đã đăng ký camera «{camera.label}». Cảm ơn bạn đã tham gia giữ bình yên.")
    return _see_other(reverse("cameras:detail", args=[camera.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def create_for_owner(request: HttpRequest) -> HttpResponse:
    """An officer enters a camera for an owner who has no account; the contact is the owner's."""
    _require(request, Perm.MANAGE_CAMERAS, NO_MANAGE)
    if request.method == "GET":
        values = forms.defaults(_home(request.user, Perm.MANAGE_CAMERAS)[0])
        return _render_form(request, _form_context(values, "officer"))
    values = forms.camera_values(request.POST)
    try:
        data = forms.camera_input(values)
        commune = Area.objects.filter(code=data.commune, level=Level.COMMUNE).first()
        # Without this, domain.register would make the officer the owner of a camera outside their area.
        if commune is not None and not has_perm(request.user, Perm.MANAGE_CAMERAS, commune):
            raise PermissionDenied(NO_MANAGE_HERE)
        camera = domain.register(request.user, data, owner=None)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    except domain.CameraError as e:
        return _render_form(request, _form_error(_form_context(values, "officer"), e), status=422)
    messages.success(request, f"Đã nhập camera «{camera.label}» cho chủ camera.")
    return _see_other(reverse("cameras:detail", args=[camera.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = _camera(request, pk)
    if not domain.can_manage(request.user, camera):
        raise PermissionDenied(domain.CameraForbidden().message)
    if camera.status == CameraStatus.REMOVED:
        messages.error(request, "Camera đã gỡ khỏi danh sách; hãy đăng ký lại nếu lắp lại.")
        return _see_other(reverse("cameras:detail", args=[camera.pk]))
    if request.method == "GET":
        # The form shows the contact, so reading it is audited (for anyone but the owner).
        contact = domain.contact(request.user, camera, purpose=f"web: edit camera {camera.pk}")
        return _render_form(request, _form_context(forms.values_of(camera, contact), "edit", camera))
    values = forms.camera_values(request.POST)
    values["consent"] = True  # given when registered; withdrawing is its own button
    try:
        data = forms.camera_input(values, consent_purpose=camera.consent_purpose or forms.CONSENT_PURPOSE)
        camera = domain.update(request.user, camera, data)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    except domain.CameraError as e:
        return _render_form(request, _form_error(_form_context(values, "edit", camera), e), status=422)
    messages.success(request, "Đã lưu thay đổi.")
    return _see_other(reverse("cameras:detail", args=[camera.pk]))


# --- the owner's portal ---------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.REGISTER_CAMERAS, NO_REGISTER)
    user = request.user
    cameras = domain.owned_cameras(user).order_by("label", "id")
    requests = domain.owner_requests(user)
    context = {
        "rows": [{"camera": c, "stale": domain.is_stale(c)} for c in cameras],
        "pending": _answer_rows(requests.filter(status=RequestStatus.PENDING).order_by("due_at", "id")),
        "answered": list(requests.exclude(status=RequestStatus.PENDING).order_by("-answered_at")[:10]),
        "answers": forms.ANSWERS,
        "is_officer": has_perm(user, Perm.VIEW_CAMERAS),
    }
    return _private(render(request, "cameras/mine.html", context))


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = _camera(request, pk)
    user = request.user
    own = camera.owner_id is not None and camera.owner_id == user.pk
    if own:
        requests = domain.owner_requests(user).filter(camera=camera)
    else:
        requests = domain.visible_requests(user).filter(camera=camera)
    can_manage = domain.can_manage(user, camera)
    live = camera.status != CameraStatus.REMOVED
    context = {
        "camera": camera,
        "own": own,
        "stale": domain.is_stale(camera),
        "direction": forms.direction_label(camera.direction_deg),
        "can_manage": can_manage and live,
        "can_confirm": live
        and (can_manage or has_perm(user, Perm.CONFIRM_CAMERAS, camera.village or camera.commune)),
        "can_contact": live and (own or has_perm(user, Perm.VIEW_CAMERAS, camera.commune)),
        "requests": _answer_rows(requests.order_by("-requested_at")[:20]),
        "has_map": camera.latitude is not None and camera.longitude is not None,
        "points": [_point(camera)],
        **_map_settings(),
    }
    return _private(render(request, "cameras/detail.html", context))


@login_required
@require_POST
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Who to ask for footage: read through domain.contact, which audits every officer's read."""
    camera = _camera(request, pk)
    try:
        found = domain.contact(request.user, camera, purpose=f"web: camera {camera.pk}")
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    context = {"camera": camera, "contact": found}
    if _htmx(request):
        return _private(render(request, "cameras/_contact.html", context))
    return _private(render(request, "cameras/contact.html", context))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        # Village leaders confirm the cameras of their village without seeing the rest.
        camera = domain.get_camera_to_confirm(request.user, pk)
    except domain.CameraError as e:
        raise Http404(e.message) from None
    working = request.POST.get("working", "1") != "0"
    try:
        domain.confirm(request.user, camera, working)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    except domain.CameraError as e:
        messages.error(request, e.message)
    else:
        if working:
            messages.success(request, f"Đã xác nhận camera «{camera.label}» vẫn hoạt động.")
        else:
            messages.warning(request, f"Đã ghi nhận camera «{camera.label}» không hoạt động.")
    return _see_other(_next(request, reverse("cameras:detail", args=[camera.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a camera off the registry, or withdraw consent: a confirmation step first."""
    camera = _camera(request, pk)
    if not domain.can_manage(request.user, camera):
        raise PermissionDenied(domain.CameraForbidden().message)
    if camera.status == CameraStatus.REMOVED:
        messages.error(request, "Camera đã gỡ khỏi danh sách.")
        return _see_other(reverse("cameras:detail", args=[camera.pk]))
    source = request.POST if request.method == "POST" else request.GET
    withdraw = source.get("withdraw") == "1"
    if request.method == "GET" or request.POST.get("confirmed") != "1":
        context = {"camera": camera, "withdraw": withdraw}
        return _private(render(request, "cameras/remove.html", context))
    label = camera.label
    try:
        domain.remove(request.user, camera, withdraw_consent=withdraw)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None
    if withdraw:
        messages.success(request, f"Đã rút lại đồng ý và gỡ camera «{label}»; chỉ còn số liệu thống kê.")
    else:
        messages.success(request, f"Đã gỡ camera «{label}» khỏi danh sách; chỉ còn số liệu thống kê.")
    if has_perm(request.user, Perm.VIEW_CAMERAS, camera.commune):
        return _see_other(reverse("cameras:list"))
    return _see_other(reverse("cameras:mine"))


# --- the commune police: list, map, near ---------------------------------------------------------------


def _in_area(request: HttpRequest, code: str) -> Any:
    area = Area.objects.filter(code=code.strip()).first()
    if area is None:
        return None
    try:
        return domain.in_area(request.user, area)
    except domain.CameraForbidden as e:
        raise PermissionDenied(e.message) from None


@login_required
@require_GET
def camera_list(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.VIEW_CAMERAS, NO_VIEW)
    user = request.user
    f = {k: (request.GET.get(k) or "").strip()[:100] for k in ("status", "village", "stale", "q")}
    errors: dict[str, str] = {}
    qs = domain.visible_cameras(user)
    if f["village"]:
        found = _in_area(request, f["village"])
        if found is None:
            errors["village"] = f"Không có đơn vị mã «{f['village']}»."
        else:
            qs = found
    if f["status"] in CameraStatus.values:
        qs = qs.filter(status=f["status"])
    else:
        f["status"] = ""
        qs = qs.exclude(status=CameraStatus.REMOVED)
    if f["stale"] == "1":
        qs = domain.stale(qs)
    if f["q"]:
        query = Q(label__icontains=f["q"]) | Q(address__icontains=f["q"]) | Q(covers__icontains=f["q"])
        if f["q"].isdigit():
            query |= Q(pk=int(f["q"]))
        qs = qs.filter(query)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "f": f,
        "errors": errors,
        "page": page,
        "rows": [{"camera": c, "stale": domain.is_stale(c)} for c in page.object_list],
        "area_options": _area_options(user),
        "statuses": CameraStatus.choices,
        "can_create": has_perm(user, Perm.MANAGE_CAMERAS),
        "can_request": has_perm(user, Perm.REQUEST_FOOTAGE),
        "filtered": any(f.values()),
    }
    return _private(render(request, "cameras/list.html", context))


@login_required
@require_GET
def camera_map(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.VIEW_CAMERAS, NO_VIEW)
    area = (request.GET.get("area") or "").strip()[:16]
    data_url = reverse("cameras:map_data") + (f"?area={area}" if area else "")
    context = {"area": area, "area_options": _area_options(request.user), "data_url": data_url}
    return _private(render(request, "cameras/map.html", {**context, **_map_settings()}))


@login_required
@require_GET
def map_data(request: HttpRequest) -> HttpResponse:
    """The map's points: id, place, status, label (and the direction, for the arrow). Never contacts."""
    _require(request, Perm.VIEW_CAMERAS, NO_VIEW)
    code = (request.GET.get("area") or "").strip()[:16]
    if code:
        qs = _in_area(request, code)
        if qs is None:
            return JsonResponse({"detail": f"Không có đơn vị mã «{code}»."}, status=404)
    else:
        qs = domain.visible_cameras(request.user)
    qs = qs.exclude(status=CameraStatus.REMOVED).exclude(latitude=None).exclude(longitude=None)
    fields = ("id", "latitude", "longitude", "status", "label", "direction_deg")
    cameras = list(qs.select_related(None).only(*fields).order_by("id")[: MAP_LIMIT + 1])
    items = [_point(c) for c in cameras[:MAP_LIMIT]]
    response = JsonResponse({"count": len(items), "truncated": len(cameras) > MAP_LIMIT, "items": items})
    return _private(response)


@login_required
@require_GET
def near(request: HttpRequest) -> HttpResponse:
    """Cameras near a point (a tip's, an incident's): an htmx fragment, or a page without JS."""
    _require(request, Perm.VIEW_CAMERAS, NO_VIEW)
    user = request.user
    lat, lon = forms.coordinate(request.GET.get("lat")), forms.coordinate(request.GET.get("lon"))
    radius = forms.radius(request.GET.get("radius_m"))
    facing = request.GET.get("facing") == "1"
    incident = (request.GET.get("incident") or "").strip()
    incident_id = int(incident) if incident.isdigit() else None
    error = ""
    found: list[domain.Near] = []
    if lat is None or lon is None:
        error = NO_POINT
    else:
        try:
            found = domain.near(user, lat, lon, radius, facing=facing)
        except domain.CameraError as e:
            error = e.message
    rows = [
        {
            "camera": n.camera,
            "distance": round(n.distance_m),
            "stale": domain.is_stale(n.camera),
            "direction": forms.direction_label(n.camera.direction_deg),
        }
        for n in found
    ]
    context = {
        "lat": lat,
        "lon": lon,
        "radius": radius,
        "radii": sorted({*forms.RADII, radius}) if 1 <= radius <= domain.MAX_RADIUS_M else forms.RADII,
        "facing": facing,
        "incident_id": incident_id,
        "can_request": incident_id is not None and has_perm(user, Perm.REQUEST_FOOTAGE),
        "rows": rows,
        "points": [_point(n.camera) for n in found],
        "error": error,
        **_map_settings(),
    }
    if _htmx(request):
        return _private(render(request, "cameras/_near_list.html", context))
    context["standalone"] = True  # without the panel around it: the page has its own request button
    return _private(render(request, "cameras/near.html", context, status=422 if error else 200))


# --- footage requests ---------------------------------------------------------------------------------


def _incident(request: HttpRequest, incident_id: str) -> Any:
    from binhyen.incidents import domain as incidents

    try:
        return incidents.get_incident(request.user, incident_id)
    except incidents.IncidentError:
        raise Http404(UNKNOWN_INCIDENT) from None


def _request_defaults(incident: Any) -> dict[str, Any]:
    if incident is None:
        now = timezone.now()
        return {
            "case_reference": "",
            "window_start": forms.local_input(now - datetime.timedelta(hours=1)),
            "window_end": forms.local_input(now),
            "place": "",
        }
    parts = (incident.address, getattr(incident.village, "name", ""), incident.commune.name)
    where = ", ".join(x for x in parts if x)
    return {
        "case_reference": f"VV-{incident.pk}",
        "window_start": forms.local_input(incident.occurred_at - datetime.timedelta(minutes=30)),
        "window_end": forms.local_input(incident.occurred_at + datetime.timedelta(minutes=30)),
        "place": where,
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """From an incident: the cameras near its place, pick some, ask their owners for a time window."""
    _require(request, Perm.REQUEST_FOOTAGE, NO_REQUEST)
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    incident_id = (source.get("incident") or request.GET.get("incident") or "").strip()
    incident = _incident(request, incident_id) if incident_id else None
    lat, lon = forms.coordinate(source.get("lat")), forms.coordinate(source.get("lon"))
    if (lat is None or lon is None) and incident is not None:
        lat, lon = incident.latitude, incident.longitude
    radius = forms.radius(source.get("radius_m"))
    errors: dict[str, str] = {}
    found: list[domain.Near] = []
    if lat is not None and lon is not None:
        try:
            found = domain.near(user, lat, lon, radius)
        except domain.CameraError as e:
            errors["location" if e.field == "lat" else e.field or "all"] = e.message
    values = _request_defaults(incident)
    chosen: set[int] = set()
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        try:
            ids = forms.camera_ids(request.POST.getlist("camera"))
            chosen = set(ids)
            data = domain.FootageInput(
                camera_ids=ids,
                case_reference=values["case_reference"],
                window_start=forms.parse_when(values["window_start"], "window_start"),
                window_end=forms.parse_when(values["window_end"], "window_end"),
                place=values["place"],
                latitude=lat,
                longitude=lon,
                incident_id=incident.pk if incident is not None else None,
            )
            created = domain.request_footage(user, data, incident=incident)
        except domain.CameraForbidden as e:
            raise PermissionDenied(e.message) from None
        except domain.CameraError as e:
            errors = {e.field or "all": e.message}
            status = 422
        else:
            messages.success(
                request,
                f"Đã gửi {len(created)} đề nghị trích xuất hình ảnh (hồ sơ {created[0].case_reference}).",
            )
            if incident is not None:
                return _see_other(reverse("incidents:detail", args=[incident.pk]))
            return _see_other(reverse("cameras:requests"))
    context = {
        "incident": incident,
        "lat": lat,
        "lon": lon,
        "radius": radius,
        "radii": forms.RADII if radius in forms.RADII else sorted({*forms.RADII, radius}),
        "rows": [
            {
                "camera": n.camera,
                "distance": round(n.distance_m),
                "stale": domain.is_stale(n.camera),
                "direction": forms.direction_label(n.camera.direction_deg),
            }
            for n in found
        ],
        "points": [_point(n.camera) for n in found],
        "chosen": chosen,
        "values": values,
        "errors": errors,
        "now": forms.local_input(timezone.now()),
        **_map_settings(),
    }
    return _private(render(request, "cameras/request_form.html", context, status=status))


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.VIEW_CAMERAS, NO_VIEW)
    qs = domain.visible_requests(request.user)
    status = (request.GET.get("status") or "").strip()
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    incident = (request.GET.get("incident") or "").strip()
    if incident.isdigit():
        qs = qs.filter(incident_id=int(incident))
    else:
        incident = ""
    page = Paginator(qs.order_by("-requested_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _answer_rows(page.object_list)
    for row in rows:
        row["link"] = owner_link(row["r"]) if row["r"].status == RequestStatus.PENDING else ""
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "incident": incident,
        "statuses": RequestStatus.choices,
        "can_request": has_perm(request.user, Perm.REQUEST_FOOTAGE),
    }
    return _private(render(request, "cameras/requests.html", context))


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's answer, by the link they received: no login, the token is the credential."""
    item = domain.request_for_token(token)
    if item is None:
        response = render(request, "cameras/answer_missing.html", {"message": UNKNOWN_LINK}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return _private(response)
    values = {"status": "", "handover": "", "note": ""}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        user = request.user if request.user.is_authenticated else None
        back = request.POST.get("from") == "mine" and user is not None
        try:
            domain.answer(item, values["status"], values["handover"], values["note"], user=user)
        except domain.CameraError as e:
            if e.status == 409:
                messages.error(request, e.message)
                return _see_other(reverse("cameras:answer", args=[item.token]))
            errors = {e.field or "all": e.message}
            status = 422
            if back:
                messages.error(request, e.message)
                return _see_other(reverse("cameras:mine") + f"#request-{item.pk}")
        else:
            messages.success(request, "Đã gửi câu trả lời tới Công an xã. Cảm ơn bạn!")
            if back:
                return _see_other(reverse("cameras:mine"))
            return _see_other(reverse("cameras:answer", args=[item.token]))
    now = timezone.now()
    context = {
        "item": item,
        "values": values,
        "errors": errors,
        "answers": forms.ANSWERS,
        "overdue": item.status == RequestStatus.PENDING and item.due_at < now,
    }
    response = render(request, "cameras/answer.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
