"""GET /healthz (liveness) and GET /readyz (readiness), public and cheap; see ops/health.py."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from binhyen.ops import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = health.readiness()
    ready = all(c.ok for c in checks)
    body = {
        "status": "ok" if ready else "fail",
        "checks": {c.name: c.as_dict() for c in checks},
        "worker": health.worker_report(),
    }
    return JsonResponse(body, status=200 if ready else 503)
