"""Weapons collection: validation (types, units), scoping, counts, API, web pages, import, export."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest

from binhyen.areas import domain as areas
from binhyen.audit.models import AuditEvent
from binhyen.weapons import domain, imports
from binhyen.weapons.models import WeaponSurrender
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

DAY = datetime.date(2022, 5, 20)


def new(**kw: Any) -> domain.SurrenderInput:
    base: dict[str, Any] = {
        "date": DAY,
        "commune": DUC_TRONG,
        "item_type": "homemade_gun",
        "quantity": 1,
        "exchange": "20 kg gạo",
        "rice_kg": 20,
        "campaign": "Đổi gạo lấy vũ khí 2022",
    }
    base.update(kw)
    return domain.SurrenderInput(**base)


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def other_officer(make_user: Any) -> Any:
    return make_user("commune_officer", HIEP_THANH)


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


def test_create_defaults_receiver_and_keeps_no_name(officer: Any) -> None:
    s = domain.create_surrender(officer, new(item_type="Súng tự chế"))
    assert (s.item_type, s.quantity, s.unit, s.received_by) == ("homemade_gun", Decimal(1), "khẩu", officer)
    assert s.surrendered_by == "" and s.people == 1
    assert s.area_path == areas.get_area(DUC_TRONG).path
    assert AuditEvent.objects.filter(object_type="weapons.weaponsurrender", action="create").exists()
    kg = domain.create_surrender(officer, new(item_type="explosives", quantity=Decimal("1.5"), rice_kg=None))
    assert kg.quantity == Decimal("1.5") and kg.unit == "kg"


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"item_type": "xe tăng"}, "item_type", "không có trong danh mục"),
        ({"item_type": ""}, "item_type", "Hãy chọn loại"),
        ({"quantity": 0}, "quantity", "lớn hơn 0"),
        ({"quantity": Decimal("1.5")}, "quantity", "nhập số nguyên"),
        ({"quantity": None}, "quantity", "số lượng"),
        ({"rice_kg": -3}, "rice_kg", "Số kg gạo"),
        ({"date": datetime.date(2099, 1, 1)}, "date", "tương lai"),
        ({"received_by": "khong-co-ai"}, "received_by", "Không có cán bộ"),
        ({"commune": LAM_DONG}, "commune", "không phải mã một xã"),
    ],
)
def test_validation_names_the_field(officer: Any, kw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(domain.WeaponError) as e:
        domain.create_surrender(officer, new(**kw))
    assert e.value.field == field
    assert words in e.value.message
    assert not WeaponSurrender.objects.exists()


def test_receiver_must_be_an_officer_of_the_commune(officer: Any, other_officer: Any) -> None:
    with pytest.raises(domain.WeaponError) as e:
        domain.create_surrender(officer, new(received_by=other_officer.username))
    assert e.value.field == "received_by"


def test_officer_cannot_manage_another_communes_records(officer: Any, other_officer: Any) -> None:
    theirs = domain.create_surrender(other_officer, new(commune=HIEP_THANH))
    with pytest.raises(domain.WeaponForbidden):
        domain.create_surrender(officer, new(commune=HIEP_THANH))
    with pytest.raises(domain.WeaponForbidden):
        domain.update_surrender(officer, theirs, new(commune=HIEP_THANH, quantity=2))
    with pytest.raises(domain.WeaponForbidden):
        domain.delete_surrender(officer, theirs)
    with pytest.raises(domain.WeaponNotFound):
        domain.get_surrender(officer, theirs.pk)


def test_counts_by_type_and_rice(officer: Any, other_officer: Any) -> None:
    domain.create_surrender(officer, new())
    domain.create_surrender(officer, new(item_type="ammunition", quantity=120, rice_kg=10))
    domain.create_surrender(
        officer, new(item_type="explosives", quantity=Decimal("2.5"), rice_kg=None, exchange="")
    )
    domain.create_surrender(officer, new(date=datetime.date(2021, 1, 5)))
    domain.create_surrender(other_officer, new(commune=HIEP_THANH, item_type="military_gun"))
    c = domain.counts(areas.get_area(DUC_TRONG), datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    by = {r.code: r for r in c.by_type}
    assert (c.surrenders, c.rice_kg, c.exchanges, c.communes) == (3, Decimal(30), 2, 1)
    assert (by["homemade_gun"].quantity, by["ammunition"].quantity, by["explosives"].quantity) == (
        1,
        120,
        Decimal("2.5"),
    )
    assert c.guns == 1
    province = domain.counts(areas.get_area(LAM_DONG), None, None)
    assert (province.surrenders, province.guns, province.communes) == (5, 3, 2)


def test_api_crud_counts_and_errors(client: Any, officer: Any, api_token: Any) -> None:
    h = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    body = {"date": "2022-05-20", "commune": DUC_TRONG, "item_type": "hunting_gun", "quantity": 2,
            "exchange": "40 kg gạo", "rice_kg": 40}  # fmt: skip
    r = client.post("/api/v1/weapons/surrenders", body, content_type="application/json", **h)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["received_by"] == officer.username and r.json()["unit"] == "khẩu"
    r = client.post(
        "/api/v1/weapons/surrenders", {**body, "item_type": "xe tăng"}, content_type="application/json", **h
    )
    assert r.status_code == 422 and "xe tăng" in r.json()["detail"]
    r = client.patch(
        f"/api/v1/weapons/surrenders/{sid}", {"quantity": 3}, content_type="application/json", **h
    )
    assert r.status_code == 200 and Decimal(str(r.json()["quantity"])) == 3
    r = client.get(f"/api/v1/weapons/surrenders?area={DUC_TRONG}&from=2022-01-01&item_type=hunting_gun", **h)
    assert r.json()["count"] == 1
    r = client.get(f"/api/v1/weapons/counts?area={DUC_TRONG}", **h)
    assert r.status_code == 200 and r.json()["surrenders"] == 1 and Decimal(str(r.json()["rice_kg"])) == 40
    assert client.get(f"/api/v1/weapons/counts?area={HOAN_KIEM}", **h).status_code == 403
    assert client.delete(f"/api/v1/weapons/surrenders/{sid}", **h).status_code == 204


def test_web_create_edit_delete(client: Any, officer: Any) -> None:
    login(client, officer)
    r = client.get("/vu-khi/moi/")
    assert r.status_code == 200 and officer.username in r.content.decode()
    data = {"date": "2022-05-20", "commune": DUC_TRONG, "item_type": "firecrackers", "quantity": "1,5",
            "exchange": "10 kg gạo", "rice_kg": "10", "received_by": officer.username, "people": "1",
            "campaign": "Đổi gạo lấy vũ khí 2022"}  # fmt: skip
    assert client.post("/vu-khi/moi/", data).status_code == 302
    s = WeaponSurrender.objects.get()
    assert s.quantity == Decimal("1.5")
    r = client.post("/vu-khi/moi/", {**data, "item_type": "homemade_gun"})
    assert r.status_code == 422 and "nhập số nguyên" in r.content.decode()
    r = client.get(f"/vu-khi/?area={DUC_TRONG}")
    assert r.status_code == 200 and "Đổi gạo lấy vũ khí 2022" in r.content.decode()
    assert client.get(f"/vu-khi/{s.pk}/").status_code == 200
    assert client.post(f"/vu-khi/{s.pk}/sua/", {**data, "quantity": "2"}).status_code == 302
    assert client.post(f"/vu-khi/{s.pk}/xoa/").status_code == 302
    assert not WeaponSurrender.objects.exists()


def _upload(text: str, name: str = "vk.csv") -> io.BytesIO:
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def test_import_all_or_nothing_names_rejected_rows(client: Any, officer: Any) -> None:
    login(client, officer)
    header = "Ngày,Loại,Số lượng,Hỗ trợ đổi lấy,Gạo (kg),Đợt vận động\n"
    good = "20/05/2022,Súng tự chế,1,20 kg gạo,20,Đổi gạo lấy vũ khí 2022\n"
    text = (
        header + good
        + "20/05/2022,Xe tăng,1,,,\n"
        + "21/05/2022,Súng săn,1.5,,,\n"
        + "22/05/2022,Thuốc nổ,hai,,,\n"
        + "23/05/2022,Kíp nổ,3,,mười,\n"
    )  # fmt: skip
    r = client.post(f"/vu-khi/nhap/{DUC_TRONG}/", {"file": _upload(text)})
    assert r.status_code == 422
    page = r.content.decode()
    assert "Xe tăng" in page and "nhập số nguyên" in page
    assert not WeaponSurrender.objects.exists()
    report = imports.import_surrenders(
        officer, areas.get_area(DUC_TRONG), imports.read(text.encode(), "vk.csv")
    )
    assert sorted({e.row for e in report.errors}) == [3, 4, 5, 6]
    assert {e.field for e in report.errors} >= {"Loại", "Số lượng", "Gạo (kg)"}
    r = client.post(f"/vu-khi/nhap/{DUC_TRONG}/", {"file": _upload(header + good)})
    assert r.status_code == 200
    s = WeaponSurrender.objects.get()
    assert (s.item_type, s.rice_kg, s.received_by) == ("homemade_gun", Decimal(20), officer)
    assert client.post(f"/vu-khi/nhap/{HIEP_THANH}/", {"file": _upload(text)}).status_code == 403
    assert client.get("/vu-khi/mau-nhap.csv").status_code == 200


def test_import_template_round_trips(officer: Any) -> None:
    table = imports.read(imports.template_csv().encode(), "mau.csv")
    report = imports.import_surrenders(officer, areas.get_area(DUC_TRONG), table)
    assert report.ok, report.errors


def test_export_xlsx_has_no_names(client: Any, officer: Any) -> None:
    from openpyxl import load_workbook

    domain.create_surrender(officer, new(surrendered_by="Nguyễn Văn Giao"))
    login(client, officer)
    r = client.get(f"/vu-khi/xuat.xlsx?area={DUC_TRONG}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["Thu hồi vũ khí"].values)
    assert rows[1][5] == "Súng tự chế" and rows[1][6] == 1
    assert "Nguyễn Văn Giao" not in str(rows)
    assert list(wb["Tổng hợp"].values)[-1][3] == 20
    assert AuditEvent.objects.filter(action="export", object_type="weapons.weaponsurrender").exists()


def test_pages_for_readers(client: Any, officer: Any, make_user: Any) -> None:
    domain.create_surrender(officer, new())
    analyst = make_user("province_analyst", LAM_DONG)
    login(client, analyst)
    r = client.get("/vu-khi/")
    assert r.status_code == 200 and "Súng tự chế" in r.content.decode()
    assert client.get(f"/vu-khi/?area={LAM_DONG}&item_type=homemade_gun&from=2022-01-01").status_code == 200
    assert client.get("/vu-khi/xuat.xlsx").status_code == 200
    assert client.get("/vu-khi/moi/").status_code == 403  # analysts read, communes record
    login(client, officer)
    r = client.get(f"/vu-khi/nhap/{DUC_TRONG}/")
    assert r.status_code == 200 and "Cán bộ tiếp nhận" in r.content.decode()
    group_leader = make_user("group_leader", DUC_TRONG)
    login(client, group_leader)
    assert client.get("/vu-khi/").status_code == 200


def test_import_refuses_a_bad_file_before_reading_rows(client: Any, officer: Any) -> None:
    from binhyen.weapons.models import WeaponSurrender

    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    url = f"/vu-khi/nhap/{DUC_TRONG}/"
    assert client.post(url, {}).status_code == 422  # no file
    r = client.post(url, {"file": _upload("Ngày\n20/05/2022\n", name="vk.pdf")})
    assert r.status_code == 422 and ".csv" in r.content.decode()
    assert not WeaponSurrender.objects.exists()
