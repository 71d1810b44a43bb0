"""/api/v1/auth, /api/v1/me, /api/v1/users."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.accounts import domain, permissions
from binhyen.accounts.models import User
from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH, bearer
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.audit import domain as audit

auth_router = Router(tags=["auth"])
me_router = Router(tags=["auth"])
users_router = Router(tags=["users"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(None, description="mã xác thực hai bước, nếu tài khoản đã bật")


class TokenOut(Schema):
    token: str
    expires_in_days: int


@auth_router.post("/token", response=TokenOut, summary="Lấy token truy cập API")
def token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    try:
        user = domain.login(payload.username, payload.password, payload.otp, domain.client_ip(request))
    except domain.LoginError as e:
        if e.code != "locked":
            audit.record(
                "login_failed",
                object_type_label="accounts.user",
                detail={"username": payload.username[:150], "via": "api", "reason": e.code},
            )
        raise ApiProblem(429 if e.code == "locked" else 401, e.message, code=e.code) from None
    audit.record("login", user, actor=user, detail={"via": "api"})
    from django.conf import settings

    return {"token": domain.issue_token(user), "expires_in_days": settings.API_TOKEN_DAYS}


@auth_router.delete("/token", response={204: None}, auth=bearer, summary="Thu hồi token đang dùng")
def revoke(request: HttpRequest) -> Status[None]:
    header = request.headers.get("Authorization", "")
    domain.revoke_token(header.split(" ", 1)[1].strip() if " " in header else "")
    return Status(204, None)


class GrantOut(Schema):
    role: str
    area: str | None
    area_name: str | None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[GrantOut]
    two_factor: bool


def _grants(user: User) -> list[dict[str, Any]]:
    return [
        {
            "role": g.role,
            "area": g.area.code if g.area else None,
            "area_name": g.area.name if g.area else None,
        }
        for g in user.grants.select_related("area")
    ]


@me_router.get("", response=MeOut, auth=STAFF_AUTH, summary="Tài khoản đang đăng nhập")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": _grants(user),
        "two_factor": domain.totp_required(user),
    }


class UserOut(Schema):
    id: int
    username: str
    is_active: bool
    roles: list[GrantOut]


class UserDetail(UserOut):
    full_name: str
    phone: str


class UserList(Schema):
    count: int
    limit: int
    offset: int
    items: list[UserOut]


def _user_out(u: User) -> dict[str, Any]:
    return {"id": u.pk, "username": u.username, "is_active": u.is_active, "roles": _grants(u)}


def _visible_users(request: HttpRequest):  # type: ignore[no-untyped-def]
    roots = permissions.scope(request.user, Perm.VIEW_USERS)
    qs = User.objects.order_by("username")
    if roots is None:
        return qs
    if not roots:
        raise forbidden()
    from binhyen.areas.models import Area

    return qs.filter(grants__area__in=Area.objects.within_any(roots)).distinct()


@users_router.get("", response=UserList, auth=STAFF_AUTH, summary="Người dùng trong phạm vi quản lý")
def list_users(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    return page(_visible_users(request), paging, _user_out)


@users_router.get(
    "/{user_id}",
    response=UserDetail,
    auth=STAFF_AUTH,
    summary="Chi tiết người dùng (có dữ liệu cá nhân: được ghi nhật ký)",
)
def get_user(request: HttpRequest, user_id: int) -> dict[str, Any]:
    user = _visible_users(request).filter(pk=user_id).first()
    if user is None:
        raise ApiProblem(404, "Không tìm thấy người dùng trong phạm vi của bạn.")
    audit.record_read(user, ["full_name", "phone"])
    return {**_user_out(user), "full_name": user.full_name, "phone": user.phone}


class UserIn(Schema):
    username: str
    password: str
    role: str = Field(
        ...,
        description="resident | group_leader | commune_officer | commune_leader | province_analyst | admin",
    )
    area: str | None = Field(None, description="mã đơn vị hành chính phạm vi của vai trò")
    full_name: str = ""
    phone: str = ""


@users_router.post("", response={201: UserOut}, auth=STAFF_AUTH, summary="Tạo người dùng với vai trò")
def create_user(request: HttpRequest, payload: UserIn) -> Status[dict[str, Any]]:
    if not has_perm(request.user, Perm.MANAGE_USERS, None):
        raise forbidden()
    try:
        user = domain.create_user(
            domain.NewUser(
                payload.username,
                payload.password,
                payload.role,
                payload.area,
                payload.full_name,
                payload.phone,
            )
        )
    except domain.UserError as e:
        raise ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}]) from None
    return Status(201, _user_out(user))
