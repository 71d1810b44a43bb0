"""Bulk import of cameras (officers): Vietnamese or English headers, all or nothing, every bad row named."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from binhyen.cameras import domain, imports
from binhyen.cameras.models import Camera
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

HEADER = (
    "Tên camera,Vĩ độ,Kinh độ,Địa chỉ,Thôn/tổ,Hướng,Góc nhìn,Tầm nhìn (m),Nhìn thấy,Số ngày lưu,"
    "Cách lưu,Nguồn kinh phí,Loại chủ,Người liên hệ,Điện thoại liên hệ,Đồng ý,Mục đích"
)
GOOD = [
    "Camera cổng nhà văn hoá,11.7352,108.3731,12 Trần Phú,Thôn A,Đông Bắc,90,30,Ngã ba,15,đầu ghi,"
    "Xã hội hóa,hộ gia đình,Nguyễn Văn Bình,0912 345 678,có,",
    "Camera tạp hoá Lan,11.7360,108.3740,,0001,SW,110,40,,30,đám mây,Nhân dân,cửa hàng,Trần Thị Lan,"
    "0987654321,x,Giữ an ninh",
    'Camera trường học,"11,7400","108,3800",,thôn b,180,60,20,Cổng trường,7,kết nối công an,'
    "Ngân sách,cơ quan,,,yes,",
]


@pytest.fixture
def commune() -> Any:
    from binhyen.areas import domain as areas

    area = areas.get_area(DUC_TRONG)
    areas.create_villages(
        area,
        [areas.VillageInput("Thôn A", "thôn", population=1200), areas.VillageInput("Thôn B", "thôn")],
    )
    return area


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


def table(*rows: str, header: str = HEADER) -> list[dict[str, str]]:
    return imports.read(("\n".join([header, *rows]) + "\n").encode(), "cameras.csv")


def test_good_file_creates_every_camera(officer: Any, commune: Any) -> None:
    report = imports.import_cameras(officer, commune, table(*GOOD))
    assert report.ok, report.errors
    assert report.created == 3 == Camera.objects.filter(commune=commune).count()
    first = Camera.objects.get(label="Camera cổng nhà văn hoá")
    assert first.village is not None and first.village.name == "Thôn A"
    assert (first.direction_deg, first.retention_days, first.recording, first.funding) == (
        45,
        15,
        "local",
        "socialised",
    )
    assert first.owner is None and first.created_by == officer  # entered for an owner without an account
    assert domain.contact(officer, first)["phone"] == "0912345678"
    shop = Camera.objects.get(label="Camera tạp hoá Lan")
    assert (shop.village.name, shop.direction_deg, shop.owner_kind, shop.recording) == (  # type: ignore[union-attr]
        "Thôn A",
        225,
        "shop",
        "cloud",
    )
    school = Camera.objects.get(label="Camera trường học")
    assert (school.latitude, school.longitude, school.village.name) == (11.74, 108.38, "Thôn B")  # type: ignore[union-attr]
    assert (school.recording, school.funding, school.owner_kind) == ("linked", "budget", "agency")
    # The same file again: every row is the same camera registered twice, nothing is added.
    again = imports.import_cameras(officer, commune, table(*GOOD))
    assert [e.row for e in again.errors] == [2, 3, 4] and Camera.objects.count() == 3
    assert all("đã được đăng ký" in e.message for e in again.errors)


def test_english_headers(officer: Any, commune: Any) -> None:
    rows = table(
        "Gate camera,11.7352,108.3731,N,yes,7,residents,household",
        header="label,latitude,longitude,direction,consent,retention_days,funding,owner kind",
    )
    report = imports.import_cameras(officer, commune, rows)
    assert report.ok, report.errors
    assert Camera.objects.get().direction_deg == 0


def test_bad_rows_are_all_reported_and_nothing_is_saved(officer: Any, commune: Any) -> None:
    existing = domain.register(
        officer,
        domain.CameraInput(
            "Camera đã có", DUC_TRONG, 11.7500, 108.3900, consent=True, contact_phone="0909000111"
        ),
    )
    rows = table(
        GOOD[0],  # row 2: fine
        "Không đồng ý,11.7352,108.3750,,,,,,,,,,,,,không,",  # 3: no consent
        "Ngoài Việt Nam,35.6,139.7,,,,,,,,,,,,,có,",  # 4: Tokyo
        "Lưu 0 ngày,11.7352,108.3760,,,,,,,0,,,,,,có,",  # 5: retention 0
        "Trùng camera cũ,11.75001,108.39001,,,,,,,,,,,,0909000111,có,",  # 6: duplicate of `existing`
        "Trùng dòng 2,11.73521,108.37311,,,,,,,,,,,,0912345678,có,",  # 7: same as row 2
        "Thôn lạ,11.7352,108.3770,,Thôn Không Có,,,,,,,,,,,có,",  # 8: unknown village
        "Hướng lạ,11.7352,108.3780,,,Đông Tây,,,,,,,,,,có,",  # 9: bad direction
        "Kinh phí lạ,11.7352,108.3790,,,,,,,,,tự có,,,,có,",  # 10: bad funding
        "Kinh độ sai,11.7352,150.1,,,,,,,,,,,,,có,",  # 11: longitude outside Viet Nam
        "Số sai,11.7352,108.3800,,,,,,,bảy,,,,,,có,",  # 12: not a number
    )
    report = imports.import_cameras(officer, commune, rows)
    assert not report.ok and report.created == 0
    assert Camera.objects.count() == 1  # only the camera registered before
    by_row = {e.row: e for e in report.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert by_row[3].field == "Đồng ý" and "đồng ý" in by_row[3].message
    assert by_row[4].field == "Vĩ độ" and "ngoài lãnh thổ Việt Nam" in by_row[4].message
    assert by_row[5].field == "Số ngày lưu" and "từ 1 đến 365" in by_row[5].message
    assert f"mã {existing.pk}" in by_row[6].message and "đã được đăng ký" in by_row[6].message
    assert "dòng 2" in by_row[7].message
    assert by_row[8].field == "Thôn/tổ" and "Thôn Không Có" in by_row[8].message
    assert by_row[9].field == "Hướng"
    assert by_row[10].field == "Nguồn kinh phí" and "tự có" in by_row[10].message
    assert by_row[11].field == "Kinh độ"
    assert by_row[12].field == "Số ngày lưu" and "không phải số" in by_row[12].message


def test_missing_columns_and_limits(officer: Any, commune: Any) -> None:
    report = imports.import_cameras(
        officer, commune, table("Camera,11.7,108.3", header="Tên camera,Vĩ độ,Kinh độ")
    )
    assert not report.ok and report.errors[0].row == 1 and "Đồng ý" in report.errors[0].message
    big = [{"ten camera": "x"}] * (imports.MAX_ROWS + 1)
    assert "tối đa 5.000" in imports.import_cameras(officer, commune, big).errors[0].message
    with pytest.raises(imports.ImportFileError):
        imports.read(b"x" * (imports.MAX_BYTES + 1), "big.csv")
    village = commune.children.first()
    assert not imports.import_cameras(officer, village, table(*GOOD)).ok


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_file(officer: Any, commune: Any) -> None:
    header = HEADER.split(",")
    good = ["Camera chợ", 11.7352, 108.3731, "", "Thôn A", 90, 90, 30, "", 14, "local", "budget",
            "xã", "", "", "có", ""]  # fmt: skip
    report = imports.import_cameras(officer, commune, imports.read(_xlsx([header, good]), "c.xlsx"))
    assert report.ok and report.created == 1
    bad = ["Camera chợ 2", 11.7352, 108.3731, "", "", 400, 90, 30, "", 14, "", "", "", "", "", "", ""]
    report = imports.import_cameras(officer, commune, imports.read(_xlsx([header, good, bad]), "c.xlsx"))
    rows = {(e.row, e.field) for e in report.errors}
    # Row 2 is the camera just imported (same name, place and direction, entered without a phone: the
    # same file imported twice); row 3 has no consent.
    assert rows == {(2, "Vĩ độ"), (3, "Đồng ý")}
    assert Camera.objects.count() == 1


def test_template_reads_back(officer: Any, commune: Any) -> None:
    from binhyen.areas import domain as areas

    areas.create_village(commune, areas.VillageInput("Tổ dân phố 1", "tổ dân phố"))
    content = ("\ufeff" + imports.template_csv()).encode()
    report = imports.import_cameras(officer, commune, imports.read(content, "mau.csv"))
    assert report.ok, report.errors


# --- web page -------------------------------------------------------------------------------------


def test_import_page(client: Any, officer: Any, commune: Any) -> None:
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    url = reverse("camera_coverage:import", args=[DUC_TRONG])
    page = client.get(url)
    assert page.status_code == 200 and "Đồng ý" in page.content.decode()
    upload = SimpleUploadedFile("c.csv", ("\n".join([HEADER, *GOOD]) + "\n").encode())
    ok = client.post(url, {"file": upload})
    assert ok.status_code == 200 and Camera.objects.count() == 3
    bad = SimpleUploadedFile("c.csv", (HEADER + "\nX,1,1,,,,,,,,,,,,,có,\n").encode())
    refused = client.post(url, {"file": bad})
    assert refused.status_code == 422 and "ngoài lãnh thổ" in refused.content.decode()
    wrong = client.post(url, {"file": SimpleUploadedFile("c.txt", b"abc")})
    assert wrong.status_code == 422 and Camera.objects.count() == 3
    template = client.get(reverse("camera_coverage:import_template"))
    assert template.status_code == 200 and template.content.decode("utf-8").startswith("\ufeffTên camera")


def test_import_page_outside_commune_is_refused(client: Any, make_user: Any, commune: Any) -> None:
    other = make_user("commune_officer", HIEP_THANH)
    client.force_login(other, backend="binhyen.accounts.backends.LockoutModelBackend")
    assert client.get(reverse("camera_coverage:import", args=[DUC_TRONG])).status_code == 403
    analyst = make_user("province_analyst", "68")
    client.force_login(analyst, backend="binhyen.accounts.backends.LockoutModelBackend")
    assert client.get(reverse("camera_coverage:import", args=[DUC_TRONG])).status_code == 403
