"""Alert pages (included at /canh-bao/): compose with a live audience estimate and each channel's problems,
the approval queue for wide alerts, the list, an alert's page with delivery counts that move live (SSE,
and a plain table on reload without JavaScript), cancel; the inbox with "đã nhận" / "đang đến", the live
stream every logged-in page listens to (static/alerts/live.js), subscriptions and the one-click
unsubscribe page (no login).

Rules live in alerts.domain; a refused form comes back with what was typed and the reason next to the
field (status 422), and nothing is sent.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, home_area, scope
from binhyen.alerts import domain
from binhyen.alerts.models import (
    Alert,
    AlertStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Severity,
    Subscription,
)
from binhyen.areas.models import Area, Level
from binhyen.core import ratelimit
from binhyen.organisations.models import Organisation

# The live streams end after this long; EventSource reconnects by itself (with Last-Event-ID).
STREAM_SECONDS = 30.0
POLL_SECONDS = 1.0
HEARTBEAT = ":\n\n"  # an SSE comment
EXPIRY_HOURS = (1, 3, 6, 12, 24, 72)
LIST_LIMIT = 200
# Channels a resident can choose on the subscription form (Web Push needs the browser's permission,
# which the live script asks for; it is not a form field).
SUBSCRIPTION_CHANNELS = (Channel.WEB, Channel.EMAIL, Channel.SMS, Channel.ZALO, Channel.WEBHOOK)


def _consent_text() -> str:
    return str(domain.CONSENT_TEXT)


# --- permissions ------------------------------------------------------------------------------------


def can_send(user: Any) -> bool:
    return has_perm(user, Perm.SEND_ALERTS)


def can_view(user: Any) -> bool:
    return any(has_perm(user, p) for p in (Perm.VIEW_ALERTS, Perm.SEND_ALERTS, Perm.APPROVE_ALERTS))


def can_approve(user: Any) -> bool:
    return has_perm(user, Perm.APPROVE_ALERTS)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _raise(e: domain.AlertError) -> None:
    """An AlertError that is not about the form: 403 / 404 pages."""
    if e.status == 404:
        raise Http404(e.message)
    if e.status == 403:
        raise PermissionDenied(e.message)


def _alert_or_404(request: HttpRequest, pk: int) -> Alert:
    try:
        return domain.get_alert(request.user, pk)
    except domain.AlertError as e:
        _raise(e)
        raise Http404(e.message) from None


# --- parsing form values ----------------------------------------------------------------------------


class FormError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_local_datetime(text: str, field: str) -> datetime.datetime | None:
    text = (text or "").strip().replace(" ", "T")
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise FormError(field, "Thời điểm không hợp lệ (ngày và giờ, ví dụ 2025-08-01 20:30).") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def parse_float(text: str, field: str, label: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        raise FormError(field, f"{label} phải là một số.") from None


def parse_int(text: str, field: str, label: str) -> int | None:
    text = (text or "").strip().replace(".", "").replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise FormError(field, f"{label} phải là một số nguyên.") from None


def parse_time(text: str, field: str) -> datetime.time | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise FormError(field, "Giờ không hợp lệ (ví dụ 22:00).") from None


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


COMPOSE_FIELDS = (
    "kind",
    "severity",
    "headline",
    "text",
    "instruction",
    "latitude",
    "longitude",
    "radius_m",
    "expires_in",
    "expires_at",
    "send",
    "send_at",
    "commune",
)
CHECKBOXES = ("urgent", "to_members", "to_subscribers", "to_camera_owners", "public")


def compose_values(post: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: (post.get(k) or "").strip()[:5000] for k in COMPOSE_FIELDS}
    for k in CHECKBOXES:
        values[k] = bool(post.get(k))
    values["areas"] = [c.strip() for c in post.getlist("areas") if c.strip()][:500]
    values["organisations"] = [o for o in post.getlist("organisations") if o.strip()][:100]
    return values


def alert_input(values: dict[str, Any]) -> domain.AlertInput:
    """The domain's input from the form's values; FormError for what cannot even be read."""
    send_at = None
    if values.get("send") == "later":
        send_at = parse_local_datetime(values.get("send_at", ""), "send_at")
        if send_at is None:
            raise FormError("send_at", "Chọn thời điểm gửi, hoặc chọn gửi ngay.")
    start = send_at or timezone.now()
    expires_at: datetime.datetime | None
    if values.get("expires_in") == "custom" or (values.get("expires_at") and not values.get("expires_in")):
        expires_at = parse_local_datetime(values.get("expires_at", ""), "expires_at")
        if expires_at is None:
            raise FormError("expires_at", "Chọn thời điểm cảnh báo hết hiệu lực.")
    else:
        hours = parse_int(values.get("expires_in") or "6", "expires_at", "Thời hạn")
        expires_at = start + datetime.timedelta(hours=hours or 6)
    latitude = parse_float(values.get("latitude", ""), "latitude", "Vĩ độ")
    longitude = parse_float(values.get("longitude", ""), "longitude", "Kinh độ")
    radius = parse_int(values.get("radius_m", ""), "radius_m", "Bán kính")
    if (latitude is None) != (longitude is None):
        raise FormError("latitude", "Chọn đủ cả vĩ độ và kinh độ (chạm vào bản đồ).")
    return domain.AlertInput(
        kind=values.get("kind", ""),
        severity=values.get("severity", "") or Severity.MODERATE,
        headline=values.get("headline", ""),
        text=values.get("text", ""),
        expires_at=expires_at,
        area_codes=list(values.get("areas", [])),
        latitude=latitude,
        longitude=longitude,
        radius_m=radius if latitude is not None else None,
        urgent=bool(values.get("urgent")),
        instruction=values.get("instruction", ""),
        to_members=bool(values.get("to_members")),
        organisation_ids=_ints(values.get("organisations", [])),
        to_subscribers=bool(values.get("to_subscribers")),
        to_camera_owners=bool(values.get("to_camera_owners")),
        public=bool(values.get("public")),
        send_at=send_at,
    )


# --- the compose form -------------------------------------------------------------------------------


def _communes_in(roots: list[Area]) -> list[Area]:
    """Communes the sender may pick from (province grants list their communes)."""
    communes: dict[int, Area] = {}
    for root in roots:
        if root.level == Level.PROVINCE:
            for c in Area.objects.filter(parent=root, level=Level.COMMUNE).order_by("name"):
                communes[c.pk] = c
        elif root.level == Level.COMMUNE:
            communes[root.pk] = root
        elif root.parent is not None:
            communes[root.parent.pk] = root.parent
    return sorted(communes.values(), key=lambda a: a.name)


def area_groups(user: Any, commune_code: str) -> dict[str, Any]:
    """What the sender can tick: villages grouped by commune (and the whole commune where allowed)."""
    roots = scope(user, Perm.SEND_ALERTS)
    nation = roots is None
    communes = [] if roots is None else _communes_in(roots)
    chosen = None
    if commune_code:
        candidate = Area.objects.filter(code=commune_code[:16], level=Level.COMMUNE).first()
        if candidate is not None and (
            nation or any(r.contains(candidate) or candidate.contains(r) for r in roots or [])
        ):
            chosen = candidate
    if chosen is None and communes and not nation:
        own = home_area(user)
        chosen = next((c for c in communes if own is not None and c.contains(own)), communes[0])
    groups = []
    if chosen is not None:
        whole = has_perm(user, Perm.SEND_ALERTS, chosen)
        villages = Area.objects.filter(parent=chosen, level=Level.VILLAGE).order_by("name")
        if not whole:
            villages = villages.filter(pk__in=[r.pk for r in roots or [] if r.level == Level.VILLAGE])
        groups.append({"commune": chosen, "whole": whole, "villages": list(villages)})
    organisations = []
    if chosen is not None:
        organisations = list(
            Organisation.objects.filter(commune=chosen, dissolved_on__isnull=True).order_by("name")[:200]
        )
    return {
        "groups": groups,
        "communes": communes if len(communes) > 1 else [],
        "commune": chosen,
        "nation": nation,
        "organisations": organisations,
    }


def _channel_problems() -> list[dict[str, Any]]:
    try:
        status = domain.channel_status()
    except Exception:  # a broken channel module must not break the form
        return []
    labels = dict(Channel.choices)
    return [{"channel": k, "label": labels.get(k, k), "problems": list(v)} for k, v in status.items() if v]


def _compose_context(request: HttpRequest, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    from django.conf import settings

    context = area_groups(request.user, values.get("commune", ""))
    context.update(
        values=values,
        errors=errors,
        kinds=Kind.choices,
        severities=Severity.choices,
        expiry_hours=EXPIRY_HOURS,
        channel_problems=_channel_problems(),
        tile_url=settings.MAP_TILE_URL,
        tile_attribution=settings.MAP_TILE_ATTRIBUTION,
    )
    return context


def _default_values(request: HttpRequest) -> dict[str, Any]:
    return {
        "kind": Kind.SECURITY,
        "severity": Severity.SEVERE,
        "to_subscribers": True,
        "public": True,
        "send": "now",
        "expires_in": "6",
        "commune": (request.GET.get("commune") or "").strip(),
        "areas": [],
        "organisations": [],
        "radius_m": "500",
    }


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    _require(can_send(request.user), _("You may not send alerts."))
    if request.method == "GET":
        return render(request, "alerts/compose.html", _compose_context(request, _default_values(request), {}))
    values = compose_values(request.POST)
    try:
        data = alert_input(values)
        alert = domain.compose(request.user, data)
    except FormError as e:
        errors = {e.field: e.message, "all": e.message}
        return render(request, "alerts/compose.html", _compose_context(request, values, errors), status=422)
    except domain.AlertError as e:
        _raise(e)  # outside the sender's areas: the form never offers those, so a plain 403
        errors = {_field_key(e.field): e.message, "all": e.message}
        return render(request, "alerts/compose.html", _compose_context(request, values, errors), status=422)
    if alert.status == AlertStatus.PENDING:
        messages.success(request, _("The alert waits for a second person's approval."))
    elif alert.status == AlertStatus.SCHEDULED:
        messages.success(request, _("The alert is scheduled."))
    else:
        messages.success(request, _("The alert is being sent."))
    return redirect("alerts:detail", alert.pk)


FIELD_KEYS = {
    "area_codes": "areas",
    "organisation_ids": "organisations",
    "to_members": "audience",
    "to_subscribers": "audience",
    "to_camera_owners": "audience",
    "recipients": "audience",
    "radius": "radius_m",
    "longitude": "latitude",
    "point": "latitude",
    "expires": "expires_at",
}


def _field_key(field: str | None) -> str:
    field = field or "all"
    return FIELD_KEYS.get(field, field)


@login_required
@require_POST
def estimate(request: HttpRequest) -> HttpResponse:
    """The audience estimate of the form as it is now (htmx, on every change)."""
    _require(can_send(request.user), _("You may not send alerts."))
    values = compose_values(request.POST)
    context: dict[str, Any] = {"channel_problems": _channel_problems()}
    try:
        result = domain.estimate(request.user, alert_input(values))
    except FormError as e:
        context["error"] = e.message
    except domain.AlertError as e:
        _raise(e)
        context["error"] = e.message
    else:
        labels = dict(Channel.choices)
        context["total"] = result.get("total", 0)
        context["by_channel"] = [
            {"channel": k, "label": labels.get(k, k), "count": n}
            for k, n in result.get("by_channel", {}).items()
        ]
    return render(request, "alerts/_estimate.html", context)


# --- list, queue, alert page ------------------------------------------------------------------------


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    _require(can_view(request.user), _("You may not view alerts."))
    status = request.GET.get("status", "")
    alerts = domain.visible_alerts(request.user)
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    return render(
        request,
        "alerts/list.html",
        {
            "alerts": list(alerts[:LIST_LIMIT]),
            "status": status,
            "statuses": AlertStatus.choices,
            "can_send": can_send(request.user),
            "can_approve": can_approve(request.user),
            "pending": domain.visible_alerts(request.user).filter(status=AlertStatus.PENDING).count(),
        },
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _require(can_approve(request.user), _("You may not approve alerts."))
    alerts = domain.visible_alerts(request.user).filter(status=AlertStatus.PENDING).order_by("created_at")
    return render(request, "alerts/queue.html", {"alerts": list(alerts[:LIST_LIMIT])})


CANCELLABLE = (AlertStatus.DRAFT, AlertStatus.PENDING, AlertStatus.SCHEDULED, AlertStatus.SENDING)
COUNT_KEYS = ("total", "queued", "sending", "sent", "delivered", "failed", "acknowledged", "responding")


def counts_of(alert: Alert) -> dict[str, Any]:
    raw = domain.counts(alert)
    out: dict[str, Any] = {k: int(raw.get(k, 0) or 0) for k in COUNT_KEYS}
    by_channel = raw.get("by_channel") or {}
    out["by_channel"] = {str(k): {kk: int(vv or 0) for kk, vv in v.items()} for k, v in by_channel.items()}
    out["status"] = alert.status
    return out


def columns() -> list[tuple[str, str]]:
    return [
        ("queued", _("Queued")),
        ("sending", _("Sending")),
        ("sent", _("Sent")),
        ("delivered", _("Delivered")),
        ("failed", _("Failed")),
        ("acknowledged", _("Acknowledged")),
        ("responding", _("On the way")),
        ("total", _("Total")),
    ]


def _counts_rows(counts: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dict(Channel.choices)
    keys = [k for k, _label in columns()]
    return [
        {"channel": k, "label": labels.get(k, k), "cells": [{"key": c, "value": v.get(c, 0)} for c in keys]}
        for k, v in counts["by_channel"].items()
    ]


def _detail_context(request: HttpRequest, alert: Alert) -> dict[str, Any]:
    from binhyen.alerts import cap

    counts = counts_of(alert)
    user = request.user
    areas = cap.area_rows(alert)
    cancellable = alert.status in CANCELLABLE
    return {
        "alert": alert,
        "areas": areas,
        "counts": counts,
        "columns": columns(),
        "rows": _counts_rows(counts),
        "can_cancel": cancellable
        and (alert.created_by_id == user.pk or all(has_perm(user, Perm.APPROVE_ALERTS, a) for a in areas)),
        "can_decide": domain.can_approve(user, alert),
        "published": cap.is_published(alert),
        "expired": alert.expires_at <= timezone.now(),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alert = domain.get_alert(request.user, pk)
    except domain.AlertError as e:
        # A recipient who may not view alerts (a resident opening a push notification or an email link):
        # their own copy in the inbox.
        me: Any = request.user
        own = Delivery.objects.filter(alert_id=pk, user=me).order_by("pk")
        mine = own.filter(channel=Channel.WEB).first() or own.first()
        if mine is not None and has_perm(request.user, Perm.SUBSCRIBE_ALERTS):
            return redirect(f"{reverse('alerts:inbox')}#delivery-{mine.pk}")
        _raise(e)
        raise Http404(e.message) from None
    return render(request, "alerts/detail.html", _detail_context(request, alert))


@login_required
@require_GET
def counts_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The counts table alone (htmx refresh, and the fallback the stream's page reloads)."""
    alert = _alert_or_404(request, pk)
    counts = counts_of(alert)
    return render(
        request,
        "alerts/_counts.html",
        {"alert": alert, "counts": counts, "rows": _counts_rows(counts), "columns": columns()},
    )


