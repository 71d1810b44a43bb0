"""Authorization matrix rows for organisations, members and mediation (API and web). See tests/authz.py.

Viewed by group leaders (for the organisations covering their village), commune staff and province
analysts (VIEW_MOVEMENT); managed by commune staff (MANAGE_MOVEMENT); types by administrators. "Inside"
targets cover Tổ dân phố 1 of Đức Trọng (24958), "outside" ones a group of Hoàn Kiếm (00070).
"""

from __future__ import annotations

import io
from typing import Any

from tests.authz import ADMIN, AREA_READERS, COMMUNE_STAFF, Endpoint, Page, World, _json, commune_code

VIEWERS = AREA_READERS | {"group_leader"}


def _village(w: World, where: str) -> Any:
    return w.inside_village if where == "inside" else w.outside_village


def _org(w: World, where: str, kind: str = "to-bao-ve-antt") -> Any:
    from binhyen.areas.models import Area
    from binhyen.organisations.models import Organisation, OrganisationType

    org = Organisation(
        type=OrganisationType.objects.get(code=kind),
        name=f"Tổ kiểm tra {kind}",
        commune=Area.objects.get(code=commune_code(where)),
    )
    org.save()
    org.villages.add(_village(w, where))
    return org


def _person(w: World, where: str) -> Any:
    import datetime

    from binhyen.areas.models import Area
    from binhyen.core import crypto
    from binhyen.organisations.models import Person

    person = Person(
        full_name="Nguyễn Văn Kiểm",
        birth_date=datetime.date(1980, 5, 1),
        commune=Area.objects.get(code=commune_code(where)),
        village=_village(w, where),
        phone_encrypted=crypto.encrypt("0912000111"),
    )
    person.save()
    return person


def _membership(w: World, where: str) -> int:
    import datetime

    from binhyen.organisations.models import Membership

    m = Membership.objects.create(
        organisation=_org(w, where), person=_person(w, where), joined_on=datetime.date(2024, 1, 1)
    )
    return m.pk


def _member(w: World, where: str) -> dict[str, Any]:
    return {"full_name": "Trần Thị Hoa", "birth_year": 1985, "role": "member", "joined_on": "2024-02-01"}


def _case() -> dict[str, Any]:
    return {"case_type": "land", "received_on": "2025-03-01", "outcome": "successful", "parties_count": 2}


def _upload(where: str) -> dict[str, Any]:
    text = (
        "Loại tổ chức,Tên tổ chức,Họ tên thành viên,Năm sinh,Vai trò\n"
        "to-tu-quan,Tổ tự quản số 9,Lê Văn Ba,1970,Tổ viên\n"
    )
    f = io.BytesIO(text.encode())
    f.name = "to-chuc.csv"
    return {"data": {"file": f, "commune": commune_code(where)}}


