"""Fixed-window rate limits shared by every app server (stored in the database).

Used for anonymous intake: a flood from one address is refused with a clear message instead of filling
the commune's queue.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from binhyen.core.models import Throttle


def client_ip(request: object) -> str:
    meta = getattr(request, "META", {})
    # Behind the deployment's reverse proxy the client is the last hop it appended.
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[-1].strip())
    return str(meta.get("REMOTE_ADDR", "") or "unknown")


def hit(scope: str, client: str, limit: int, window_seconds: int) -> bool:
    """Count one request; False when the client is over `limit` in the current window."""
    window = int(time.time()) // window_seconds
    # Hashed: the table holds no addresses, only a per-scope fingerprint.
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{client}".encode()).hexdigest()
    with transaction.atomic():
        updated = Throttle.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Throttle.objects.create(key=key, window=window, count=1)
            except IntegrityError:
                Throttle.objects.filter(key=key, window=window).update(count=F("count") + 1)
        count = Throttle.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    return count <= limit


def prune(older_than_windows: int = 2, window_seconds: int | None = None) -> int:
    """Forget counts from windows long past (run periodically)."""
    current = int(time.time()) // (window_seconds or settings.TIP_RATE_WINDOW_SECONDS)
    deleted, _ = Throttle.objects.filter(window__lt=current - older_than_windows).delete()
    return deleted
