"""/api/v1/dashboard: the home dashboard's figures for an area in the caller's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from binhyen.accounts.permissions import Perm, has_perm, home_area
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.web.dashboard import summary

router = Router(tags=["dashboard"])


@router.get("", auth=STAFF_AUTH, summary="Số liệu tổng quan của một đơn vị")
def dashboard(request: HttpRequest, area: str | None = None) -> dict[str, Any]:
    target: Area | None
    if area:
        try:
            target = areas.get_area(area)
        except areas.AreaError as e:
            raise ApiProblem(404, e.message) from None
    else:
        target = home_area(request.user)
    if not has_perm(request.user, Perm.VIEW_DASHBOARD, target):
        raise forbidden()
    return summary(target)
