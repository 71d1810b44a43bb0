"""Authorization matrix rows for awards (API and web). See tests/authz.py.

Proposals are read with VIEW_MOVEMENT (commune-level records: not by a group leader granted a village),
drafted and submitted by commune officers and leaders (PROPOSE_AWARDS), approved or rejected at approval
by commune leaders (APPROVE_AWARDS), decided or rejected at decision by province analysts (DECIDE_AWARDS);
administrators may do everything everywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import (
    AREA_READERS,
    COMMUNE_STAFF,
    LEADERS,
    STAFF_NO_RESIDENT,
    Endpoint,
    Page,
    _csv,
    _json,
    commune_code,
)

DECIDERS = {"province_analyst", "admin"}


def _proposal(where: str, status: str = "draft") -> int:
    from binhyen.areas.models import Area
    from binhyen.awards.models import AwardProposal

    p = AwardProposal.objects.create(
        nominee_kind="collective",
        nominee_name="Tổ bảo vệ ANTT thôn Phú Thạnh",
        commune=Area.objects.get(code=commune_code(where)),
        award_kind="province_merit",
        year=2021,
        proposed_on=datetime.date(2021, 12, 15),
        achievement="Phát hiện, tố giác 3 vụ trộm cắp trong năm.",
        status=status,
    )
    return p.pk


def _new(where: str) -> dict[str, Any]:
    return {
        "nominee_kind": "collective",
        "nominee_name": "Tổ tự quản số 2",
        "commune": commune_code(where),
        "award_kind": "commendation",
        "year": 2021,
        "proposed_on": "2021-12-01",
        "achievement": "Giữ vững an ninh trật tự trên địa bàn cả năm.",
    }


DECISION = {
    "decision_number": "1234/QĐ-UBND",
    "decision_date": "2022-01-10",
    "issuing_authority": "UBND tỉnh",
}
CSV = "Đối tượng,Tên cá nhân tập thể,Hình thức khen thưởng,Năm thành tích,Thành tích\n" + (
    "Tập thể,Tổ tự quản số 1,Giấy khen,2021,Giữ vững an ninh trật tự cả năm.\n"
)


def _api(pk: int, tail: str = "") -> str:
    return f"/api/v1/awards/proposals/{pk}{tail}"


API: list[Endpoint] = [
    Endpoint(
        "api:list_award_proposals",
        "get",
        lambda w, where: (f"/api/v1/awards/proposals?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:award_counts",
        "get",
        lambda w, where: (f"/api/v1/awards/counts?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:create_award_proposal",
        "post",
        lambda w, where: ("/api/v1/awards/proposals", _json(_new(where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
    ),
    Endpoint(
        "api:get_award_proposal",
        "get",
        lambda w, where: (_api(_proposal(where)), {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:update_award_proposal",
        "patch",
        lambda w, where: (_api(_proposal(where)), _json({"year": 2020, "proposed_on": "2021-12-16"})),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:delete_award_proposal",
        "delete",
        lambda w, where: (_api(_proposal(where)), {}),
        inside=COMMUNE_STAFF,
        ok=(204,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:submit_award_proposal",
        "post",
        lambda w, where: (_api(_proposal(where), "/submit"), {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Endpoint(
        "api:approve_award_proposal",
        "post",
        lambda w, where: (_api(_proposal(where, "submitted"), "/approve"), {}),
        inside=LEADERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:reject_award_proposal",
        "post",
        lambda w, where: (
            _api(_proposal(where, "submitted"), "/reject"),
            _json({"reason": "Chưa đủ tiêu chuẩn"}),
        ),
        inside=LEADERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:decide_award_proposal",
        "post",
        lambda w, where: (_api(_proposal(where, "approved"), "/decide"), _json(DECISION)),
        inside=DECIDERS,
        denied=(403, 404),
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()


def _web(pk: int, tail: str = "") -> str:
    return f"/khen-thuong/{pk}/{tail}"


PAGES: list[Page] = [
    Page(
        "awards:list",
        "get",
        lambda w, where: (f"/khen-thuong/?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "awards:create",
        "get",
        lambda w, where: (f"/khen-thuong/moi/?commune={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "awards:create",
        "post",
        lambda w, where: ("/khen-thuong/moi/", {"data": _new(where)}),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "awards:detail",
        "get",
        lambda w, where: (_web(_proposal(where)), {}),
        inside=AREA_READERS,
        denied=(403, 404),
    ),
    Page(
        "awards:edit",
        "get",
        lambda w, where: (_web(_proposal(where), "sua/"), {}),
        inside=COMMUNE_STAFF,
        denied=(403, 404),
    ),
    Page(
        "awards:delete",
        "post",
        lambda w, where: (_web(_proposal(where), "xoa/"), {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "awards:submit",
        "post",
        lambda w, where: (_web(_proposal(where), "trinh/"), {}),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "awards:approve",
        "post",
        lambda w, where: (_web(_proposal(where, "submitted"), "duyet/"), {}),
        inside=LEADERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "awards:reject",
        "post",
        lambda w, where: (
            _web(_proposal(where, "submitted"), "tu-choi/"),
            {"data": {"reason": "Chưa đủ tiêu chuẩn"}},
        ),
        inside=LEADERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "awards:decide",
        "post",
        lambda w, where: (_web(_proposal(where, "approved"), "quyet-dinh/"), {"data": DECISION}),
        inside=DECIDERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "awards:export",
        "get",
        lambda w, where: (f"/khen-thuong/xuat.xlsx?area={commune_code(where)}", {}),
        inside=AREA_READERS,
    ),
    Page(
        "awards:import",
        "post",
        lambda w, where: (f"/khen-thuong/nhap/{commune_code(where)}/", _csv(CSV)),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "awards:import_template",
        "get",
        lambda w, where: ("/khen-thuong/mau-nhap.csv", {}),
        inside=STAFF_NO_RESIDENT,
        outside=STAFF_NO_RESIDENT,
    ),
]
PUBLIC_PAGES: set[str] = set()
