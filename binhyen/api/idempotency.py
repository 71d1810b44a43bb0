"""Retried API writes carrying the same Idempotency-Key get the first answer back, not a duplicate."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from binhyen.api.models import IdempotencyRecord
from binhyen.api.problems import problem
from binhyen.core import ratelimit

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
KEEP = datetime.timedelta(hours=24)
# Refusals that say "not now" or "not like this" rather than answering: a retry with the same key after
# logging in, or after the rate limit window, must be served, not replayed.
NOT_KEPT = {401, 403, 408, 409, 425, 429}


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or request.method not in UNSAFE or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > 200:
            return problem(400, "Idempotency-Key dài quá 200 ký tự.", instance=request.path)
        # Anonymous callers (tips need no account) are told apart by address, so one person's key can
        # never replay another person's answer.
        who = (
            request.headers.get("Authorization")
            or request.COOKIES.get("sessionid")
            or f"anonymous:{ratelimit.client_ip(request)}"
        )
        principal = _sha(who.encode())
        fingerprint = _sha(request.method.encode(), request.get_full_path().encode(), request.body)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    principal=principal, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            return self._replay(request, principal, key, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if (
            response.status_code >= 500
            or response.status_code in NOT_KEPT
            or getattr(response, "streaming", False)
        ):
            # Not an answer worth keeping: let the retry run again.
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
        return response

    def _replay(self, request: Any, principal: str, key: str, fingerprint: str) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if record is None:  # expired between our insert and this read
            return self.get_response(request)  # type: ignore[no-any-return]
        if record.created_at < timezone.now() - KEEP:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return self.__call__(request)  # type: ignore[no-any-return]
        if record.fingerprint != fingerprint:
            return problem(
                422, "Idempotency-Key này đã được dùng cho một yêu cầu khác.", instance=request.path
            )
        if record.status_code is None:
            return problem(
                409,
                "Yêu cầu với Idempotency-Key này đang được xử lý; thử lại sau giây lát.",
                instance=request.path,
            )
        response = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
