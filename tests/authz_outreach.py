"""Authorization matrix rows for outreach sessions (API and web). See tests/authz.py.

Read by group leaders (their village), commune staff and province analysts (VIEW_MOVEMENT); written by
commune staff (MANAGE_MOVEMENT). The records below are at commune level, so a group leader (granted a
village) does not see them.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import (
    AREA_READERS,
    COMMUNE_STAFF,
    STAFF_NO_RESIDENT,
    Endpoint,
    Page,
    _csv,
    _json,
    commune_code,
)

VIEWERS = STAFF_NO_RESIDENT  # VIEW_MOVEMENT somewhere


def _session(where: str) -> int:
    from binhyen.areas.models import Area
    from binhyen.outreach.models import OutreachSession

    s = OutreachSession.objects.create(
        date=datetime.date(2021, 3, 15),
        commune=Area.objects.get(code=commune_code(where)),
        place="Nhà văn hoá",
        topics="drugs",
        organiser="Công an xã",
        attendees=50,
        leaflets=100,
    )
    return s.pk


def _new(where: str) -> dict[str, Any]:
    return {
        "date": "2021-03-16",
        "commune": commune_code(where),
        "place": "Trường tiểu học",
        "topics": ["traffic"],
        "organiser": "Đoàn Thanh niên",
        "attendees": 120,
    }


def _form(where: str) -> dict[str, Any]:
    return {"data": {**_new(where), "attendees": "120", "leaflets": "0"}}


CSV = "Ngày,Địa điểm,Chủ đề,Đơn vị tổ chức,Số người tham dự\n15/03/2021,Chợ,ma tuý,Công an xã,30\n"

API: list[Endpoint] = [
    Endpoint(
        "api:list_outreach_sessions",
        "get",
        lambda w, where: (f"/api/v1/outreach/sessions?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:outreach_counts",
        "get",
        lambda w, where: (f"/api/v1/outreach/counts?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:create_outreach_session",
        "post",
        lambda w, where: ("/api/v1/outreach/sessions", _json(_new(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_outreach_session",
        "get",
        lambda w, where: (f"/api/v1/outreach/sessions/{_session(where)}", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_outreach_session",
        "patch",
        lambda w, where: (f"/api/v1/outreach/sessions/{_session(where)}", _json({"attendees": 60})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:delete_outreach_session",
        "delete",
        lambda w, where: (f"/api/v1/outreach/sessions/{_session(where)}", {}),
        inside=COMMUNE_STAFF,
        ok=(204,),
        denied=(403, 404),
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()

PAGES: list[Page] = [
    Page(
        "outreach:list",
        "get",
        lambda w, where: (f"/tuyen-truyen/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "outreach:create",
        "get",
        lambda w, where: (f"/tuyen-truyen/moi/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "outreach:create",
        "post",
        lambda w, where: ("/tuyen-truyen/moi/", _form(where)),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "outreach:detail",
        "get",
        lambda w, where: (f"/tuyen-truyen/{_session(where)}/", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "outreach:edit",
        "get",
        lambda w, where: (f"/tuyen-truyen/{_session(where)}/sua/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "outreach:delete",
        "post",
        lambda w, where: (f"/tuyen-truyen/{_session(where)}/xoa/", {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "outreach:export",
        "get",
        lambda w, where: (f"/tuyen-truyen/xuat.xlsx?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "outreach:import",
        "post",
        lambda w, where: (f"/tuyen-truyen/nhap/{commune_code(where)}/", _csv(CSV)),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "outreach:import_template",
        "get",
        lambda w, where: ("/tuyen-truyen/mau-nhap.csv", {}),
        inside=VIEWERS,
        outside=VIEWERS,
    ),
]
PUBLIC_PAGES: set[str] = set()
