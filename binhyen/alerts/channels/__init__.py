"""The channels, one module each behind `base.Transport`."""

from __future__ import annotations

from binhyen.alerts.channels.base import Message, Result, Transport, TransportError
from binhyen.alerts.channels.email import EmailTransport
from binhyen.alerts.channels.push import PushTransport
from binhyen.alerts.channels.sms import SmsTransport
from binhyen.alerts.channels.web import WebTransport
from binhyen.alerts.channels.webhook import WebhookTransport
from binhyen.alerts.channels.zalo import ZaloTransport

TRANSPORTS: dict[str, Transport] = {
    t.channel: t
    for t in (
        WebTransport(),
        PushTransport(),
        EmailTransport(),
        SmsTransport(),
        ZaloTransport(),
        WebhookTransport(),
    )
}


def transport(channel: str) -> Transport:
    return TRANSPORTS[channel]


__all__ = ["TRANSPORTS", "Message", "Result", "Transport", "TransportError", "transport"]
