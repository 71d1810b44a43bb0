"""Zalo Official Account messages (OA Open API v3, "tin tư vấn"): POST JSON with the OA access token.

The address is the follower's Zalo user id for the OA. The endpoint is a setting so tests (and an
on-premises relay) can point it elsewhere. Zalo answers HTTP 200 with {"error": 0, "data": {"message_id"}}
on success and a non-zero `error` otherwise.
"""

from __future__ import annotations

from binhyen.alerts.channels import http
from binhyen.alerts.channels.base import Message, Result, Transport, TransportError, setting

DEFAULT_URL = "https://openapi.zalo.me/v3.0/oa/message/cs"
# Errors that will not go away by retrying: user not following / blocked the OA, bad user id.
PERMANENT = {-201, -213, -230, -224}


class ZaloTransport(Transport):
    channel = "zalo"
    default_rate = 20

    def problems(self) -> list[str]:
        if not setting("ZALO_OA_ACCESS_TOKEN", ""):
            return ["Chưa có mã truy cập Zalo OA (ZALO_OA_ACCESS_TOKEN)."]
        return []

    def send(self, message: Message) -> Result:
        token = setting("ZALO_OA_ACCESS_TOKEN", "")
        if not token:
            raise TransportError("Chưa có mã truy cập Zalo OA.")
        r = http.post_json(
            setting("ZALO_OA_API_URL", DEFAULT_URL),
            {"recipient": {"user_id": message.address}, "message": {"text": message.body()[:2000]}},
            {"access_token": token},
        )
        http.check_status(r, "Zalo")
        data = r.json()
        if not isinstance(data, dict):
            raise TransportError("Zalo trả lời không đúng định dạng.")
        error = int(data.get("error", -1))
        if error != 0:
            raise TransportError(
                f"Zalo báo lỗi {error}: {str(data.get('message', ''))[:120]}", permanent=error in PERMANENT
            )
        return Result(provider_id=str((data.get("data") or {}).get("message_id", ""))[:120])
