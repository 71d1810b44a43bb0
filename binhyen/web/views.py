"""Home (public landing page or the dashboard of an area) and the error pages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from binhyen.accounts.models import Role
from binhyen.accounts.permissions import Perm, has_perm, home_area
from binhyen.api.problems import problem
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.web.dashboard import summary

log = logging.getLogger(__name__)


def area_or_404(code: str) -> Area:
    """The area with this code, or the 404 page (unknown codes are never a 500)."""
    try:
        return areas.get_area(code)
    except areas.AreaError as e:
        raise Http404(e.message) from None


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or not has_perm(user, Perm.VIEW_DASHBOARD):
        return render(request, "web/landing.html", {"counts": areas.counts(None)})
    code = (request.GET.get("area") or "").strip()
    area = area_or_404(code) if code else home_area(user)
    if not has_perm(user, Perm.VIEW_DASHBOARD, area):
        raise PermissionDenied(_("This area is outside the areas you may view."))
    data = summary(area)
    counts = data["areas"]
    children = areas.children(area)
    role_rows = [{"label": Role(role).label, "count": n} for role, n in data["accounts"].items()]
    chart = {
        "labels": [c["name"] for c in data["top_communes"]],
        "values": [c["villages"] for c in data["top_communes"]],
        "label": _("Villages and residential groups"),
    }
    return render(request, "web/dashboard.html", {
        "area": area,
        "breadcrumb": area.ancestors() if area else [],
        "counts": counts,
        "role_rows": role_rows,
        "accounts_total": sum(data["accounts"].values()),
        "top_communes": data["top_communes"],
        "chart": chart,
        "chart_height": 80 + 32 * len(data["top_communes"]),
        "children": children,
        "children_are_villages": area is not None and area.level == Level.COMMUNE,
        "show_population": has_perm(user, Perm.VIEW_AREA_DETAILS, area),
        "can_view_nation": has_perm(user, Perm.VIEW_DASHBOARD, None),
    })


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return problem(404, "Không tìm thấy đường dẫn API này.", instance=request.path)
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem(500, "Lỗi máy chủ; vui lòng thử lại sau.", instance=request.path)
    # No request context: the error may come from the database the context processors need.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return problem(403, "Bạn không có quyền thực hiện thao tác này.", instance=request.path)
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)
