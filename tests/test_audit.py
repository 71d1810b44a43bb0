from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection, transaction

from binhyen.areas import domain as areas
from binhyen.audit.models import AuditEvent
from tests.conftest import DUC_TRONG

pytestmark = pytest.mark.django_db


def _auth(client: Any, api_token: Any, user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_create_update_delete_recorded_with_actor_and_place(
    client: Any, make_user: Any, api_token: Any
) -> None:
    officer = make_user("commune_officer", DUC_TRONG, username="canbo")
    auth = _auth(client, api_token, officer)
    r = client.post(
        "/api/v1/areas",
        {"parent": DUC_TRONG, "name": "Thôn Tân Lập", "type": "thôn"},
        content_type="application/json",
        HTTP_USER_AGENT="ZaloBrowser",
        **auth,
    )
    code = r.json()["code"]
    client.patch(f"/api/v1/areas/{code}", {"population": 1234}, content_type="application/json", **auth)
    client.delete(f"/api/v1/areas/{code}", **auth)
    events = list(AuditEvent.objects.filter(object_type="areas.area", actor_label="canbo").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    create, update, delete = events
    assert all(e.actor_label == "canbo" and e.actor_id == officer.pk for e in events)
    assert create.ip == "127.0.0.1" and create.user_agent == "ZaloBrowser" and create.path == "/api/v1/areas"
    assert create.area_path.startswith("68") and "name" in create.detail["fields"]
    assert update.detail["fields"] == ["population"]
    assert delete.detail["name"] == "Thôn Tân Lập"


def test_reads_of_personal_data_are_recorded(client: Any, make_user: Any, api_token: Any) -> None:
    leader = make_user("commune_leader", DUC_TRONG, username="lanhdao")
    person = make_user("resident", DUC_TRONG, username="dan", phone="0988000111")
    auth = _auth(client, api_token, leader)
    before = AuditEvent.objects.filter(action="read").count()
    r = client.get(f"/api/v1/users/{person.pk}", **auth)
    assert r.json()["phone"] == "0988000111"
    read = AuditEvent.objects.filter(action="read").latest("id")
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    assert (read.actor_label, read.object_type, read.object_id) == (
        "lanhdao",
        "accounts.user",
        str(person.pk),
    )
    assert read.detail["fields"] == ["full_name", "phone"]
    # The list carries no personal data and is not a personal-data read.
    client.get("/api/v1/users", **auth)
    assert AuditEvent.objects.filter(action="read").count() == before + 1


def test_secrets_never_copied_into_the_log(make_user: Any) -> None:
    user = make_user("resident", DUC_TRONG)
    for e in AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)):
        assert user.password not in str(e.detail)
        assert "password" not in e.detail.get("fields", []) or e.action == "update"


def test_logins_and_failures_recorded(client: Any, make_user: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    client.post("/api/v1/auth/token", {"username": "dan", "password": "sai"}, content_type="application/json")
    assert AuditEvent.objects.filter(action="login_failed", detail__username="dan").exists()


def test_append_only_in_orm_and_database(make_user: Any) -> None:
    make_user("resident", DUC_TRONG)
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(actor_label="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE audit_auditevent SET actor_label = 'x'")
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM audit_auditevent")


def test_admin_browses_filters_and_exports(client: Any, make_user: Any, api_token: Any) -> None:
    admin = make_user("admin", None, username="quantri")
    areas.create_village(areas.get_area(DUC_TRONG), areas.VillageInput("Thôn Đa Thọ", "thôn"))
    auth = _auth(client, api_token, admin)
    body = client.get("/api/v1/audit?object_type=areas.area&limit=5", **auth).json()
    assert body["count"] >= 1 and body["items"][0]["object_type"] == "areas.area"
    r = client.get("/api/v1/audit/export.csv?object_type=areas.area", **auth)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "thoi_gian", "nguoi_thuc_hien", "hanh_dong"]
    assert any(row[4] == "areas.area" for row in rows[1:])
    assert AuditEvent.objects.filter(action="export", actor_label="quantri").exists()


def test_commands_are_attributed(make_user: Any) -> None:
    from django.core.management import call_command

    call_command("areas", "load", verbosity=0)
    event = AuditEvent.objects.filter(action="command").latest("id")
    assert event.actor_label == "system: areas load" and event.actor_id is None
