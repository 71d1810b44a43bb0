"""Authorization matrix rows for weapons and explosives collection (API and web). See tests/authz.py.

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


def _surrender(where: str) -> int:
    from binhyen.areas.models import Area
    from binhyen.weapons.models import WeaponSurrender

    s = WeaponSurrender.objects.create(
        date=datetime.date(2022, 5, 20),
        commune=Area.objects.get(code=commune_code(where)),
        item_type="homemade_gun",
        quantity=1,
        exchange="20 kg gạo",
        rice_kg=20,
    )
    return s.pk


def _new(where: str) -> dict[str, Any]:
    return {
        "date": "2022-05-21",
        "commune": commune_code(where),
        "item_type": "ammunition",
        "quantity": 30,
        "exchange": "10 kg gạo",
        "rice_kg": 10,
    }


def _form(where: str) -> dict[str, Any]:
    return {"data": {**_new(where), "quantity": "30", "rice_kg": "10", "people": "1"}}


CSV = "Ngày,Loại,Số lượng,Gạo (kg)\n20/05/2022,Súng tự chế,1,20\n"

API: list[Endpoint] = [
    Endpoint(
        "api:list_weapon_surrenders",
        "get",
        lambda w, where: (f"/api/v1/weapons/surrenders?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:weapon_counts",
        "get",
        lambda w, where: (f"/api/v1/weapons/counts?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:create_weapon_surrender",
        "post",
        lambda w, where: ("/api/v1/weapons/surrenders", _json(_new(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_weapon_surrender",
        "get",
        lambda w, where: (f"/api/v1/weapons/surrenders/{_surrender(where)}", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_weapon_surrender",
        "patch",
        lambda w, where: (f"/api/v1/weapons/surrenders/{_surrender(where)}", _json({"quantity": 2})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:delete_weapon_surrender",
        "delete",
        lambda w, where: (f"/api/v1/weapons/surrenders/{_surrender(where)}", {}),
        inside=COMMUNE_STAFF,
        ok=(204,),
        denied=(403, 404),
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()

PAGES: list[Page] = [
    Page(
        "weapons:list",
        "get",
        lambda w, where: (f"/vu-khi/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "weapons:create",
        "get",
        lambda w, where: (f"/vu-khi/moi/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "weapons:create",
        "post",
        lambda w, where: ("/vu-khi/moi/", _form(where)),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "weapons:detail",
        "get",
        lambda w, where: (f"/vu-khi/{_surrender(where)}/", {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "weapons:edit",
        "get",
        lambda w, where: (f"/vu-khi/{_surrender(where)}/sua/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "weapons:delete",
        "post",
        lambda w, where: (f"/vu-khi/{_surrender(where)}/xoa/", {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "weapons:export",
        "get",
        lambda w, where: (f"/vu-khi/xuat.xlsx?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "weapons:import",
        "post",
        lambda w, where: (f"/vu-khi/nhap/{commune_code(where)}/", _csv(CSV)),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "weapons:import_template",
        "get",
        lambda w, where: ("/vu-khi/mau-nhap.csv", {}),
        inside=VIEWERS,
        outside=VIEWERS,
    ),
]
PUBLIC_PAGES: set[str] = set()
