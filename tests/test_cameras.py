"""Camera registry: registration rules, privacy, near queries, footage requests (domain and API)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from binhyen.audit.models import AuditEvent
from binhyen.cameras import domain, geo
from binhyen.cameras.models import Camera, CameraStatus, FootageRequest
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

CENTRE = (11.735, 108.373)  # Liên Nghĩa, Đức Trọng


def cam(**kw: Any) -> domain.CameraInput:
    base: dict[str, Any] = {
        "label": "Camera cổng nhà văn hoá",
        "commune": DUC_TRONG,
        "latitude": CENTRE[0],
        "longitude": CENTRE[1],
        "consent": True,
        "contact_name": "Trần Văn Bảy",
        "contact_phone": "0912 000 111",
        "direction_deg": 90,
        "retention_days": 14,
    }
    base.update(kw)
    return domain.CameraInput(**base)


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_owner_registers_with_consent_and_contact_is_encrypted(make_user: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    camera = domain.register(owner, cam())
    assert camera.owner == owner and camera.consent_at is not None
    assert "0912000111" not in camera.contact_phone_enc and "Bảy" not in camera.contact_name_enc
    assert camera.lat_band == geo.band(CENTRE[0])
    assert list(domain.owned_cameras(owner)) == [camera]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"latitude": 1.3, "longitude": 103.8}, "latitude"),  # Singapore
        ({"latitude": None}, "latitude"),
        ({"retention_days": 0}, "retention_days"),
        ({"retention_days": 400}, "retention_days"),
        ({"direction_deg": 360}, "direction_deg"),
        ({"commune": "99999"}, "commune"),
        ({"funding": "magic"}, "funding"),
        ({"label": " "}, "label"),
    ],
)
def test_bad_input_is_refused(make_user: Any, change: dict[str, Any], field: str) -> None:
    owner = make_user("resident", DUC_TRONG)
    with pytest.raises(domain.CameraError) as e:
        domain.register(owner, cam(**change))
    assert e.value.field == field and e.value.message
    assert not Camera.objects.exists()


def test_the_same_camera_twice_is_a_duplicate(make_user: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    first = domain.register(owner, cam())
    with pytest.raises(domain.CameraError) as e:
        domain.register(owner, cam(latitude=CENTRE[0] + 0.00002))  # about 2 m away, same direction
    assert e.value.status == 409 and str(first.pk) in e.value.message
    # Same place, looking the other way: a second camera.
    domain.register(owner, cam(direction_deg=270))
    # An officer entering the same camera for the same contact phone: still a duplicate.
    officer = make_user("commune_officer", DUC_TRONG)
    with pytest.raises(domain.CameraError):
        domain.register(officer, cam())


def test_officers_see_their_area_and_contact_reads_are_audited(make_user: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    camera = domain.register(owner, cam())
    officer = make_user("commune_officer", DUC_TRONG)
    outsider = make_user("commune_officer", HIEP_THANH)
    assert list(domain.visible_cameras(officer)) == [camera]
    assert not domain.visible_cameras(outsider).exists()
    with pytest.raises(domain.CameraForbidden):
        domain.contact(outsider, camera)
    assert domain.contact(owner, camera)["phone"] == "0912000111"
    assert not AuditEvent.objects.filter(action="read").exists()  # the owner reading their own
    assert domain.contact(officer, camera)["name"] == "Trần Văn Bảy"
    assert AuditEvent.objects.filter(action="read", object_type="cameras.camera").count() == 1


def test_confirm_stale_and_withdraw_keeps_only_counts(make_user: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    leader = make_user("group_leader", DUC_TRONG)
    camera = domain.register(owner, cam())
    Camera.objects.filter(pk=camera.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=120)
    )
    camera.refresh_from_db()
    assert domain.is_stale(camera) and domain.stale(Camera.objects.all()).count() == 1
    domain.confirm(leader, camera, working=False)
    camera.refresh_from_db()
    assert camera.status == CameraStatus.OFFLINE and not domain.is_stale(camera)
    domain.remove(owner, camera, withdraw_consent=True)
    camera.refresh_from_db()
    assert camera.status == CameraStatus.REMOVED and camera.consent_withdrawn_at is not None
    assert camera.owner is None and camera.latitude is None and not camera.contact_phone_enc
    assert camera.address == "" and camera.commune.code == DUC_TRONG and camera.funding == "residents"
    officer = make_user("commune_officer", DUC_TRONG)
    assert domain.near(officer, *CENTRE, 1000) == []


def test_near_is_nearest_first_and_can_require_facing(make_user: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    officer = make_user("commune_officer", DUC_TRONG)
    east = domain.register(owner, cam(label="Nhìn sang đông", longitude=CENTRE[1] - 0.001, direction_deg=90))
    west = domain.register(owner, cam(label="Nhìn sang tây", longitude=CENTRE[1] - 0.0005, direction_deg=270))
    domain.register(owner, cam(label="Xa", latitude=CENTRE[0] + 0.05))
    found = domain.near(officer, *CENTRE, 300)
    assert [n.camera for n in found] == [west, east]
    assert abs(found[1].distance_m - geo.haversine_m(*CENTRE, CENTRE[0], CENTRE[1] - 0.001)) < 1e-6
    assert [n.camera for n in domain.near(officer, *CENTRE, 300, facing=True)] == [east]
    with pytest.raises(domain.CameraError):
        domain.near(officer, 48.85, 2.35, 300)  # Paris


def test_footage_request_window_due_and_answer(make_user: Any, mailoutbox: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    owner.email = "chu.camera@example.vn"
    owner.save()
    officer = make_user("commune_officer", DUC_TRONG)
    camera = domain.register(owner, cam(retention_days=7))
    now = timezone.now()

    def ask(start: datetime.datetime, end: datetime.datetime) -> list[FootageRequest]:
        return domain.request_footage(
            officer, domain.FootageInput([camera.pk], "VV-12/2026", start, end, place="Ngã ba chợ")
        )

    with pytest.raises(domain.CameraError) as e:
        ask(now - datetime.timedelta(hours=14), now - datetime.timedelta(hours=1))
    assert "12 giờ" in e.value.message
    with pytest.raises(domain.CameraError):
        ask(now - datetime.timedelta(minutes=20), now - datetime.timedelta(minutes=10))
    with pytest.raises(domain.CameraError) as e:
        ask(now - datetime.timedelta(days=9), now - datetime.timedelta(days=9) + datetime.timedelta(hours=1))
    assert "ghi đè" in e.value.message
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        (request,) = ask(now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=2))
    assert request.due_at == request.window_start + datetime.timedelta(days=7)
    assert len(mailoutbox) == 1 and request.token in mailoutbox[0].body
    with pytest.raises(domain.CameraError):
        domain.answer(request, "provided")  # how it was handed over is required
    domain.answer(request, "provided", handover="Chép vào USB, giao cán bộ Minh")
    with pytest.raises(domain.CameraError):
        domain.answer(request, "declined")


def test_api_near_and_area_list(client: Any, make_user: Any, api_token: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    officer = make_user("commune_officer", DUC_TRONG)
    near_cam = domain.register(owner, cam(longitude=CENTRE[1] - 0.001))
    domain.register(owner, cam(label="Xa", latitude=CENTRE[0] + 0.05))
    token = api_token(officer)
    r = client.get(f"/api/v1/cameras/near?lat={CENTRE[0]}&lon={CENTRE[1]}&radius_m=500", **auth(token))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1 and body["items"][0]["id"] == near_cam.pk
    assert set(body["items"][0]) >= {"id", "lat", "lon", "distance_m"}
    r = client.get(f"/api/v1/cameras?area={DUC_TRONG}", **auth(token))
    assert r.json()["count"] == 2 and set(r.json()["items"][0]) >= {"id", "lat", "lon", "status"}
    assert "phone" not in json.dumps(r.json()) and "Bảy" not in json.dumps(r.json())
    r = client.get("/api/v1/cameras/near?lat=48.85&lon=2.35&radius_m=500", **auth(token))
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    r = client.get(f"/api/v1/cameras?area={HIEP_THANH}", **auth(token))
    assert r.status_code == 403
    resident_token = api_token(owner)
    assert (
        client.get(
            f"/api/v1/cameras/near?lat={CENTRE[0]}&lon={CENTRE[1]}", **auth(resident_token)
        ).status_code
        == 403
    )
    mine = client.get("/api/v1/cameras", **auth(resident_token))
    assert mine.json().get("count") == 2, mine.content  # their own


def test_api_register_and_answer_by_token(client: Any, make_user: Any, api_token: Any) -> None:
    owner = make_user("resident", DUC_TRONG)
    officer = make_user("commune_officer", DUC_TRONG)
    body = {
        "label": "Camera cửa hàng",
        "commune": DUC_TRONG,
        "latitude": CENTRE[0],
        "longitude": CENTRE[1],
        "consent": True,
        "retention_days": 10,
    }
    r = client.post(
        "/api/v1/cameras",
        json.dumps({**body, "consent": False}),
        content_type="application/json",
        **auth(api_token(owner)),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "consent"
    r = client.post(
        "/api/v1/cameras", json.dumps(body), content_type="application/json", **auth(api_token(owner))
    )
    assert r.status_code == 201, r.content
    camera_id = r.json()["id"]
    now = timezone.now()
    r = client.post(
        "/api/v1/footage-requests",
        json.dumps(
            {
                "camera_ids": [camera_id],
                "case_reference": "VV-7",
                "window_start": (now - datetime.timedelta(hours=2)).isoformat(),
                "window_end": (now - datetime.timedelta(hours=1)).isoformat(),
            }
        ),
        content_type="application/json",
        **auth(api_token(officer)),
    )
    assert r.status_code == 201, r.content
    token = r.json()[0]["owner_link"].rstrip("/").rsplit("/", 1)[-1]
    r = client.post(
        f"/api/v1/footage-requests/answer/{token}",
        json.dumps({"status": "nothing", "note": "Đầu ghi hỏng hôm đó"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "nothing"
    assert (
        client.post(
            "/api/v1/footage-requests/answer/xyz",
            json.dumps({"status": "nothing"}),
            content_type="application/json",
        ).status_code
        == 404
    )


def test_owner_ids_for_alerts_by_area_and_circle_without_removed_cameras(make_user: Any) -> None:
    from binhyen.areas.models import Area

    near_owner = make_user("resident", DUC_TRONG, username="gan")
    far_owner = make_user("resident", DUC_TRONG, username="xa")
    gone_owner = make_user("resident", DUC_TRONG, username="da-go")
    other_owner = make_user("resident", HIEP_THANH, username="xa-khac")
    domain.register(near_owner, cam(label="Gần", longitude=CENTRE[1] + 0.002))  # ~220 m
    domain.register(near_owner, cam(label="Gần 2", longitude=CENTRE[1] - 0.001))
    domain.register(far_owner, cam(label="Xa", latitude=CENTRE[0] + 0.02))  # ~2.2 km
    gone = domain.register(gone_owner, cam(label="Đã gỡ"))
    domain.remove(gone_owner, gone, withdraw_consent=False)
    domain.register(other_owner, cam(label="Xã khác", commune=HIEP_THANH, latitude=11.76, longitude=108.39))
    duc_trong = Area.objects.get(code=DUC_TRONG).path
    assert domain.owner_ids([duc_trong]) == sorted([near_owner.pk, far_owner.pk])
    assert domain.owner_ids([duc_trong], *CENTRE, 500) == [near_owner.pk]
    both = [duc_trong, Area.objects.get(code=HIEP_THANH).path]
    assert domain.owner_ids(both) == sorted([near_owner.pk, far_owner.pk, other_owner.pk])
