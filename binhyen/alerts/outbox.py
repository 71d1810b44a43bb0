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
import json
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.constants import OnConflict
from django.db.models.functions import Coalesce
from django.utils import timezone

from binhyen.alerts import audience
from binhyen.alerts.channels import TRANSPORTS, Message, Result, TransportError
from binhyen.alerts.channels.base import setting
from binhyen.alerts.models import Alert, AlertStatus, Channel, Delivery, DeliveryStatus, Subscription
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


# The columns the fan-out writes (the others are NULL until a sender or the recipient fills them).
ROW_FIELDS = (
    "alert",
    "channel",
    "recipient",
    "user",
    "subscription",
    "member",
    "address_enc",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "provider_id",
    "created_at",
    "sent_at",
)


def rows_for(alert: Alert, chunk: Iterable[audience.Target], now: datetime.datetime) -> list[tuple[Any, ...]]:
    """The chunk's outbox rows as tuples in ROW_FIELDS order, ready for the database (no model instances:
    the fan-out writes one per recipient). Only addresses a sender will read are encrypted."""
    adapt = connection.ops.adapt_datetimefield_value
    at = adapt(now)
    rows = []
    for t in chunk:
        web = t.channel == Channel.WEB
        due = at
        if t.quiet and not alert.urgent and not web:
            later = quiet_until(now, *t.quiet)
            if later is not None:
                due = adapt(later)
        rows.append(
            (
                alert.pk,
                str(t.channel),  # Channel members are str subclasses: plain strings for the driver
                t.recipient,
                t.user_id,
                t.subscription_id,
                t.member,
                crypto.encrypt(t.address) if t.address else "",
                # In-app: nothing to send; it is there for the member's page as soon as it is written.
                DeliveryStatus.SENT.value if web else DeliveryStatus.QUEUED.value,
                0,
                due,
                "",
                "",
                at,
                at if web else None,
            )
        )
    return rows


def insert_rows(rows: list[tuple[Any, ...]]) -> None:
    """INSERT the rows, skipping any that exist (the unique constraint on alert, recipient and channel is
    what makes a second fan-out add nothing): what bulk_create(ignore_conflicts=True) does, without a
    model instance per row. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT
    DO NOTHING (a few µs of CPU a row, against about 50 for a many-row VALUES statement)."""
    if not rows:
        return
    ops, meta = connection.ops, Delivery._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(by_name[name].column or name) for name in ROW_FIELDS)
    table = ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        staging = ops.quote_name(f"{meta.db_table}_in")
        with transaction.atomic(), connection.cursor() as cursor:
            # Per connection, typed like the table; emptied after each use (and by a rollback).
            like = f"SELECT {columns} FROM {table} WITH NO DATA"
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS {like}")
            with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"TRUNCATE {staging}")
        return
    fields = [by_name[name] for name in ROW_FIELDS]
    insert = f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} ({columns})"
    values = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        cursor.executemany(f"{insert} VALUES {values} {tail}", rows)


def fanout(alert_id: int, send_first: bool = False) -> int:
    """Write the alert's outbox rows; returns how many rows exist for it afterwards (0 if another fan-out
    holds the lease, or the alert is not sending). send_first (the fan-out task): once the first, small
    chunk is written and the senders are queued, send that chunk right here (unpaced channels only), so
    the first messages leave without waiting for a worker to pick up a sender task; the senders, which
    claim rows the same way, share the work."""
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
        insert_rows(rows_for(alert, chunk, timezone.now()))
        # Start sending once the first chunk is committed (audience.first_chunk_size: small, so within a
        # second): the first messages leave while the rest is written. The fan-out runs in autocommit, so
        # on_commit queues the senders at once.
        fresh = {t.channel for t in chunk} - kicked - {Channel.WEB}
        if fresh:
            transaction.on_commit(lambda fresh=fresh: kick(sorted(fresh)))  # type: ignore[misc]
            kicked |= fresh
            if send_first and not connection.in_atomic_block:
                for channel in sorted(fresh):
                    if TRANSPORTS[channel].rate() <= 0:
                        send_due(channel, audience.first_chunk_size())
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


