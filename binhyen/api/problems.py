"""RFC 9457 problem details, with a Vietnamese `detail`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse

PROBLEM_TYPE = "application/problem+json"


def problem(
    status: int,
    detail: str,
    *,
    instance: str = "",
    type_: str = "about:blank",
    title: str | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)


class ApiProblem(Exception):
    """Raised by handlers for a clear refusal; becomes a problem details response."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def forbidden() -> ApiProblem:
    return ApiProblem(403, "Bạn không có quyền thực hiện thao tác này ở đơn vị này.")
