"""The API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Each app contributes its router from its own `api.py`; this module only assembles them and turns every
error into RFC 9457 problem details with a Vietnamese `detail`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from binhyen.accounts import api as accounts_api
from binhyen.alerts import api as alerts_api
from binhyen.api.problems import ApiProblem, problem
from binhyen.areas.api import predecessors_router
from binhyen.areas.api import router as areas_router
from binhyen.assessment import api as assessment_api
from binhyen.audit.api import router as audit_router
from binhyen.awards import api as awards_api
from binhyen.cameras import api as cameras_api
from binhyen.datasets import api as datasets_api
from binhyen.incidents import api as incidents_api
from binhyen.organisations import api as organisations_api
from binhyen.outreach import api as outreach_api
from binhyen.patrols import api as patrols_api
from binhyen.schemes import api as schemes_api
from binhyen.stats import api as stats_api
from binhyen.tips import api as tips_api
from binhyen.weapons import api as weapons_api
from binhyen.web.api import router as dashboard_router

log = logging.getLogger(__name__)


class BinhYenAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short, stable ids ("list_areas") for generated clients; handler names are unique.
        return str(operation.view_func.__name__)


api = BinhYenAPI(
    title="Bình Yên API",
    version="1",
    description=(
        "API của nền tảng Bình Yên (Phong trào Toàn dân bảo vệ an ninh Tổ quốc). "
        "Xác thực: `POST /api/v1/auth/token` rồi gửi `Authorization: Bearer <token>`. "
        "Lỗi trả về theo RFC 9457 (application/problem+json). "
        "Các lệnh ghi có thể gửi kèm `Idempotency-Key` để gửi lại an toàn."
    ),
    urls_namespace="api",
)

api.add_router("/auth", accounts_api.auth_router)
api.add_router("/users", accounts_api.users_router)
api.add_router("/me", accounts_api.me_router)
api.add_router("/areas", areas_router)
api.add_router("/predecessors", predecessors_router)
api.add_router("/audit", audit_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/tips", tips_api.router)
api.add_router("/tip-categories", tips_api.categories_router)
api.add_router("/webhooks/tips", tips_api.webhook_router)
api.add_router("/incidents", incidents_api.router)
api.add_router("/crime-categories", incidents_api.taxonomy_router)
api.add_router("/cameras", cameras_api.router)
api.add_router("/footage-requests", cameras_api.footage_router)
api.add_router("/schemes", schemes_api.router)
api.add_router("/organisations", organisations_api.router)
api.add_router("/outreach", outreach_api.router)
api.add_router("/weapons", weapons_api.router)
api.add_router("/awards", awards_api.router)
api.add_router("/patrols", patrols_api.router)
api.add_router("/stats", stats_api.router)
api.add_router("/assessments", assessment_api.router)
api.add_router("/alerts", alerts_api.router)
# Data sets under /datasets, DHIS2 exchange at /dataValueSets (DHIS2's own path).
api.add_router("/", datasets_api.router)


def _field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "file", "files")]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field(list(e.get("loc", []))), "message": e.get("msg", "")} for e in exc.errors]
    fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
    detail = "Dữ liệu gửi lên không hợp lệ" + (f": {fields}." if fields else ".")
    return problem(422, detail, instance=request.path, errors=errors)


@api.exception_handler(ApiProblem)
def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem(exc.status, exc.detail, instance=request.path, **exc.extra)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(401, "Cần đăng nhập: gửi Authorization: Bearer <token>.", instance=request.path)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, str(exc) or "Bạn không có quyền thực hiện thao tác này.", instance=request.path)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, str(exc) or "Không tìm thấy.", instance=request.path)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc), instance=request.path)


@api.exception_handler(Exception)
def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s", request.path)
    return problem(500, "Lỗi máy chủ; yêu cầu chưa được thực hiện. Vui lòng thử lại.", instance=request.path)
