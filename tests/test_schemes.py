"""Movement schemes (mô hình): domain rules (lifecycle, sites, replication), scoping, counts, the type
catalogue, CSV/XLSX import (all or nothing, every bad row named), XLSX export and the API."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest

from binhyen.areas import domain as areas
from binhyen.schemes import domain, exports, imports
from binhyen.schemes.models import Scheme, SchemeSite, SchemeStatus, SchemeType
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def other_officer(make_user: Any) -> Any:
    return make_user("commune_officer", HIEP_THANH)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", None)


@pytest.fixture
def villages() -> list[Any]:
    commune = areas.get_area(DUC_TRONG)
    return areas.create_villages(
        commune,
        [areas.VillageInput("Thôn Đa Thọ", "thôn"), areas.VillageInput("Thôn Đa Phú", "thôn"),
         areas.VillageInput("Thôn Đa Lộc", "thôn")],
    )  # fmt: skip


def new(**kw: Any) -> domain.SchemeInput:
    base: dict[str, Any] = {
        "name": "Tiếng kẻng an ninh",
        "type": "tieng-keng-an-ninh",
        "managing_area": DUC_TRONG,
    }
    base.update(kw)
    return domain.SchemeInput(**base)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- catalogue --------------------------------------------------------------------------------------


def test_types_are_seeded_with_those_the_seeds_name() -> None:
    codes = set(SchemeType.objects.values_list("code", flat=True))
    named = ("camera-an-ninh", "tuan-tra-tu-quan", "tieng-keng-an-ninh", "chuong-canh-bao", "dan-phong-pccc",
             "doi-gao-lay-vu-khi", "hem-an-toan", "clb-khong-toi-pham", "nha-tro-tu-quan", "bon-an-toan",
             "ket-noi-gia-dinh", "xa-khong-ma-tuy", "to-hoa-giai")  # fmt: skip
    assert set(named) <= codes
    from binhyen.schemes.data import install

    assert install(SchemeType) == 0  # idempotent


def test_only_admin_edits_types(officer: Any, admin: Any) -> None:
    with pytest.raises(domain.SchemeForbidden):
        domain.create_type(officer, domain.TypeInput(code="vuon-hoa", name="Vườn hoa an toàn"))
    t = domain.create_type(admin, domain.TypeInput(code="vuon-hoa", name="Vườn hoa an toàn"))
    with pytest.raises(domain.SchemeError, match="đã có"):
        domain.create_type(admin, domain.TypeInput(code="vuon-hoa", name="Khác"))
    with pytest.raises(domain.SchemeError, match="Mã chỉ gồm"):
        domain.create_type(admin, domain.TypeInput(code="Vườn Hoa", name="x"))
    domain.update_type(admin, t, domain.TypeInput(code="vuon-hoa", name="Vườn hoa", active=False))
    with pytest.raises(domain.SchemeError, match="ngừng sử dụng"):
        domain.create_scheme(admin, new(type="vuon-hoa"))


# --- lifecycle --------------------------------------------------------------------------------------


def test_create_validates_with_vietnamese_errors(officer: Any) -> None:
    with pytest.raises(domain.SchemeError, match="Không có loại mô hình «bogus»") as e:
        domain.create_scheme(officer, new(type="bogus"))
    assert e.value.field == "type"
    with pytest.raises(domain.SchemeError, match="tên mô hình"):
        domain.create_scheme(officer, new(name=" "))
    with pytest.raises(domain.SchemeError, match="phải là một tỉnh"):
        domain.create_scheme(officer, new(level="province"))
    assert Scheme.objects.count() == 0


def test_lifecycle_and_retired_needs_review_before_reactivation(officer: Any) -> None:
    s = domain.create_scheme(officer, new())
    assert s.status == SchemeStatus.PROPOSED
    s = domain.change_status(officer, s, "active")
    with pytest.raises(domain.SchemeError, match="Không thể chuyển"):
        domain.change_status(officer, s, "retired", "không còn phù hợp")
    s = domain.change_status(officer, s, "under_review")
    with pytest.raises(domain.SchemeError, match="lý do"):
        domain.change_status(officer, s, "retired")
    s = domain.change_status(officer, s, "retired", "Không còn phù hợp")
    assert s.status_reason == "Không còn phù hợp" and s.retired_at is not None
    with pytest.raises(domain.SchemeError, match="không thể hoạt động lại ngay") as e:
        domain.change_status(officer, s, "active")
    assert e.value.status == 409
    s = domain.change_status(officer, s, "under_review")
    with pytest.raises(domain.SchemeError, match="cần ghi một lần rà soát"):
        domain.change_status(officer, s, "active")
    s.refresh_from_db()
    assert s.status == SchemeStatus.UNDER_REVIEW  # nothing lost
    domain.add_review(officer, s, domain.ReviewInput(effectiveness="good", notes="Người dân hưởng ứng lại"))
    s = domain.change_status(officer, s, "active")
    assert s.status == SchemeStatus.ACTIVE


def test_sites_must_lie_in_the_managing_commune(officer: Any, villages: list[Any]) -> None:
    s = domain.create_scheme(officer, new())
    site = domain.add_site(
        officer, s, domain.SiteInput(area=villages[0].code, latitude=11.73, longitude=108.37)
    )
    assert site.area_path == villages[0].path
    with pytest.raises(domain.SchemeError, match="đã thực hiện"):
        domain.add_site(officer, s, domain.SiteInput(area=villages[0].code))
    with pytest.raises(domain.SchemeError, match="không thuộc"):
        domain.add_site(officer, s, domain.SiteInput(area=HIEP_THANH))
    with pytest.raises(domain.SchemeError, match="Cần cả vĩ độ"):
        domain.add_site(officer, s, domain.SiteInput(area=villages[1].code, latitude=11.7))
    domain.add_site(officer, s, domain.SiteInput(area=villages[1].code, place_name="Trường THCS Đa Phú"))
    ended = domain.remove_site(officer, s, site.pk)
    assert ended.ended_on is not None and SchemeSite.objects.filter(scheme=s).count() == 2
    assert domain.counts(Scheme.objects.all(), [areas.get_area(DUC_TRONG)]).sites == 1


def test_replicate_commune_scheme(officer: Any, make_user: Any, villages: list[Any]) -> None:
    s = domain.create_scheme(officer, new())
    result = domain.replicate(officer, s, [villages[0].code, villages[1].code])
    assert len(result.sites) == 2 and not result.copies
    with pytest.raises(domain.SchemeForbidden):
        domain.replicate(officer, s, [HIEP_THANH])  # another commune: its officers decide
    leader = make_user("province_analyst", LAM_DONG)
    with pytest.raises(domain.SchemeForbidden):
        domain.replicate(leader, s, [villages[2].code])
    both = make_user("admin", None)
    result = domain.replicate(both, s, [villages[2].code, HIEP_THANH])
    assert len(result.sites) == 1 and len(result.copies) == 1
    copy = result.copies[0]
    assert copy.managing_area.code == HIEP_THANH and copy.replicated_from_id == s.pk
    assert copy.status == SchemeStatus.PROPOSED and copy.sites.count() == 1
    # all or nothing: a bad code leaves nothing behind
    before = SchemeSite.objects.count()
    with pytest.raises(domain.SchemeError):
        domain.replicate(both, s, [HIEP_THANH, "99999999"])
    assert SchemeSite.objects.count() == before


def test_replicate_province_scheme_adds_sites(admin: Any) -> None:
    s = domain.create_scheme(admin, new(level="province", managing_area=LAM_DONG))
    result = domain.replicate(admin, s, [DUC_TRONG, HIEP_THANH])
    assert len(result.sites) == 2 and not result.copies
    with pytest.raises(domain.SchemeError, match="không thuộc"):
        domain.replicate(admin, s, [HOAN_KIEM])


# --- scoping ----------------------------------------------------------------------------------------


def test_officer_cannot_manage_another_communes_schemes(officer: Any, other_officer: Any) -> None:
    theirs = domain.create_scheme(other_officer, new(managing_area=HIEP_THANH))
    with pytest.raises(domain.SchemeForbidden):
        domain.create_scheme(officer, new(managing_area=HIEP_THANH))
    for action in (
        lambda: domain.change_status(officer, theirs, "active"),
        lambda: domain.add_site(officer, theirs, domain.SiteInput(area=HIEP_THANH)),
        lambda: domain.add_review(officer, theirs, domain.ReviewInput(effectiveness="good")),
        lambda: domain.update_scheme(officer, theirs, new(managing_area=HIEP_THANH, name="Đổi tên")),
    ):
        with pytest.raises(domain.SchemeForbidden):
            action()
    assert not domain.visible_schemes(officer).filter(pk=theirs.pk).exists()
    with pytest.raises(domain.SchemeNotFound):
        domain.get_scheme(officer, theirs.pk)


def test_group_leader_sees_schemes_with_a_site_in_the_village(
    officer: Any, make_user: Any, villages: list[Any]
) -> None:
    here = domain.create_scheme(officer, new())
    domain.add_site(officer, here, domain.SiteInput(area=villages[0].code))
    elsewhere = domain.create_scheme(officer, new(name="Camera an ninh thôn Đa Phú", type="camera-an-ninh"))
    leader = make_user("group_leader", villages[0].code)
    assert list(domain.visible_schemes(leader)) == [here]
    assert elsewhere in domain.visible_schemes(officer)


def test_counts_by_level_type_status(officer: Any, admin: Any, villages: list[Any]) -> None:
    a = domain.create_scheme(officer, new(), [domain.SiteInput(area=villages[0].code)])
    domain.replicate(officer, a, [villages[1].code])
    b = domain.create_scheme(officer, new(name="Camera an ninh", type="camera-an-ninh"))
    domain.change_status(officer, b, "retired", "Không phù hợp")
    p = domain.create_scheme(
        admin, new(name="Hẻm an toàn", type="hem-an-toan", level="province", managing_area=LAM_DONG)
    )
    domain.add_site(admin, p, domain.SiteInput(area=villages[2].code))
    domain.add_site(admin, p, domain.SiteInput(area=HIEP_THANH))
    c = domain.counts(Scheme.objects.all(), [areas.get_area(DUC_TRONG)])
    assert (c.schemes, c.sites, c.commune_level, c.province_level) == (2, 3, 1, 1)
    assert c.by_status == {"proposed": 2, "retired": 1}
    assert {t[0]: (t[2], t[3]) for t in c.by_type} == {"tieng-keng-an-ninh": (1, 2), "hem-an-toan": (1, 1)}
    whole = domain.counts(Scheme.objects.all(), [areas.get_area(LAM_DONG)])
    assert (whole.schemes, whole.sites) == (2, 4)


# --- import / export --------------------------------------------------------------------------------


def test_template_imports_and_bad_rows_are_all_named(officer: Any, villages: list[Any]) -> None:
    bad = (
        "Tên mô hình,Loại mô hình,Ngày bắt đầu,Trạng thái,Nơi thực hiện\n"
        "Tiếng kẻng thôn Đa Thọ,tieng-keng-an-ninh,15/03/2021,,Thôn Đa Thọ; Thôn Đa Phú\n"
        "Mô hình lạ,khong-co-loai,,,\n"
        "Camera ngã ba,Camera an ninh,32/13/2021,,\n"
        "Tổ hoà giải,to-hoa-giai,,,Thôn Không Có\n"
        "Tổ tuần tra,tuan-tra-tu-quan,,đã xong,\n"
    )
    table = imports.read(bad.encode(), "mo-hinh.csv")
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), table)
    assert not report.ok and report.created == 0
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "Loại mô hình"), (4, "Ngày bắt đầu"), (5, "Nơi thực hiện"), (6, "Trạng thái"),
    ]  # fmt: skip
    assert "khong-co-loai" in report.errors[0].message
    assert Scheme.objects.count() == 0  # nothing lost, nothing half-imported

    good = imports.template_csv().replace("Thôn Đa Thọ; Thôn Đa Phú", "Thôn Đa Thọ; Thôn Đa Phú")
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), imports.read(good.encode(), "t.csv"))
    assert report.ok and report.created == 1
    s = report.schemes[0]
    assert (
        s.status == SchemeStatus.ACTIVE and s.sites.count() == 2 and s.start_date.isoformat() == "2021-03-15"
    )
    again = imports.import_schemes(officer, areas.get_area(DUC_TRONG), imports.read(good.encode(), "t.csv"))
    assert not again.ok and "đã có" in again.errors[0].message


def test_import_refused_outside_and_missing_columns(officer: Any) -> None:
    table = imports.read("Tên mô hình,Loại mô hình\nA b c,khac\n".encode(), "a.csv")
    with pytest.raises(domain.SchemeForbidden):
        imports.import_schemes(officer, areas.get_area(HIEP_THANH), table)
    table = imports.read("Tên,Ghi chú\nA b c,x\n".encode(), "a.csv")
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), table)
    assert report.errors[0].row == 1 and "Loại mô hình" in report.errors[0].message


def test_xlsx_export_and_reimport(officer: Any, villages: list[Any]) -> None:
    from openpyxl import Workbook, load_workbook

    s = domain.create_scheme(
        officer, new(), [domain.SiteInput(area=villages[0].code, place_name="Nhà văn hoá")]
    )
    body = exports.xlsx(Scheme.objects.all(), [areas.get_area(DUC_TRONG)])
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["Mô hình", "Nơi thực hiện", "Tổng hợp"]
    rows = list(wb["Mô hình"].values)
    assert rows[0][1] == "Tên mô hình" and rows[1][1] == s.name and rows[1][9] == 1
    assert list(wb["Nơi thực hiện"].values)[1][4] == "Nhà văn hoá"
    # an Excel file imports too
    out = Workbook()
    ws = out.active
    ws.append(["Tên mô hình", "Loại mô hình", "Nơi thực hiện"])
    ws.append(["Đội dân phòng thôn Đa Lộc", "dan-phong-pccc", villages[2].code])
    buf = io.BytesIO()
    out.save(buf)
    report = imports.import_schemes(
        officer, areas.get_area(DUC_TRONG), imports.read(buf.getvalue(), "m.xlsx")
    )
    assert report.ok and report.created == 1


# --- API and pages ----------------------------------------------------------------------------------


def test_api_flow(client: Any, officer: Any, api_token: Any, villages: list[Any]) -> None:
    auth = bearer(api_token(officer))
    r = client.post(
        "/api/v1/schemes",
        json.dumps({"name": "Camera an ninh thôn", "type": "camera-an-ninh", "managing_area": DUC_TRONG,
                    "sites": [{"area": villages[0].code}]}),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = client.post(
        f"/api/v1/schemes/{pk}/status", {"status": "retired"}, content_type="application/json", **auth
    )
    assert r.status_code == 422 and "lý do" in r.json()["detail"]
    r = client.post(
        f"/api/v1/schemes/{pk}/replicate",
        {"areas": [villages[1].code]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201 and len(r.json()["sites"]) == 1
    r = client.post("/api/v1/schemes", {"name": "X y z", "type": "nope", "managing_area": DUC_TRONG},
                    content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    r = client.get(f"/api/v1/schemes/counts?area={DUC_TRONG}", **auth)
    assert r.json()["schemes"] == 1 and r.json()["sites"] == 2 and r.json()["commune_level"] == 1
    r = client.get(f"/api/v1/schemes?area={HIEP_THANH}", **auth)
    assert r.status_code == 403
    assert client.get("/api/v1/schemes/types").status_code == 200


def test_web_retired_reactivation_shows_error(client: Any, officer: Any) -> None:
    s = domain.create_scheme(officer, new())
    domain.change_status(officer, s, "retired", "Không còn phù hợp")
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    r = client.post(f"/mo-hinh/{s.pk}/trang-thai/", {"status": "active"})
    assert r.status_code == 409
    assert "không thể hoạt động lại ngay" in r.content.decode()
    s.refresh_from_db()
    assert s.status == SchemeStatus.RETIRED
    r = client.get(f"/mo-hinh/?area={DUC_TRONG}")
    assert r.status_code == 200 and s.name in r.content.decode()
    r = client.post("/mo-hinh/moi/", {"name": "A b c", "type": "khong-co", "managing_area": DUC_TRONG})
    assert r.status_code == 422 and "Không có loại mô hình" in r.content.decode()


def test_changes_are_audited(officer: Any) -> None:
    from binhyen.audit.models import AuditEvent

    s = domain.create_scheme(officer, new())
    domain.change_status(officer, s, "active")
    events = AuditEvent.objects.filter(object_type="schemes.scheme", object_id=str(s.pk))
    assert {e.action for e in events} >= {"create", "update"}


def test_web_import_reports_rows_and_export_downloads(client: Any, officer: Any, villages: list[Any]) -> None:
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    upload = io.BytesIO("Tên mô hình,Loại mô hình\nMô hình lạ,khong-co-loai\n".encode())
    upload.name = "mo-hinh.csv"
    r = client.post("/mo-hinh/nhap/", {"file": upload, "area": DUC_TRONG})
    assert r.status_code == 422
    assert "Không có loại mô hình «khong-co-loai»" in r.content.decode() and Scheme.objects.count() == 0
    r = client.get("/mo-hinh/nhap/mau.csv")
    assert r.content.decode("utf-8-sig").startswith("Tên mô hình,Loại mô hình")
    upload = io.BytesIO(r.content)
    upload.name = "mau.csv"
    r = client.post("/mo-hinh/nhap/", {"file": upload, "area": DUC_TRONG})
    assert r.status_code == 302 and Scheme.objects.count() == 1
    r = client.get(f"/mo-hinh/xuat.xlsx?area={DUC_TRONG}")
    assert r.status_code == 200 and r["Content-Type"] == exports.CONTENT_TYPE_XLSX
    assert r.content[:2] == b"PK"


# --- runners: organisations of the movement ---------------------------------------------------------


def org(user: Any, name: str, commune: str = DUC_TRONG, kind: str = "to-bao-ve-antt", **kw: Any) -> Any:
    from binhyen.organisations import domain as organisations

    return organisations.create_organisation(
        user, organisations.OrganisationInput(type=kind, name=name, commune=commune, **kw)
    )


def test_runners_are_organisations_of_the_managing_commune(
    officer: Any, other_officer: Any, admin: Any, villages: list[Any]
) -> None:
    from binhyen.audit.models import AuditEvent

    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ", villages=[villages[0].code])
    mediation = org(officer, "Tổ hoà giải thôn Đa Phú", kind="to-hoa-giai")
    theirs = org(other_officer, "Tổ bảo vệ ANTT Hiệp Thạnh", commune=HIEP_THANH)
    s = domain.create_scheme(officer, new(organisations=[team.pk], run_by="Chi hội Phụ nữ"))
    assert domain.runners(s) == [team] and s.run_by == "Chi hội Phụ nữ"

    for ids, message in (
        ([theirs.pk], "Không tìm thấy tổ chức"),  # another commune's: not even visible to this officer
        ([999_999], "Không tìm thấy tổ chức số 999999"),
        ([10**20], "không hợp lệ"),  # would overflow the database's bigint
        (list(range(1, 60)), "tối đa 50"),
    ):
        with pytest.raises(domain.SchemeError, match=message) as e:
            domain.update_scheme(officer, s, new(organisations=ids))
        assert e.value.field == "organisations"
    with pytest.raises(domain.SchemeError, match="không thuộc Xã Đức Trọng"):
        domain.update_scheme(admin, s, new(organisations=[theirs.pk]))  # visible to an admin, but outside
    with pytest.raises(domain.SchemeError, match="không thuộc"):
        domain.update_scheme(admin, s, new(managing_area=HIEP_THANH, organisations=[team.pk]))
    assert domain.runners(s) == [team]  # nothing half-saved

    s = domain.update_scheme(officer, s, new(organisations=[mediation.pk, team.pk]))
    assert [o.pk for o in domain.runners(s)] == [team.pk, mediation.pk]  # by name
    s = domain.update_scheme(officer, s, new(organisations=[mediation.pk]))
    assert domain.runners(s) == [mediation]
    events = AuditEvent.objects.filter(object_type="schemes.schemeorganisation")
    assert sorted(e.action for e in events) == ["create", "create", "delete"]
    assert {e.area_path for e in events} == {s.area_path}  # commune staff see them in their audit log

    # A dissolved organisation is not chosen anew, but stays where it already runs a scheme.
    from binhyen.organisations import domain as organisations

    data = organisations.organisation_data(mediation)
    data.dissolved_on = data.founded_on or datetime.date(2025, 1, 1)
    organisations.update_organisation(officer, mediation, data)
    domain.update_scheme(officer, s, domain.scheme_data(s))
    with pytest.raises(domain.SchemeError, match="đã giải thể"):
        domain.create_scheme(officer, new(name="Camera an ninh", organisations=[mediation.pk]))
    assert domain.organisation_choices(officer, areas.get_area(DUC_TRONG)) == [team]
    assert mediation in domain.organisation_choices(officer, areas.get_area(DUC_TRONG), s)


def test_province_scheme_runners_come_from_its_communes(
    officer: Any, other_officer: Any, admin: Any, villages: list[Any]
) -> None:
    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ")
    theirs = org(other_officer, "Đội tuần tra Hiệp Thạnh", commune=HIEP_THANH, kind="doi-tuan-tra")
    elsewhere = org(admin, "Tổ bảo vệ ANTT Hoàn Kiếm", commune=HOAN_KIEM)
    p = domain.create_scheme(
        admin,
        new(level="province", managing_area=LAM_DONG, organisations=[team.pk, theirs.pk]),
        [domain.SiteInput(area=DUC_TRONG)],
    )
    assert {o.pk for o in domain.runners(p)} == {team.pk, theirs.pk}
    with pytest.raises(domain.SchemeError, match="không thuộc Lâm Đồng"):
        domain.update_scheme(
            admin, p, new(level="province", managing_area=LAM_DONG, organisations=[elsewhere.pk])
        )
    # The form offers the organisations of the communes where it runs (and those already running it).
    offered = domain.organisation_choices(admin, areas.get_area(LAM_DONG), p)
    assert [o.pk for o in offered] == [team.pk, theirs.pk]
    assert domain.organisation_choices(admin, areas.get_area(LAM_DONG)) == []


def test_replication_links_the_villages_own_teams(officer: Any, admin: Any, villages: list[Any]) -> None:
    v1, v2, v3 = villages
    team1 = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ", villages=[v1.code])
    team2 = org(officer, "Tổ bảo vệ ANTT thôn Đa Phú", villages=[v2.code])
    org(officer, "Tổ hoà giải thôn Đa Phú", kind="to-hoa-giai", villages=[v2.code])  # another kind
    s = domain.create_scheme(officer, new(organisations=[team1.pk]), [domain.SiteInput(area=v1.code)])
    result = domain.replicate(officer, s, [v2.code, v3.code])  # Đa Lộc has no team: no runner there
    assert [link.organisation_id for link in result.organisations] == [team2.pk]
    assert {o.pk for o in domain.runners(s)} == {team1.pk, team2.pk}

    other = areas.create_villages(areas.get_area(HIEP_THANH), [areas.VillageInput("Thôn Phú Thạnh", "thôn")])[
        0
    ]
    team3 = org(admin, "Tổ bảo vệ ANTT thôn Phú Thạnh", commune=HIEP_THANH, villages=[other.code])
    result = domain.replicate(admin, s, [other.code])
    copy = result.copies[0]
    assert domain.runners(copy) == [team3] and copy.run_by == ""
    assert {o.pk for o in domain.runners(s)} == {team1.pk, team2.pk}  # the original keeps its own


def test_search_and_filter_by_organisation(officer: Any, make_user: Any, villages: list[Any]) -> None:
    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ", villages=[villages[0].code])
    s = domain.create_scheme(officer, new(organisations=[team.pk]))
    other = domain.create_scheme(officer, new(name="Camera an ninh", type="camera-an-ninh"))
    visible = domain.visible_schemes(officer)
    assert list(domain.filter_schemes(visible, domain.Filters(q="bao ve da tho"))) == [s]
    assert list(domain.filter_schemes(visible, domain.Filters(organisation=team))) == [s]
    assert other not in domain.schemes_run_by(officer, team)
    assert list(domain.schemes_run_by(officer, team)) == [s]
    assert list(domain.schemes_run_by(make_user("commune_officer", HIEP_THANH), team)) == []


def test_import_matches_organisation_names_in_the_commune(
    officer: Any, other_officer: Any, villages: list[Any]
) -> None:
    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ", villages=[villages[0].code])
    mediation = org(officer, "Tổ hoà giải thôn Đa Phú", kind="to-hoa-giai")
    org(officer, "Tổ tự quản số 1", kind="to-tu-quan")
    org(officer, "Tổ tự quản số 1", kind="to-lien-gia")  # same name, another kind
    org(other_officer, "Đội tuần tra Hiệp Thạnh", commune=HIEP_THANH, kind="doi-tuan-tra")
    header = 'Tên mô hình,Loại mô hình,Nơi thực hiện,Tổ chức thực hiện,"Người, đơn vị thực hiện khác"\n'
    gong_row = (
        "Tiếng kẻng thôn Đa Thọ,tieng-keng-an-ninh,Thôn Đa Thọ,Tổ bảo vệ ANTT thôn Đa Thọ,Chi hội Phụ nữ\n"
    )
    bad = (
        header
        + gong_row
        + (
            "Tổ tuần tra,tuan-tra-tu-quan,,Đội tuần tra Hiệp Thạnh,\n"
            "Hẻm an toàn,hem-an-toan,,Tổ tự quản số 1,\n"
            "Tổ hoà giải,to-hoa-giai,,Tổ bảo vệ ANTT thôn Đa Thọ; Tổ không có,\n"
        )
    )
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), imports.read(bad.encode(), "m.csv"))
    assert not report.ok and Scheme.objects.count() == 0
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "Tổ chức thực hiện"), (4, "Tổ chức thực hiện"), (5, "Tổ chức thực hiện"),
    ]  # fmt: skip
    assert "Không có tổ chức «Đội tuần tra Hiệp Thạnh» trong Xã Đức Trọng" in report.errors[0].message
    assert "Có 2 tổ chức tên «Tổ tự quản số 1»" in report.errors[1].message
    assert "«Tổ không có»" in report.errors[2].message

    # Without marks, in any case, with spaces around «;»: still found.
    good = (
        header + gong_row + "Tổ hoà giải,to-hoa-giai,,to hoa giai thon da phu ; Tổ bảo vệ ANTT thôn Đa Thọ,\n"
    )
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), imports.read(good.encode(), "m.csv"))
    assert report.ok, report.errors
    gong, mediating = report.schemes
    assert domain.runners(gong) == [team] and gong.run_by == "Chi hội Phụ nữ"
    assert {o.pk for o in domain.runners(mediating)} == {team.pk, mediation.pk}


def test_export_lists_runners_and_reimports(officer: Any, villages: list[Any]) -> None:
    from openpyxl import load_workbook

    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ")
    mediation = org(officer, "Tổ hoà giải thôn Đa Phú", kind="to-hoa-giai")
    s = domain.create_scheme(officer, new(organisations=[team.pk, mediation.pk], run_by="Chi hội Phụ nữ"))
    body = exports.xlsx(Scheme.objects.all(), [areas.get_area(DUC_TRONG)])
    rows = list(load_workbook(io.BytesIO(body))["Mô hình"].values)
    column = dict(zip(rows[0], rows[1], strict=True))
    assert column["Tổ chức thực hiện"] == "Tổ bảo vệ ANTT thôn Đa Thọ; Tổ hoà giải thôn Đa Phú"
    assert column["Người, đơn vị thực hiện khác"] == "Chi hội Phụ nữ"
    # The exported sheet imports again (here after the scheme was deleted): the same runners.
    domain.delete_scheme(officer, s)
    report = imports.import_schemes(officer, areas.get_area(DUC_TRONG), imports.read(body, "mo-hinh.xlsx"))
    assert report.ok, report.errors
    again = report.schemes[0]
    assert {o.pk for o in domain.runners(again)} == {team.pk, mediation.pk}
    assert again.run_by == "Chi hội Phụ nữ" and again.name == s.name


def test_api_runners(client: Any, officer: Any, other_officer: Any, api_token: Any) -> None:
    auth = bearer(api_token(officer))
    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ")
    theirs = org(other_officer, "Đội tuần tra Hiệp Thạnh", commune=HIEP_THANH, kind="doi-tuan-tra")
    body = {"name": "Tiếng kẻng an ninh", "type": "tieng-keng-an-ninh", "managing_area": DUC_TRONG,
            "organisations": [team.pk], "run_by": "Chi hội Phụ nữ"}  # fmt: skip
    r = client.post("/api/v1/schemes", body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["organisations"] == [{"id": team.pk, "name": team.name}]
    assert r.json()["run_by"] == "Chi hội Phụ nữ"
    r = client.patch(f"/api/v1/schemes/{pk}", {"organisations": [theirs.pk]}, content_type="application/json",
                     **auth)  # fmt: skip
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    assert (
        r.json()["errors"][0]["field"] == "organisations" and "Không tìm thấy tổ chức" in r.json()["detail"]
    )
    r = client.patch(f"/api/v1/schemes/{pk}", {"name": "Tiếng kẻng"}, content_type="application/json", **auth)
    assert r.json()["organisations"] == [{"id": team.pk, "name": team.name}]  # untouched when not sent
    r = client.get(f"/api/v1/schemes?organisation={team.pk}", **auth)
    assert [item["id"] for item in r.json()["items"]] == [pk]
    for bad in (theirs.pk, 10**20):
        r = client.get(f"/api/v1/schemes?organisation={bad}", **auth)
        assert r.status_code == 422 and "Không tìm thấy tổ chức" in r.json()["detail"]
    r = client.patch(f"/api/v1/schemes/{pk}", {"organisations": []}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["organisations"] == []


def test_web_form_offers_the_communes_organisations(client: Any, officer: Any, other_officer: Any) -> None:
    team = org(officer, "Tổ bảo vệ ANTT thôn Đa Thọ")
    theirs = org(other_officer, "Đội tuần tra Hiệp Thạnh", commune=HIEP_THANH, kind="doi-tuan-tra")
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    page = client.get("/mo-hinh/moi/").content.decode()
    assert f'name="organisations" value="{team.pk}"' in page and theirs.name not in page
    form = {"name": "Tiếng kẻng an ninh", "type": "tieng-keng-an-ninh", "managing_area": DUC_TRONG}
    r = client.post("/mo-hinh/moi/", {**form, "organisations": ["abc"]})
    assert r.status_code == 422 and "Tổ chức thực hiện không hợp lệ" in r.content.decode()
    r = client.post("/mo-hinh/moi/", {**form, "organisations": [str(theirs.pk)]})
    assert r.status_code == 422 and "Không tìm thấy tổ chức" in r.content.decode()
    r = client.post("/mo-hinh/moi/", {**form, "organisations": [str(team.pk)], "run_by": "Chi hội Phụ nữ"})
    assert r.status_code == 302
    s = Scheme.objects.get()
    detail = client.get(f"/mo-hinh/{s.pk}/").content.decode()
    assert f'href="/to-chuc/{team.pk}/"' in detail and "Chi hội Phụ nữ" in detail
    edit = client.get(f"/mo-hinh/{s.pk}/sua/").content.decode()
    assert f'value="{team.pk}" checked' in edit
    r = client.post(f"/mo-hinh/{s.pk}/sua/", form)  # nothing ticked: nobody runs it any more
    assert r.status_code == 302 and domain.runners(s) == []


def test_data_migration_links_run_by_text(officer: Any, other_officer: Any, admin: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("binhyen.schemes.migrations.0004_link_run_by")
    team = org(officer, "Tổ bảo vệ an ninh, trật tự thôn Đa Thọ")  # a comma inside the name
    mediation = org(officer, "Tổ hoà giải thôn Đa Phú", kind="to-hoa-giai")
    org(officer, "Tổ tự quản số 1", kind="to-tu-quan")
    org(officer, "Tổ tự quản số 1", kind="to-lien-gia")
    org(other_officer, "Đội tuần tra Hiệp Thạnh", commune=HIEP_THANH, kind="doi-tuan-tra")

    def scheme(run_by: str, **kw: Any) -> Scheme:
        s = domain.create_scheme(admin, new(name=f"Mô hình {Scheme.objects.count() + 1}", **kw))
        Scheme.objects.filter(pk=s.pk).update(run_by=run_by)  # as before the migration
        return s

    mixed = scheme("Tổ bảo vệ an ninh, trật tự thôn Đa Thọ, Chi hội Phụ nữ; Tổ hoà giải thôn Đa Phú")
    other_commune = scheme("Đội tuần tra Hiệp Thạnh")
    not_exact = scheme("tổ hoà giải thôn đa phú")
    ambiguous = scheme("Tổ tự quản số 1")
    province = scheme("Tổ hoà giải thôn Đa Phú", level="province", managing_area=LAM_DONG)
    SchemeSite.objects.create(scheme=province, area=areas.get_area(DUC_TRONG))
    migration.link(apps, None)

    def state(s: Scheme) -> tuple[set[int], str]:
        s.refresh_from_db()
        return {o.pk for o in s.organisations.all()}, s.run_by

    assert state(mixed) == ({team.pk, mediation.pk}, "Chi hội Phụ nữ")
    assert "doi tuan tra" not in mixed.search_text and "chi hoi phu nu" in mixed.search_text
    assert state(other_commune) == (set(), "Đội tuần tra Hiệp Thạnh")  # another commune's
    assert state(not_exact) == (set(), "tổ hoà giải thôn đa phú")
    assert state(ambiguous) == (set(), "Tổ tự quản số 1")
    assert state(province) == ({mediation.pk}, "")
    migration.link(apps, None)  # running again changes nothing
    assert state(mixed) == ({team.pk, mediation.pk}, "Chi hội Phụ nữ")
    # Reversing puts the names back into the text (the table itself goes with the schema migration).
    migration.unlink(apps, None)
    assert state(province)[1] == "Tổ hoà giải thôn Đa Phú"
    assert (
        state(mixed)[1] == "Tổ bảo vệ an ninh, trật tự thôn Đa Thọ; Tổ hoà giải thôn Đa Phú; Chi hội Phụ nữ"
    )


def test_match_runners_prefers_the_longest_name() -> None:
    import importlib

    match = importlib.import_module("binhyen.schemes.migrations.0004_link_run_by").match_runners
    names = {"A, B": 1, "A": 2, "C": 3}
    assert match("A, B, C", names.get) == ([1, 3], "")
    assert match("A,C ,D", names.get) == ([2, 3], "D")
    assert match("X; Y", names.get) == ([], "X; Y")
    assert match("C\nC; E, F", names.get) == ([3], "E, F")
