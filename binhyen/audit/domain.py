"""The audit log's public interface: other apps call `record` and `record_read`, nothing else."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from binhyen.audit.models import Action, AuditEvent

# The request (or command) being served; set by AuditContextMiddleware and `acting_as`.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "audit_context", default=None
)


def set_request(request: Any) -> contextvars.Token:
    return _context.set({"request": request})


def reset(token: contextvars.Token) -> None:
    _context.reset(token)


@contextmanager
def acting_as(label: str, user: Any = None) -> Iterator[None]:
    """For commands and tasks: whose action this is when there is no request."""
    token = _context.set({"label": label, "user": user})
    try:
        yield
    finally:
        _context.reset(token)


def _who() -> dict[str, Any]:
    ctx = _context.get() or {}
    request = ctx.get("request")
    if request is None:
        user = ctx.get("user")
        return {
            "actor": user if user is not None and getattr(user, "pk", None) else None,
            "actor_label": (user.username if user is not None else ctx.get("label")) or "system",
        }
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "actor": user if authenticated else None,
        "actor_label": getattr(user, "username", "") if authenticated else "anonymous",
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:200],
        "path": request.get_full_path()[:300],
    }


def object_type(obj_or_model: models.Model | type[models.Model]) -> str:
    return obj_or_model._meta.label_lower


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    object_type_label: str = "",
    object_id: str = "",
    area_path: str = "",
    detail: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEvent:
    who = _who()
    if actor is not None:
        who["actor"], who["actor_label"] = actor, actor.username
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type(obj) if obj is not None else object_type_label,
        object_id=str(obj.pk) if obj is not None else object_id,
        area_path=area_path,
        detail=detail or {},
        **who,
    )


def record_read(obj: models.Model, fields: list[str], area_path: str = "", purpose: str = "") -> AuditEvent:
    """Every read of personal data goes through here."""
    detail: dict[str, Any] = {"fields": fields}
    if purpose:
        detail["purpose"] = purpose
    return record(Action.READ, obj, area_path=area_path, detail=detail)
