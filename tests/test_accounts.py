from __future__ import annotations

import datetime
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from binhyen.accounts import domain, permissions
from binhyen.accounts.models import ApiToken, Role, TOTPDevice
from binhyen.accounts.permissions import Perm
from binhyen.areas.models import Area
from tests.conftest import DEMO_PASSWORD, DUC_TRONG, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db


def _token(client: Any, username: str, password: str = DEMO_PASSWORD, otp: str | None = None) -> Any:
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_token_and_me(client: Any, make_user: Any) -> None:
    make_user("commune_officer", DUC_TRONG, username="canbo", full_name="Nguyễn Văn Minh")
    r = _token(client, "canbo")
    assert r.status_code == 200
    token = r.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["username"] == "canbo" and me["roles"] == [
        {"role": "commune_officer", "area": DUC_TRONG, "area_name": "Xã Đức Trọng"}
    ]
    assert ApiToken.objects.get().key_hash != token  # only the hash is stored


def test_wrong_password_is_a_problem_in_vietnamese(client: Any, make_user: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    for username in ("dan", "khong-co"):
        r = _token(client, username, "sai-mat-khau")
        assert r.status_code == 401 and r["Content-Type"] == "application/problem+json"
        assert r.json()["detail"] == domain.BAD_CREDENTIALS


def test_lockout_after_repeated_failures_then_expires(client: Any, make_user: Any, settings: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        assert _token(client, "dan", "sai").status_code == 401
    r = _token(client, "dan")  # right password, but locked
    assert r.status_code == 429 and "tạm khoá" in r.json()["detail"]
    later = timezone.now() + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _token(client, "dan").status_code == 200


def test_bad_token_rejected_and_revoked_token_stops_working(client: Any, make_user: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer by_nope").status_code == 401
    token = _token(client, "dan").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_expired_token_rejected(client: Any, make_user: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    token = _token(client, "dan").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_totp_required_once_confirmed(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG, username="canbo")
    device = domain.start_totp(user)
    assert "otpauth://totp/" in domain.provisioning_uri(device)
    assert _token(client, "canbo").status_code == 200  # not yet confirmed
    assert domain.confirm_totp(user, pyotp.TOTP(device.secret).now())
    r = _token(client, "canbo")
    assert r.status_code == 401 and r.json()["code"] == "otp_required"
    assert _token(client, "canbo", otp="000000").status_code == 401
    TOTPDevice.objects.update(last_counter=0)
    assert _token(client, "canbo", otp=pyotp.TOTP(device.secret).now()).status_code == 200
    # The same code cannot be replayed.
    assert _token(client, "canbo", otp=pyotp.TOTP(device.secret).now()).status_code == 401


@pytest.mark.parametrize(
    "password, fragment",
    [("Ab-1", "quá ngắn"), ("1234567890123", "là số"), ("password123", "quá phổ biến")],
)
def test_weak_passwords_refused_in_vietnamese(make_user: Any, password: str, fragment: str) -> None:
    from django.utils import translation

    with translation.override("vi"), pytest.raises(domain.UserError) as e:
        domain.create_user(domain.NewUser("moi", password, Role.RESIDENT, DUC_TRONG))
    assert e.value.field == "password" and fragment in e.value.message


def test_reused_password_refused(make_user: Any) -> None:
    user = make_user("resident", DUC_TRONG)
    domain.change_password(user, "Mot-mat-khau-moi-2026")
    for old in (DEMO_PASSWORD, "Mot-mat-khau-moi-2026"):
        with pytest.raises(domain.UserError) as e:
            domain.change_password(user, old)
        assert "đã được dùng" in e.value.message
    domain.change_password(user, "Hoan-toan-khac-2027")


@pytest.mark.parametrize(
    "role, area, field",
    [("resident", "99999", "area"), ("province_analyst", DUC_TRONG, "area"), ("boss", DUC_TRONG, "role")],
)
def test_bad_user_input(role: str, area: str, field: str) -> None:
    with pytest.raises(domain.UserError) as e:
        domain.create_user(domain.NewUser("moi", DEMO_PASSWORD, role, area))
    assert e.value.field == field


def test_duplicate_username(make_user: Any) -> None:
    make_user("resident", DUC_TRONG, username="dan")
    with pytest.raises(domain.UserError) as e:
        domain.create_user(domain.NewUser("DAN", DEMO_PASSWORD, "resident", DUC_TRONG))
    assert e.value.field == "username"


def test_permission_scopes_follow_the_tree(make_user: Any) -> None:
    analyst = make_user("province_analyst", LAM_DONG)
    officer = make_user("commune_officer", DUC_TRONG)
    admin = make_user("admin", None)
    duc_trong, hoan_kiem = Area.objects.get(code=DUC_TRONG), Area.objects.get(code=HOAN_KIEM)
    assert permissions.has_perm(analyst, Perm.VIEW_DASHBOARD, duc_trong)
    assert not permissions.has_perm(analyst, Perm.VIEW_DASHBOARD, hoan_kiem)
    assert not permissions.has_perm(analyst, Perm.VIEW_DASHBOARD, None)  # None = the nation
    assert permissions.has_perm(officer, Perm.MANAGE_VILLAGES, duc_trong)
    assert not permissions.has_perm(analyst, Perm.MANAGE_VILLAGES, duc_trong)
    assert permissions.has_perm(admin, Perm.VIEW_AUDIT, None)
    assert permissions.scope(admin, Perm.VIEW_USERS) is None
    assert permissions.scope(officer, Perm.VIEW_USERS) == []
    assert permissions.home_area(officer) == duc_trong and permissions.home_area(admin) is None


def test_inactive_user_has_no_permissions(make_user: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    officer.is_active = False
    assert not permissions.has_perm(officer, Perm.VIEW_DASHBOARD)
