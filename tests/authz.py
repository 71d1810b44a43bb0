"""Shared pieces of the authorization matrices (API and web): roles, the world checks run in, and the
row types. Each domain adds its rows in its own module (tests/authz_<app>.py), listed in EXTENSIONS.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import DUC_TRONG, HOAN_KIEM, LAM_DONG

ROLES = ["resident", "group_leader", "commune_officer", "commune_leader", "province_analyst", "admin"]
ALL = set(ROLES)
COMMUNE_STAFF = {"commune_officer", "commune_leader", "admin"}
ADMIN = {"admin"}
STAFF_NO_RESIDENT = ALL - {"resident"}


@dataclass
class World:
    """The places and people each check is made against."""

    inside_village: Any  # V1 in Đức Trọng: where residents and group leaders are
    inside_village2: Any  # V2 in Đức Trọng: edited/deleted by checks
    outside_village: Any  # in Hoàn Kiếm (Hà Nội)
    inside_person: Any  # a resident of V1
    outside_person: Any  # a resident in Hoàn Kiếm
    user: Any = None


def grant_area(role: str) -> str | None:
    return {
        "resident": "V1",
        "group_leader": "V1",
        "commune_officer": DUC_TRONG,
        "commune_leader": DUC_TRONG,
        "province_analyst": LAM_DONG,
        "admin": None,
    }[role]


@dataclass
class Endpoint:
    name: str
    method: str
    # builds (path, kwargs for the test client) for a world and "inside"/"outside"
    build: Any
    inside: set[str]  # roles allowed when the target is inside their area
    outside: set[str] = field(default_factory=lambda: set(ADMIN))  # roles allowed outside it
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403,)


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {"data": body, "content_type": "application/json"}


def _csv(text: str) -> dict[str, Any]:
    f = io.BytesIO(text.encode())
    f.name = "import.csv"
    return {"data": {"file": f}}


def _dashboard_area(w: World, where: str) -> str:
    if where == "outside":
        return HOAN_KIEM
    code = grant_area(w.user.username.split("-")[0])
    return {"V1": w.inside_village.code, None: DUC_TRONG}.get(code, code)  # type: ignore[arg-type]


@dataclass
class Page:
    name: str
    method: str
    build: Callable[[World, str], tuple[str, dict[str, Any]]]
    inside: set[str]
    outside: set[str] = field(default_factory=lambda: set(ADMIN))
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403,)


LEADERS = {"commune_leader", "admin"}
AREA_READERS = {"commune_officer", "commune_leader", "province_analyst", "admin"}


def commune_code(where: str) -> str:
    return DUC_TRONG if where == "inside" else HOAN_KIEM
