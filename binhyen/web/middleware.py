from __future__ import annotations

from typing import Any

from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose otherwise with the language switch (a cookie).

    A phone set to English still gets the Vietnamese interface: officers and residents share screens
    and instructions, so the language follows the person's choice, not the device's.
    """

    def process_request(self, request: Any) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
