"""Web UI: users (scoped, personal data reads audited) and the audit log (administrators only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD, DUC_TRONG, HANOI, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> None:
    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 302


def test_users_list_is_scoped_and_has_no_phone(client: Any, make_user: Any) -> None:
    leader = make_user("commune_leader", DUC_TRONG)
    mine = make_user("resident", DUC_TRONG, phone="0987654321")
    other = make_user("resident", HOAN_KIEM)
    login(client, leader)
    r = client.get("/users/")
    html = r.content.decode()
    assert r.status_code == 200
    assert mine.username in html and other.username not in html
    assert "0987654321" not in html
    assert "Người dân" in html  # role label in Vietnamese
    assert client.get(f"/users/{other.pk}/").status_code == 404


def test_user_detail_records_a_read_event(client: Any, make_user: Any) -> None:
    from binhyen.audit.models import AuditEvent

    admin = make_user("admin")
    target = make_user("resident", DUC_TRONG, full_name="Trần Thị Hoa", phone="0901234567")
    login(client, admin)
    for expected in (1, 2):
        r = client.get(f"/users/{target.pk}/")
        assert r.status_code == 200
        assert "Trần Thị Hoa" in r.content.decode() and "0901234567" in r.content.decode()
        events = AuditEvent.objects.filter(action="read", object_type="accounts.user",
                                           object_id=str(target.pk))
        assert events.count() == expected
    event = events.first()
    assert event is not None and event.actor == admin and event.detail["fields"] == ["full_name", "phone"]


def test_users_forbidden_for_roles_without_permission(client: Any, make_user: Any) -> None:
    login(client, make_user("commune_officer", DUC_TRONG))
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new/").status_code == 403


def test_admin_creates_user_with_field_errors(client: Any, make_user: Any) -> None:
    from binhyen.accounts.models import User

    login(client, make_user("admin"))
    url = reverse("users:create")
    assert client.get(url).status_code == 200
    data = {"username": "canbo-moi", "password": "Mat-khau-rat-manh-2025", "role": "commune_officer",
            "area": LAM_DONG, "full_name": "Đỗ Văn Hải", "phone": "0911111111"}
    r = client.post(url, data)
    assert r.status_code == 422 and "không gán được cho cấp đơn vị" in r.content.decode()
    r = client.post(url, {**data, "area": DUC_TRONG, "password": "123"})
    assert r.status_code == 422 and 'id="err-password"' in r.content.decode()
    r = client.post(url, {**data, "area": DUC_TRONG})
    created = User.objects.get(username="canbo-moi")
    assert r.status_code == 302 and r.url == f"/users/{created.pk}/"
    r = client.post(url, {**data, "area": DUC_TRONG})
    assert r.status_code == 422 and "đã có người dùng" in r.content.decode()


def test_commune_leader_cannot_create_users(client: Any, make_user: Any) -> None:
    login(client, make_user("commune_leader", DUC_TRONG))
    assert client.get("/users/").status_code == 200
    r = client.post("/users/new/", {"username": "x", "password": "Mat-khau-rat-manh-2025", "role": "admin"})
    assert r.status_code == 403


def test_audit_log_page_and_filters_for_admin(client: Any, make_user: Any) -> None:
    admin = make_user("admin")
    login(client, admin)
    r = client.get("/audit/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nhật ký hệ thống" in html and "Đăng nhập" in html
    r = client.get("/audit/", {"action": "login", "actor": admin.username})
    assert r.status_code == 200 and admin.username in r.content.decode()
    r = client.get("/audit/", {"since": "hôm qua"})
    assert r.status_code == 422 and "Từ ngày" in r.content.decode()
    r = client.get("/audit/", {"since": "2025-02-01", "until": "2025-01-01"})
    assert r.status_code == 422


def test_audit_export_csv(client: Any, make_user: Any) -> None:
    from binhyen.audit.models import AuditEvent

    admin = make_user("admin")
    login(client, admin)
    r = client.get("/audit/export.csv", {"action": "login"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("id,thoi_gian")
    assert all(",login," in line for line in lines[1:]) and len(lines) >= 2
    assert AuditEvent.objects.filter(action="export", actor=admin).exists()


def test_audit_is_admin_only(client: Any, make_user: Any) -> None:
    for user in (make_user("province_analyst", HANOI), make_user("commune_leader", DUC_TRONG)):
        client.post(reverse("logout"))
        login(client, user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
