"""Authorization matrix rows for movement schemes (mô hình) (API and web). See tests/authz.py.

Schemes are read by group leaders (those with a site in their village), commune staff and province
analysts (VIEW_MOVEMENT), managed by commune officers and leaders (MANAGE_MOVEMENT); the type catalogue is
edited by administrators only (MANAGE_MOVEMENT_TYPES).
"""

from __future__ import annotations

import io
from typing import Any

from tests.authz import ADMIN, AREA_READERS, COMMUNE_STAFF, Endpoint, Page, World, _json, commune_code

# Group leaders see a scheme that runs in their village (the fixture scheme has a site there).
SITE_READERS = AREA_READERS | {"group_leader"}


def _scheme(w: World, where: str, status: str = "active") -> tuple[int, int]:
    """A scheme managed by Đức Trọng (inside) or Hoàn Kiếm (outside) with a site in one of its villages."""
    from binhyen.areas.models import Area
    from binhyen.schemes.models import Scheme, SchemeSite, SchemeType

    scheme = Scheme.objects.create(
        name="Tổ tuần tra tự quản thôn",
        type=SchemeType.objects.get(code="tuan-tra-tu-quan"),
        managing_area=Area.objects.get(code=commune_code(where)),
        status=status,
    )
    village = w.inside_village if where == "inside" else w.outside_village
    site = SchemeSite.objects.create(scheme=scheme, area=village)
    return scheme.pk, site.pk


def _sid(w: World, where: str) -> int:
    return _scheme(w, where)[0]


def _new(where: str) -> dict[str, Any]:
    return {"name": "Tiếng kẻng an ninh", "type": "tieng-keng-an-ninh", "managing_area": commune_code(where)}


def _csv_upload(where: str) -> dict[str, Any]:
    text = f"Tên mô hình,Loại mô hình,Nơi thực hiện\nHẻm an toàn số 1,hem-an-toan,{commune_code(where)}\n"
    f = io.BytesIO(text.encode())
    f.name = "mo-hinh.csv"
    return {"data": {"file": f, "area": commune_code(where)}}


def _api_csv(where: str) -> dict[str, Any]:
    upload = _csv_upload(where)
    del upload["data"]["area"]
    return upload


def _remove_site(w: World, where: str) -> tuple[str, dict[str, Any]]:
    pk, site = _scheme(w, where)
    return f"/api/v1/schemes/{pk}/sites/{site}", {}


def _remove_site_page(w: World, where: str) -> tuple[str, dict[str, Any]]:
    pk, site = _scheme(w, where)
    return f"/mo-hinh/{pk}/noi-thuc-hien/{site}/thoi/", {}


API: list[Endpoint] = [
    Endpoint(
        "api:list_schemes",
        "get",
        lambda w, where: (f"/api/v1/schemes?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:scheme_counts",
        "get",
        lambda w, where: (f"/api/v1/schemes/counts?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:export_schemes",
        "get",
        lambda w, where: (f"/api/v1/schemes/export.xlsx?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:import_schemes",
        "post",
        lambda w, where: (f"/api/v1/schemes/import?area={commune_code(where)}", _api_csv(where)),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:create_scheme",
        "post",
        lambda w, where: ("/api/v1/schemes", _json(_new(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_scheme",
        "get",
        lambda w, where: (f"/api/v1/schemes/{_sid(w, where)}", {}),
        inside=SITE_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_scheme",
        "patch",
        lambda w, where: (f"/api/v1/schemes/{_sid(w, where)}", _json({"run_by": "Chi đoàn thanh niên"})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:change_scheme_status",
        "post",
        lambda w, where: (f"/api/v1/schemes/{_sid(w, where)}/status", _json({"status": "under_review"})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:add_scheme_site",
        "post",
        lambda w, where: (f"/api/v1/schemes/{_sid(w, where)}/sites", _json({"area": commune_code(where)})),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:remove_scheme_site",
        "delete",
        _remove_site,
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:add_scheme_review",
        "post",
        lambda w, where: (
            f"/api/v1/schemes/{_sid(w, where)}/reviews",
            _json({"effectiveness": "good", "notes": "Duy trì tốt"}),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:replicate_scheme",
        "post",
        lambda w, where: (
            f"/api/v1/schemes/{_sid(w, where)}/replicate",
            _json({"areas": [commune_code(where)]}),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
]
PUBLIC_API: dict[str, str] = {"api:list_scheme_types": "/api/v1/schemes/types"}
PUBLIC_API_POST: set[str] = set()

PAGES: list[Page] = [
    Page(
        "schemes:list",
        "get",
        lambda w, where: (f"/mo-hinh/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "schemes:export",
        "get",
        lambda w, where: (f"/mo-hinh/xuat.xlsx?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "schemes:create",
        "get",
        lambda w, where: (f"/mo-hinh/moi/?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "schemes:create",
        "post",
        lambda w, where: ("/mo-hinh/moi/", {"data": _new(where)}),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "schemes:import",
        "get",
        lambda w, where: (f"/mo-hinh/nhap/?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "schemes:import",
        "post",
        lambda w, where: ("/mo-hinh/nhap/", _csv_upload(where)),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "schemes:import_template",
        "get",
        lambda w, where: ("/mo-hinh/nhap/mau.csv", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Page("schemes:types", "get", lambda w, where: ("/mo-hinh/loai/", {}), inside=ADMIN),
    Page(
        "schemes:types",
        "post",
        lambda w, where: (
            "/mo-hinh/loai/",
            {"data": {"code": "vuon-hoa-an-toan", "name": "Vườn hoa an toàn", "active": "1"}},
        ),
        inside=ADMIN,
        ok=(302,),
    ),
    Page("schemes:type_edit", "get", lambda w, where: ("/mo-hinh/loai/khac/sua/", {}), inside=ADMIN),
    Page(
        "schemes:type_edit",
        "post",
        lambda w, where: (
            "/mo-hinh/loai/khac/sua/",
            {"data": {"code": "khac", "name": "Mô hình khác (tự quản)", "active": "1", "order": "999"}},
        ),
        inside=ADMIN,
        ok=(302,),
    ),
    Page(
        "schemes:detail",
        "get",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/", {}),
        inside=SITE_READERS,
        denied=(403, 404),
    ),
    Page(
        "schemes:edit",
        "get",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/sua/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "schemes:edit",
        "post",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/sua/", {"data": _new(where)}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "schemes:status",
        "post",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/trang-thai/", {"data": {"status": "under_review"}}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "schemes:site_add",
        "post",
        lambda w, where: (
            f"/mo-hinh/{_sid(w, where)}/noi-thuc-hien/",
            {"data": {"area": commune_code(where)}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "schemes:site_remove", "post", _remove_site_page, inside=COMMUNE_STAFF, ok=(302,), denied=(403, 404)
    ),
    Page(
        "schemes:review_add",
        "post",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/ra-soat/", {"data": {"effectiveness": "fair"}}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "schemes:replicate",
        "get",
        lambda w, where: (f"/mo-hinh/{_sid(w, where)}/nhan-rong/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "schemes:replicate",
        "post",
        lambda w, where: (
            f"/mo-hinh/{_sid(w, where)}/nhan-rong/",
            {"data": {"areas": [commune_code(where)]}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
]
PUBLIC_PAGES: set[str] = set()
