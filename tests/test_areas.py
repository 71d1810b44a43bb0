from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from openpyxl import Workbook

from binhyen.areas import domain, imports
from binhyen.areas.models import Area, Level, Predecessor
from tests.conftest import DUC_TRONG, HIEP_THANH, LAM_DONG

pytestmark = pytest.mark.django_db


def test_official_units_loaded_with_codes_and_types() -> None:
    assert Area.objects.filter(level=Level.PROVINCE).count() == 34
    assert Area.objects.filter(level=Level.COMMUNE).count() == 3321
    hanoi = Area.objects.get(code="01")
    assert (hanoi.name, hanoi.type) == ("Thành phố Hà Nội", "city")
    duc_trong = Area.objects.get(code=DUC_TRONG)
    assert (duc_trong.name, duc_trong.type, duc_trong.parent.code) == ("Xã Đức Trọng", "commune", LAM_DONG)
    assert {a.type for a in Area.objects.filter(level=Level.COMMUNE)} == {"commune", "ward", "special_zone"}


def test_reloading_is_idempotent() -> None:
    result = domain.load_official_units()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3355)
    assert Area.objects.count() == 3355


def test_reload_repairs_a_changed_name() -> None:
    Area.objects.filter(code=DUC_TRONG).update(name="Sai tên")
    assert domain.load_official_units().updated == 1
    assert Area.objects.get(code=DUC_TRONG).name == "Xã Đức Trọng"


def test_subtree_query_matches_parent_walk() -> None:
    for province in Area.objects.filter(level=Level.PROVINCE):
        by_path = set(Area.objects.within(province).values_list("code", flat=True))
        by_parent = {province.code} | set(Area.objects.filter(parent=province).values_list("code", flat=True))
        assert by_path == by_parent, province.code
    total = sum(
        Area.objects.within(p).filter(level=Level.COMMUNE).count()
        for p in Area.objects.filter(level=Level.PROVINCE)
    )
    assert total == 3321


def test_search_ignores_diacritics_and_d() -> None:
    assert [a.code for a in domain.search("duc trong")] == [DUC_TRONG]
    assert [a.code for a in domain.search("ĐỨC TRỌNG")] == [DUC_TRONG]
    assert DUC_TRONG in {a.code for a in domain.search("đuc", level=Level.COMMUNE)}
    lam_dong = Area.objects.get(code=LAM_DONG)
    assert {a.parent_id for a in domain.search("bao loc", within=lam_dong)} == {lam_dong.pk}


def test_villages_created_under_commune_with_subtree_path() -> None:
    commune = Area.objects.get(code=DUC_TRONG)
    v = domain.create_village(commune, domain.VillageInput("Thôn Phú Thạnh", "thôn", 1500))
    assert v.code == f"{DUC_TRONG}-0001" and v.level == Level.VILLAGE and v.type == "village"
    assert v.path.startswith(commune.path)
    assert Area.objects.within(Area.objects.get(code=LAM_DONG)).filter(pk=v.pk).exists()
    commune.refresh_from_db()
    assert commune.village_count == 1
    domain.delete_village(v)
    commune.refresh_from_db()
    assert commune.village_count == 0


def test_duplicate_village_refused_even_with_other_accents_or_nfd() -> None:
    commune = Area.objects.get(code=DUC_TRONG)
    domain.create_village(commune, domain.VillageInput("Thôn Phú Thạnh", "thôn"))
    decomposed = unicodedata.normalize("NFD", "thôn phú thạnh")
    with pytest.raises(domain.AreaError) as e:
        domain.create_village(commune, domain.VillageInput(decomposed, "thôn"))
    assert e.value.field == "name" and "đã có" in e.value.message
    # Same name in another commune is fine.
    domain.create_village(Area.objects.get(code=HIEP_THANH), domain.VillageInput("Thôn Phú Thạnh", "ap"))


def test_text_is_stored_nfc() -> None:
    commune = Area.objects.get(code=DUC_TRONG)
    v = domain.create_village(
        commune, domain.VillageInput(unicodedata.normalize("NFD", "Thôn Hiệp Thuận"), "thôn")
    )
    v.refresh_from_db()
    assert v.name == unicodedata.normalize("NFC", "Thôn Hiệp Thuận")