API: list[Endpoint] = [
    Endpoint(
        "api:list_organisations",
        "get",
        lambda w, where: (f"/api/v1/organisations?area={_village(w, where).code}", {}),
        inside=VIEWERS,
    ),
    Endpoint(
        "api:organisation_counts",
        "get",
        lambda w, where: (f"/api/v1/organisations/counts?area={_village(w, where).code}", {}),
        inside=VIEWERS,
    ),
    Endpoint(
        "api:create_organisation",
        "post",
        lambda w, where: (
            "/api/v1/organisations",
            _json({"type": "to-lien-gia", "name": "Tổ liên gia số 3", "commune": commune_code(where)}),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_organisation",
        "get",
        lambda w, where: (f"/api/v1/organisations/{_org(w, where).pk}", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_organisation",
        "patch",
        lambda w, where: (f"/api/v1/organisations/{_org(w, where).pk}", _json({"note": "Họp tháng 3"})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:list_memberships",
        "get",
        lambda w, where: (f"/api/v1/organisations/{_org(w, where).pk}/members", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:add_membership",
        "post",
        lambda w, where: (f"/api/v1/organisations/{_org(w, where).pk}/members", _json(_member(w, where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:end_membership",
        "post",
        lambda w, where: (f"/api/v1/organisations/memberships/{_membership(w, where)}/end", _json({})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:list_mediation_cases",
        "get",
        lambda w, where: (f"/api/v1/organisations/{_org(w, where, 'to-hoa-giai').pk}/mediation-cases", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:create_mediation_case",
        "post",
        lambda w, where: (
            f"/api/v1/organisations/{_org(w, where, 'to-hoa-giai').pk}/mediation-cases",
            _json(_case()),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:search_people",
        "get",
        lambda w, where: (f"/api/v1/organisations/people?q=kiem&commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Endpoint(
        "api:person_phone",
        "get",
        lambda w, where: (f"/api/v1/organisations/people/{_person(w, where).pk}/phone", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    # Types are national: "inside" and "outside" are the same request.
    Endpoint(
        "api:create_organisation_type",
        "post",
        lambda w, where: (
            "/api/v1/organisations/types",
            _json({"code": "to-thu-nghiem", "name": "Tổ thử nghiệm"}),
        ),
        inside=ADMIN,
        outside=ADMIN,
        ok=(201,),
    ),
    Endpoint(
        "api:update_organisation_type",
        "patch",
        lambda w, where: ("/api/v1/organisations/types/cau-lac-bo", _json({"name": "Câu lạc bộ ANTT"})),
        inside=ADMIN,
        outside=ADMIN,
    ),
]
PUBLIC_API: dict[str, str] = {"api:list_organisation_types": "/api/v1/organisations/types"}
PUBLIC_API_POST: set[str] = set()

PAGES: list[Page] = [
    Page(
        "organisations:list",
        "get",
        lambda w, where: (f"/to-chuc/?area={_village(w, where).code}", {}),
        inside=VIEWERS,
    ),
    Page(
        "organisations:export",
        "get",
        lambda w, where: (f"/to-chuc/export.xlsx?area={_village(w, where).code}", {}),
        inside=VIEWERS,
    ),
    Page(
        "organisations:create",
        "get",
        lambda w, where: (f"/to-chuc/new/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "organisations:create",
        "post",
        lambda w, where: (
            "/to-chuc/new/",
            {"data": {"type": "to-tu-quan", "name": "Tổ tự quản số 5", "commune": commune_code(where)}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "organisations:detail",
        "get",
        lambda w, where: (f"/to-chuc/{_org(w, where).pk}/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "organisations:edit",
        "get",
        lambda w, where: (f"/to-chuc/{_org(w, where).pk}/edit/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "organisations:member_add",
        "post",
        lambda w, where: (
            f"/to-chuc/{_org(w, where).pk}/members/",
            {
                "data": {
                    "full_name": "Trần Thị Hoa",
                    "birth_year": "1985",
                    "role": "member",
                    "joined_on": "2024-02-01",
                }
            },
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "organisations:member_end",
        "post",
        lambda w, where: (f"/to-chuc/members/{_membership(w, where)}/end/", {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "organisations:mediation_add",
        "post",
        lambda w, where: (
            f"/to-chuc/{_org(w, where, 'to-hoa-giai').pk}/mediation/",
            {"data": {k: str(v) for k, v in _case().items()}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "organisations:person_phone",
        "post",
        lambda w, where: (f"/to-chuc/people/{_person(w, where).pk}/phone/", {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "organisations:import",
        "get",
        lambda w, where: (f"/to-chuc/import/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "organisations:import",
        "post",
        lambda w, where: ("/to-chuc/import/", _upload(where)),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "organisations:import_template",
        "get",
        lambda w, where: ("/to-chuc/import/template.csv", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Page("organisations:types", "get", lambda w, where: ("/to-chuc/types/", {}), inside=ADMIN),
    Page(
        "organisations:types",
        "post",
        lambda w, where: (
            "/to-chuc/types/",
            {
                "data": {
                    "code": "to-thu-nghiem",
                    "name": "Tổ thử nghiệm",
                    "roles": ["leader", "member"],
                    "active": "1",
                }
            },
        ),
        inside=ADMIN,
        ok=(302,),
    ),
    Page(
        "organisations:type_edit",
        "get",
        lambda w, where: ("/to-chuc/types/cau-lac-bo/edit/", {}),
        inside=ADMIN,
    ),
]
PUBLIC_PAGES: set[str] = set()
