"""Patrol rosters and logs: shift rules, overlap across teams, swaps, hours, a finding becoming a tip in
the commune's queue, scoping (group leaders log for teams covering their village), API and pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from binhyen.areas.models import Area, Level
from binhyen.organisations import domain as orgs
from binhyen.organisations.models import Organisation, Person
from binhyen.patrols import domain
from binhyen.patrols.models import Finding, ShiftAssignment
from binhyen.tips import domain as tips
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

# A fixed evening two days ago, local time.
BASE = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) - datetime.timedelta(days=2)


def at(hours: float) -> datetime.datetime:
    return BASE + datetime.timedelta(hours=hours)


@pytest.fixture
def officer(make_user: Any) -> Any:
    from binhyen.areas import domain as areas

    duc_trong = areas.get_area(DUC_TRONG)
    if not Area.objects.filter(parent=duc_trong, level=Level.VILLAGE).exists():
        areas.create_villages(
            duc_trong,
            [areas.VillageInput("Thôn Một", "thôn"), areas.VillageInput("Thôn Hai", "thôn")],
        )
    return make_user("commune_officer", DUC_TRONG)


def village(code: str = DUC_TRONG, n: int = 0) -> Area:
    return Area.objects.filter(parent__code=code, level=Level.VILLAGE).order_by("path")[n]


def make_team(user: Any, name: str = "Tổ tuần tra 1", commune: str = DUC_TRONG) -> Organisation:
    v = village(commune)
    return orgs.create_organisation(
        user, orgs.OrganisationInput(type="to-bao-ve-antt", name=name, commune=commune, villages=[v.code])
    )


def make_person(user: Any, name: str, commune: str = DUC_TRONG) -> Person:
    return orgs.find_or_create_person(
        user, orgs.PersonInput(full_name=name, commune=commune, birth_date=datetime.date(1985, 1, 1))
    )


def join(user: Any, team: Organisation, person: Person) -> None:
    orgs.add_membership(user, team, person, orgs.MembershipInput(joined_on=datetime.date(2024, 1, 1)))


@pytest.fixture
def world(officer: Any) -> dict[str, Any]:
    t1 = make_team(officer, "Tổ tuần tra 1")
    t2 = make_team(officer, "Tổ tuần tra 2")
    an = make_person(officer, "Nguyễn Văn An")
    binh = make_person(officer, "Trần Văn Bình")
    cuong = make_person(officer, "Lê Văn Cường")
    for p in (an, binh, cuong):
        join(officer, t1, p)
    join(officer, t2, an)
    return {"t1": t1, "t2": t2, "an": an, "binh": binh, "cuong": cuong}


# --- shifts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [(2, 1, "phải sau giờ bắt đầu"), (0, 25, "tối đa 24 giờ"), (0, 0, "phải sau")],
)
def test_shift_period_rules(officer: Any, world: dict[str, Any], start: int, end: int, words: str) -> None:
    with pytest.raises(domain.PatrolError) as e:
        domain.create_shift(officer, world["t1"], at(start), at(end))
    assert words in e.value.message
    assert e.value.field == "ends_at"


def test_overlap_across_teams_is_refused_naming_the_other_shift(officer: Any, world: dict[str, Any]) -> None:
    s1 = domain.create_shift(officer, world["t1"], at(0), at(4))
    s2 = domain.create_shift(officer, world["t2"], at(3), at(6))
    domain.assign(officer, s1, [world["an"].pk, world["binh"].pk])
    with pytest.raises(domain.PatrolError) as e:
        domain.assign(officer, s2, [world["an"].pk])
    assert e.value.status == 409
    assert "Nguyễn Văn An" in e.value.message and "Tổ tuần tra 1" in e.value.message
    assert "trùng giờ" in e.value.message
    assert not s2.assignments.exists()  # nothing written
    # back-to-back is fine
    s3 = domain.create_shift(officer, world["t2"], at(4), at(8))
    domain.assign(officer, s3, [world["an"].pk])


def test_assign_is_all_or_nothing_and_members_only(officer: Any, world: dict[str, Any]) -> None:
    s1 = domain.create_shift(officer, world["t1"], at(0), at(4))
    stranger = make_person(officer, "Phạm Thị Dung")
    with pytest.raises(domain.PatrolError) as e:
        domain.assign(officer, s1, [world["an"].pk, stranger.pk])
    assert "không phải thành viên" in e.value.message
    assert not s1.assignments.exists()


def test_swap_records_and_checks_overlap(officer: Any, world: dict[str, Any]) -> None:
    s1 = domain.create_shift(officer, world["t1"], at(0), at(4))
    s2 = domain.create_shift(officer, world["t1"], at(2), at(5))
    domain.assign(officer, s1, [world["an"].pk])
    domain.assign(officer, s2, [world["cuong"].pk])
    with pytest.raises(domain.PatrolError) as e:
        domain.swap(officer, s1, world["an"].pk, world["cuong"].pk)
    assert "Lê Văn Cường" in e.value.message
    new = domain.swap(officer, s1, world["an"].pk, world["binh"].pk)
    assert new.swapped_from is not None and new.swapped_from.person == world["an"]
    assert [a.person for a in domain.active_assignments(s1)] == [world["binh"]]
    assert ShiftAssignment.objects.filter(shift=s1).count() == 2  # the old booking is kept
    # An is free again at that time
    s3 = domain.create_shift(officer, world["t2"], at(1), at(3))
    domain.assign(officer, s3, [world["an"].pk])


# --- logs, hours, findings --------------------------------------------------------------------------


def test_log_hours_and_finding_to_tip(officer: Any, world: dict[str, Any]) -> None:
    s1 = domain.create_shift(officer, world["t1"], at(0), at(4))
    domain.assign(officer, s1, [world["an"].pk, world["binh"].pk])
    log = domain.create_log(
        officer,
        world["t1"],
        domain.LogInput(
            started_at=at(0), ended_at=at(3), route="Chợ – trường học – cầu", led_by=world["an"].pk,
            members=[world["binh"].pk], shift=s1.pk,
        ),
    )  # fmt: skip
    c = domain.add_check_in(officer, log, at(1), 11.73, 108.37, "Cầu")
    assert c.latitude == 11.73
    with pytest.raises(domain.PatrolError):
        domain.add_check_in(officer, log, at(1), 11.73, None)
    f = domain.add_finding(officer, log, "Hai người lạ đi xe máy không biển số quanh kho hàng.", "suspicious")

    rows = domain.hours(domain.teams_in(officer, team=world["t1"]), at(-1), at(10))
    assert len(rows) == 1
    t = rows[0]
    assert (t.rostered, t.patrolled, t.shifts, t.patrols) == (8.0, 3.0, 1, 1)
    an = next(m for m in t.members if m.name == "Nguyễn Văn An")
    assert (an.rostered, an.patrolled) == (4.0, 3.0)
    # a window cutting the shift counts only the part inside
    assert domain.hours([world["t1"]], at(2), at(10))[0].rostered == 4.0

    tip = domain.finding_to_tip(officer, f, "chay-no")
    assert tip.channel == "in_person" and tip.commune.code == DUC_TRONG
    assert tips.visible_tips(officer).filter(pk=tip.pk).exists()  # in the commune's queue
    assert Finding.objects.get(pk=f.pk).became_tip_id == tip.pk
    assert domain.finding_to_tip(officer, f, "chay-no").pk == tip.pk  # once only
    with pytest.raises(domain.PatrolError) as e:
        domain.finding_to_tip(
            officer, domain.add_finding(officer, log, "Một điều khác nữa ở đây."), "khong-co"
        )
    assert e.value.field == "category"


def test_log_validation(officer: Any, world: dict[str, Any]) -> None:
    with pytest.raises(domain.PatrolError) as e:
        domain.create_log(officer, world["t1"], domain.LogInput(started_at=at(0), ended_at=at(2)))
    assert e.value.field == "route"
    future = timezone.now() + datetime.timedelta(hours=3)
    with pytest.raises(domain.PatrolError) as e:
        domain.create_log(
            officer, world["t1"], domain.LogInput(started_at=future, ended_at=future, route="x")
        )
    with pytest.raises(domain.PatrolError) as e:
        domain.add_finding(
            officer,
            domain.create_log(
                officer, world["t1"], domain.LogInput(started_at=at(0), ended_at=at(1), route="Chợ")
            ),
            "ngắn",
        )
    assert e.value.field == "text"


# --- scoping ----------------------------------------------------------------------------------------


def test_scoping(officer: Any, world: dict[str, Any], make_user: Any) -> None:
    s1 = domain.create_shift(officer, world["t1"], at(0), at(4))
    other = make_user("commune_officer", HIEP_THANH)
    with pytest.raises(domain.PatrolError) as e:
        domain.create_shift(other, world["t1"], at(0), at(4))
    assert e.value.status == 403
    assert not domain.visible_shifts(other).exists()
    with pytest.raises(domain.PatrolNotFound):
        domain.get_shift(other, s1.pk)

    # A group leader of the covered village may log a patrol but not change the roster or make tips.
    leader = make_user("group_leader", village().code)
    assert domain.visible_shifts(leader).filter(pk=s1.pk).exists()
    assert domain.can_log(leader, world["t1"]) and not domain.can_manage(leader, world["t1"])
    log = domain.create_log(
        leader, world["t1"], domain.LogInput(started_at=at(0), ended_at=at(2), villages=[village().code])
    )
    f = domain.add_finding(leader, log, "Đèn đường hỏng ở ngã ba, rất tối.", "hazard")
    with pytest.raises(domain.PatrolForbidden):
        domain.assign(leader, s1, [world["an"].pk])
    with pytest.raises(domain.PatrolForbidden):
        domain.finding_to_tip(leader, f, "chay-no")
    # A group leader of another village may not; a province analyst sees but does not log.
    elsewhere = make_user("group_leader", village(n=1).code)
    assert not domain.can_log(elsewhere, world["t1"])
    analyst = make_user("province_analyst", "68")
    assert domain.can_view(analyst, world["t1"]) and not domain.can_log(analyst, world["t1"])


# --- API and pages ----------------------------------------------------------------------------------


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


def test_api_overlap_is_a_clear_problem(
    client: Any, officer: Any, world: dict[str, Any], api_token: Any
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    body = {"team": world["t1"].pk, "starts_at": at(0).isoformat(), "ends_at": at(4).isoformat()}
    r = client.post("/api/v1/patrols/shifts", body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    s1 = r.json()["id"]
    r = client.post(
        "/api/v1/patrols/shifts",
        {**body, "team": world["t2"].pk, "starts_at": at(1).isoformat()},
        content_type="application/json",
        **auth,
    )
    s2 = r.json()["id"]
    for sid, code in ((s1, 200), (s2, 409)):
        r = client.post(
            f"/api/v1/patrols/shifts/{sid}/assign",
            {"people": [world["an"].pk]},
            content_type="application/json",
            **auth,
        )
        assert r.status_code == code, r.content
    assert "trùng giờ" in r.json()["detail"]
    r = client.post(
        "/api/v1/patrols/shifts",
        {**body, "ends_at": at(30).isoformat()},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422 and "24 giờ" in r.json()["detail"]
    r = client.get(f"/api/v1/patrols/hours?from={at(-24).date()}&to={at(24).date()}", **auth)
    assert r.status_code == 200
    assert {t["name"]: t["rostered"] for t in r.json()}["Tổ tuần tra 1"] == 4.0


def test_pages_roster_swap_log_and_tip(client: Any, officer: Any, world: dict[str, Any]) -> None:
    login(client, officer)
    t1 = world["t1"]
    assert client.get("/tuan-tra/").status_code == 200
    r = client.get(f"/tuan-tra/to/{t1.pk}/?week={at(0).date()}")
    assert r.status_code == 200
    day = at(0).date().isoformat()
    r = client.post(f"/tuan-tra/to/{t1.pk}/ca-moi/", {"date": day, "start": "19:00", "end": "23:00"})
    assert r.status_code == 302
    shift = domain.visible_shifts(officer).get()
    r = client.post(f"/tuan-tra/to/{t1.pk}/ca-moi/", {"date": day, "start": "19:00", "end": "", "note": "x"})
    assert r.status_code == 422 and "giờ kết thúc" in r.content.decode()
    assert client.post(f"/tuan-tra/ca/{shift.pk}/xep/", {"person": [world["an"].pk]}).status_code == 302
    r = client.post(
        f"/tuan-tra/ca/{shift.pk}/doi/", {"out_person": world["an"].pk, "in_person": world["binh"].pk}
    )
    assert r.status_code == 302
    page = client.get(f"/tuan-tra/ca/{shift.pk}/").content.decode()
    assert "Trần Văn Bình" in page
    r = client.get(f"/tuan-tra/to/{t1.pk}/?week={day}")
    assert "Trần Văn Bình" in r.content.decode()

    r = client.post(
        f"/tuan-tra/to/{t1.pk}/nhat-ky-moi/",
        {"date": day, "start": "19:00", "end": "22:00", "route": "Chợ", "members": [world["binh"].pk]},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    log = domain.visible_logs(officer).get()
    r = client.post(
        f"/tuan-tra/nhat-ky/{log.pk}/diem-danh/", {"at": "20:00", "latitude": "11.7", "longitude": ""}
    )
    assert r.status_code == 422
    assert (
        client.post(
            f"/tuan-tra/nhat-ky/{log.pk}/diem-danh/",
            {"at": "20:00", "latitude": "11.7", "longitude": "108.3"},
        ).status_code
        == 302
    )
    r = client.post(
        f"/tuan-tra/nhat-ky/{log.pk}/phat-hien/", {"kind": "hazard", "text": "Cột điện nghiêng sát đường."}
    )
    assert r.status_code == 302
    finding = log.findings.get()
    assert f"/phat-hien/{finding.pk}/tin-bao/" in client.get(f"/tuan-tra/nhat-ky/{log.pk}/").content.decode()
    r = client.post(f"/tuan-tra/phat-hien/{finding.pk}/tin-bao/", {"category": ""})
    assert r.status_code == 422
    r = client.post(f"/tuan-tra/phat-hien/{finding.pk}/tin-bao/", {"category": "chay-no"})
    assert r.status_code == 302
    finding.refresh_from_db()
    assert tips.visible_tips(officer).filter(pk=finding.became_tip_id).exists()
    assert client.get(f"/tuan-tra/gio/?from={day}&to={day}").status_code == 200
    assert client.get("/tuan-tra/gio/?from=x").status_code == 422
