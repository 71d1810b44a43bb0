"""Email through Django's mail backend (SMTP in production), with the one-click unsubscribe link in the
text and as List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058)."""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from binhyen.alerts.channels.base import Message, Result, Transport, TransportError, setting

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class EmailTransport(Transport):
    channel = "email"
    default_rate = 20

    def problems(self) -> list[str]:
        if getattr(settings, "EMAIL_BACKEND", SMTP_BACKEND) != SMTP_BACKEND:
            return []  # file/console/locmem backends: nothing to reach
        host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
        try:
            socket.create_connection(
                (host, port), timeout=float(setting("ALERTS_SMTP_CHECK_TIMEOUT", 2.0))
            ).close()
        except OSError as e:
            return [f"Không kết nối được máy chủ thư {host}:{port} ({e.strerror or e})."]
        return []

    def send(self, message: Message) -> Result:
        headers = {"X-Binhyen-Delivery": message.idempotency_key}
        if message.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        prefix = "[KHẨN] " if message.urgent else ""
        email = EmailMessage(
            subject=f"{prefix}{message.headline}",
            body=message.body() + f"\n\n{message.url}\n",
            to=[message.address],
            headers=headers,
            connection=get_connection(timeout=int(setting("ALERTS_SMTP_TIMEOUT", 15))),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as e:
            raise TransportError(f"Máy chủ thư từ chối địa chỉ: {e}", permanent=True) from e
        except (smtplib.SMTPException, OSError) as e:
            raise TransportError(f"Gửi thư thất bại: {e}") from e
        return Result()
