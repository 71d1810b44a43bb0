"""Outreach sessions: validation, scoping, counts, API, web pages, import (rejected rows) and export."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from binhyen.areas import domain as areas
from binhyen.audit.models import AuditEvent
from binhyen.outreach import domain, imports
from binhyen.outreach.models import OutreachSession
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 15)


def new(**kw: Any) -> domain.SessionInput:
    base: dict[str, Any] = {
        "date": DAY,
        "commune": DUC_TRONG,
        "place": "Nhà văn hoá thôn 1",
        "topics": ["drugs", "traffic"],
        "organiser": "Công an xã",
        "attendees": 80,
        "leaflets": 300,
    }
    base.update(kw)
    return domain.SessionInput(**base)


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def other_officer(make_user: Any) -> Any:
    return make_user("commune_officer", HIEP_THANH)


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


# --- domain -----------------------------------------------------------------------------------------


def test_create_normalises_topics_and_sets_area_path(officer: Any) -> None:
    s = domain.create_session(officer, new(topics=["Lừa đảo qua mạng", "ma tuý", "drugs"]))
    assert s.topics == "drugs,fraud"
    assert s.topic_labels[0] == "Phòng, chống ma tuý"
    assert s.area_path == areas.get_area(DUC_TRONG).path
    assert s.created_by == officer
    assert AuditEvent.objects.filter(object_type="outreach.outreachsession", action="create").exists()


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"topics": ["bóng đá"]}, "topics", "không có trong danh mục"),
        ({"topics": []}, "topics", "ít nhất một chủ đề"),
        ({"date": None}, "date", "ngày"),
        ({"place": "  "}, "place", "địa điểm"),
        ({"organiser": ""}, "organiser", "tổ chức"),
        ({"attendees": -1}, "attendees", "Số người tham dự"),
        ({"commune": LAM_DONG}, "commune", "không phải mã một xã"),
        ({"village": "99999-0001"}, "village", "không thuộc"),
        ({"date": datetime.date(1970, 1, 1)}, "date", "30 năm"),
    ],
)
def test_validation_names_the_field(officer: Any, kw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(domain.OutreachError) as e:
        domain.create_session(officer, new(**kw))
    assert e.value.field == field
    assert words in e.value.message
    assert not OutreachSession.objects.exists()


def test_officer_cannot_manage_another_communes_sessions(officer: Any, other_officer: Any) -> None:
    theirs = domain.create_session(other_officer, new(commune=HIEP_THANH))
    with pytest.raises(domain.OutreachForbidden):
        domain.create_session(officer, new(commune=HIEP_THANH))
    with pytest.raises(domain.OutreachForbidden):
        domain.update_session(officer, theirs, new(commune=HIEP_THANH, place="Khác"))
    with pytest.raises(domain.OutreachForbidden):
        domain.delete_session(officer, theirs)
    with pytest.raises(domain.OutreachNotFound):
        domain.get_session(officer, theirs.pk)
    mine = domain.create_session(officer, new())
    with pytest.raises(domain.OutreachForbidden):  # cannot move one of ours into their commune
        domain.update_session(officer, mine, new(commune=HIEP_THANH))


def test_counts_by_topic_and_period(officer: Any, other_officer: Any, make_user: Any) -> None:
    domain.create_session(officer, new())
    domain.create_session(officer, new(date=DAY.replace(month=6), topics=["fraud"], attendees=20, leaflets=0))
    domain.create_session(officer, new(date=datetime.date(2020, 5, 1)))
    domain.create_session(other_officer, new(commune=HIEP_THANH, attendees=5, leaflets=5))
    c = domain.counts(areas.get_area(DUC_TRONG), datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert (c.sessions, c.attendees, c.leaflets, c.communes) == (2, 100, 300, 1)
    by = {r.code: r for r in c.by_topic}
    assert (by["drugs"].sessions, by["drugs"].attendees) == (1, 80)
    assert (by["fraud"].sessions, by["traffic"].leaflets, by["fire"].sessions) == (1, 300, 0)
    province = domain.counts(areas.get_area(LAM_DONG), None, None)
    assert (province.sessions, province.attendees) == (4, 185)
    with pytest.raises(domain.OutreachError):
        domain.counts(None, datetime.date(2022, 1, 1), datetime.date(2021, 1, 1))


# --- API --------------------------------------------------------------------------------------------


def test_api_crud_counts_and_errors(client: Any, officer: Any, api_token: Any) -> None:
    h = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    body = {"date": "2021-03-15", "commune": DUC_TRONG, "place": "Chợ", "topics": ["fire", "law"],
            "organiser": "Công an xã", "attendees": 40, "leaflets": 100}  # fmt: skip
    r = client.post("/api/v1/outreach/sessions", body, content_type="application/json", **h)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["topics"] == ["fire", "law"]
    r = client.post(
        "/api/v1/outreach/sessions", {**body, "topics": ["xyz"]}, content_type="application/json", **h
    )
    assert r.status_code == 422
    assert r["Content-Type"].startswith("application/problem+json")
    assert "xyz" in r.json()["detail"]
    r = client.patch(
        f"/api/v1/outreach/sessions/{sid}", {"attendees": 45}, content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["attendees"] == 45
    r = client.get(
        f"/api/v1/outreach/sessions?area={DUC_TRONG}&from=2021-01-01&to=2021-12-31&topic=fire", **h
    )
    assert r.json()["count"] == 1
    r = client.get(f"/api/v1/outreach/counts?area={DUC_TRONG}&from=2021-01-01", **h)
    assert r.status_code == 200
    assert (r.json()["sessions"], r.json()["attendees"], r.json()["from"]) == (1, 45, "2021-01-01")
    assert client.get(f"/api/v1/outreach/counts?area={HOAN_KIEM}", **h).status_code == 403
    assert client.delete(f"/api/v1/outreach/sessions/{sid}", **h).status_code == 204
    assert client.get(f"/api/v1/outreach/sessions/{sid}", **h).status_code == 404


# --- web --------------------------------------------------------------------------------------------


def test_web_create_edit_delete(client: Any, officer: Any) -> None:
    login(client, officer)
    assert client.get("/tuyen-truyen/moi/").status_code == 200
    data = {"date": "2021-03-15", "commune": DUC_TRONG, "place": "Trường THCS", "topics": ["drugs", "law"],
            "organiser": "Đoàn Thanh niên", "attendees": "1.200", "leaflets": "500"}  # fmt: skip
    r = client.post("/tuyen-truyen/moi/", data)
    assert r.status_code == 302
    s = OutreachSession.objects.get()
    assert (s.attendees, s.topics) == (1200, "drugs,law")
    r = client.post("/tuyen-truyen/moi/", {**data, "topics": []})
    assert r.status_code == 422
    assert "ít nhất một chủ đề" in r.content.decode()
    r = client.get(f"/tuyen-truyen/?area={DUC_TRONG}&from=2021-01-01&to=2021-12-31")
    assert r.status_code == 200 and "Trường THCS" in r.content.decode()
    r = client.post(f"/tuyen-truyen/{s.pk}/sua/", {**data, "attendees": "abc"})
    assert r.status_code == 422
    assert client.get(f"/tuyen-truyen/{s.pk}/").status_code == 200
    assert client.post(f"/tuyen-truyen/{s.pk}/xoa/").status_code == 302
    assert not OutreachSession.objects.exists()


def _upload(text: str, name: str = "tt.csv") -> io.BytesIO:
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def test_import_all_or_nothing_names_rejected_rows(client: Any, officer: Any) -> None:
    areas.create_village(areas.get_area(DUC_TRONG), areas.VillageInput("Thôn Phú Thạnh", "thôn"))
    login(client, officer)
    good = "15/03/2021,Thôn Phú Thạnh,Nhà văn hoá,Ma tuý; lừa đảo,Công an xã,80,300,\n"
    text = (
        "Ngày,Thôn/tổ,Địa điểm,Chủ đề,Đơn vị tổ chức,Số người tham dự,Số tờ rơi,Ghi chú\n"
        + good
        + "32/13/2021,,Chợ,ma tuý,Công an xã,1,1,\n"
        + "16/03/2021,,Chợ,bóng đá,Công an xã,1,1,\n"
        + "17/03/2021,Thôn Không Có,Chợ,ma tuý,Công an xã,mười,1,\n"
        + good
    )
    r = client.post(f"/tuyen-truyen/nhap/{DUC_TRONG}/", {"file": _upload(text)})
    assert r.status_code == 422
    page = r.content.decode()
    assert "bóng đá" in page and "Thôn Không Có" in page and "Trùng với dòng 2" in page
    assert not OutreachSession.objects.exists()
    table = imports.read(text.encode(), "tt.csv")
    report = imports.import_sessions(officer, areas.get_area(DUC_TRONG), table)
    assert sorted({e.row for e in report.errors}) == [3, 4, 5, 6]
    r = client.post(f"/tuyen-truyen/nhap/{DUC_TRONG}/", {"file": _upload(text.splitlines()[0] + "\n" + good)})
    assert r.status_code == 200
    s = OutreachSession.objects.get()
    assert (s.topics, s.village.name if s.village else "") == ("drugs,fraud", "Thôn Phú Thạnh")
    # the same file again: the row is already recorded, nothing is added
    r = client.post(f"/tuyen-truyen/nhap/{DUC_TRONG}/", {"file": _upload(text.splitlines()[0] + "\n" + good)})
    assert r.status_code == 422 and OutreachSession.objects.count() == 1
    assert client.post(f"/tuyen-truyen/nhap/{HIEP_THANH}/", {"file": _upload(text)}).status_code == 403
    r = client.get("/tuyen-truyen/mau-nhap.csv")
    assert r.status_code == 200 and "Chủ đề" in r.content.decode("utf-8-sig")


def test_import_template_round_trips(officer: Any) -> None:
    table = imports.read(imports.template_csv().encode(), "mau.csv")
    table[0] = {k: ("" if k.startswith("thon") else v) for k, v in table[0].items()}
    report = imports.import_sessions(officer, areas.get_area(DUC_TRONG), table)
    assert report.ok, report.errors
    assert report.created == 1


def test_export_xlsx(client: Any, officer: Any) -> None:
    from openpyxl import load_workbook

    domain.create_session(officer, new())
    login(client, officer)
    r = client.get(f"/tuyen-truyen/xuat.xlsx?area={DUC_TRONG}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["Tuyên truyền"].values)
    assert rows[0][0] == "Mã" and rows[1][5] == "Nhà văn hoá thôn 1"
    summary = list(wb["Tổng hợp"].values)
    assert summary[-1][1:] == (1, 80, 300)
    assert AuditEvent.objects.filter(action="export", object_type="outreach.outreachsession").exists()


def test_demo_seed_matches_the_figures() -> None:
    """binhyen.demo.seed_registries: Bảo Lộc 2021, «đổi gạo lấy vũ khí» in 15 units, 14 medals; idempotent."""
    import random

    from binhyen.awards import domain as awards
    from binhyen.demo import seed, seed_registries
    from binhyen.weapons import domain as weapons
    from binhyen.weapons.models import WeaponSurrender

    seed._villages(random.Random(1))
    created = seed_registries.seed()
    assert all(created.values()), created
    year = (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    bao_loc = [domain.counts(areas.get_area(code), *year) for code in seed_registries.BAO_LOC]
    assert sum(c.sessions for c in bao_loc) == 90
    assert sum(c.attendees for c in bao_loc) == 5240 > 5000
    assert sum(c.leaflets for c in bao_loc) == 31500 > 30000
    campaign = WeaponSurrender.objects.filter(campaign="Đổi gạo lấy vũ khí 2022")
    assert len(set(campaign.values_list("note", flat=True))) == 15
    assert set(campaign.values_list("commune__code", flat=True)) == set(seed_registries.DUC_TRONG)
    w = weapons.counts(areas.get_area(LAM_DONG), datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert w.rice_kg > 0 and w.guns > 0
    a = awards.counts(areas.get_area(LAM_DONG), None, None)
    by = {r.code: r for r in a.by_kind}
    assert a.medals_decided == 14
    assert by["ministry_merit"].by_status["decided"] == 6 and by["province_merit"].by_status["decided"] == 11
    assert a.by_status["draft"] and a.by_status["submitted"] and a.by_status["rejected"]
    assert seed_registries.seed() == {"outreach": 0, "weapons": 0, "awards": 0}


def test_pages_for_readers(client: Any, officer: Any, make_user: Any) -> None:
    domain.create_session(officer, new())
    analyst = make_user("province_analyst", LAM_DONG)
    login(client, analyst)
    r = client.get("/tuyen-truyen/?topic=drugs&from=abc")
    assert r.status_code == 200 and "Nhà văn hoá thôn 1" in r.content.decode()
    assert client.get("/tuyen-truyen/xuat.xlsx").status_code == 200
    assert client.get("/tuyen-truyen/moi/").status_code == 403
    login(client, officer)
    assert client.get(f"/tuyen-truyen/nhap/{DUC_TRONG}/").status_code == 200
    assert client.get(f"/tuyen-truyen/nhap/{LAM_DONG}/").status_code in (403, 404)
