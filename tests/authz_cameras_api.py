"""Authorization matrix rows for the cameras API (web pages: tests/authz_cameras.py). See tests/authz.py."""

from __future__ import annotations

import datetime
import json
from typing import Any

from tests.authz import ALL, COMMUNE_STAFF, Endpoint, Page, World, _json

_VIEWERS = set(COMMUNE_STAFF)
_ALL = set(ALL)
_POINT = {"inside": (11.735, 108.373), "outside": (21.0285, 105.8542)}  # Đức Trọng; Hoàn Kiếm
_COMMUNE = {"inside": "24958", "outside": "00070"}


def _camera_in(w: World, where: str) -> Any:
    """A camera owned by a resident, in the inside village (where group leaders are) or in Hoàn Kiếm."""
    from binhyen.cameras import domain
    from binhyen.cameras.models import Camera

    lat, lon = _POINT[where]
    values = domain.clean(
        domain.CameraInput(
            label="Camera ngã ba",
            commune=_COMMUNE[where],
            village=w.inside_village.code if where == "inside" else w.outside_village.code,
            latitude=lat,
            longitude=lon,
            consent=True,
            contact_phone="0911222333",
        )
    )
    return Camera.objects.create(**values, owner=w.inside_person if where == "inside" else w.outside_person)


def _camera_path(suffix: str) -> Any:
    def build(w: World, where: str) -> tuple[str, dict[str, Any]]:
        return f"/api/v1/cameras/{_camera_in(w, where).pk}{suffix}", {}

    return build


def _near(w: World, where: str) -> tuple[str, dict[str, Any]]:
    lat, lon = _POINT[where]
    return f"/api/v1/cameras/near?lat={lat}&lon={lon}&radius_m=500", {}


def _area_list(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/cameras?area={_COMMUNE[where]}", {}


def _coverage(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/cameras/coverage?area={_COMMUNE[where]}", {}


def _body(where: str) -> dict[str, Any]:
    lat, lon = _POINT[where]
    return {
        "label": "Camera mới",
        "commune": _COMMUNE[where],
        "latitude": lat + 0.001,
        "longitude": lon,
        "consent": True,
        "direction_deg": 45,
    }


def _register(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return "/api/v1/cameras", _json(_body(where))


def _update(w: World, where: str) -> tuple[str, dict[str, Any]]:
    camera = _camera_in(w, where)
    return f"/api/v1/cameras/{camera.pk}", {
        "data": json.dumps(_body(where)),
        "content_type": "application/json",
    }


def _confirm(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/cameras/{_camera_in(w, where).pk}/confirm", _json({"working": True})


def _footage(w: World, where: str) -> tuple[str, dict[str, Any]]:
    now = datetime.datetime.now(datetime.UTC)
    body = {
        "camera_ids": [_camera_in(w, where).pk],
        "case_reference": "VV-1",
        "window_start": (now - datetime.timedelta(hours=2)).isoformat(),
        "window_end": (now - datetime.timedelta(hours=1)).isoformat(),
    }
    return "/api/v1/footage-requests", _json(body)


API: list[Endpoint] = [
    # Officers may ask anywhere; the answer only ever holds cameras of their own areas.
    Endpoint("api:near_cameras", "get", _near, inside=_VIEWERS, outside=_VIEWERS),
    Endpoint("api:list_cameras", "get", _area_list, inside=_VIEWERS),
    # Owners register their own cameras wherever they are; officers enter them for owners.
    Endpoint("api:register_camera", "post", _register, inside=_ALL, outside=_ALL, ok=(201,)),
    Endpoint("api:get_camera", "get", _camera_path(""), inside=_VIEWERS, denied=(403, 404)),
    Endpoint("api:update_camera", "put", _update, inside=_VIEWERS, denied=(403, 404)),
    Endpoint("api:remove_camera", "delete", _camera_path(""), inside=_VIEWERS, ok=(204,), denied=(403, 404)),
    Endpoint("api:confirm_camera", "post", _confirm, inside=_VIEWERS | {"group_leader"}, denied=(403, 404)),
    Endpoint("api:camera_contact", "get", _camera_path("/contact"), inside=_VIEWERS, denied=(403, 404)),
    Endpoint("api:camera_coverage", "get", _coverage, inside=_VIEWERS | {"province_analyst"}),
    Endpoint("api:create_footage_requests", "post", _footage, inside=_VIEWERS, ok=(201,), denied=(403, 404)),
    # Everyone gets a list: officers their area's requests, owners those about their own cameras.
    Endpoint(
        "api:list_footage_requests",
        "get",
        lambda w, where: ("/api/v1/footage-requests", {}),
        inside=_ALL,
        outside=_ALL,
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = {"api:answer_footage_request"}  # by the link's token; test_cameras
PAGES: list[Page] = []
PUBLIC_PAGES: set[str] = set()
