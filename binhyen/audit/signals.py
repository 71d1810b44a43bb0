"""Every create, update and delete of our own models lands in the audit log, whatever path made it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save

from binhyen.audit import domain
from binhyen.audit.models import Action, AuditEvent

# Noise, not actions: login attempts and token use are recorded as login events instead.
SKIP = {
    "audit.auditevent",
    "accounts.loginattempt",
    "accounts.passwordhistory",
    "django_tasks_db.dbtaskresult",
    # Bookkeeping, not actions: replayable answers, rate-limit counters, scheduler state.
    "api.idempotencyrecord",
    "core.throttle",
    "core.periodicrun",
    # The alerts outbox: one row per recipient and channel, written by the fan-out and leased, sent and
    # marked by the senders (hundreds of thousands per alert). Who sent or cancelled the alert, and every
    # change to a subscription, stay audited through alerts.alert and alerts.subscription.
    "alerts.delivery",
    # Derived figures, recomputed from the records that are themselves audited.
    "stats.count",
    "stats.dirty",
    "stats.rollupstate",
    # Already a log of who did what to a tip, with the actor.
    "tips.tipevent",
}
# Bookkeeping columns: a change to only these is not an action.
NOT_CHANGES = {"updated_at", "last_login"}
# Never copy these values into the log.
SECRET_FIELDS = {"password", "secret", "key_hash", "content", "last_login", "last_counter", "updated_at"}


def _audited(sender: type[models.Model]) -> bool:
    return sender.__module__.startswith("binhyen.") and sender._meta.label_lower not in SKIP


def _snapshot(instance: models.Model) -> dict[str, Any]:
    deferred = instance.get_deferred_fields()  # reading those would query (and recurse into on_init)
    return {
        f.attname: getattr(instance, f.attname, None)
        for f in instance._meta.concrete_fields
        if f.attname not in deferred
    }


def _area_path(instance: models.Model) -> str:
    for attr in ("path", "area_path"):
        value = getattr(instance, attr, None)
        if isinstance(value, str):
            return value
    area = getattr(instance, "area", None)
    return getattr(area, "path", "") if area is not None else ""


def on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _audited(sender) and instance.pk is not None:
        instance._audit_original = _snapshot(instance)  # type: ignore[attr-defined]


def on_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    if not _audited(sender) or kwargs.get("raw"):
        return
    now = _snapshot(instance)
    if created:
        changed = sorted(k for k, v in now.items() if v not in (None, "") and k not in SECRET_FIELDS)
        domain.record(Action.CREATE, instance, area_path=_area_path(instance), detail={"fields": changed})
    else:
        before = getattr(instance, "_audit_original", {})
        changed = sorted(k for k, v in now.items() if before.get(k) != v and k not in NOT_CHANGES)
        if not changed:
            return
        domain.record(Action.UPDATE, instance, area_path=_area_path(instance), detail={"fields": changed})
    instance._audit_original = now  # type: ignore[attr-defined]


def on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _audited(sender):
        domain.record(
            Action.DELETE,
            instance,
            area_path=_area_path(instance),
            detail={"name": str(getattr(instance, "name", ""))} if hasattr(instance, "name") else {},
        )


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    domain.record(Action.LOGIN, user, actor=user)


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        domain.record(Action.LOGOUT, user, actor=user)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    domain.record(
        Action.LOGIN_FAILED,
        object_type_label="accounts.user",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


def connect() -> None:
    post_init.connect(on_init, dispatch_uid="audit-init")
    post_save.connect(on_save, dispatch_uid="audit-save")
    post_delete.connect(on_delete, dispatch_uid="audit-delete")
    auth_signals.user_logged_in.connect(on_login, dispatch_uid="audit-login")
    auth_signals.user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")


__all__ = ["connect", "AuditEvent"]
