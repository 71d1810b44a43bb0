"""SMS through a provider-neutral HTTP gateway: POST JSON {to, text, id} with a bearer token.

The gateway is expected to treat `id` (the delivery id) as an idempotency key: a retry after a lost answer
must not send the text twice.
"""

from __future__ import annotations

from binhyen.alerts.channels import http
from binhyen.alerts.channels.base import Message, Result, Transport, TransportError, setting


class SmsTransport(Transport):
    channel = "sms"
    default_rate = 10

    def problems(self) -> list[str]:
        found = []
        if not setting("SMS_GATEWAY_URL", ""):
            found.append("Chưa cấu hình cổng SMS (SMS_GATEWAY_URL).")
        if not setting("SMS_GATEWAY_TOKEN", ""):
            found.append("Chưa có khoá truy cập cổng SMS (SMS_GATEWAY_TOKEN).")
        return found

    def send(self, message: Message) -> Result:
        url = setting("SMS_GATEWAY_URL", "")
        if not url:
            raise TransportError("Chưa cấu hình cổng SMS.")
        r = http.post_json(
            url,
            {"to": message.address, "text": message.body(), "id": message.idempotency_key},
            {
                "Authorization": f"Bearer {setting('SMS_GATEWAY_TOKEN', '')}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        http.check_status(r, "Cổng SMS")
        data = r.json()
        provider_id = str(data.get("id") or data.get("message_id") or "") if isinstance(data, dict) else ""
        return Result(provider_id=provider_id[:120])
