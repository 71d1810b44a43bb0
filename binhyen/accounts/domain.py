"""Accounts: login with lockout and optional TOTP, API tokens, creating users with roles."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import ApiToken, LoginAttempt, Role, RoleGrant, TOTPDevice, User
from binhyen.core.text import nfc


class LoginError(Exception):
    """Login refused; `message` is Vietnamese and safe to show."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


# --- lockout ----------------------------------------------------------------------------------------


def locked_until(username: str) -> datetime.datetime | None:
    """After N failures in the window since the last success, the account is locked for the window."""
    window = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    since = timezone.now() - window
    last_ok = (
        LoginAttempt.objects.filter(username=username, success=True, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(username=username, success=False, at__gte=last_ok or since)
    if failures.count() < settings.LOGIN_LOCKOUT_FAILURES:
        return None
    newest = failures.order_by("-at").values_list("at", flat=True).first()
    assert newest is not None
    return newest + window


def record_attempt(username: str, ip: str | None, success: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip, success=success)


def check_credentials(username: str, password: str, ip: str | None) -> User:
    """Password step, shared by the web login and the API token endpoint."""
    username = nfc(username or "")
    until = locked_until(username)
    if until is not None:
        local = timezone.localtime(until)
        raise LoginError(
            f"Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau {local:%H:%M}.", "locked"
        )
    user = User.objects.filter(username=username).first()
    if user is None:
        User().set_password(password)  # spend the hashing time anyway: no username probing by timing
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    record_attempt(username, ip, ok)
    if not ok or user is None:
        raise LoginError(BAD_CREDENTIALS, "invalid")
    return user


# --- TOTP -------------------------------------------------------------------------------------------


def totp_required(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_totp(user: User, code: str) -> bool:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device is not None and _accept_code(device, code)


def _accept_code(device: TOTPDevice, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for drift in (-1, 0, 1):
        at = now + datetime.timedelta(seconds=30 * drift)
        counter = int(at.timestamp()) // 30
        if counter > device.last_counter and secrets.compare_digest(totp.at(at), code):
            TOTPDevice.objects.filter(pk=device.pk).update(last_counter=counter)
            return True
    return False


def start_totp(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "confirmed": False, "last_counter": 0}
    )
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name="Bình Yên")


def confirm_totp(user: User, code: str) -> bool:
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None or not _accept_code(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def disable_totp(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def login(username: str, password: str, otp: str | None, ip: str | None) -> User:
    """Both steps at once, for the API."""
    user = check_credentials(username, password, ip)
    if totp_required(user):
        if not otp:
            raise LoginError("Tài khoản bật xác thực hai bước: cần mã OTP.", "otp_required")
        if not verify_totp(user, otp):
            record_attempt(user.username, ip, False)
            raise LoginError("Mã OTP không đúng.", "otp_invalid")
    return user


# --- API tokens -------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = "by_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_hash(token),
        prefix=token[3:9],
        expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token


def user_for_token(token: str) -> User | None:
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)  # not on every call: write load
    return row.user


def revoke_token(token: str) -> bool:
    return bool(
        ApiToken.objects.filter(key_hash=_hash(token), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


# --- users ------------------------------------------------------------------------------------------


@dataclass
class NewUser:
    username: str
    password: str
    role: str
    area_code: str | None
    full_name: str = ""
    phone: str = ""


class UserError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Which level of area each role is granted on.
ROLE_LEVELS: dict[str, tuple[int, ...]] = {
    Role.RESIDENT: (2, 3),
    Role.GROUP_LEADER: (2, 3),
    Role.COMMUNE_OFFICER: (2,),
    Role.COMMUNE_LEADER: (2,),
    Role.PROVINCE_ANALYST: (1,),
    Role.ADMIN: (),
}


def create_user(data: NewUser) -> User:
    from binhyen.areas.models import Area

    username = nfc(data.username or "")
    if not username or len(username) > 150:
        raise UserError("Tên đăng nhập không được để trống (tối đa 150 ký tự).", "username")
    if User.objects.filter(username__iexact=username).exists():
        raise UserError(f"Tên đăng nhập «{username}» đã có người dùng.", "username")
    if data.role not in Role.values:
        raise UserError(f"Vai trò «{data.role}» không hợp lệ.", "role")
    area = None
    if data.role != Role.ADMIN or data.area_code:
        area = Area.objects.filter(code=data.area_code or "").first()
        if area is None:
            raise UserError(f"Không có đơn vị hành chính mã «{data.area_code or ''}».", "area")
        if ROLE_LEVELS[data.role] and area.level not in ROLE_LEVELS[data.role]:
            raise UserError("Vai trò này không gán được cho cấp đơn vị đã chọn.", "area")
    user = User(username=username, full_name=nfc(data.full_name), phone=nfc(data.phone))
    try:
        password_validation.validate_password(data.password, user)
    except ValidationError as e:
        raise UserError(" ".join(e.messages), "password") from None
    with transaction.atomic():
        user.set_password(data.password)
        user.is_staff = user.is_superuser = data.role == Role.ADMIN
        user.save()
        RoleGrant.objects.create(user=user, role=data.role, area=area)
    return user


def change_password(user: User, new_password: str) -> None:
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as e:
        raise UserError(" ".join(e.messages), "password") from None
    user.set_password(new_password)
    user.save()


def client_ip(request: Any) -> str | None:
    # Behind a proxy, the proxy sets REMOTE_ADDR to the client (see docs/deployment.md).
    return request.META.get("REMOTE_ADDR") or None


def counts_by_role(area: Any) -> dict[str, int]:
    """Role grants in an area's subtree, one indexed count per role (no GROUP BY)."""
    from binhyen.areas.models import Area

    qs = RoleGrant.objects.all()
    if area is not None:
        qs = qs.filter(area__in=Area.objects.within(area))
    return {role: qs.filter(role=role, user__is_active=True).count() for role in Role.values}
