"""Authorization matrix: every role × every endpoint × inside / outside the user's area.

The expected outcomes are written out by hand below (not derived from the permission layer), and the
test fails when an endpoint exists that the matrix does not cover.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import (
    authz_alerts,
    authz_assessment,
    authz_awards,
    authz_camera_coverage,
    authz_cameras,
    authz_cameras_api,
    authz_datasets,
    authz_incidents,
    authz_ops,
    authz_organisations,
    authz_outreach,
    authz_patrols,
    authz_schemes,
    authz_stats,
    authz_tips,
    authz_weapons,
)
from tests.authz import (
    ADMIN,
    ALL,
    COMMUNE_STAFF,
    ROLES,
    Endpoint,
    World,
    _csv,
    _dashboard_area,
    _json,
    grant_area,
)
from tests.conftest import DEMO_PASSWORD, DUC_TRONG, HOAN_KIEM

EXTENSIONS = [
    authz_tips,
    authz_incidents,
    authz_ops,
    authz_cameras,
    authz_cameras_api,
    authz_camera_coverage,
    authz_schemes,
    authz_organisations,
    authz_outreach,
    authz_weapons,
    authz_awards,
    authz_patrols,
    authz_stats,
    authz_datasets,
    authz_assessment,
    authz_alerts,
]

API = [
    Endpoint(
        "api:dashboard",
        "get",
        lambda w, where: (f"/api/v1/dashboard?area={_dashboard_area(w, where)}", {}),
        inside=ALL,
    ),
    Endpoint("api:me", "get", lambda w, where: ("/api/v1/me", {}), inside=ALL, outside=ALL),
    Endpoint(
        "api:create_village",
        "post",
        lambda w, where: (
            "/api/v1/areas",
            _json(
                {
                    "parent": DUC_TRONG if where == "inside" else HOAN_KIEM,
                    "name": "Thôn Mới Lập",
                    "type": "thôn",
                }
            ),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:update_village",
        "patch",
        lambda w, where: (
            f"/api/v1/areas/{(w.inside_village2 if where == 'inside' else w.outside_village).code}",
            _json({"name": "Thôn Đổi Tên"}),
        ),
        inside=COMMUNE_STAFF,
    ),
    Endpoint(
        "api:delete_village",
        "delete",
        lambda w, where: (
            f"/api/v1/areas/{(w.inside_village2 if where == 'inside' else w.outside_village).code}",
            {},
        ),
        inside=COMMUNE_STAFF,
        ok=(204,),
    ),
    Endpoint(
        "api:import_villages",
        "post",
        lambda w, where: (
            f"/api/v1/areas/{DUC_TRONG if where == 'inside' else HOAN_KIEM}/import",
            _csv("Tên,Loại,Dân số\nThôn Nhập Mới,thôn,1200\n"),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:import_predecessors",
        "post",
        lambda w, where: (
            "/api/v1/predecessors/import",
            _csv(
                f"Mã cũ,Tên cũ,Loại cũ,Mã mới\n672,Huyện Đức Trọng,huyện,"
                f"{DUC_TRONG if where == 'inside' else HOAN_KIEM}\n"
            ),
        ),
        inside=ADMIN,
        ok=(201,),
    ),
    Endpoint(
        "api:list_users",
        "get",
        lambda w, where: ("/api/v1/users", {}),
        inside={"commune_leader", "admin"},
        outside={"commune_leader", "admin"},
    ),
    Endpoint(
        "api:get_user",
        "get",
        lambda w, where: (
            f"/api/v1/users/{(w.inside_person if where == 'inside' else w.outside_person).pk}",
            {},
        ),
        inside={"commune_leader", "admin"},
        denied=(403, 404),
    ),
    Endpoint(
        "api:create_user",
        "post",
        lambda w, where: (
            "/api/v1/users",
            _json(
                {
                    "username": f"moi-{where}",
                    "password": DEMO_PASSWORD,
                    "role": "resident",
                    "area": DUC_TRONG if where == "inside" else HOAN_KIEM,
                }
            ),
        ),
        inside=ADMIN,
        ok=(201,),
    ),
    Endpoint("api:list_events", "get", lambda w, where: ("/api/v1/audit", {}), inside=ADMIN),
    Endpoint("api:export_csv", "get", lambda w, where: ("/api/v1/audit/export.csv", {}), inside=ADMIN),
    Endpoint(
        "api:revoke",
        "delete",
        lambda w, where: ("/api/v1/auth/token", {}),
        inside=ALL,
        outside=ALL,
        ok=(204,),
    ),
]

# Open to everyone, signed in or not.
PUBLIC_API = {
    "api:list_areas": "/api/v1/areas?level=province",
    "api:get_area": f"/api/v1/areas/{DUC_TRONG}",
    "api:predecessors": f"/api/v1/areas/{DUC_TRONG}/predecessors",
    "api:find_predecessors": "/api/v1/predecessors?old_code=672",
    "api:openapi-json": "/api/v1/openapi.json",
    "api:openapi-view": "/api/v1/docs",
}
PUBLIC_API_POST = {"api:token"}  # tested in test_accounts
for _ext in EXTENSIONS:
    API += _ext.API
    PUBLIC_API.update(_ext.PUBLIC_API)
    PUBLIC_API_POST |= _ext.PUBLIC_API_POST
NOT_ENDPOINTS = {"api:api-root"}  # ninja's internal pattern for /api/v1/ itself: a 404 problem


@pytest.fixture
def world(make_user: Any) -> World:
    from binhyen.areas import domain

    duc_trong = domain.get_area(DUC_TRONG)
    hoan_kiem = domain.get_area(HOAN_KIEM)
    v1, v2 = domain.create_villages(
        duc_trong,
        [
            domain.VillageInput("Tổ dân phố 1", "tổ dân phố"),
            domain.VillageInput("Tổ dân phố 2", "tổ dân phố"),
        ],
    )
    outside = domain.create_village(hoan_kiem, domain.VillageInput("Tổ dân phố 5", "tổ dân phố"))
    return World(
        v1,
        v2,
        outside,
        make_user("resident", v1.code, username="nguoi-trong"),
        make_user("resident", HOAN_KIEM, username="nguoi-ngoai"),
    )


def _login_as(client: Any, make_user: Any, w: World, role: str) -> None:
    area = grant_area(role)
    user = make_user(role, w.inside_village.code if area == "V1" else area, username=f"{role}-tester")
    w.user = user
    r = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {r.json()['token']}"


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", API, ids=[e.name for e in API])
def test_api_matrix(
    client: Any, make_user: Any, world: World, endpoint: Endpoint, role: str, where: str
) -> None:
    _login_as(client, make_user, world, role)
    path, kwargs = endpoint.build(world, where)
    response = getattr(client, endpoint.method)(path, **kwargs)
    allowed = role in (endpoint.inside if where == "inside" else endpoint.outside)
    expected = endpoint.ok if allowed else endpoint.denied
    assert response.status_code in expected, (
        f"{role} {where}: {endpoint.method.upper()} {path} → {response.status_code} "
        f"(expected {expected}): {response.content[:300]!r}"
    )
    if not allowed:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]  # Vietnamese explanation


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", API, ids=[e.name for e in API])
def test_api_matrix_anonymous(client: Any, world: World, endpoint: Endpoint) -> None:
    world.user = type("U", (), {"username": "admin-anon"})()
    path, kwargs = endpoint.build(world, "inside")
    response = getattr(client, endpoint.method)(path, **kwargs)
    assert response.status_code == 401, (path, response.content[:200])
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC_API))
def test_public_api_open_to_anonymous(client: Any, name: str) -> None:
    assert client.get(PUBLIC_API[name]).status_code == 200


def _api_operation_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "api" and p.name:
                names.add(f"api:{p.name}")

    walk(get_resolver().url_patterns)
    return names


def test_matrix_covers_every_api_endpoint() -> None:
    covered = {e.name for e in API} | set(PUBLIC_API) | PUBLIC_API_POST | NOT_ENDPOINTS
    # Several operations share one URL pattern (GET/PATCH/DELETE /areas/{code}); ninja names the pattern
    # after the first, so compare operations from the OpenAPI schema too.
    from binhyen.api.api import api

    schema = api.get_openapi_schema()
    operations = {f"api:{op['operationId']}" for ops in schema["paths"].values() for op in ops.values()}
    missing = (_api_operation_names() | operations) - covered
    assert not missing, f"endpoints not in the authorization matrix: {sorted(missing)}"