class Row(NamedTuple):
    """What a sender reads of a claimed row: a tuple, not a Delivery with its alert and subscription."""

    pk: int
    alert_id: int
    channel: str
    attempts: int
    address_enc: str
    token: str | None  # the subscription's, for the one-click unsubscribe link
    push: dict[str, Any] | None  # the subscription's browser subscription (Web Push rows only)


def claimed_rows(channel: str, ids: list[int]) -> list[Row]:
    qs = Delivery.objects.filter(pk__in=ids).order_by("pk")
    fields = ["pk", "alert_id", "channel", "attempts", "address_enc", "subscription__token"]
    if channel == Channel.PUSH:
        return [Row._make(v) for v in qs.values_list(*fields, "subscription__push")]
    return [Row._make((*v, None)) for v in qs.values_list(*fields)]


def claim(channel: str, limit: int, now: datetime.datetime | None = None) -> list[int]:
    """Lease up to `limit` due rows of the channel to this worker; returns their ids."""
    return [r.pk for r in claim_rows(channel, limit, now)]


def claim_rows(channel: str, limit: int, now: datetime.datetime | None = None) -> list[Row]:
    """Lease up to `limit` due rows of the channel to this worker (rows whose lease ran out first) and
    return what the sender needs of them."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _claim_postgresql(channel, limit, now)
    ids: list[int] = []
    with transaction.atomic():
        for due in _due(channel, now):
            if len(ids) >= limit:
                break
            qs = Delivery.objects.filter(due).order_by("next_attempt_at", "pk")
            ids += list(qs.values_list("pk", flat=True)[: limit - len(ids)])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING,
                lease_until=now + datetime.timedelta(seconds=lease_seconds()),
                attempts=F("attempts") + 1,
            )
    return claimed_rows(channel, ids) if ids else []


def _claim_postgresql(channel: str, limit: int, now: datetime.datetime) -> list[Row]:
    """One UPDATE … RETURNING a kind of due row: the rows are picked FOR UPDATE SKIP LOCKED (claimers
    never wait on each other or take the same row), leased and read back in a single statement."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    subscriptions = connection.ops.quote_name(Subscription._meta.db_table)
    push = (
        f"(SELECT s.push FROM {subscriptions} s WHERE s.id = d.subscription_id)"
        if channel == Channel.PUSH
        else "NULL"
    )
    lease_until = now + datetime.timedelta(seconds=lease_seconds())
    rows: list[Row] = []
    with connection.cursor() as cursor:
        for where, params in (
            (f"status = '{DeliveryStatus.SENDING.value}' AND lease_until < %s", [now]),  # taken over
            (f"status = '{DeliveryStatus.QUEUED.value}' AND next_attempt_at <= %s", [now]),
        ):
            if len(rows) >= limit:
                break
            cursor.execute(
                f"""UPDATE {table} d
                SET status = '{DeliveryStatus.SENDING.value}', lease_until = %s, attempts = d.attempts + 1
                FROM (SELECT id FROM {table} WHERE channel = %s AND {where}
                      ORDER BY next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED) due
                WHERE d.id = due.id
                RETURNING d.id, d.alert_id, d.channel, d.attempts, d.address_enc,
                    (SELECT s.token FROM {subscriptions} s WHERE s.id = d.subscription_id), {push}""",
                [lease_until, channel, *params, limit - len(rows)],
            )
            rows += [Row._make(r) for r in cursor.fetchall()]
    rows.sort(key=lambda r: r.pk)
    if channel == Channel.PUSH:
        rows = [r._replace(push=json.loads(r.push)) if isinstance(r.push, str) else r for r in rows]
    return rows


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def address_of(row: Row) -> str:
    if row.address_enc:
        return crypto.decrypt(row.address_enc)
    if row.channel == Channel.PUSH and row.push:
        # Web Push rows carry no copy of the browser's subscription: it is read where it lives.
        return json.dumps(row.push)
    return ""


# What a sender reads of an alert, as values (no model instance, no audit snapshot).
ALERT_FIELDS = (
    "pk",
    "status",
    "identifier",
    "kind",
    "severity",
    "urgent",
    "headline",
    "text",
    "instruction",
    "expires_at",
)


