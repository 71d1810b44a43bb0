"""Organisations and members: Law 30/2023 age rule, memberships, one leader, scoping, mediation (counts
only), import with rejected rows, export, and the audited phone read."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from binhyen.organisations import domain, exports, imports
from binhyen.organisations.models import MediationCase, Membership, Organisation, Person
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


def _team(
    user: Any, kind: str = "to-bao-ve-antt", commune: str = DUC_TRONG, name: str = "Tổ ANTT 1"
) -> Organisation:
    return domain.create_organisation(user, domain.OrganisationInput(type=kind, name=name, commune=commune))


def _person(user: Any, name: str = "Nguyễn Văn An", **kw: Any) -> Person:
    return domain.find_or_create_person(user, domain.PersonInput(full_name=name, commune=DUC_TRONG, **kw))


def _years_ago(n: int) -> datetime.date:
    today = datetime.date.today()
    return today.replace(year=today.year - n, day=1)


def test_age_rule_and_chairman_exception(officer: Any) -> None:
    team = _team(officer)
    young = _person(officer, "Lê Văn Trẻ", birth_date=_years_ago(17))
    with pytest.raises(domain.OrganisationError, match="đủ 18 tuổi"):
        domain.add_membership(officer, team, young, domain.MembershipInput())
    old = _person(officer, "Trần Văn Già", birth_year=datetime.date.today().year - 75)
    with pytest.raises(domain.OrganisationError, match="Chủ tịch UBND xã") as e:
        domain.add_membership(officer, team, old, domain.MembershipInput())
    assert e.value.field == "age_exception"
    assert not Membership.objects.exists()  # nothing written
    m = domain.add_membership(
        officer, team, old, domain.MembershipInput(age_exception=True, age_exception_note="QĐ 12/QĐ-UBND")
    )
    assert m.age_exception and m.age_exception_note == "QĐ 12/QĐ-UBND"
    # Even the chairman cannot admit a minor; no birth data at all is refused too.
    with pytest.raises(domain.OrganisationError):
        domain.add_membership(officer, team, young, domain.MembershipInput(age_exception=True))
    unknown = _person(officer, "Phạm Văn Không")
    with pytest.raises(domain.OrganisationError, match="ngày sinh hoặc năm sinh"):
        domain.add_membership(officer, team, unknown, domain.MembershipInput())
    # Other types have no age rule.
    club = _team(officer, "cau-lac-bo", name="CLB phòng chống tội phạm")
    domain.add_membership(officer, club, young, domain.MembershipInput())


def test_memberships_several_organisations_and_leaving(officer: Any) -> None:
    a, b = _team(officer), _team(officer, "doi-pccc", name="Đội dân phòng 1")
    p = _person(officer, birth_year=1980)
    m1 = domain.add_membership(officer, a, p, domain.MembershipInput(role="deputy"))
    domain.add_membership(officer, b, p, domain.MembershipInput())
    with pytest.raises(domain.OrganisationError, match="đang là thành viên"):
        domain.add_membership(officer, a, p, domain.MembershipInput())
    with pytest.raises(domain.OrganisationError, match="Vai trò"):
        domain.add_membership(officer, a, _person(officer, "Hồ Thị Mai", birth_year=1990),
                              domain.MembershipInput(role="secretary"))  # fmt: skip
    domain.end_membership(officer, m1)
    assert m1.left_on == datetime.date.today()
    with pytest.raises(domain.OrganisationError):
        domain.end_membership(officer, m1)
    assert domain.add_membership(officer, a, p, domain.MembershipInput()).role == "member"
    # The same name and birth year in the commune is the same person.
    assert _person(officer, "nguyen van an", birth_year=1980).pk == p.pk
    assert [x.pk for x in domain.search_people(officer, "Nguyen an")] == [p.pk]


def test_one_leader_at_a_time(officer: Any) -> None:
    team = _team(officer)
    first = domain.add_membership(
        officer, team, _person(officer, "An Văn", birth_year=1970), domain.MembershipInput("leader")
    )
    with pytest.raises(domain.OrganisationError, match="đang có tổ trưởng") as e:
        domain.add_membership(
            officer, team, _person(officer, "Bê", birth_year=1975), domain.MembershipInput("leader")
        )
    assert e.value.status == 409
    domain.end_membership(officer, first)
    domain.add_membership(
        officer, team, _person(officer, "Bê", birth_year=1975), domain.MembershipInput("leader")
    )


def test_unknown_type_is_a_clear_error(officer: Any) -> None:
    with pytest.raises(domain.OrganisationError, match="Không có loại tổ chức «đội bóng»"):
        _team(officer, "đội bóng")


def test_officer_cannot_manage_another_commune(officer: Any, make_user: Any) -> None:
    other = make_user("commune_officer", HIEP_THANH)
    theirs = _team(other, commune=HIEP_THANH, name="Tổ ANTT Hiệp Thạnh")
    with pytest.raises(domain.OrganisationForbidden):
        _team(officer, commune=HIEP_THANH)
    with pytest.raises(domain.OrganisationNotFound):
        domain.get_organisation(officer, theirs.pk)
    with pytest.raises(domain.OrganisationForbidden):
        domain.update_organisation(officer, theirs, domain.organisation_data(theirs))
    assert list(domain.visible_organisations(officer)) == []


def test_mediation_counts_only(officer: Any) -> None:
    group = _team(officer, "to-hoa-giai", name="Tổ hoà giải thôn 2")
    case = domain.create_mediation_case(
        officer, group, domain.MediationInput("land", datetime.date(2025, 3, 1), "successful", 3)
    )
    assert not hasattr(case, "parties") and case.parties_count == 3
    with pytest.raises(domain.OrganisationError, match="không được ghi tên"):
        domain.create_mediation_case(
            officer, group,
            domain.MediationInput("family", datetime.date(2025, 3, 2), "transferred", 2, "Ông Nguyễn Văn A"),
        )  # fmt: skip
    with pytest.raises(domain.OrganisationError, match="không phải tổ hoà giải"):
        domain.create_mediation_case(
            officer, _team(officer), domain.MediationInput("land", datetime.date(2025, 3, 1), "successful")
        )
    c = domain.counts(group.commune)
    assert c.mediation == {"successful": 1, "unsuccessful": 0, "transferred": 0}
    assert MediationCase.objects.count() == 1


def test_import_rejects_rows_and_keeps_nothing(officer: Any) -> None:
    old_year = datetime.date.today().year - 80
    text = (
        "Loại tổ chức,Tên tổ chức,Họ tên thành viên,Năm sinh,Vai trò,Chủ tịch xã đồng ý (trên 70 tuổi)\n"
        '"Tổ bảo vệ an ninh, trật tự",Tổ ANTT số 1,Nguyễn Văn Một,1980,Tổ trưởng,\n'
        f"to-bao-ve-antt,Tổ ANTT số 1,Trần Văn Hai,{old_year},Tổ viên,\n"
        "Đội bóng,Đội 1,,,,\n"
    )
    table = imports.read(text.encode(), "to-chuc.csv")
    from binhyen.areas.models import Area

    commune = Area.objects.get(code=DUC_TRONG)
    report = imports.import_rows(officer, commune, table)
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "Chủ tịch xã đồng ý (trên 70 tuổi)"),
        (4, "Loại tổ chức"),
    ]
    assert not Organisation.objects.exists() and not Membership.objects.exists()
    fixed = text.replace(f"{old_year},Tổ viên,", f"{old_year},Tổ viên,có").replace("Đội bóng", "to-tu-quan")
    report = imports.import_rows(officer, commune, imports.read(fixed.encode(), "to-chuc.csv"))
    assert report.ok, report.errors
    assert (report.organisations, report.members) == (2, 2)


def test_import_page_and_export(client: Any, officer: Any) -> None:
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    bad = io.BytesIO("Loại tổ chức,Tên tổ chức\nkhông có,Tổ 1\n".encode())
    bad.name = "x.csv"
    r = client.post("/to-chuc/import/", {"file": bad, "commune": DUC_TRONG})
    assert r.status_code == 422 and "không có" in r.content.decode()
    team = _team(officer)
    p = _person(officer, birth_year=1980, phone="0912 345 678")
    domain.add_membership(officer, team, p, domain.MembershipInput("leader"))
    r = client.get(f"/to-chuc/export.xlsx?area={DUC_TRONG}")
    assert r.status_code == 200 and r["Content-Type"] == exports.CONTENT_TYPE_XLSX
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Tổ chức", "Thành viên", "Hoà giải", "Tổng hợp"]
    members = list(wb["Thành viên"].iter_rows(values_only=True))
    assert members[1][2] == "Nguyễn Văn An" and "0912345678" not in str(members)


def test_phone_is_encrypted_and_reading_it_is_audited(client: Any, officer: Any, make_user: Any) -> None:
    from binhyen.audit.models import AuditEvent

    p = _person(officer, birth_year=1980, phone="0912 345 678")
    assert "0912345678" not in p.phone_encrypted
    assert domain.phone(officer, p) == "0912345678"
    event = AuditEvent.objects.filter(action="read", object_type="organisations.person").get()
    assert event.detail["fields"] == ["phone"]
    analyst = make_user("province_analyst", "68")
    with pytest.raises(domain.OrganisationForbidden):
        domain.phone(analyst, p)
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    r = client.post(f"/to-chuc/people/{p.pk}/phone/")
    assert r.status_code == 200 and "0912345678" in r.content.decode()
    assert AuditEvent.objects.filter(action="read", object_type="organisations.person").count() == 2


def test_api_age_rule_error_and_counts(client: Any, officer: Any, api_token: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    body = {"type": "to-bao-ve-antt", "name": "Tổ ANTT 2", "commune": DUC_TRONG}
    r = client.post("/api/v1/organisations", body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    member = {"full_name": "Lê Văn Nhỏ", "birth_year": datetime.date.today().year - 16}
    r = client.post(f"/api/v1/organisations/{pk}/members", member, content_type="application/json", **auth)
    assert r.status_code == 422 and "18 tuổi" in r.json()["detail"]
    r = client.get(f"/api/v1/organisations/counts?area={DUC_TRONG}", **auth)
    assert r.json()["organisations"] == 1 and r.json()["members"] == 0


def test_pages_render(client: Any, officer: Any) -> None:
    team = _team(officer, "to-hoa-giai", name="Tổ hoà giải 1")
    client.force_login(officer, backend="binhyen.accounts.backends.LockoutModelBackend")
    assert client.get("/to-chuc/").status_code == 200
    r = client.get(f"/to-chuc/{team.pk}/")
    assert r.status_code == 200
    r = client.post(
        f"/to-chuc/{team.pk}/members/", {"full_name": "Vũ Thị Hạnh", "birth_year": "1990", "role": "member"}
    )
    assert r.status_code == 302
    r = client.post(
        f"/to-chuc/{team.pk}/mediation/",
        {"case_type": "debt", "received_on": "2025-01-05", "outcome": "bogus", "parties_count": "2"},
    )
    assert r.status_code == 422 and "Kết quả" in r.content.decode()


def test_demo_seed_is_idempotent() -> None:
    from binhyen.demo import seed_organisations

    first = seed_organisations.seed()
    assert first["organisations"] > 0 and first["members"] > 0 and first["mediation_cases"] > 0
    assert seed_organisations.seed() == {"organisations": 0, "members": 0, "mediation_cases": 0}
    # The over-70 member has the chairman's approval recorded.
    assert not Membership.objects.filter(organisation__type__has_age_rule=True, age_exception=False,
                                         person__birth_year__lt=START_YEAR_LIMIT).exists()  # fmt: skip


START_YEAR_LIMIT = 2024 - 70
