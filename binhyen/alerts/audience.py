"""Who an alert reaches: members of organisations, subscribers of the areas, camera owners nearby.

`targets(spec)` yields chunks of `Target` (one recipient on one channel). The recipient key is what the
outbox's unique constraint (alert, recipient, channel) is built on: "user:<id>" for people with an account
(so a member who also subscribed, or also owns a camera, gets one in-app delivery), a keyed hash of the
address for email, SMS, Zalo and webhooks (one message per address however many subscriptions name it),
"sub:<id>" for a browser's Web Push subscription.

Areas overlap both ways: an alert on a commune reaches subscribers of its villages, and an alert on a
village reaches subscribers of the whole commune (and of the province).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Q

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.alerts.channels.base import setting
from binhyen.alerts.models import Channel, Subscription, SubscriptionArea
from binhyen.areas.models import PATH_WIDTH
from binhyen.core import crypto

PREFIX = {Channel.EMAIL: "mail", Channel.SMS: "tel", Channel.ZALO: "zalo", Channel.WEBHOOK: "hook"}


class Target(NamedTuple):
    # A named tuple, not a dataclass: the fan-out makes one per recipient (100,000 for a wide alert).
    recipient: str
    channel: str
    user_id: int | None = None
    subscription_id: int | None = None
    member: bool = False
    # Plaintext; encrypted when written. Empty for in-app deliveries and for Web Push, whose browser
    # subscription the sender reads from the Subscription itself (it is stored there unencrypted).
    address: str = ""
    quiet: tuple[datetime.time, datetime.time] | None = None


@dataclass
class Spec:
    """What the audience depends on (from an AlertInput before saving, or from a saved Alert)."""

    kind: str
    paths: list[str]
    creator: Any
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int | None = None
    to_members: bool = False
    organisation_ids: list[int] = field(default_factory=list)
    to_subscribers: bool = True
    to_camera_owners: bool = False


@lru_cache(maxsize=4)
def _keyed(secret: str) -> Any:
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def address_key(channel: str, address: str) -> str:
    digest = _keyed(settings.SECRET_KEY).copy()  # the key schedule once, not once per recipient
    digest.update(f"{channel}:{address}".encode())
    return f"{PREFIX[Channel(channel)]}:{digest.hexdigest()[:32]}"


def ancestors(path: str) -> list[str]:
    out, end = [], 0
    for level in (1, 2):
        end += PATH_WIDTH[level]
        if end < len(path):
            out.append(path[:end])
    return out


def overlap(paths: list[str], column: str) -> Q:
    """Rows whose area (`column` holds a path) lies inside one of `paths` or contains one of them."""
    query = Q(pk__in=[])
    above: set[str] = set()
    for p in paths:
        query |= Q(**{f"{column}__gte": p, f"{column}__lt": p + "z"})
        above.update(ancestors(p))
    if above:
        query |= Q(**{f"{column}__in": sorted(above)})
    return query


def chunk_size() -> int:
    return int(setting("ALERTS_FANOUT_CHUNK", 2000))


def first_chunk_size() -> int:
    """The first chunk is small, so its rows are written and the senders start within a second; the
    rest follow in full chunks while the first messages leave."""
    return max(1, min(chunk_size(), int(setting("ALERTS_FANOUT_FIRST_CHUNK", 200))))


class _Sizes:
    """Chunk sizes across every source of one resolution: the first small, then full ones."""

    def __init__(self) -> None:
        self.first = True

    def next(self) -> int:
        return first_chunk_size() if self.first else chunk_size()

    def used(self) -> None:
        self.first = False


def targets(spec: Spec, resolve: bool = True) -> Iterator[list[Target]]:
    """Chunks of targets, members first (so a member keeps the member flag on their in-app delivery).
    resolve=False (estimates): no address is decrypted and no personal data read is audited."""
    sizes = _Sizes()
    if spec.to_members:
        yield from _members(spec, resolve, sizes)
    if spec.to_subscribers:
        yield from _subscribers(spec, resolve, sizes)
    if spec.to_camera_owners:
        yield from _camera_owners(spec, sizes)


# --- members ----------------------------------------------------------------------------------------


def organisations(spec: Spec) -> list[Any]:
    """The organisations whose members are called: the chosen ones, or every one in the areas."""
    from binhyen.areas.models import Area
    from binhyen.organisations import domain as orgs

    visible = orgs.visible_organisations(spec.creator).filter(dissolved_on__isnull=True)
    if spec.organisation_ids:
        return list(visible.filter(pk__in=spec.organisation_ids).order_by("pk"))
    found: dict[int, Any] = {}
    for area in Area.objects.filter(path__in=spec.paths):
        for org in orgs.filter_organisations(visible, orgs.Filters(area=area)):
            found[org.pk] = org
        if area.is_village and area.parent is not None:
            # Commune-wide organisations (no villages listed) also serve the village.
            for org in visible.filter(commune=area.parent, villages__isnull=True):
                found[org.pk] = org
    return [found[k] for k in sorted(found)]


def _members(spec: Spec, resolve: bool, sizes: _Sizes | None = None) -> Iterator[list[Target]]:
    from binhyen.organisations import domain as orgs

    sizes = sizes or _Sizes()
    seen: set[int] = set()
    for org in organisations(spec):
        chunk: list[Target] = []
        for m in orgs.current_members(org).select_related("person__commune").order_by("pk"):
            person = m.person
            if person.pk in seen:
                continue
            seen.add(person.pk)
            if person.user_id:
                chunk.append(
                    Target(f"user:{person.user_id}", Channel.WEB, user_id=person.user_id, member=True)
                )
            elif person.phone_encrypted and has_perm(spec.creator, Perm.MANAGE_MOVEMENT, person.commune):
                # No account: an SMS, with the number read through the audited organisations function.
                if resolve:
                    phone = orgs.phone(spec.creator, person, purpose="cảnh báo an ninh")
                    if phone and not phone.startswith("⟨"):
                        chunk.append(
                            Target(address_key(Channel.SMS, phone), Channel.SMS, member=True, address=phone)
                        )
                else:
                    chunk.append(Target(f"person:{person.pk}", Channel.SMS, member=True))
            if len(chunk) >= sizes.next():
                sizes.used()
                yield chunk
                chunk = []
        if chunk:
            sizes.used()
            yield chunk


# --- subscribers ------------------------------------------------------------------------------------


def matching_subscriptions(spec: Spec) -> Any:
    areas = SubscriptionArea.objects.filter(overlap(spec.paths, "area_path")).values("subscription_id")
    return Subscription.objects.filter(active=True, pk__in=areas).filter(
        Q(kinds="") | Q(kinds__contains=spec.kind)
    )


# What the fan-out reads of a subscription: tuples, not model instances (no audit snapshot, no model
# __init__ for each of 100,000 subscribers).
SUBSCRIPTION_FIELDS = (
    "pk",
    "user_id",
    "channels",
    "email_enc",
    "phone_enc",
    "zalo_enc",
    "webhook_url",
    "push",
    "quiet_start",
    "quiet_end",
)


def subscription_targets(sub: Subscription, resolve: bool = True) -> list[Target]:
    return _subscription_targets(tuple(getattr(sub, f) for f in SUBSCRIPTION_FIELDS), resolve)


def _subscription_targets(row: tuple[Any, ...], resolve: bool = True) -> list[Target]:
    pk, user_id, channels, email_enc, phone_enc, zalo_enc, webhook_url, push, quiet_start, quiet_end = row
    quiet = (quiet_start, quiet_end) if quiet_start and quiet_end else None
    out: list[Target] = []
    for channel in channels.split(","):
        if not channel:
            continue
        if channel == Channel.WEB:
            if user_id:
                out.append(Target(f"user:{user_id}", Channel.WEB, user_id=user_id, subscription_id=pk))
        elif channel == Channel.PUSH:
            if push and push.get("endpoint"):
                # No address in the outbox: the sender reads the browser's subscription from `push`.
                out.append(Target(f"sub:{pk}", Channel.PUSH, user_id, pk, False, "", quiet))
        elif channel in PREFIX:
            if channel == Channel.WEBHOOK:
                address = webhook_url
            else:
                enc = {Channel.EMAIL: email_enc, Channel.SMS: phone_enc}.get(channel, zalo_enc)
                if not enc:
                    continue
                if not resolve:
                    out.append(Target(f"sub:{pk}", channel, user_id, pk, False, "", quiet))
                    continue
                address = crypto.decrypt(enc)
            if address and not address.startswith("⟨"):
                out.append(Target(address_key(channel, address), channel, user_id, pk, False, address, quiet))
    return out


def _subscribers(spec: Spec, resolve: bool, sizes: _Sizes | None = None) -> Iterator[list[Target]]:
    sizes = sizes or _Sizes()
    qs = matching_subscriptions(spec).order_by("pk").values_list(*SUBSCRIPTION_FIELDS)
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[: sizes.next()])
        if not rows:
            return
        last = rows[-1][0]
        chunk: list[Target] = []
        for row in rows:
            chunk.extend(_subscription_targets(row, resolve))
        if chunk:
            sizes.used()
            yield chunk


# --- camera owners ----------------------------------------------------------------------------------


def camera_owner_ids(spec: Spec) -> list[int]:
    """Owners of working cameras in the areas, and inside the circle when there is one (cameras' own
    public function: no contacts read, whatever the sender's camera permissions)."""
    from binhyen.cameras import domain as cameras

    return cameras.owner_ids(spec.paths, spec.latitude, spec.longitude, spec.radius_m)


def overlap_down(paths: list[str], column: str = "area_path") -> Q:
    query = Q(pk__in=[])
    for p in paths:
        query |= Q(**{f"{column}__gte": p, f"{column}__lt": p + "z"})
    return query


def _camera_owners(spec: Spec, sizes: _Sizes | None = None) -> Iterator[list[Target]]:
    sizes = sizes or _Sizes()
    ids = camera_owner_ids(spec)
    i = 0
    while i < len(ids):
        size = sizes.next()
        sizes.used()
        yield [Target(f"user:{pk}", Channel.WEB, user_id=pk) for pk in ids[i : i + size]]
        i += size


def estimate(spec: Spec) -> dict[str, Any]:
    seen: set[tuple[str, str]] = set()
    by_channel: dict[str, int] = {}
    for chunk in targets(spec, resolve=False):
        for t in chunk:
            if (t.recipient, t.channel) in seen:
                continue
            seen.add((t.recipient, t.channel))
            by_channel[t.channel] = by_channel.get(t.channel, 0) + 1
    return {"total": len(seen), "by_channel": by_channel}