class Template:
    """The parts of a message that are the same for every recipient of one alert (built once a batch)."""

    def __init__(self, alert: dict[str, Any]) -> None:
        self.status: str = alert["status"]
        self.expires_at: datetime.datetime = alert["expires_at"]
        self.fields: dict[str, Any] = {
            "alert_identifier": alert["identifier"],
            "kind": alert["kind"],
            "severity": alert["severity"],
            "urgent": alert["urgent"],
            "headline": alert["headline"],
            "text": alert["text"],
            "instruction": alert["instruction"],
            "expires_at": alert["expires_at"].isoformat(),
            "url": f"{site_url()}/canh-bao/{alert['pk']}/",
        }
        self.unsubscribe = f"{site_url()}/canh-bao/huy/"

    @classmethod
    def of(cls, alert: Alert) -> Template:
        return cls({name: getattr(alert, name) for name in ALERT_FIELDS})

    def message(self, row: Row) -> Message:
        return Message(
            delivery_id=row.pk,
            idempotency_key=str(row.pk),
            channel=row.channel,
            address=address_of(row),
            unsubscribe_url=f"{self.unsubscribe}{row.token}/" if row.token is not None else "",
            area_names=[],
            **self.fields,
        )


def message_for(d: Delivery) -> Message:
    """One delivery's message (for callers holding a Delivery; the senders use Template)."""
    sub = d.subscription
    row = Row(
        d.pk,
        d.alert_id,
        d.channel,
        d.attempts,
        d.address_enc,
        sub.token if sub is not None else None,
        sub.push if sub is not None else None,
    )
    return Template.of(d.alert).message(row)


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


def _attempt_all(transport: Any, work: deque[Message], outcomes: dict[int, Result | TransportError]) -> None:
    """A pool thread: send messages from the shared queue until it is empty (deque.popleft is atomic)."""
    while True:
        try:
            message = work.popleft()
        except IndexError:
            return
        outcomes[message.delivery_id] = _attempt(transport, message)


def threads() -> int:
    return max(1, int(setting("ALERTS_SEND_THREADS", 16)))


def send_due(channel: str, limit: int = 100, pool: ThreadPoolExecutor | None = None) -> int:
    """Claim up to `limit` due deliveries of one channel and send them; returns how many were handled.
    `pool`: the sender's threads, kept for the whole run so that each thread's kept-alive connections
    (channels/http.py) serve every batch; without one, a pool is made for this batch."""
    if pool is None:
        with ThreadPoolExecutor(max_workers=threads(), thread_name_prefix=f"send-{channel}") as own:
            return send_due(channel, limit, own)
    transport = TRANSPORTS[channel]
    rows = claim_rows(channel, limit)
    if not rows:
        return 0
    # The alerts once a batch (not once a row): cancelled or expired meanwhile?
    alerts = Alert.objects.filter(pk__in={r.alert_id for r in rows}).values(*ALERT_FIELDS)
    templates = {a["pk"]: Template(a) for a in alerts}
    now = timezone.now()
    outcomes: dict[int, Result | TransportError] = {}
    live: list[Row] = []
    for r in rows:
        alert = templates[r.alert_id]
        if alert.status == AlertStatus.CANCELLED:
            outcomes[r.pk] = TransportError("Cảnh báo đã bị huỷ.", permanent=True)
        elif alert.expires_at <= now:
            outcomes[r.pk] = TransportError("Cảnh báo đã hết hạn trước khi gửi được.", permanent=True)
        else:
            live.append(r)
    problems = transport.problems() if live else []
    if problems:
        # A broken channel fails its own rows with the reason and never holds up the other channels.
        for r in live:
            outcomes[r.pk] = TransportError(" ".join(problems), permanent=True)
        live = []
    if live:
        limiter = RateLimiter(channel, transport.rate())
        if limiter.rate > 0:
            # Paced here, one message at a time into the pool.
            futures = {}
            for r in live:
                limiter.take()
                futures[r.pk] = pool.submit(_attempt, transport, templates[r.alert_id].message(r))
            for pk, future in futures.items():
                outcomes[pk] = future.result()
        else:
            # Unpaced: a few pool tasks that take messages from one queue (no future per message).
            work = deque(templates[r.alert_id].message(r) for r in live)
            tasks = [
                pool.submit(_attempt_all, transport, work, outcomes) for _ in range(min(threads(), len(live)))
            ]
            for task in tasks:
                task.result()
    record(rows, outcomes)
    return len(rows)


