"""Authorization matrix rows for incidents (API endpoints and web pages). See tests/authz.py.

Incidents are read by commune staff and province analysts (VIEW_INCIDENTS), written by commune staff
(MANAGE_INCIDENTS); the crime taxonomy is edited by administrators only.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import ADMIN, AREA_READERS, COMMUNE_STAFF, Endpoint, Page, _json, commune_code


def _incident(where: str) -> int:
    """An incident in Đức Trọng (inside) or Hoàn Kiếm (outside), made directly for the check."""
    from django.utils import timezone

    from binhyen.areas.models import Area
    from binhyen.incidents.models import CrimeCategory, Incident

    incident = Incident.objects.create(
        category=CrimeCategory.objects.get(code="trom-cap"),
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        commune=Area.objects.get(code=commune_code(where)),
        summary="Mất trộm xe máy trước cổng chợ.",
    )
    return incident.pk


def _new_incident(where: str) -> dict[str, Any]:
    return {
        "category": "danh-nhau",
        "occurred_at": (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).isoformat(),
        "commune": commune_code(where),
        "summary": "Hai nhóm thanh niên ẩu đả trước quán nước.",
        "suspects": 4,
        "injuries": 1,
    }


def _form(where: str) -> dict[str, Any]:
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    return {
        "data": {
            "category": "co-bac",
            "date": yesterday.isoformat(),
            "time": "21:30",
            "commune": commune_code(where),
            "summary": "Phát hiện một nhóm đánh bạc tại nhà dân.",
            "suspects": "5",
        }
    }


API: list[Endpoint] = [
    Endpoint(
        "api:list_incidents",
        "get",
        lambda w, where: (f"/api/v1/incidents?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:incident_stats",
        "get",
        lambda w, where: (f"/api/v1/incidents/stats?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:create_incident",
        "post",
        lambda w, where: ("/api/v1/incidents", _json(_new_incident(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_incident",
        "get",
        lambda w, where: (f"/api/v1/incidents/{_incident(where)}", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_incident",
        "patch",
        lambda w, where: (f"/api/v1/incidents/{_incident(where)}", _json({"cleared": True})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:delete_incident",
        "delete",
        lambda w, where: (f"/api/v1/incidents/{_incident(where)}", {}),
        inside=COMMUNE_STAFF,
        ok=(204,),
        denied=(403, 404),
    ),
    # The taxonomy is national: "inside" and "outside" are the same request.
    Endpoint(
        "api:create_crime_category",
        "post",
        lambda w, where: (
            "/api/v1/crime-categories",
            _json({"code": "trom-cho", "name": "Trộm cắp ở chợ", "parent": "trom-cap"}),
        ),
        inside=ADMIN,
        outside=ADMIN,
        ok=(201,),
    ),
    Endpoint(
        "api:update_crime_category",
        "patch",
        lambda w, where: ("/api/v1/crime-categories/khac", _json({"name": "Vụ việc khác về ANTT"})),
        inside=ADMIN,
        outside=ADMIN,
    ),
]
PUBLIC_API: dict[str, str] = {"api:list_crime_categories": "/api/v1/crime-categories"}
PUBLIC_API_POST: set[str] = set()  # public writes, tested in their own modules


PAGES: list[Page] = [
    Page(
        "incidents:list",
        "get",
        lambda w, where: (f"/incidents/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "incidents:create",
        "get",
        lambda w, where: (f"/incidents/new/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "incidents:create",
        "post",
        lambda w, where: ("/incidents/new/", _form(where)),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "incidents:detail",
        "get",
        lambda w, where: (f"/incidents/{_incident(where)}/", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "incidents:edit",
        "get",
        lambda w, where: (f"/incidents/{_incident(where)}/edit/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "incidents:delete",
        "post",
        lambda w, where: (f"/incidents/{_incident(where)}/delete/", {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "incidents:cleared",
        "post",
        lambda w, where: (f"/incidents/{_incident(where)}/cleared/", {"data": {"cleared": "1"}}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page("incidents:categories", "get", lambda w, where: ("/incidents/categories/", {}), inside=ADMIN),
    Page(
        "incidents:categories",
        "post",
        lambda w, where: (
            "/incidents/categories/",
            {"data": {"code": "trom-cho", "name": "Trộm cắp ở chợ", "active": "1", "order": "15"}},
        ),
        inside=ADMIN,
        ok=(302,),
    ),
    Page(
        "incidents:category_edit",
        "get",
        lambda w, where: ("/incidents/categories/khac/edit/", {}),
        inside=ADMIN,
    ),
    Page(
        "incidents:category_deactivate",
        "post",
        lambda w, where: ("/incidents/categories/moi-truong/deactivate/", {}),
        inside=ADMIN,
        ok=(302,),
    ),
]
PUBLIC_PAGES: set[str] = set()  # pages open to everyone, tested in their own modules
