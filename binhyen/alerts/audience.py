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
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.alerts.channels.base import setting
from binhyen.alerts.models import Channel, Subscription, SubscriptionArea
from binhyen.areas.models import PATH_WIDTH
from binhyen.core import crypto

PREFIX = {Channel.EMAIL: "mail", Channel.SMS: "tel", Channel.ZALO: "zalo", Channel.WEBHOOK: "hook"}


@dataclass(frozen=True)
class Target:
    recipient: str
    channel: str
    user_id: int | None = None
    subscription_id: int | None = None
    member: bool = False
    address: str = ""  # plaintext; encrypted when written
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


def address_key(channel: str, address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{channel}:{address}".encode(), hashlib.sha256)
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


def targets(spec: Spec, resolve: bool = True) -> Iterator[list[Target]]:
    """Chunks of targets, members first (so a member keeps the member flag on their in-app delivery).
    resolve=False (estimates): no address is decrypted and no personal data read is audited."""
    if spec.to_members:
        yield from _members(spec, resolve)
    if spec.to_subscribers:
        yield from _subscribers(spec, resolve)
    if spec.to_camera_owners:
        yield from _camera_owners(spec)


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


def _members(spec: Spec, resolve: bool) -> Iterator[list[Target]]:
    from binhyen.organisations import domain as orgs

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
            if len(chunk) >= chunk_size():
                yield chunk
                chunk = []
        if chunk:
            yield chunk


# --- subscribers ------------------------------------------------------------------------------------


def matching_subscriptions(spec: Spec) -> Any:
    areas = SubscriptionArea.objects.filter(overlap(spec.paths, "area_path")).values("subscription_id")
    return Subscription.objects.filter(active=True, pk__in=areas).filter(
        Q(kinds="") | Q(kinds__contains=spec.kind)
    )


def subscription_targets(sub: Subscription, resolve: bool = True) -> list[Target]:
    quiet = (sub.quiet_start, sub.quiet_end) if sub.quiet_start and sub.quiet_end else None
    out: list[Target] = []
    for channel in [c for c in sub.channels.split(",") if c]:
        common: dict[str, Any] = {"subscription_id": sub.pk, "user_id": sub.user_id, "quiet": quiet}
        if channel == Channel.WEB:
            if sub.user_id:
                out.append(
                    Target(f"user:{sub.user_id}", Channel.WEB, user_id=sub.user_id, subscription_id=sub.pk)
                )
        elif channel == Channel.PUSH:
            if sub.push.get("endpoint"):
                out.append(Target(f"sub:{sub.pk}", Channel.PUSH, address=json.dumps(sub.push), **common))
        elif channel in PREFIX:
            enc = {"email": sub.email_enc, "sms": sub.phone_enc, "zalo": sub.zalo_enc}.get(channel, "")
            if channel == Channel.WEBHOOK:
                address = sub.webhook_url
            elif not enc:
                continue
            elif not resolve:
                out.append(Target(f"sub:{sub.pk}", channel, **common))
                continue
            else:
                address = crypto.decrypt(enc)
            if address and not address.startswith("⟨"):
                out.append(Target(address_key(channel, address), channel, address=address, **common))
    return out


def _subscribers(spec: Spec, resolve: bool) -> Iterator[list[Target]]:
    qs = matching_subscriptions(spec).order_by("pk")
    last = 0
    size = chunk_size()
    while True:
        subs = list(qs.filter(pk__gt=last)[:size])
        if not subs:
            return
        last = subs[-1].pk
        chunk: list[Target] = []
        for sub in subs:
            chunk.extend(subscription_targets(sub, resolve))
        if chunk:
            yield chunk


# --- camera owners ----------------------------------------------------------------------------------


def camera_owner_ids(spec: Spec) -> list[int]:
    """Owners of working cameras in the areas, and inside the circle when there is one. Reads only
    owner ids and positions (no contacts), whatever the sender's camera permissions: calling owners out
    is not looking at their cameras."""
    from binhyen.cameras import geo
    from binhyen.cameras.models import Camera, CameraStatus

    qs = Camera.objects.filter(overlap_down(spec.paths), owner__isnull=False).exclude(
        status=CameraStatus.REMOVED
    )
    rows = qs.values_list("owner_id", "latitude", "longitude")
    owners: set[int] = set()
    circle = spec.latitude is not None and spec.longitude is not None and spec.radius_m
    for owner_id, lat, lon in rows:
        if circle:
            if lat is None or lon is None:
                continue
            assert spec.latitude is not None and spec.longitude is not None and spec.radius_m
            if geo.haversine_m(spec.latitude, spec.longitude, lat, lon) > spec.radius_m:
                continue
        owners.add(owner_id)
    return sorted(owners)


def overlap_down(paths: list[str], column: str = "area_path") -> Q:
    query = Q(pk__in=[])
    for p in paths:
        query |= Q(**{f"{column}__gte": p, f"{column}__lt": p + "z"})
    return query


def _camera_owners(spec: Spec) -> Iterator[list[Target]]:
    ids = camera_owner_ids(spec)
    size = chunk_size()
    for i in range(0, len(ids), size):
        yield [Target(f"user:{pk}", Channel.WEB, user_id=pk) for pk in ids[i : i + size]]


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