@pytest.mark.parametrize(
    "bad, field",
    [
        (domain.VillageInput("", "thôn"), "name"),
        (domain.VillageInput("Thôn A", "huyện"), "type"),
        (domain.VillageInput("Thôn A", "thôn", -5), "population"),
    ],
)
def test_bad_village_input_names_the_field(bad: domain.VillageInput, field: str) -> None:
    with pytest.raises(domain.AreaError) as e:
        domain.create_village(Area.objects.get(code=DUC_TRONG), bad)
    assert e.value.field == field


def test_villages_only_under_communes_and_only_villages_editable() -> None:
    with pytest.raises(domain.AreaError):
        domain.create_village(Area.objects.get(code=LAM_DONG), domain.VillageInput("Thôn A", "thôn"))
    with pytest.raises(domain.AreaError):
        domain.update_village(Area.objects.get(code=DUC_TRONG), domain.VillageInput("X", "thôn"))
    with pytest.raises(domain.AreaError):
        domain.delete_village(Area.objects.get(code=DUC_TRONG))


# --- imports ---------------------------------------------------------------------------------------


def _table(text: str) -> list[dict[str, str]]:
    return imports.read_table(text.encode("utf-8-sig"), "thon.csv")


def test_csv_import_creates_all_rows() -> None:
    commune = Area.objects.get(code=DUC_TRONG)
    report = imports.import_villages(
        commune, _table("Tên;Loại;Dân số\nThôn 1;thôn;1.200\nTổ dân phố 3;TDP;\n")
    )
    assert report.ok and report.created == 2
    assert list(commune.children.values_list("name", "population")) == [
        ("Thôn 1", 1200),
        ("Tổ dân phố 3", None),
    ]


def test_csv_import_is_all_or_nothing_and_names_rows() -> None:
    commune = Area.objects.get(code=DUC_TRONG)
    domain.create_village(commune, domain.VillageInput("Thôn Cũ", "thôn"))
    text = (
        "Tên,Loại,Dân số\nThôn Mới,thôn,100\nThôn cu,thôn,\n,thôn,\nThôn B,quận,\nThôn Mới,thôn,\n"
        "Thôn C,thôn,nhiều\n"
    )
    report = imports.import_villages(commune, _table(text))
    assert report.created == 0
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "name"),
        (4, "name"),
        (5, "type"),
        (6, "ten"),
        (7, "dan so"),
    ]
    assert "dòng 2" in report.errors[3].message
    assert commune.children.count() == 1


def test_xlsx_import() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Tên", "Loại", "Dân số"])
    ws.append(["Ấp Bình Thạnh", "ấp", 2100])
    ws.append(["Bản Phi Nôm", "bản", 800.0])
    buf = io.BytesIO()
    wb.save(buf)
    table = imports.read_table(buf.getvalue(), "thon.xlsx")
    report = imports.import_villages(Area.objects.get(code=DUC_TRONG), table)
    assert report.ok and report.created == 2
    assert Area.objects.get(name="Bản Phi Nôm").population == 800


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "rỗng"),
        (b"T\xean\n", "UTF-8"),
        (b"Ten\n", "không có dòng"),
        (b"PK\x03\x04garbage", "Excel"),
    ],
)
def test_unreadable_files_get_a_clear_message(content: bytes, message: str) -> None:
    with pytest.raises(imports.ImportFileError) as e:
        imports.read_table(content, "x.csv")
    assert message in str(e.value)


def test_missing_name_column() -> None:
    report = imports.import_villages(Area.objects.get(code=DUC_TRONG), _table("Loại\nthôn\n"))
    assert report.errors[0].row == 1 and "Tên" in report.errors[0].message


