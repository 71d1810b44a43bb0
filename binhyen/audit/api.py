"""/api/v1/audit: administrators browse and export the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import forbidden
from binhyen.audit import export
from binhyen.audit.models import AuditEvent

router = Router(tags=["audit"])


class AuditFilters(Schema):
    action: str | None = None
    actor: str | None = Field(None, description="tên đăng nhập")
    object_type: str | None = Field(None, description="ví dụ areas.area, accounts.user")
    since: datetime.date | None = None
    until: datetime.date | None = None


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    ip: str | None
    path: str
    detail: dict[str, Any]


class AuditList(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditOut]


def _out(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "actor": e.actor_label,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "ip": e.ip,
        "path": e.path,
        "detail": e.detail,
    }


def _require_admin(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.VIEW_AUDIT, None):
        raise forbidden()


@router.get("", response=AuditList, auth=STAFF_AUTH, summary="Nhật ký hệ thống")
def list_events(
    request: HttpRequest, filters: Query[AuditFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    _require_admin(request)
    return page(export.filtered(**filters.dict()), paging, _out)


@router.get("/export.csv", auth=STAFF_AUTH, summary="Xuất nhật ký ra CSV (mở được bằng Excel)")
def export_csv(request: HttpRequest, filters: Query[AuditFilters]) -> StreamingHttpResponse:
    _require_admin(request)
    return export.csv_response(export.filtered(**filters.dict()))
