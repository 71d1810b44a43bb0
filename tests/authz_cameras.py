"""Authorization matrix rows for cameras (API endpoints and web pages). See tests/authz.py.

Web pages: every logged-in role registers and looks after its own cameras (REGISTER_CAMERAS); a camera
someone else owns is seen by commune staff of its area (VIEW_CAMERAS: 404 for anyone else, as if it did not
exist), changed by them (MANAGE_CAMERAS), and only they ask for footage (REQUEST_FOOTAGE). The owner's
answer page is public: the token in its address is the credential (tests/test_cameras_web.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import ALL, COMMUNE_STAFF, Endpoint, Page, World, commune_code

API: list[Endpoint] = []
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()

# Đức Trọng (inside) and Hoàn Kiếm (outside).
PLACE = {"inside": (11.735, 108.373), "outside": (21.0285, 105.8542)}
_NOT_SEEN = (403, 404)
_MOVED = (303,)


def camera_in(w: World, where: str) -> Any:
    """A camera owned by a resident (not the checker) inside or outside the checker's commune."""
    from binhyen.cameras import domain

    owner = w.inside_person if where == "inside" else w.outside_person
    lat, lon = PLACE[where]
    data = domain.CameraInput(
        label="Camera cổng chợ",
        commune=commune_code(where),
        latitude=lat,
        longitude=lon,
        consent=True,
        contact_name="Trần Thị Bình",
        contact_phone="0912345678",
        retention_days=14,
    )
    return domain.register(owner, data, owner=owner)


def _incident(where: str) -> Any:
    from django.utils import timezone

    from binhyen.areas.models import Area
    from binhyen.incidents.models import CrimeCategory, Incident

    lat, lon = PLACE[where]
    return Incident.objects.create(
        category=CrimeCategory.objects.get(code="trom-cap"),
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        commune=Area.objects.get(code=commune_code(where)),
        latitude=lat,
        longitude=lon,
        summary="Mất trộm xe máy trước cổng chợ.",
    )


def _camera_page(suffix: str = "", data: dict[str, Any] | None = None) -> Any:
    def build(w: World, where: str) -> tuple[str, dict[str, Any]]:
        return f"/camera/{camera_in(w, where).pk}/{suffix}", ({"data": data} if data else {})

    return build


def _form(where: str, **extra: str) -> dict[str, Any]:
    lat, lon = PLACE[where]
    data = {
        "label": "Camera nhà tôi",
        "owner_kind": "household",
        "commune": commune_code(where),
        "latitude": str(lat + 0.0002),
        "longitude": str(lon + 0.0002),
        "retention_days": "7",
        "recording": "local",
        "funding": "residents",
        "contact_phone": "0987654321",
        "consent": "1",
    }
    data.update(extra)
    return {"data": data}


def _request_form(w: World, where: str) -> tuple[str, dict[str, Any]]:
    from django.utils import timezone

    incident, camera = _incident(where), camera_in(w, where)
    start = timezone.localtime(incident.occurred_at - datetime.timedelta(minutes=15))
    return "/camera/yeu-cau/moi/", {
        "data": {
            "incident": str(incident.pk),
            "camera": [str(camera.pk)],
            "case_reference": f"VV-{incident.pk}",
            "window_start": f"{start:%Y-%m-%dT%H:%M}",
            "window_end": f"{start + datetime.timedelta(minutes=30):%Y-%m-%dT%H:%M}",
        }
    }


def _near(w: World, where: str) -> tuple[str, dict[str, Any]]:
    lat, lon = PLACE[where]
    return f"/camera/gan-day/?lat={lat}&lon={lon}", {"HTTP_HX_REQUEST": "true"}


PAGES: list[Page] = [
    # The owners' portal: everyone, for their own cameras, wherever they are.
    Page("cameras:mine", "get", lambda w, where: ("/camera/", {}), inside=ALL, outside=ALL),
    Page("cameras:register", "get", lambda w, where: ("/camera/dang-ky/", {}), inside=ALL, outside=ALL),
    Page(
        "cameras:register",
        "post",
        lambda w, where: ("/camera/dang-ky/", _form(where)),
        inside=ALL,
        outside=ALL,
        ok=_MOVED,
    ),
    # Someone else's camera: commune staff of its area (and administrators); others get 404.
    Page("cameras:detail", "get", _camera_page(), inside=COMMUNE_STAFF, denied=_NOT_SEEN),
    Page("cameras:edit", "get", _camera_page("sua/"), inside=COMMUNE_STAFF, denied=_NOT_SEEN),
    Page("cameras:contact", "post", _camera_page("lien-he/"), inside=COMMUNE_STAFF, denied=_NOT_SEEN),
    # Group leaders may confirm (CONFIRM_CAMERAS) but domain.get_camera does not find cameras for them:
    # see the report on cameras.domain.
    Page(
        "cameras:confirm",
        "post",
        _camera_page("xac-nhan/", {"working": "0"}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=_NOT_SEEN,
    ),
    Page(
        "cameras:remove",
        "post",
        _camera_page("go/", {"confirmed": "1"}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=_NOT_SEEN,
    ),
    # The commune police.
    Page(
        "cameras:list",
        "get",
        lambda w, where: (f"/camera/danh-sach/?village={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "cameras:create_for_owner",
        "get",
        lambda w, where: ("/camera/nhap/", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Page(
        "cameras:create_for_owner",
        "post",
        lambda w, where: ("/camera/nhap/", _form(where, contact_name="Bà Năm")),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
    ),
    Page(
        "cameras:map",
        "get",
        lambda w, where: ("/camera/ban-do/", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Page(
        "cameras:map_data",
        "get",
        lambda w, where: (f"/camera/ban-do.json?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    # Outside their area an officer simply finds no camera.
    Page("cameras:near", "get", _near, inside=COMMUNE_STAFF, outside=COMMUNE_STAFF),
    Page(
        "cameras:requests",
        "get",
        lambda w, where: ("/camera/yeu-cau/", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Page(
        "cameras:request_create",
        "get",
        lambda w, where: (f"/camera/yeu-cau/moi/?incident={_incident(where).pk}", {}),
        inside=COMMUNE_STAFF,
        denied=_NOT_SEEN,
    ),
    Page("cameras:request_create", "post", _request_form, inside=COMMUNE_STAFF, ok=_MOVED, denied=_NOT_SEEN),
]
PUBLIC_PAGES: set[str] = {"cameras:answer"}
