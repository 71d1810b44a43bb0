"""Movement schemes (mô hình): domain rules (lifecycle, sites, replication), scoping, counts, the type
catalogue, CSV/XLSX import (all or nothing, every bad row named), XLSX export and the API."""

from __future__ import annotations

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
