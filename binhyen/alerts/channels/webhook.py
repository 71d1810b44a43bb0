"""Outbound webhooks: POST the alert as JSON, signed like the inbound tip webhook.

    X-Binhyen-Timestamp: <unix seconds>
    X-Binhyen-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>")
    Idempotency-Key: <delivery id>       (also "id" in the body)

The secret is ALERTS_WEBHOOK_SECRET (by default derived from SECRET_KEY, so it is stable per site).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.conf import settings

from binhyen.alerts.channels import http
from binhyen.alerts.channels.base import Message, Result, Transport, setting


def secret() -> str:
    configured = str(setting("ALERTS_WEBHOOK_SECRET", ""))
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"binhyen-alerts-webhook", hashlib.sha256).hexdigest()


def sign(body: bytes, timestamp: str, key: str | None = None) -> str:
    mac = hmac.new((key or secret()).encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookTransport(Transport):
    channel = "webhook"

    def send(self, message: Message) -> Result:
        body = json.dumps(message.payload(), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        r = http.post(
            message.address,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "X-Binhyen-Timestamp": timestamp,
                "X-Binhyen-Signature": sign(body, timestamp),
                "Idempotency-Key": message.idempotency_key,
                "User-Agent": "BinhYen-Alerts/1",
            },
            timeout=float(setting("ALERTS_WEBHOOK_TIMEOUT", 10.0)),
            public_only=True,
        )
        http.check_status(r, "Webhook")
        return Result()
