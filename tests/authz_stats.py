"""Authorization matrix rows for statistics, dashboards and official reports (API and web).

Figures are counts only, read with VIEW_STATS over the area (group leaders see their village, so not a
commune's figures); reports are issued with MANAGE_REPORTS.
"""

from __future__ import annotations

from tests.authz import ALL, AREA_READERS, Endpoint, Page, commune_code

API: list[Endpoint] = [
    Endpoint(
        "api:list_indicators",
        "get",
        lambda w, where: ("/api/v1/stats/indicators", {}),
        inside=ALL - {"resident"},
        outside=ALL - {"resident"},
    ),
    Endpoint(
        "api:stats_figures",
        "get",
        lambda w, where: (f"/api/v1/stats/figures?area={commune_code(where)}&period=2021", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:stats_breakdown",
        "get",
        lambda w, where: (
            f"/api/v1/stats/breakdown?indicator=incidents&area={commune_code(where)}&period=2021",
            {},
        ),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:stats_children",
        "get",
        lambda w, where: (
            f"/api/v1/stats/children?indicator=incidents&area={commune_code(where)}&period=2021",
            {},
        ),
        inside=AREA_READERS,
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()
PAGES: list[Page] = [
    Page(
        "stats:dashboard",
        "get",
        lambda w, where: (f"/thong-ke/?area={commune_code(where)}&period=2021", {}),
        inside=AREA_READERS,
    ),
    Page(
        "reports:new",
        "get",
        lambda w, where: (f"/thong-ke/bao-cao/?area={commune_code(where)}&period=2021", {}),
        inside=AREA_READERS,
    ),
    Page(
        "reports:new",
        "post",
        lambda w, where: (
            "/thong-ke/bao-cao/",
            {"data": {"area": commune_code(where), "period": "2021", "format": "xlsx"}},
        ),
        inside=AREA_READERS,
    ),
]
PUBLIC_PAGES: set[str] = set()