def _sse(event: str, data: Any, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _stream(body: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


@login_required
@require_GET
@never_cache
def counts_stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Server-Sent Events: the alert's counts whenever they change, for about STREAM_SECONDS."""
    alert = _alert_or_404(request, pk)

    def events() -> Iterator[str]:
        yield "retry: 2000\n\n"
        last = None
        ends = time.monotonic() + STREAM_SECONDS
        while True:
            try:
                fresh = Alert.objects.get(pk=alert.pk)
                counts = counts_of(fresh)
            except Exception:  # the database went away (shutdown): end, the browser reconnects
                return
            if counts != last:
                yield _sse("counts", counts)
                last = counts
            else:
                yield HEARTBEAT  # a closed page shows up as a failed write: the stream ends at once
            if time.monotonic() >= ends:
                return
            time.sleep(POLL_SECONDS)

    return _stream(events())


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    _require(can_approve(request.user), _("You may not approve alerts."))
    try:
        domain.approve(request.user, alert)
    except domain.AlertError as e:
        if e.status in (403, 404):
            _raise(e)
        messages.error(request, e.message)
        return redirect("alerts:detail", alert.pk)
    messages.success(request, _("Alert approved."))
    return redirect("alerts:detail", alert.pk)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    _require(can_approve(request.user), _("You may not approve alerts."))
    note = (request.POST.get("note") or "").strip()[:300]
    try:
        domain.reject(request.user, alert, note)
    except domain.AlertError as e:
        if e.status in (403, 404):
            _raise(e)
        messages.error(request, e.message)
        return redirect("alerts:detail", alert.pk)
    messages.success(request, _("Alert rejected."))
    return redirect("alerts:detail", alert.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    try:
        domain.cancel(request.user, alert)
    except domain.AlertError as e:
        if e.status in (403, 404):
            _raise(e)
        messages.error(request, e.message)
        return redirect("alerts:detail", alert.pk)
    messages.success(request, _("Alert cancelled."))
    return redirect("alerts:detail", alert.pk)


# --- inbox and the live stream ----------------------------------------------------------------------


def delivery_data(d: Delivery) -> dict[str, Any]:
    a = d.alert
    return {
        "id": d.pk,
        "alert_id": a.pk,
        "headline": a.headline,
        "text": a.text,
        "instruction": a.instruction,
        "kind": a.kind,
        "kind_label": str(Kind(a.kind).label) if a.kind in Kind.values else a.kind,
        "severity": a.severity,
        "severity_label": str(Severity(a.severity).label) if a.severity in Severity.values else a.severity,
        "urgent": a.urgent,
        "cancelled": a.status == AlertStatus.CANCELLED,
        "expires_at": a.expires_at.isoformat(),
        "sent_at": (a.sent_at or d.created_at).isoformat(),
        "member": d.member,
        "seen": d.status == DeliveryStatus.DELIVERED or d.delivered_at is not None,
        "acknowledged": d.acknowledged_at is not None,
        "responding": d.responding_at is not None,
        "acknowledge_url": reverse("alerts:acknowledge", args=[d.pk]),
        "respond_url": reverse("alerts:respond", args=[d.pk]),
    }


def _inbox(user: Any, since_id: int = 0) -> list[Delivery]:
    return list(domain.inbox(user, since_id=since_id))


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    deliveries = _inbox(request.user)
    now = timezone.now()
    return render(
        request,
        "alerts/inbox.html",
        {
            "deliveries": deliveries,
            "items": [
                {"d": d, "data": delivery_data(d), "active": d.alert.expires_at > now} for d in deliveries
            ],
        },
    )


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("since") or ""
    return int(raw) if raw.strip().isdigit() else None


@login_required
@require_GET
@never_cache
def live(request: HttpRequest) -> HttpResponseBase:
    """Server-Sent Events for every open page of a logged-in user: new alerts (event "alert", id = the
    delivery's id). On a fresh connection: the alerts not seen yet that are still in force; after a
    reconnect (Last-Event-ID): everything newer."""
    if not has_perm(request.user, Perm.SUBSCRIBE_ALERTS):
        return HttpResponse(status=204)  # EventSource stops on 204
    user = request.user
    since = _last_event_id(request)

    def events() -> Iterator[str]:
        yield "retry: 3000\n\n"
        last = since or 0
        fresh = since is None
        ends = time.monotonic() + STREAM_SECONDS
        while True:
            try:
                rows = _inbox(user, since_id=last)
            except Exception:  # the database went away: end, the browser reconnects
                return
            now = timezone.now()
            for d in sorted(rows, key=lambda r: r.pk):
                last = max(last, d.pk)
                data = delivery_data(d)
                if fresh and (data["seen"] or d.alert.expires_at <= now):
                    continue
                yield _sse("alert", data, d.pk)
            fresh = False
            yield HEARTBEAT
            if time.monotonic() >= ends:
                return
            time.sleep(POLL_SECONDS)

    return _stream(events())


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(request.headers.get("HX-Request"))


def _answer(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    try:
        delivery = action(request.user, pk)
    except domain.AlertError as e:
        if _wants_json(request):
            return JsonResponse({"detail": e.message}, status=e.status or 422)
        _raise(e)
        messages.error(request, e.message)
        return redirect("alerts:inbox")
    if _wants_json(request):
        d = (
            delivery
            if isinstance(delivery, Delivery)
            else Delivery.objects.select_related("alert").get(pk=pk)
        )
        return JsonResponse(delivery_data(d))
    messages.success(request, done)
    return redirect("alerts:inbox")


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, domain.acknowledge, _("Marked as received."))


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, domain.respond, _("Marked as on the way."))


@login_required
@require_POST
def seen(request: HttpRequest) -> HttpResponse:
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    ids = _ints(request.POST.getlist("ids"))
    if not ids and request.content_type == "application/json":
        try:
            ids = [int(i) for i in json.loads(request.body or b"{}").get("ids", [])]
        except (ValueError, TypeError, AttributeError):
            ids = []
    domain.mark_seen(request.user, ids[:500])
    return HttpResponse(status=204)


# --- subscriptions ----------------------------------------------------------------------------------


def _subscription_area_context(user: Any, commune_code: str) -> dict[str, Any]:
    chosen = None
    if commune_code:
        chosen = Area.objects.filter(code=commune_code[:16], level=Level.COMMUNE).first()
    if chosen is None:
        own = home_area(user)
        if own is not None:
            chosen = own if own.level == Level.COMMUNE else own.parent if own.level == Level.VILLAGE else None
    villages = list(Area.objects.filter(parent=chosen).order_by("name")) if chosen is not None else []
    return {"commune": chosen, "villages": villages}


SUB_FIELDS = ("name", "email", "phone", "zalo", "webhook_url", "quiet_start", "quiet_end", "commune")


def subscription_values(post: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: (post.get(k) or "").strip()[:300] for k in SUB_FIELDS}
    values["areas"] = [c.strip() for c in post.getlist("areas") if c.strip()][:100]
    values["kinds"] = [k for k in post.getlist("kinds") if k in Kind.values]
    values["channels"] = [c for c in post.getlist("channels") if c in Channel.values]
    values["consent"] = bool(post.get("consent"))
    return values


def subscription_input(values: dict[str, Any], push: dict[str, Any] | str | None = None) -> Any:
    return domain.SubscriptionInput(
        area_codes=list(values["areas"]),
        kinds=list(values["kinds"]),
        channels=list(values["channels"]),
        email=values["email"],
        phone=values["phone"],
        zalo=values["zalo"],
        webhook_url=values["webhook_url"],
        push=push if Channel.PUSH in values["channels"] else None,
        quiet_start=parse_time(values["quiet_start"], "quiet_start"),
        quiet_end=parse_time(values["quiet_end"], "quiet_end"),
        consent=bool(values["consent"]),
        name=values["name"],
    )


def subscription_form_values(user: Any, sub: Subscription) -> dict[str, Any]:
    addresses = domain.subscription_addresses(user, sub)
    return {
        "name": sub.name,
        "email": addresses.get("email", ""),
        "phone": addresses.get("phone", ""),
        "zalo": addresses.get("zalo", ""),
        "webhook_url": sub.webhook_url,
        "quiet_start": sub.quiet_start.strftime("%H:%M") if sub.quiet_start else "",
        "quiet_end": sub.quiet_end.strftime("%H:%M") if sub.quiet_end else "",
        "areas": [a.area.code for a in sub.areas.select_related("area")],
        "kinds": [k for k in sub.kinds.split(",") if k],
        "channels": [c for c in sub.channels.split(",") if c],
        "consent": False,  # asked again on every change: never pre-ticked
        "commune": "",
    }


def _subscription_context(
    request: HttpRequest,
    values: dict[str, Any],
    errors: dict[str, str],
    sub: Subscription | None = None,
    channels: tuple[Channel, ...] = SUBSCRIPTION_CHANNELS,
) -> dict[str, Any]:
    commune_code = values.get("commune") or request.GET.get("commune", "")
    if not commune_code and values.get("areas"):
        first = Area.objects.filter(code=values["areas"][0]).select_related("parent").first()
        if first is not None:
            commune_code = first.code if first.level == Level.COMMUNE else getattr(first.parent, "code", "")
    context = _subscription_area_context(request.user, commune_code)
    labels = dict(Channel.choices)
    if sub is not None and sub.push and Channel.PUSH not in channels:
        # The device this subscription pushes to stays (ticked) until its owner unticks it.
        channels = (*channels, Channel.PUSH)
    context.update(
        values=values,
        errors=errors,
        sub=sub,
        kinds=Kind.choices,
        channel_choices=[(c.value, labels[c.value]) for c in channels],
        channel_codes=[c.value for c in channels],
        consent_text=_consent_text(),
        subscriptions=list(domain.subscriptions_of(request.user)),
        vapid_public_key=_vapid_public_key(),
        sw_scope=SERVICE_WORKER_SCOPE,
    )
    return context


def _vapid_public_key() -> str:
    try:
        return str(domain.vapid_public_key())
    except Exception:  # a broken key is reported by the channel's problems; the page still opens
        return ""


def _sub_errors(e: Any) -> dict[str, str]:
    field = getattr(e, "field", None) or "all"
    field = {"area_codes": "areas"}.get(field, field)
    return {field: e.message, "all": e.message}


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    if request.method == "GET":
        values = {
            "areas": [],
            "kinds": [],
            "channels": [Channel.WEB.value],
            "consent": False,
            "commune": request.GET.get("commune", ""),
        }
        return render(request, "alerts/subscriptions.html", _subscription_context(request, values, {}))
    values = subscription_values(request.POST)
    try:
        domain.subscribe(request.user, subscription_input(values))
    except (FormError, domain.AlertError) as e:
        context = _subscription_context(request, values, _sub_errors(e))
        return render(request, "alerts/subscriptions.html", context, status=422)
    messages.success(request, _("Subscribed. You can unsubscribe at any time."))
    return redirect("alerts:subscriptions")


def _own_subscription(request: HttpRequest, pk: int) -> Subscription:
    sub = next((s for s in domain.subscriptions_of(request.user) if s.pk == pk), None)
    if sub is None:
        raise Http404(_("No such subscription."))
    return sub


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    sub = _own_subscription(request, pk)
    if request.method == "GET":
        values = subscription_form_values(request.user, sub)
        return render(
            request, "alerts/subscription_edit.html", _subscription_context(request, values, {}, sub)
        )
    values = subscription_values(request.POST)
    try:
        domain.update_subscription(request.user, sub, subscription_input(values, push=sub.push or None))
    except (FormError, domain.AlertError) as e:
        context = _subscription_context(request, values, _sub_errors(e), sub)
        return render(request, "alerts/subscription_edit.html", context, status=422)
    messages.success(request, _("Subscription saved."))
    return redirect("alerts:subscriptions")


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from any message: no login; GET asks, POST does it (mail scanners only GET)."""
    sub = Subscription.objects.filter(token=token[:40]).first()
    if sub is None:
        raise Http404(_("This unsubscribe link is not valid."))
    if request.method == "POST":
        if sub.active:
            domain.unsubscribe(token)
        return render(request, "alerts/unsubscribe.html", {"sub": sub, "done": True})
    areas = [a.area for a in sub.areas.select_related("area", "area__parent")]
    return render(request, "alerts/unsubscribe.html", {"sub": sub, "areas": areas, "done": not sub.active})


# --- Web Push: the service worker and a device's sign-up ---------------------------------------------

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "alerts" / "sw.js"
# The worker is registered with this scope: it only shows notifications (no fetch handler), so the
# alert pages are all it needs; the rest of the site is left alone.
SERVICE_WORKER_SCOPE = "/canh-bao/"
MAX_PUSH_JSON = 4000


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The Web Push service worker, from a URL inside its scope (browsers refuse a worker whose scope is
    wider than its script's folder unless Service-Worker-Allowed says so)."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SERVICE_WORKER_SCOPE
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every registration
    return response


def _push_endpoint(raw: str) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return ""
    return str(data.get("endpoint", "")) if isinstance(data, dict) else ""


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    """This device's PushSubscription (as JSON in `push`) with the subscription form's areas, kinds,
    quiet hours and consent: stored as a subscription on the "push" channel. The same device again
    updates its subscription instead of adding a second one. Answers JSON for static/alerts/push.js."""
    _require(has_perm(request.user, Perm.SUBSCRIBE_ALERTS), _("You may not receive alerts."))
    me: Any = request.user
    values = subscription_values(request.POST)
    values["channels"] = [Channel.PUSH.value]
    raw = (request.POST.get("push") or "")[:MAX_PUSH_JSON]
    endpoint = _push_endpoint(raw)
    same = (
        Subscription.objects.filter(user=me, active=True, push__endpoint=endpoint).first()
        if endpoint
        else None
    )
    try:
        data = subscription_input(values, push=raw)
        sub = (
            domain.update_subscription(request.user, same, data)
            if same
            else domain.subscribe(request.user, data)
        )
    except (FormError, domain.AlertError) as e:
        errors = _sub_errors(e)
        field = next((k for k in errors if k != "all"), "all")
        return JsonResponse({"detail": errors["all"], "field": field}, status=422)
    return JsonResponse(
        {
            "id": sub.pk,
            "updated": same is not None,
            "detail": _("This device will receive alerts as push notifications."),
            "unsubscribe_url": reverse("alerts:unsubscribe", args=[sub.token]),
        },
        status=200 if same else 201,
    )


# --- subscribing without an account ------------------------------------------------------------------

PUBLIC_CHANNELS = (Channel.EMAIL, Channel.SMS)
HONEYPOT = "website"
SIGNUP_SESSION_KEY = "alerts_signup_token"
SIGNUP_REFUSED = "Không đăng ký được. Vui lòng tải lại trang và thử lại."
SIGNUP_RATE_LIMITED = (
    "Đã có quá nhiều lượt đăng ký từ địa chỉ mạng này hoặc cho địa chỉ nhận tin này trong thời gian ngắn. "
    "Vui lòng thử lại sau khoảng {minutes} phút."
)


def _signup_limits() -> tuple[int, int, int]:
    """(per network address, per email / phone, window in seconds)."""
    from binhyen.alerts.channels.base import setting

    return (
        int(setting("ALERTS_SIGNUP_RATE_LIMIT", 10)),
        int(setting("ALERTS_SIGNUP_ADDRESS_LIMIT", 3)),
        int(setting("ALERTS_SIGNUP_RATE_WINDOW_SECONDS", 3600)),
    )


def _contact_keys(values: dict[str, Any]) -> list[str]:
    """The addresses a sign-up would send to, normalised, for the per-address limit."""
    keys = []
    if Channel.EMAIL in values["channels"] and values.get("email"):
        keys.append("email:" + values["email"].strip().lower())
    if Channel.SMS in values["channels"] and values.get("phone"):
        with contextlib.suppress(domain.AlertError):  # the form says so next to the field
            keys.append("sms:" + domain.normalise_phone(values["phone"]))
    return keys


def _public_context(request: HttpRequest, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    context = _subscription_context(request, values, errors, channels=PUBLIC_CHANNELS)
    context.update(honeypot=HONEYPOT, subscriptions=[])
    return context


def _private_page(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"  # the confirmation holds the unsubscribe link
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
def public_subscribe(request: HttpRequest) -> HttpResponse:
    """A resident without an account subscribes by email or SMS: commune and villages, kinds, quiet
    hours and the consent (never pre-ticked). Rate-limited per network address and per email / phone;
    a honeypot field catches form-filling robots. The confirmation shows the one-click unsubscribe link."""
    if request.method == "GET":
        token = request.session.pop(SIGNUP_SESSION_KEY, "")
        done = Subscription.objects.filter(token=token, active=True).first() if token else None
        if done is not None:
            areas = [a.area for a in done.areas.select_related("area", "area__parent")]
            labels = dict(Channel.choices)
            context = {
                "sub": done,
                "areas": areas,
                "channels": [labels.get(c, c) for c in done.channels.split(",") if c],
                "unsubscribe_url": request.build_absolute_uri(
                    reverse("alerts:unsubscribe", args=[done.token])
                ),
            }
            return _private_page(render(request, "alerts/public_subscribed.html", context))
        values: dict[str, Any] = {
            "areas": [],
            "kinds": [],
            "channels": [Channel.SMS.value],
            "consent": False,
            "commune": request.GET.get("commune", ""),
        }
        return render(request, "alerts/public_subscribe.html", _public_context(request, values, {}))
    values = subscription_values(request.POST)
    values["channels"] = [c for c in values["channels"] if c in {ch.value for ch in PUBLIC_CHANNELS}]
    if request.POST.get(HONEYPOT):
        errors = {"all": SIGNUP_REFUSED}
        return render(
            request, "alerts/public_subscribe.html", _public_context(request, values, errors), status=400
        )
    per_client, per_address, window = _signup_limits()
    client = ratelimit.client_ip(request)
    allowed = ratelimit.hit("alerts-signup", client, per_client, window)
    for key in _contact_keys(values) if allowed else []:
        allowed = ratelimit.hit("alerts-signup-address", key, per_address, window) and allowed
    if not allowed:
        errors = {"all": SIGNUP_RATE_LIMITED.format(minutes=max(1, window // 60))}
        response = render(
            request, "alerts/public_subscribe.html", _public_context(request, values, errors), status=429
        )
        response["Retry-After"] = str(window)
        return response
    try:
        sub = domain.subscribe(request.user, subscription_input(values))
    except (FormError, domain.AlertError) as e:
        context = _public_context(request, values, _sub_errors(e))
        return render(request, "alerts/public_subscribe.html", context, status=422)
    request.session[SIGNUP_SESSION_KEY] = sub.token
    response = redirect("alerts:public_subscribe")
    response.status_code = 303
    return response
