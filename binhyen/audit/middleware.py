from __future__ import annotations

from collections.abc import Callable
from typing import Any

from binhyen.audit import domain


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = domain.set_request(request)
        try:
            return self.get_response(request)
        finally:
            domain.reset(token)
