"""Web pages for the camera registry: the owners' portal, the commune police's list, map and "near here",
footage requests from an incident, and the owner's answer by link."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from binhyen.audit.models import AuditEvent
from binhyen.cameras import domain
from binhyen.cameras.models import Camera, CameraStatus, FootageRequest, RequestStatus
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM

pytestmark = pytest.mark.django_db

BACKEND = "binhyen.accounts.backends.LockoutModelBackend"
HX = {"HTTP_HX_REQUEST": "true"}
LAT, LON = 11.735, 108.373  # Đức Trọng
FAR_LAT, FAR_LON = 11.790, 108.420  # somewhere in Hiệp Thạnh, about 7 km away
PHONE = "0912345678"


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend=BACKEND)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": "Camera cổng nhà văn hoá",
        "owner_kind": "household",
        "commune": DUC_TRONG,
        "commune_text": "Xã Đức Trọng",
        "village": "",
        "latitude": f"{LAT}",
        "longitude": f"{LON}",
        "address": "12 Thống Nhất",
        "direction": "90",
        "direction_deg": "",
        "fov_deg": "90",
        "range_m": "30",
        "covers": "Cổng nhà văn hoá, ngã ba chợ",
        "retention_days": "14",
        "recording": "local",
        "funding": "residents",
        "contact_name": "Trần Thị Bình",
        "contact_phone": PHONE,
        "consent": "1",
    }
    data.update(extra)
    return data


def camera_input(commune: str = DUC_TRONG, lat: float = LAT, lon: float = LON, **extra: Any) -> Any:
    base: dict[str, Any] = {
        "label": "Camera ngã ba",
        "commune": commune,
        "latitude": lat,
        "longitude": lon,
        "consent": True,
        "contact_name": "Lê Văn Chủ",
        "contact_phone": PHONE,
        "retention_days": 14,
    }
    base.update(extra)
    return domain.CameraInput(**base)


@pytest.fixture
def village() -> Any:
    from binhyen.areas import domain as areas

    return areas.create_villages(areas.get_area(DUC_TRONG), [areas.VillageInput("Thôn Đa Thọ", "thôn")])[0]


@pytest.fixture
def owner(make_user: Any, village: Any) -> Any:
    return make_user("resident", village.code, username="chu-camera", full_name="Trần Thị Bình")


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG, username="congan-ductrong")


@pytest.fixture
def camera(owner: Any) -> Camera:
    return domain.register(owner, camera_input(direction_deg=90), owner=owner)


@pytest.fixture
def far_camera(make_user: Any) -> Camera:
    """A camera in Hiệp Thạnh, entered by its own officer for an owner without an account."""
    officer_there = make_user("commune_officer", HIEP_THANH, username="congan-hiepthanh")
    return domain.register(
        officer_there, camera_input(HIEP_THANH, FAR_LAT, FAR_LON, label="Camera Hiệp Thạnh")
    )


def make_incident(user: Any, hours_ago: float = 2, **extra: Any) -> Any:
    from binhyen.incidents import domain as incidents

    base: dict[str, Any] = {
        "category": "trom-cap",
        "occurred_at": timezone.now() - datetime.timedelta(hours=hours_ago),
        "commune": DUC_TRONG,
        "latitude": LAT + 0.0005,
        "longitude": LON + 0.0005,
        "address": "Trước cổng chợ",
        "summary": "Mất trộm xe máy trước cổng chợ.",
    }
    base.update(extra)
    return incidents.create_incident(user, incidents.NewIncident(**base))


def request_for(officer: Any, camera: Camera, incident: Any = None, hours_ago: float = 2) -> FootageRequest:
    start = timezone.now() - datetime.timedelta(hours=hours_ago)
    data = domain.FootageInput([camera.pk], "VV-1", start, start + datetime.timedelta(minutes=30), "Cổng chợ")
    return domain.request_footage(officer, data, incident=incident)[0]


# --- registration -------------------------------------------------------------------------------------


def test_register_form_never_pre_ticks_consent_and_shows_the_purpose(client: Any, owner: Any) -> None:
    login(client, owner)
    r = client.get("/camera/dang-ky/")
    assert r.status_code == 200
    page = text(r)
    consent = re.search(r"<input[^>]*name=\"consent\"[^>]*>", page)
    assert consent is not None and "checked" not in consent.group(0)
    assert "Phục vụ bảo đảm an ninh, trật tự tại địa bàn" in page
    # The form opens on the resident's own commune and village.
    assert f'name="commune" id="id_commune" value="{DUC_TRONG}"' in page
    assert "Thôn Đa Thọ" in page


def test_owner_registers_a_camera(client: Any, owner: Any, village: Any) -> None:
    login(client, owner)
    r = client.post("/camera/dang-ky/", form(village=village.code))
    assert r.status_code == 303, text(r)[:2000]
    camera = Camera.objects.get()
    assert r["Location"] == f"/camera/{camera.pk}/"
    assert camera.owner == owner and camera.village == village and camera.direction_deg == 90
    assert camera.consent_at is not None and camera.consent_purpose.startswith("Phục vụ")
    assert camera.retention_days == 14 and camera.status == CameraStatus.ACTIVE
    assert PHONE not in camera.contact_phone_enc  # encrypted at rest
    page = text(client.get(r["Location"]))
    assert "Camera cổng nhà văn hoá" in page and PHONE not in page  # the contact only on request


def test_commune_typed_without_js_is_found(client: Any, owner: Any) -> None:
    login(client, owner)
    r = client.post("/camera/dang-ky/", form(commune="", commune_text="duc trong, lam dong"))
    assert r.status_code == 303
    assert Camera.objects.get().commune.code == DUC_TRONG


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": ""}, "consent", "Cần chủ camera đồng ý"),
        ({"latitude": "48.8566", "longitude": "2.3522"}, "location", "ngoài lãnh thổ Việt Nam"),
        ({"latitude": "", "longitude": ""}, "location", "Hãy chọn vị trí camera trên bản đồ"),
        ({"retention_days": "400"}, "retention_days", "Số ngày lưu hình phải từ 1 đến 365"),
        ({"retention_days": "một tuần"}, "retention_days", "Số ngày lưu hình phải là số nguyên"),
        ({"label": ""}, "label", "Hãy đặt tên ngắn cho camera"),
        ({"contact_phone": "12ab"}, "contact_phone", "Số điện thoại liên hệ không hợp lệ"),
        ({"direction": "", "direction_deg": "400"}, "direction", "Hướng nhìn phải từ 0 đến 359"),
        ({"commune": "99999"}, "commune", "Không có xã/phường"),
    ],
)
def test_registration_errors_are_shown_at_the_field_and_values_kept(
    client: Any, owner: Any, changes: dict[str, str], field: str, message: str
) -> None:
    login(client, owner)
    r = client.post("/camera/dang-ky/", form(**changes))
    assert r.status_code == 422
    page = text(r)
    error = re.search(rf'<p class="field-error" id="err-{field}">([^<]*)</p>', page)
    assert error is not None and message in error.group(1), page[:3000]
    assert 'value="Cổng nhà văn hoá, ngã ba chợ"' in page  # what was typed comes back
    assert not Camera.objects.exists()


def test_officer_enters_a_camera_for_an_owner_without_account(client: Any, officer: Any) -> None:
    login(client, officer)
    assert client.get("/camera/nhap/").status_code == 200
    r = client.post("/camera/nhap/", form(contact_name="Bà Năm", contact_phone="0987654321"))
    assert r.status_code == 303
    camera = Camera.objects.get()
    assert camera.owner is None and camera.created_by == officer
    # Not in a commune outside their area: refused, never registered as the officer's own.
    r = client.post("/camera/nhap/", form(commune=HOAN_KIEM, latitude="21.0285", longitude="105.8542"))
    assert r.status_code == 403
    assert Camera.objects.count() == 1


def test_residents_cannot_enter_cameras_for_others(client: Any, owner: Any) -> None:
    login(client, owner)
    assert client.get("/camera/nhap/").status_code == 403
    assert client.get("/camera/danh-sach/").status_code == 403


# --- who sees what ------------------------------------------------------------------------------------


def test_owner_sees_only_their_own_cameras(client: Any, owner: Any, camera: Camera, make_user: Any) -> None:
    neighbour = make_user("resident", DUC_TRONG, username="hang-xom")
    theirs = domain.register(
        neighbour, camera_input(lat=LAT + 0.001, label="Camera nhà hàng xóm"), owner=neighbour
    )
    login(client, owner)
    page = text(client.get("/camera/"))
    assert "Camera ngã ba" in page and "Camera nhà hàng xóm" not in page
    assert client.get(f"/camera/{theirs.pk}/").status_code == 404
    assert client.post(f"/camera/{theirs.pk}/lien-he/").status_code == 404
    assert client.get(f"/camera/{camera.pk}/").status_code == 200


def test_officer_sees_cameras_of_their_commune_only(
    client: Any, officer: Any, camera: Camera, far_camera: Camera
) -> None:
    login(client, officer)
    r = client.get("/camera/danh-sach/")
    assert r.status_code == 200
    page = text(r)
    assert f'data-camera="{camera.pk}"' in page and f'data-camera="{far_camera.pk}"' not in page
    assert client.get(f"/camera/{camera.pk}/").status_code == 200
    assert client.get(f"/camera/{far_camera.pk}/").status_code == 404
    # Filters: status, stale, search.
    assert f'data-camera="{camera.pk}"' not in text(client.get("/camera/danh-sach/?status=offline"))
    assert f'data-camera="{camera.pk}"' in text(client.get("/camera/danh-sach/?q=ngã ba"))
    assert f'data-camera="{camera.pk}"' not in text(client.get("/camera/danh-sach/?stale=1"))
    assert client.get(f"/camera/danh-sach/?village={HIEP_THANH}").status_code == 403


def test_contact_reveal_is_audited_for_officers_not_for_owners(
    client: Any, officer: Any, owner: Any, camera: Camera
) -> None:
    reads = AuditEvent.objects.filter(action="read", object_type="cameras.camera", object_id=str(camera.pk))
    login(client, officer)
    page = text(client.get(f"/camera/{camera.pk}/"))
    assert PHONE not in page and "Lê Văn Chủ" not in page
    r = client.post(f"/camera/{camera.pk}/lien-he/", **HX)
    assert r.status_code == 200
    assert PHONE in text(r) and "Lê Văn Chủ" in text(r)
    assert reads.count() == 1
    event = reads.get()
    assert event.actor == officer and "phone" in event.detail["fields"]
    # The owner looking at their own contact is not a read of someone else's data.
    login(client, owner)
    assert PHONE in text(client.post(f"/camera/{camera.pk}/lien-he/"))
    assert reads.count() == 1
    # GET is not allowed: a read must be a deliberate press.
    assert client.get(f"/camera/{camera.pk}/lien-he/").status_code == 405


# --- confirm, remove, withdraw ------------------------------------------------------------------------


def test_owner_confirms_and_stale_cameras_are_flagged(client: Any, owner: Any, camera: Camera) -> None:
    login(client, owner)
    Camera.objects.filter(pk=camera.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=120)
    )
    page = text(client.get("/camera/"))
    assert 'data-testid="stale"' in page and 'data-testid="confirm-working"' in page
    r = client.post(f"/camera/{camera.pk}/xac-nhan/", {"working": "0", "next": "/camera/"})
    assert r.status_code == 303 and r["Location"] == "/camera/"
    camera.refresh_from_db()
    assert camera.status == CameraStatus.OFFLINE and not domain.is_stale(camera)
    r = client.post(f"/camera/{camera.pk}/xac-nhan/", {"working": "1", "next": "https://evil.example/"})
    assert r["Location"] == f"/camera/{camera.pk}/"  # never to another site
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE
    assert 'data-testid="stale"' not in text(client.get("/camera/"))


def test_remove_asks_first_and_keeps_only_counts(client: Any, owner: Any, camera: Camera) -> None:
    login(client, owner)
    page = text(client.get(f"/camera/{camera.pk}/go/"))
    assert 'data-testid="confirm-remove"' in page
    # A POST without the confirmation shows the explanation again.
    assert client.post(f"/camera/{camera.pk}/go/").status_code == 200
    assert Camera.objects.get(pk=camera.pk).status == CameraStatus.ACTIVE
    r = client.post(f"/camera/{camera.pk}/go/", {"confirmed": "1"})
    assert r.status_code == 303 and r["Location"] == "/camera/"
    camera.refresh_from_db()
    assert camera.status == CameraStatus.REMOVED and camera.owner is None and camera.latitude is None
    assert camera.contact_phone_enc == "" and camera.consent_withdrawn_at is None
    assert client.get(f"/camera/{camera.pk}/").status_code == 404


def test_owner_withdraws_consent(client: Any, owner: Any, camera: Camera, officer: Any) -> None:
    pending = request_for(officer, camera)
    login(client, owner)
    page = text(client.get(f"/camera/{camera.pk}/go/?withdraw=1"))
    assert 'name="withdraw" value="1"' in page
    r = client.post(f"/camera/{camera.pk}/go/", {"confirmed": "1", "withdraw": "1"})
    assert r.status_code == 303
    camera.refresh_from_db()
    assert camera.status == CameraStatus.REMOVED and camera.consent_withdrawn_at is not None
    pending.refresh_from_db()
    assert pending.status == RequestStatus.DECLINED


def test_others_cannot_confirm_edit_or_remove(client: Any, camera: Camera, make_user: Any) -> None:
    stranger = make_user("resident", DUC_TRONG, username="nguoi-la")
    login(client, stranger)
    assert client.post(f"/camera/{camera.pk}/xac-nhan/", {"working": "0"}).status_code == 404
    assert client.post(f"/camera/{camera.pk}/go/", {"confirmed": "1"}).status_code == 404
    assert client.get(f"/camera/{camera.pk}/sua/").status_code == 404
    assert Camera.objects.get(pk=camera.pk).status == CameraStatus.ACTIVE


def test_owner_edits_their_camera(client: Any, owner: Any, camera: Camera) -> None:
    login(client, owner)
    page = text(client.get(f"/camera/{camera.pk}/sua/"))
    assert f'value="{PHONE}"' in page and 'name="consent"' not in page
    values = form(label="Camera cổng sau", retention_days="30", direction="", direction_deg="100")
    r = client.post(f"/camera/{camera.pk}/sua/", values)
    assert r.status_code == 303
    camera.refresh_from_db()
    assert camera.label == "Camera cổng sau" and camera.retention_days == 30 and camera.direction_deg == 100
    assert client.post(f"/camera/{camera.pk}/sua/", form(retention_days="0")).status_code == 422


def test_officer_opening_the_edit_form_is_an_audited_read(client: Any, officer: Any, camera: Camera) -> None:
    login(client, officer)
    assert client.get(f"/camera/{camera.pk}/sua/").status_code == 200
    assert AuditEvent.objects.filter(action="read", object_type="cameras.camera").count() == 1


# --- map, near ----------------------------------------------------------------------------------------


def test_map_data_has_points_and_never_contacts(
    client: Any, officer: Any, camera: Camera, far_camera: Camera
) -> None:
    login(client, officer)
    assert client.get("/camera/ban-do/").status_code == 200
    r = client.get("/camera/ban-do.json")
    assert r.status_code == 200
    data = r.json()
    assert [i["id"] for i in data["items"]] == [camera.pk]
    assert set(data["items"][0]) == {"id", "lat", "lon", "status", "label", "dir"}
    body = r.content.decode()
    assert PHONE not in body and "Lê Văn Chủ" not in body and "contact" not in body
    assert client.get(f"/camera/ban-do.json?area={DUC_TRONG}").json()["count"] == 1
    assert client.get(f"/camera/ban-do.json?area={HIEP_THANH}").status_code == 403
    assert not AuditEvent.objects.filter(action="read").exists()


def test_map_data_is_for_officers_only(client: Any, owner: Any, camera: Camera) -> None:
    login(client, owner)
    assert client.get("/camera/ban-do.json").status_code == 403


def test_cameras_near_a_point(client: Any, officer: Any, camera: Camera, far_camera: Camera) -> None:
    login(client, officer)
    r = client.get(f"/camera/gan-day/?lat={LAT + 0.001}&lon={LON}", **HX)
    assert r.status_code == 200
    page = text(r)
    assert "Camera ngã ba" in page and "Camera Hiệp Thạnh" not in page
    assert "111 m" in page  # 0.001° of latitude
    assert "<html" not in page  # a fragment
    assert "Camera ngã ba" not in text(client.get(f"/camera/gan-day/?lat={LAT + 0.01}&lon={LON}", **HX))
    # Looking east (90°, 90° wide): a point to the north is not in view.
    facing = text(client.get(f"/camera/gan-day/?lat={LAT + 0.001}&lon={LON}&facing=1", **HX))
    assert "Camera ngã ba" not in facing
    assert "Camera ngã ba" in text(client.get(f"/camera/gan-day/?lat={LAT}&lon={LON + 0.001}&facing=1", **HX))
    # Without JS: a whole page; a bad point is a message, not a 500.
    assert "<html" in text(client.get(f"/camera/gan-day/?lat={LAT}&lon={LON}"))
    assert "ngoài lãnh thổ" in text(client.get("/camera/gan-day/?lat=48.8&lon=2.3", **HX))
    assert client.get("/camera/gan-day/?lat=abc").status_code == 422


def test_near_panel_tag_renders_only_for_officers(owner: Any, officer: Any, camera: Camera) -> None:
    template = Template("{% load cameras %}{% cameras_near_panel lat lon incident_id %}")
    request = RequestFactory().get("/")
    rendered = template.render(
        Context({"user": officer, "request": request, "lat": LAT, "lon": LON, "incident_id": 7})
    )
    assert 'data-testid="cameras-near"' in rendered and 'hx-get="/camera/gan-day/?lat=11.735000' in rendered
    assert "/camera/yeu-cau/moi/?incident=7" in rendered
    assert template.render(Context({"user": owner, "lat": LAT, "lon": LON})).strip() == ""
    assert template.render(Context({"user": officer, "lat": None, "lon": None})).strip() == ""


# --- footage requests ---------------------------------------------------------------------------------


def test_officer_requests_footage_from_an_incident(client: Any, officer: Any, camera: Camera) -> None:
    incident = make_incident(officer)
    login(client, officer)
    r = client.get(f"/camera/yeu-cau/moi/?incident={incident.pk}")
    assert r.status_code == 200
    page = text(r)
    assert f'name="camera" value="{camera.pk}"' in page
    assert f'value="VV-{incident.pk}"' in page
    start = timezone.localtime(incident.occurred_at - datetime.timedelta(minutes=30))
    assert f'value="{start:%Y-%m-%dT%H:%M}"' in page
    base = {
        "incident": str(incident.pk),
        "camera": [str(camera.pk)],
        "case_reference": f"VV-{incident.pk}",
        "place": "Trước cổng chợ",
    }
    # More than 12 hours: refused, at the field.
    long_start = timezone.localtime(timezone.now() - datetime.timedelta(hours=14))
    too_long = {
        **base,
        "window_start": f"{long_start:%Y-%m-%dT%H:%M}",
        "window_end": f"{long_start + datetime.timedelta(hours=13):%Y-%m-%dT%H:%M}",
    }
    r = client.post("/camera/yeu-cau/moi/", too_long)
    assert r.status_code == 422
    error = re.search(r'id="err-window_end">([^<]*)<', text(r))
    assert error is not None and "tối đa 12 giờ" in error.group(1)
    # No camera chosen.
    r = client.post("/camera/yeu-cau/moi/", {**base, "camera": [], "window_start": "", "window_end": ""})
    assert r.status_code == 422
    ok_start = timezone.localtime(incident.occurred_at - datetime.timedelta(minutes=15))
    ok = {
        **base,
        "window_start": f"{ok_start:%Y-%m-%dT%H:%M}",
        "window_end": f"{ok_start + datetime.timedelta(minutes=45):%Y-%m-%dT%H:%M}",
    }
    r = client.post("/camera/yeu-cau/moi/", ok)
    assert r.status_code == 303 and r["Location"] == f"/incidents/{incident.pk}/"
    item = FootageRequest.objects.get()
    assert item.camera == camera and item.incident_id == incident.pk and item.requested_by == officer
    assert item.due_at > timezone.now() and item.status == RequestStatus.PENDING
    # The requests list, and the incident's panel through the inclusion tag.
    page = text(client.get("/camera/yeu-cau/"))
    assert f'data-request="{item.pk}"' in page and f"/camera/yeu-cau/{item.token}/" in page
    rendered = Template("{% load cameras %}{% incident_footage_requests incident %}").render(
        Context({"user": officer, "incident": incident})
    )
    assert f'data-request="{item.pk}"' in rendered and "Camera ngã ba" in rendered


def test_request_for_an_incident_outside_the_area_is_not_found(
    client: Any, officer: Any, make_user: Any
) -> None:
    other = make_user("commune_officer", HIEP_THANH)
    incident = make_incident(other, commune=HIEP_THANH, latitude=FAR_LAT, longitude=FAR_LON)
    login(client, officer)
    assert client.get(f"/camera/yeu-cau/moi/?incident={incident.pk}").status_code == 404
    assert client.get("/camera/yeu-cau/moi/?incident=abc").status_code == 404


def test_residents_cannot_request_footage(client: Any, owner: Any) -> None:
    login(client, owner)
    assert client.get("/camera/yeu-cau/moi/").status_code == 403
    assert client.get("/camera/yeu-cau/").status_code == 403


def test_overdue_requests_are_marked(client: Any, officer: Any, camera: Camera) -> None:
    item = request_for(officer, camera)
    FootageRequest.objects.filter(pk=item.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    login(client, officer)
    page = text(client.get("/camera/yeu-cau/"))
    assert 'class="due-overdue" data-testid="overdue"' in page


# --- the owner's answer -------------------------------------------------------------------------------


def test_owner_answers_by_link_without_logging_in(client: Any, officer: Any, camera: Camera) -> None:
    item = request_for(officer, camera)
    url = f"/camera/yeu-cau/{item.token}/"
    r = client.get(url)
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    page = text(r)
    assert "VV-1" in page and "Camera ngã ba" in page and PHONE not in page
    assert timezone.localtime(item.due_at).strftime("%H:%M %d/%m/%Y") in page
    r = client.post(url, {"status": "provided", "handover": ""})
    assert r.status_code == 422
    error = re.search(rf'id="err-handover-{item.pk}">([^<]*)<', text(r))
    assert error is not None and "cách bàn giao" in error.group(1)
    r = client.post(url, {"status": "provided", "handover": "Chép vào USB cho cán bộ", "note": "Có hình"})
    assert r.status_code == 303 and r["Location"] == url
    item.refresh_from_db()
    assert item.status == RequestStatus.PROVIDED and item.handover == "Chép vào USB cho cán bộ"
    page = text(client.get(url))
    assert 'data-testid="answer-result"' in page and "Chép vào USB cho cán bộ" in page
    # Answered once: a second answer is refused with a message.
    r = client.post(url, {"status": "declined"}, follow=True)
    assert "đã được trả lời" in text(r)
    item.refresh_from_db()
    assert item.status == RequestStatus.PROVIDED


def test_unknown_link_is_a_vietnamese_404(client: Any) -> None:
    r = client.get("/camera/yeu-cau/khong-co-ma-nay/")
    assert r.status_code == 404
    assert "Đường dẫn không đúng" in text(r)
    assert client.post("/camera/yeu-cau/" + "x" * 43 + "/", {"status": "nothing"}).status_code == 404


def test_owner_answers_from_the_portal(client: Any, owner: Any, officer: Any, camera: Camera) -> None:
    item = request_for(officer, camera)
    login(client, owner)
    page = text(client.get("/camera/"))
    assert 'data-testid="pending-requests"' in page and f'action="/camera/yeu-cau/{item.token}/"' in page
    r = client.post(f"/camera/yeu-cau/{item.token}/", {"status": "nothing", "from": "mine"})
    assert r.status_code == 303 and r["Location"] == "/camera/"
    item.refresh_from_db()
    assert item.status == RequestStatus.NOTHING
    page = text(client.get("/camera/"))
    assert 'data-testid="pending-requests"' not in page
    assert AuditEvent.objects.filter(object_type="cameras.footagerequest", actor=owner).exists()


# --- navigation ---------------------------------------------------------------------------------------


def test_menu_entries(client: Any, owner: Any, officer: Any) -> None:
    login(client, owner)
    page = text(client.get("/camera/"))
    assert 'href="/camera/"' in page and 'href="/camera/danh-sach/"' not in page
    login(client, officer)
    page = text(client.get("/camera/danh-sach/"))
    assert re.search(r'<a href="/camera/danh-sach/" aria-current="page">', page)