def test_predecessor_import_and_lookup() -> None:
    text = (
        f"Mã cũ,Tên cũ,Loại cũ,Mã mới,Ngày hiệu lực\n672,Huyện Đức Trọng,huyện,{DUC_TRONG},01/07/2025\n"
        f"672,Huyện Đức Trọng,huyện,{HIEP_THANH},\n"
    )
    report = imports.import_predecessors(_table(text))
    assert report.ok and report.created == 2
    assert {p.successor.code for p in domain.successors_of("672")} == {DUC_TRONG, HIEP_THANH}
    # Importing again updates rather than duplicates.
    assert imports.import_predecessors(_table(text)).ok
    assert Predecessor.objects.filter(old_code="672").count() == 2


def test_predecessor_import_rejects_bad_rows() -> None:
    text = (
        "Mã cũ,Tên cũ,Loại cũ,Mã mới,Ngày hiệu lực\n672,Huyện Đức Trọng,huyện,99999,\n"
        f",Không mã,,{DUC_TRONG},\n673,X,,{DUC_TRONG},31/02/2025\n"
    )
    report = imports.import_predecessors(_table(text))
    assert [(e.row, e.field) for e in report.errors] == [(2, "ma moi"), (3, "ma cu"), (4, "ngay hieu luc")]
    assert not Predecessor.objects.exists()


# --- API -------------------------------------------------------------------------------------------


def test_api_lists_34_provinces_and_3321_communes(client: Any) -> None:
    r = client.get("/api/v1/areas?level=province&limit=100")
    body = r.json()
    assert r.status_code == 200 and body["count"] == 34 and len(body["items"]) == 34
    assert set(body["items"][0]) == {"code", "name", "type", "level", "parent"}
    total = 0
    for p in body["items"]:
        total += client.get(f"/api/v1/areas?parent={p['code']}&limit=1").json()["count"]
    assert total == 3321


def test_api_paging_walks_every_commune(client: Any) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        items = client.get(f"/api/v1/areas?level=commune&limit=1000&offset={offset}").json()["items"]
        if not items:
            break
        seen += [i["code"] for i in items]
        offset += 1000
    assert len(seen) == len(set(seen)) == 3321


def test_api_search_and_parent(client: Any) -> None:
    body = client.get("/api/v1/areas?q=duc trong").json()
    assert [i["code"] for i in body["items"]] == [DUC_TRONG]
    assert body["items"][0]["parent"] == LAM_DONG


@pytest.mark.parametrize(
    "url, status, text",
    [
        ("/api/v1/areas?parent=99", 404, "99"),
        ("/api/v1/areas/abc", 404, "abc"),
        ("/api/v1/areas?level=district", 422, "level"),
        ("/api/v1/areas?limit=0", 422, "limit"),
        ("/api/v1/areas?limit=5000", 422, "limit"),
    ],
)
def test_api_bad_input_gets_problem_details(client: Any, url: str, status: int, text: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and text in r.content.decode()
    assert body["title"] and body["detail"]


def test_api_village_crud_and_import(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    r = client.post(
        "/api/v1/areas",
        {"parent": DUC_TRONG, "name": "Thôn Hiệp Thuận", "type": "thôn", "population": 1800},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    r = client.post(
        "/api/v1/areas",
        {"parent": DUC_TRONG, "name": "thon hiep thuan", "type": "thôn"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    r = client.patch(
        f"/api/v1/areas/{code}", {"name": "Thôn Hiệp Thuận Mới"}, content_type="application/json", **headers
    )
    assert r.status_code == 200 and r.json()["name"] == "Thôn Hiệp Thuận Mới"
    assert Area.objects.get(code=code).population == 1800  # untouched by a partial update
    f = io.BytesIO("Tên,Loại\nThôn 1,thôn\nThôn 1,thôn\n".encode())
    f.name = "thon.csv"
    r = client.post(f"/api/v1/areas/{DUC_TRONG}/import", {"file": f}, **headers)
    assert r.status_code == 422 and r.json()["errors"] == [
        {"row": 3, "field": "ten", "message": "«Thôn 1» trùng với dòng 2 trong tệp."}
    ]
    assert client.delete(f"/api/v1/areas/{code}", **headers).status_code == 204
    assert client.delete(f"/api/v1/areas/{DUC_TRONG}", **headers).status_code == 422
