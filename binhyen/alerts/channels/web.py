"""In the web app: nothing leaves the server. The delivery is "sent" when written and becomes
"delivered" when the member's open page (or their next page load) sees it (domain.mark_seen)."""

from __future__ import annotations

from binhyen.alerts.channels.base import Message, Result, Transport


class WebTransport(Transport):
    channel = "web"
    needs_address = False

    def send(self, message: Message) -> Result:
        return Result()
