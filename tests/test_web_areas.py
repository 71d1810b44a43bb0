"""Web UI: area browsing, villages managed through htmx, imports through the task worker."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD, DUC_TRONG, HIEP_THANH, LAM_DONG

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer_client(client: Any, make_user: Any) -> Any:
    user = make_user("commune_officer", DUC_TRONG)
    client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    client.user = user
    return client


def commune() -> Any:
    from binhyen.areas import domain

    return domain.get_area(DUC_TRONG)


def test_area_list_and_diacritic_insensitive_search(officer_client: Any) -> None:
    r = officer_client.get("/areas/")
    assert r.status_code == 200 and "Lâm Đồng" in r.content.decode()
    r = officer_client.get("/areas/", {"q": "duc trong"}, **HX)
    html = r.content.decode()
    assert r.status_code == 200 and "Xã Đức Trọng" in html
    assert "<html" not in html  # htmx gets the results only
    r = officer_client.get("/areas/", {"q": "zzzz khong co"})
    assert "Không có địa bàn nào" in r.content.decode()


def test_area_detail_breadcrumb_children_and_404(officer_client: Any) -> None:
    r = officer_client.get(f"/areas/{LAM_DONG}/")
    html = r.content.decode()
    assert r.status_code == 200 and "Xã Đức Trọng" in html
    r = officer_client.get(f"/areas/{DUC_TRONG}/")
    html = r.content.decode()
    assert 'href="/areas/68/"' in html  # breadcrumb to the province
    assert "Thêm thôn, tổ dân phố" in html  # the officer manages villages here
    r = officer_client.get("/areas/99999999/")
    assert r.status_code == 404 and "Không có đơn vị hành chính mã" in r.content.decode()


def test_population_hidden_without_details_permission(client: Any, make_user: Any) -> None:
    from binhyen.areas import domain

    domain.create_village(commune(), domain.VillageInput("Thôn Dân Số", "thôn", 4321))
    resident = make_user("resident", DUC_TRONG)
    client.post(reverse("login"), {"username": resident.username, "password": DEMO_PASSWORD})
    html = client.get(f"/areas/{DUC_TRONG}/").content.decode()
    assert "Thôn Dân Số" in html and "4.321" not in html
    assert "Thêm thôn, tổ dân phố" not in html


def test_village_create_edit_delete_via_htmx(officer_client: Any) -> None:
    url = reverse("areas:village_create", args=[DUC_TRONG])
    r = officer_client.post(url, {"name": "Thôn Phú Thạnh", "type": "village", "population": "1.250"}, **HX)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="villages"' in html and "Thôn Phú Thạnh" in html and "1.250" in html
    assert 'id="area-cards" hx-swap-oob="true"' in html  # the key figures are refreshed too
    village = commune().children.get()
    assert village.population == 1250

    # Duplicate name (diacritics ignored): the error is shown next to the name field.
    r = officer_client.post(url, {"name": "thon phu thanh", "type": "village"}, **HX)
    assert r.status_code == 422
    assert "đã có trong Xã Đức Trọng" in r.content.decode()
    assert commune().children.count() == 1

    r = officer_client.post(url, {"name": "Thôn B", "type": "village", "population": "nhiều"}, **HX)
    assert r.status_code == 422 and "Dân số" in r.content.decode()

    edit = reverse("areas:village_edit", args=[village.code])
    r = officer_client.get(edit, **HX)
    assert r.status_code == 200 and 'value="Thôn Phú Thạnh"' in r.content.decode()
    r = officer_client.post(edit, {"name": "Thôn Phú Thạnh Mới", "type": "hamlet", "population": "900"}, **HX)
    assert r.status_code == 200 and "Thôn Phú Thạnh Mới" in r.content.decode()
    village.refresh_from_db()
    assert (village.name, village.type, village.population) == ("Thôn Phú Thạnh Mới", "hamlet", 900)
    r = officer_client.post(edit, {"name": "", "type": "hamlet"}, **HX)
    assert r.status_code == 422 and "Tên không được để trống." in r.content.decode()

    r = officer_client.post(reverse("areas:village_delete", args=[village.code]), **HX)
    assert r.status_code == 200 and "đã được xoá" in r.content.decode()
    assert not commune().children.exists()
    assert commune().village_count == 0


def test_village_forms_work_without_htmx(officer_client: Any) -> None:
    url = reverse("areas:village_create", args=[DUC_TRONG])
    r = officer_client.post(url, {"name": "Tổ dân phố 1", "type": "residential_group"})
    assert r.status_code == 302 and r.url == f"/areas/{DUC_TRONG}/"
    r = officer_client.post(url, {"name": "Tổ dân phố 1", "type": "residential_group"})
    assert r.status_code == 422 and "<html" in r.content.decode()
    village = commune().children.get()
    edit = reverse("areas:village_edit", args=[village.code])
    r = officer_client.get(edit)
    page = r.content.decode()
    assert r.status_code == 200 and "<html" in page and 'value="Tổ dân phố 1"' in page
    r = officer_client.post(edit, {"name": "Tổ dân phố 1A", "type": "residential_group", "population": "12"})
    assert r.status_code == 302 and r.url == f"/areas/{DUC_TRONG}/"
    assert "Đã lưu Tổ dân phố 1A." in officer_client.get(r.url).content.decode()
    r = officer_client.post(reverse("areas:village_delete", args=[village.code]))
    assert r.status_code == 302 and not commune().children.exists()


def test_village_management_denied_outside_scope(officer_client: Any) -> None:
    url = reverse("areas:village_create", args=[HIEP_THANH])
    r = officer_client.post(url, {"name": "X", "type": "village"})
    assert r.status_code == 403
    from binhyen.areas.models import Area

    assert not Area.objects.filter(parent__code=HIEP_THANH).exists()


def test_import_template_download(officer_client: Any) -> None:
    r = officer_client.get(reverse("areas:import_template"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Tên,Loại,Dân số" and len(text.splitlines()) == 3


def upload(client: Any, name: str, content: bytes, capture: Any) -> Any:
    with capture(execute=True):
        r = client.post(reverse("areas:import_upload", args=[DUC_TRONG]),
                        {"file": SimpleUploadedFile(name, content)})
    assert r.status_code == 302, r.content.decode()[:300]
    return r


def test_import_csv_through_the_task(officer_client: Any, django_capture_on_commit_callbacks: Any) -> None:
    from binhyen.areas.models import ImportJob

    csv = "Tên,Loại,Dân số\nThôn Một,thôn,1.200\nTổ dân phố 2,tổ dân phố,800\n".encode()
    r = upload(officer_client, "thon.csv", csv, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert r.url == reverse("areas:import_job", args=[job.pk])
    assert job.status == "done" and job.created == 2 and job.finished_at is not None
    assert job.submitted_by == officer_client.user
    assert sorted(commune().children.values_list("name", flat=True)) == ["Thôn Một", "Tổ dân phố 2"]
    html = officer_client.get(r.url).content.decode()
    assert "Đã nhập 2 thôn, tổ dân phố." in html
    assert "hx-trigger" not in html  # finished: no more polling
    from binhyen.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="areas.area", action="create",
                                     actor=officer_client.user).count() == 2


def test_import_xlsx_with_row_errors(officer_client: Any, django_capture_on_commit_callbacks: Any) -> None:
    from openpyxl import Workbook

    from binhyen.areas.models import ImportJob

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Tên", "Loại", "Dân số"])
    ws.append(["Thôn A", "thôn", 100])
    ws.append(["Thôn B", "lâu đài", 50])
    ws.append(["Thôn A", "thôn", None])
    buf = io.BytesIO()
    wb.save(buf)
    upload(officer_client, "thon.xlsx", buf.getvalue(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.created == 0
    assert [e["row"] for e in job.errors] == [3, 4]
    assert not commune().children.exists()  # all or nothing
    html = officer_client.get(reverse("areas:import_job", args=[job.pk])).content.decode()
    assert "Không có dòng nào được nhập" in html and "lâu đài" in html and "trùng với dòng 2" in html


def test_import_job_page_polls_while_queued(officer_client: Any) -> None:
    from binhyen.areas.models import ImportJob

    job = ImportJob.objects.create(commune=commune(), filename="a.csv", content=b"x",
                                   submitted_by=officer_client.user)
    r = officer_client.get(reverse("areas:import_job", args=[job.pk]))
    assert 'hx-trigger="every 2s"' in r.content.decode()
    r = officer_client.get(reverse("areas:import_job", args=[job.pk]), **HX)
    assert "<html" not in r.content.decode() and "Đang chờ" in r.content.decode()


def test_import_rejects_bad_upload_without_a_job(officer_client: Any) -> None:
    from binhyen.areas.models import ImportJob

    url = reverse("areas:import_upload", args=[DUC_TRONG])
    r = officer_client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert r.status_code == 422 and "Tệp:" in r.content.decode()
    r = officer_client.post(url, {})
    assert r.status_code == 422 and "Tệp:" in r.content.decode()
    assert not ImportJob.objects.exists()