def record(rows: list[Row], outcomes: dict[int, Result | TransportError]) -> None:
    now = timezone.now()
    sent: list[int] = []
    delivered: list[int] = []
    with_id: list[Delivery] = []
    gone: list[int] = []
    for d in rows:
        outcome = outcomes[d.pk]
        if isinstance(outcome, Result):
            (delivered if outcome.delivered else sent).append(d.pk)
            if outcome.provider_id:
                with_id.append(Delivery(pk=d.pk, provider_id=outcome.provider_id))
            continue
        reason = outcome.message[:300]
        if outcome.gone:
            gone.append(d.pk)
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
    for status, pks in ((DeliveryStatus.SENT, sent), (DeliveryStatus.DELIVERED, delivered)):
        if pks:
            _mark_done(pks, status, now)
    if with_id:
        Delivery.objects.bulk_update(with_id, ["provider_id"])
    if gone:
        _forget_gone_addresses(gone)


def _forget_gone_addresses(delivery_ids: list[int]) -> None:
    """A push service said the browser's subscription no longer exists: the subscription keeps its
    other channels and stops using that one, so later alerts do not try it again."""
    subscription_ids = set(
        Delivery.objects.filter(pk__in=delivery_ids, channel=Channel.PUSH).values_list(
            "subscription_id", flat=True
        )
    )
    for sub in Subscription.objects.filter(pk__in=subscription_ids):
        channels = [c for c in sub.channels.split(",") if c and c != Channel.PUSH]
        sub.push = {}
        sub.channels = ",".join(channels)
        sub.save(update_fields=["push", "channels"])


def _mark_done(pks: list[int], status: str, now: datetime.datetime) -> None:
    """Rows still leased to a sender (status sending) are done: lease and address cleared."""
    delivered = now if status == DeliveryStatus.DELIVERED else None
    if connection.vendor == "postgresql":
        # The ids as one array parameter: the statement text is the same whatever the batch size.
        table = connection.ops.quote_name(Delivery._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table} SET status = %s, lease_until = NULL, address_enc = '', last_error = '',
                sent_at = %s, delivered_at = COALESCE(%s, delivered_at)
                WHERE id = ANY(%s) AND status = '{DeliveryStatus.SENDING.value}'""",
                [str(status), now, delivered, pks],
            )
        return
    values: dict[str, Any] = {"lease_until": None, "address_enc": "", "last_error": "", "sent_at": now}
    if delivered is not None:
        values["delivered_at"] = delivered
    Delivery.objects.filter(pk__in=pks, status=DeliveryStatus.SENDING).update(status=status, **values)


def drain(channel: str, batch: int | None = None, budget_seconds: float | None = None) -> int:
    """Send until nothing of the channel is due (or the time budget is spent); returns rows handled.
    One thread pool for the whole run: its threads keep their connections from batch to batch."""
    batch = batch or int(setting("ALERTS_SEND_BATCH", 200))
    budget = (
        budget_seconds if budget_seconds is not None else float(setting("ALERTS_SEND_BUDGET_SECONDS", 300.0))
    )
    linger = float(setting("ALERTS_SEND_LINGER_SECONDS", 5.0))
    start, total, idle_since = time.monotonic(), 0, None
    with ThreadPoolExecutor(max_workers=threads(), thread_name_prefix=f"send-{channel}") as pool:
        while time.monotonic() - start < budget:
            n = send_due(channel, batch, pool)
            if n:
                total, idle_since = total + n, None
                continue
            # Nothing due. While a fan-out is still writing rows (it holds a live lease), wait a little
            # for its next chunk instead of leaving it without a sender until the fan-out ends; never
            # longer than `linger` seconds without work (a fan-out whose worker died stops renewing).
            now = time.monotonic()
            idle_since = idle_since or now
            if now - idle_since >= linger or not fanout_running():
                break
            time.sleep(0.1)
        else:
            kick([channel], senders=1)  # more to do: let another task (maybe another worker) continue
    return total


def fanout_running() -> bool:
    return Alert.objects.filter(
        status=AlertStatus.SENDING, fanout_done_at__isnull=True, fanout_lease_until__gt=timezone.now()
    ).exists()


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
