"""The delivery outbox: fan-out writes rows, senders lease and send them.

Exactly once per recipient and channel, with at-least-once transports:
- fan-out writes one row per (alert, recipient, channel) with `bulk_create(ignore_conflicts=True)`; the
  unique constraint makes a re-run after a crash add nothing;
- a sender claims due rows in one short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never
  wait on each other; SQLite: the IMMEDIATE transaction settings.py configures serialises claims), marks
  them `sending` with a lease, then calls the transport outside any transaction;
- a worker killed mid-send leaves `sending` rows whose lease runs out; the next sender takes them over
  and sends again with the same idempotency key (the delivery id), which the receiver uses to drop the
  duplicate. At-least-once transport + idempotency key = exactly-once delivery.
"""

from __future__ import annotations

import datetime
import logging
import random
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from binhyen.alerts import audience
from binhyen.alerts.channels import TRANSPORTS, Message, Result, TransportError
from binhyen.alerts.channels.base import setting
from binhyen.alerts.models import Alert, AlertStatus, Channel, Delivery, DeliveryStatus
from binhyen.core import crypto, ratelimit

log = logging.getLogger(__name__)

SENDING_CHANNELS = [c for c in Channel.values if c != Channel.WEB]


def lease_seconds() -> int:
    return int(setting("ALERTS_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(setting("ALERTS_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential backoff with jitter: base·2^(n-1), capped, then a random 50–100% of it."""
    base = float(setting("ALERTS_RETRY_BASE_SECONDS", 30.0))
    delay = min(base * 2 ** max(0, attempts - 1), float(setting("ALERTS_RETRY_MAX_SECONDS", 3600.0)))
    return datetime.timedelta(seconds=delay * (0.5 + random.random() / 2))  # noqa: S311 (jitter)


# --- quiet hours ------------------------------------------------------------------------------------


def quiet_until(now: datetime.datetime, start: datetime.time, end: datetime.time) -> datetime.datetime | None:
    """The end of the quiet hours if `now` (local time) falls inside them, else None. start > end spans
    midnight (22:00–06:00)."""
    local = timezone.localtime(now)
    t = local.time()
    inside = start <= t < end if start <= end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date()
    if start > end and t >= start:
        day += datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, end, tzinfo=tz)


# --- fan-out ----------------------------------------------------------------------------------------


def spec_of(alert: Alert) -> audience.Spec:
    return audience.Spec(
        kind=alert.kind,
        paths=list(alert.areas.values_list("area_path", flat=True)),
        creator=alert.created_by,
        latitude=alert.latitude,
        longitude=alert.longitude,
        radius_m=alert.radius_m,
        to_members=alert.to_members,
        organisation_ids=list(alert.organisation_ids or []),
        to_subscribers=alert.to_subscribers,
        to_camera_owners=alert.to_camera_owners,
    )


def rows_for(alert: Alert, chunk: Iterable[audience.Target], now: datetime.datetime) -> list[Delivery]:
    rows = []
    for t in chunk:
        web = t.channel == Channel.WEB
        due = now
        if t.quiet and not alert.urgent and not web:
            due = quiet_until(now, *t.quiet) or now
        rows.append(
            Delivery(
                alert=alert,
                channel=t.channel,
                recipient=t.recipient,
                user_id=t.user_id,
                subscription_id=t.subscription_id,
                member=t.member,
                address_enc=crypto.encrypt(t.address) if t.address else "",
                # In-app: nothing to send; it is there for the member's page as soon as it is written.
                status=DeliveryStatus.SENT if web else DeliveryStatus.QUEUED,
                sent_at=now if web else None,
                next_attempt_at=due,
                created_at=now,
            )
        )
    return rows


def fanout(alert_id: int) -> int:
    """Write the alert's outbox rows; returns how many rows exist for it afterwards (0 if another fan-out
    holds the lease, or the alert is not sending)."""
    lease = datetime.timedelta(seconds=lease_seconds())
    now = timezone.now()
    claimed = (
        Alert.objects.filter(pk=alert_id, status=AlertStatus.SENDING, fanout_done_at__isnull=True)
        .filter(Q(fanout_lease_until__isnull=True) | Q(fanout_lease_until__lt=now))
        .update(fanout_lease_until=now + lease, fanout_started_at=Coalesce(F("fanout_started_at"), now))
    )
    if not claimed:
        return 0
    alert = Alert.objects.select_related("created_by").get(pk=alert_id)
    kicked: set[str] = set()
    for chunk in audience.targets(spec_of(alert)):
        if (
            Alert.objects.filter(pk=alert_id, status=AlertStatus.SENDING).update(
                fanout_lease_until=timezone.now() + lease
            )
            == 0
        ):
            return 0  # cancelled meanwhile
        now = timezone.now()
        Delivery.objects.bulk_create(rows_for(alert, chunk, now), ignore_conflicts=True, batch_size=1000)
        # Start sending after the first chunk: the first message leaves while the rest is written.
        fresh = {t.channel for t in chunk} - kicked - {Channel.WEB}
        if fresh:
            transaction.on_commit(lambda fresh=fresh: kick(sorted(fresh)))  # type: ignore[misc]
            kicked |= fresh
    # Once more for every channel: a sender started after the first chunk may have finished early.
    channels = set(Delivery.objects.filter(alert_id=alert_id).values_list("channel", flat=True).distinct())
    transaction.on_commit(lambda: kick(sorted(channels - {Channel.WEB})))
    total = Delivery.objects.filter(alert_id=alert_id).count()
    now = timezone.now()
    Alert.objects.filter(pk=alert_id, status=AlertStatus.SENDING).update(
        status=AlertStatus.SENT, fanout_done_at=now, fanout_lease_until=None, recipients=total, sent_at=now
    )
    return total


def kick(channels: Iterable[str], senders: int | None = None) -> None:
    """Queue sender tasks for these channels (several per channel: workers share the rows)."""
    from binhyen.alerts import tasks

    n = senders or int(setting("ALERTS_SENDERS_PER_CHANNEL", 2))
    for channel in channels:
        if channel == Channel.WEB:
            continue
        for _ in range(n):
            tasks.send_channel.enqueue(channel)


# --- sending ----------------------------------------------------------------------------------------


def _due(channel: str, now: datetime.datetime) -> list[Q]:
    return [
        Q(channel=channel, status=DeliveryStatus.SENDING, lease_until__lt=now),  # taken over
        Q(channel=channel, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now),
    ]


def claim(channel: str, limit: int, now: datetime.datetime | None = None) -> list[int]:
    """Lease up to `limit` due rows of the channel to this worker; returns their ids."""
    now = now or timezone.now()
    ids: list[int] = []
    with transaction.atomic():
        for due in _due(channel, now):
            if len(ids) >= limit:
                break
            qs = Delivery.objects.filter(due).order_by("next_attempt_at", "pk")
            if connection.vendor == "postgresql":
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            ids += list(qs.values_list("pk", flat=True)[: limit - len(ids)])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING,
                lease_until=now + datetime.timedelta(seconds=lease_seconds()),
                attempts=F("attempts") + 1,
            )
    return ids


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def message_for(d: Delivery) -> Message:
    alert = d.alert
    sub = d.subscription
    return Message(
        delivery_id=d.pk,
        idempotency_key=str(d.pk),
        channel=d.channel,
        address=crypto.decrypt(d.address_enc),
        alert_identifier=alert.identifier,
        kind=alert.kind,
        severity=alert.severity,
        urgent=alert.urgent,
        headline=alert.headline,
        text=alert.text,
        instruction=alert.instruction,
        expires_at=alert.expires_at.isoformat(),
        url=f"{site_url()}/canh-bao/{alert.pk}/",
        unsubscribe_url=f"{site_url()}/canh-bao/huy/{sub.token}/" if sub is not None else "",
        area_names=[],
    )


class RateLimiter:
    """At most `rate` sends per second for the channel across every worker (a one-second window in the
    database, core.ratelimit); 0 means no limit."""

    def __init__(self, channel: str, rate: int) -> None:
        self.channel, self.rate = channel, rate

    def take(self) -> None:
        if self.rate <= 0:
            return
        while not ratelimit.hit(f"alerts:{self.channel}", "send", self.rate, 1):
            time.sleep(max(0.01, 1.0 - (time.time() % 1.0)))


def _attempt(transport: Any, message: Message) -> Result | TransportError:
    try:
        return transport.send(message)  # type: ignore[no-any-return]
    except TransportError as e:
        return e
    except Exception as e:  # a bug in one channel must not stop the batch
        log.exception("channel %s failed on delivery %s", message.channel, message.delivery_id)
        return TransportError(f"Lỗi nội bộ: {type(e).__name__}")


def send_due(channel: str, limit: int = 100) -> int:
    """Claim up to `limit` due deliveries of one channel and send them; returns how many were handled."""
    transport = TRANSPORTS[channel]
    ids = claim(channel, limit)
    if not ids:
        return 0
    rows = list(Delivery.objects.filter(pk__in=ids).select_related("alert", "subscription").order_by("pk"))
    now = timezone.now()
    outcomes: dict[int, Result | TransportError] = {}
    live: list[Delivery] = []
    for d in rows:
        if d.alert.status == AlertStatus.CANCELLED:
            outcomes[d.pk] = TransportError("Cảnh báo đã bị huỷ.", permanent=True)
        elif d.alert.expires_at <= now:
            outcomes[d.pk] = TransportError("Cảnh báo đã hết hạn trước khi gửi được.", permanent=True)
        else:
            live.append(d)
    problems = transport.problems() if live else []
    if problems:
        # A broken channel fails its own rows with the reason and never holds up the other channels.
        for d in live:
            outcomes[d.pk] = TransportError(" ".join(problems), permanent=True)
        live = []
    limiter = RateLimiter(channel, transport.rate())
    threads = int(setting("ALERTS_SEND_THREADS", 16))
    if live:
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(live)))) as pool:
            futures = {}
            for d in live:
                limiter.take()
                futures[d.pk] = pool.submit(_attempt, transport, message_for(d))
            for pk, future in futures.items():
                outcomes[pk] = future.result()
    record(rows, outcomes)
    return len(rows)


def record(rows: list[Delivery], outcomes: dict[int, Result | TransportError]) -> None:
    now = timezone.now()
    sent: list[int] = []
    delivered: list[int] = []
    with_id: list[Delivery] = []
    for d in rows:
        outcome = outcomes[d.pk]
        if isinstance(outcome, Result):
            (delivered if outcome.delivered else sent).append(d.pk)
            if outcome.provider_id:
                d.provider_id = outcome.provider_id
                with_id.append(d)
            continue
        reason = outcome.message[:300]
        if outcome.permanent or d.attempts >= max_attempts():
            Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED, last_error=reason, lease_until=None, address_enc=""
            )
        else:
            Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.QUEUED,
                last_error=reason,
                lease_until=None,
                next_attempt_at=now + backoff(d.attempts),
            )
    done = {"lease_until": None, "address_enc": "", "last_error": "", "sent_at": now}
    if sent:
        Delivery.objects.filter(pk__in=sent, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT, **done
        )
    if delivered:
        Delivery.objects.filter(pk__in=delivered, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, **done
        )
    if with_id:
        Delivery.objects.bulk_update(with_id, ["provider_id"])


def drain(channel: str, batch: int | None = None, budget_seconds: float | None = None) -> int:
    """Send until nothing of the channel is due (or the time budget is spent); returns rows handled."""
    batch = batch or int(setting("ALERTS_SEND_BATCH", 200))
    budget = (
        budget_seconds if budget_seconds is not None else float(setting("ALERTS_SEND_BUDGET_SECONDS", 300.0))
    )
    start, total = time.monotonic(), 0
    while time.monotonic() - start < budget:
        n = send_due(channel, batch)
        if not n:
            break
        total += n
    else:
        kick([channel], senders=1)  # more to do: let another task (maybe another worker) continue
    return total


# --- the periodic tick ------------------------------------------------------------------------------


def start_sending(alert: Alert) -> None:
    """The alert goes out now: mark it sending and queue the fan-out once the transaction commits."""
    from binhyen.alerts import tasks

    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENDING)
    alert.status = AlertStatus.SENDING
    pk = alert.pk
    transaction.on_commit(lambda: tasks.fanout_task.enqueue(pk))


def tick(now: datetime.datetime | None = None) -> dict[str, int]:
    """Every minute (periodic): start scheduled alerts that are due, restart fan-outs whose worker died,
    and queue senders for channels with due rows (retries, leases that ran out, quiet hours over)."""
    from binhyen.alerts import tasks

    now = now or timezone.now()
    started = 0
    for alert in Alert.objects.filter(status=AlertStatus.SCHEDULED, send_at__lte=now):
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, status=AlertStatus.SCHEDULED).update(
                status=AlertStatus.SENDING
            ):
                pk = alert.pk
                transaction.on_commit(lambda pk=pk: tasks.fanout_task.enqueue(pk))  # type: ignore[misc]
                started += 1
    stalled = list(
        Alert.objects.filter(status=AlertStatus.SENDING, fanout_done_at__isnull=True)
        .filter(Q(fanout_lease_until__isnull=True) | Q(fanout_lease_until__lt=now))
        .values_list("pk", flat=True)
    )
    for pk in stalled:
        tasks.fanout_task.enqueue(pk)
    channels = [c for c in SENDING_CHANNELS if any(Delivery.objects.filter(q).exists() for q in _due(c, now))]
    kick(channels)
    return {"started": started, "fanouts": len(stalled), "channels": len(channels)}


# --- counts -----------------------------------------------------------------------------------------


def counts(alert: Alert) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    by_channel: dict[str, dict[str, int]] = {}
    rows = Delivery.objects.filter(alert=alert).values("channel", "status").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_status[row["status"]] += row["n"]
        by_channel.setdefault(row["channel"], {"total": 0})
        by_channel[row["channel"]][row["status"]] = row["n"]
        by_channel[row["channel"]]["total"] += row["n"]
    answers = Delivery.objects.filter(alert=alert).aggregate(
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        responding=Count("pk", filter=Q(responding_at__isnull=False)),
    )
    result: dict[str, Any] = {"total": sum(by_status.values())}
    for status in DeliveryStatus.values:
        result[status] = by_status.get(status, 0)
    result.update(answers)
    result["by_channel"] = by_channel
    return result
