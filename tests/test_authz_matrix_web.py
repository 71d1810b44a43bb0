"""Authorization matrix for the web pages: every role × every page × inside / outside the user's area.

Expected outcomes are written out by hand; the last test fails when a page exists that is not here.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz import (
    ADMIN,
    ALL,
    AREA_READERS,
    COMMUNE_STAFF,
    LEADERS,
    ROLES,
    Page,
    World,
    _dashboard_area,
    grant_area,
)
from tests.conftest import DUC_TRONG, HOAN_KIEM
from tests.test_authz_matrix import EXTENSIONS
from tests.test_authz_matrix import world as world  # noqa: F401  (fixture)


def _village(w: World, where: str) -> Any:
    return w.inside_village2 if where == "inside" else w.outside_village


def _commune(where: str) -> str:
    return DUC_TRONG if where == "inside" else HOAN_KIEM


def _job(w: World, where: str) -> int:
    from binhyen.areas.models import Area, ImportJob

    job = ImportJob.objects.create(
        commune=Area.objects.get(code=_commune(where)), filename="t.csv", content=b"Ten\nThon X\n"
    )
    return job.pk


def _upload() -> dict[str, Any]:
    f = io.BytesIO("Tên,Loại\nThôn Nhập,thôn\n".encode())
    f.name = "thon.csv"
    return {"file": f}


PAGES = [
    Page("home", "get", lambda w, where: (f"/?area={_dashboard_area(w, where)}", {}), inside=ALL),
    Page("security", "get", lambda w, where: ("/accounts/security/", {}), inside=ALL, outside=ALL),
    Page("users:list", "get", lambda w, where: ("/users/", {}), inside=LEADERS, outside=LEADERS),
    Page("users:create", "get", lambda w, where: ("/users/new/", {}), inside=ADMIN),
    Page(
        "users:detail",
        "get",
        lambda w, where: (f"/users/{(w.inside_person if where == 'inside' else w.outside_person).pk}/", {}),
        inside=LEADERS,
        denied=(403, 404),
    ),
    Page("areas:list", "get", lambda w, where: ("/areas/", {}), inside=ALL, outside=ALL),
    Page(
        "areas:import_template",
        "get",
        lambda w, where: ("/areas/import-template.csv", {}),
        inside=ALL,
        outside=ALL,
    ),
    Page(
        "areas:import_job",
        "get",
        lambda w, where: (f"/areas/imports/{_job(w, where)}/", {}),
        inside=AREA_READERS,
    ),
    Page("areas:detail", "get", lambda w, where: (f"/areas/{_commune(where)}/", {}), inside=ALL, outside=ALL),
    Page(
        "areas:village_row",
        "get",
        lambda w, where: (f"/areas/{_village(w, where).code}/row/", {}),
        inside=ALL,
        outside=ALL,
    ),
    Page(
        "areas:village_create",
        "post",
        lambda w, where: (
            f"/areas/{_commune(where)}/villages/",
            {"data": {"name": "Thôn Mới", "type": "village"}},
        ),
        inside=COMMUNE_STAFF,
        ok=(200, 201, 302),
    ),
    Page(
        "areas:import_upload",
        "post",
        lambda w, where: (f"/areas/{_commune(where)}/import/", {"data": _upload()}),
        inside=COMMUNE_STAFF,
        ok=(200, 201, 202, 302),
    ),
    Page(
        "areas:village_edit",
        "get",
        lambda w, where: (f"/areas/{_village(w, where).code}/edit/", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "areas:village_delete",
        "post",
        lambda w, where: (f"/areas/{_village(w, where).code}/delete/", {}),
        inside=COMMUNE_STAFF,
        ok=(200, 204, 302),
    ),
    Page("audit:list", "get", lambda w, where: ("/audit/", {}), inside=ADMIN),
    Page("audit:export", "get", lambda w, where: ("/audit/export.csv", {}), inside=ADMIN),
]
# Open to everyone; their own behaviour is tested in tests/test_web_*.py.
PUBLIC = {"login", "login_code", "logout", "set_language"}
for _ext in EXTENSIONS:
    PAGES += _ext.PAGES
    PUBLIC |= _ext.PUBLIC_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_web_matrix(client: Any, make_user: Any, world: World, page: Page, role: str, where: str) -> None:
    area = grant_area(role)
    user = make_user(role, world.inside_village.code if area == "V1" else area, username=f"{role}-tester")
    world.user = user
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")
    path, kwargs = page.build(world, where)
    response = getattr(client, page.method)(path, **kwargs)
    allowed = role in (page.inside if where == "inside" else page.outside)
    expected = page.ok if allowed else page.denied
    assert response.status_code in expected, (
        f"{role} {where}: {page.method.upper()} {path} → {response.status_code} (expected {expected})"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if p.name != "home"], ids=lambda p: p.name)
def test_anonymous_is_sent_to_login(client: Any, world: World, page: Page) -> None:
    world.user = type("U", (), {"username": "admin-anon"})()
    path, kwargs = page.build(world, "inside")
    response = getattr(client, page.method)(path, **kwargs)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _web_page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns not in ("api", "admin"):
                    walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns)
    return names


def test_matrix_covers_every_web_page() -> None:
    missing = _web_page_names() - {p.name for p in PAGES} - PUBLIC
    assert not missing, f"pages not in the authorization matrix: {sorted(missing)}"
