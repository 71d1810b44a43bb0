"""Authorization matrix rows for camera coverage, exports and imports. See tests/authz.py.

Coverage is counts only (province analysts too); exports list individual cameras (commune staff, as the
registry itself); imports change the registry (commune staff of that commune).
"""

from __future__ import annotations

import io
from typing import Any

from tests.authz import ALL, AREA_READERS, COMMUNE_STAFF, Endpoint, Page, World, commune_code

BASE = "/camera/do-phu/"


def _upload(w: World, where: str) -> tuple[str, dict[str, Any]]:
    f = io.BytesIO("Tên camera,Vĩ độ,Kinh độ,Đồng ý\nCamera cổng chợ,11.7352,108.3731,có\n".encode())
    f.name = "camera.csv"
    return f"{BASE}nhap/{commune_code(where)}/", {"data": {"file": f}}


API: list[Endpoint] = []
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()
PAGES: list[Page] = [
    Page(
        "camera_coverage:coverage",
        "get",
        lambda w, where: (f"{BASE}?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "camera_coverage:export_geojson",
        "get",
        lambda w, where: (f"{BASE}xuat.geojson?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "camera_coverage:export_xlsx",
        "get",
        lambda w, where: (f"{BASE}xuat.xlsx?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "camera_coverage:import",
        "get",
        lambda w, where: (f"{BASE}nhap/{commune_code(where)}/", {}),
        inside=COMMUNE_STAFF,
    ),
    Page("camera_coverage:import", "post", _upload, inside=COMMUNE_STAFF),
    Page(
        "camera_coverage:import_template",
        "get",
        lambda w, where: (f"{BASE}nhap/mau.csv", {}),
        inside=ALL,
        outside=ALL,
    ),
]
PUBLIC_PAGES: set[str] = set()
