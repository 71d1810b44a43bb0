"""The one interface every channel implements (after healthchecks' integrations/<name>/transport.py).

A transport receives a `Message` (one delivery: the alert's text, the decrypted address, the delivery id
as idempotency key) and either returns a `Result` or raises `TransportError`. It never touches the
database: the outbox (binhyen.alerts.outbox) claims rows, calls the transport, and records the outcome.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings


def setting(name: str, default: Any) -> Any:
    """A setting from binhyen/settings.py, else the environment variable of the same name, else the
    default (typed like the default). Lets the channels work before every setting exists."""
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


@dataclass
class Message:
    delivery_id: int
    idempotency_key: str  # the delivery id: a receiver that saw the first attempt recognises the retry
    channel: str
    address: str  # decrypted just before sending, never logged
    alert_identifier: str
    kind: str
    severity: str
    urgent: bool
    headline: str
    text: str
    instruction: str
    expires_at: str
    url: str  # the alert's page
    unsubscribe_url: str = ""  # one-click unsubscribe, when the delivery came from a subscription
    area_names: list[str] = field(default_factory=list)

    def body(self) -> str:
        """The plain text every text channel sends (SMS, Zalo, email body)."""
        parts = [f"[{self.headline}]", self.text]
        if self.instruction:
            parts.append(self.instruction)
        if self.unsubscribe_url:
            parts.append(f"Huỷ nhận: {self.unsubscribe_url}")
        return "\n".join(parts)

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.idempotency_key,
            "alert": self.alert_identifier,
            "kind": self.kind,
            "severity": self.severity,
            "urgent": self.urgent,
            "headline": self.headline,
            "text": self.text,
            "instruction": self.instruction,
            "expires": self.expires_at,
            "url": self.url,
            "areas": self.area_names,
        }


@dataclass
class Result:
    provider_id: str = ""
    delivered: bool = False  # the channel confirmed delivery to the person (not only acceptance)


class TransportError(Exception):
    """Sending failed. `permanent`: retrying will not help (bad address, unsubscribed push endpoint).
    `gone`: the address itself no longer exists (a push service's 404/410); stop sending to it."""

    def __init__(self, message: str, permanent: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent or gone
        self.gone = gone


class Transport:
    channel: ClassVar[str] = ""
    needs_address: ClassVar[bool] = True
    # Deliveries per second across all workers (0: no limit); the setting ALERTS_RATE_<CHANNEL> wins.
    default_rate: ClassVar[int] = 0

    def problems(self) -> list[str]:
        """Configuration problems, in the sender's language; empty when the channel can send."""
        return []

    def send(self, message: Message) -> Result:  # pragma: no cover - each channel implements it
        raise NotImplementedError

    def rate(self) -> int:
        return int(setting(f"ALERTS_RATE_{self.channel.upper()}", self.default_rate))
