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


# --- a finding becomes an incident ------------------------------------------------------------------


def _log_with_finding(officer: Any, world: dict[str, Any], text: str) -> tuple[Any, Finding]:
    log = domain.create_log(
        officer,
        world["t1"],
        domain.LogInput(started_at=at(0), ended_at=at(3), route="Chợ – cầu", villages=[village().code]),
    )
    return log, domain.add_finding(officer, log, text, "disturbance")


def test_finding_to_incident_once_linked_to_its_tip(officer: Any, world: dict[str, Any]) -> None:
    from binhyen.incidents.models import Incident

    text = "Nhóm thanh niên đánh nhau trước quán nước, một người bị thương."
    log, f = _log_with_finding(officer, world, text)
    tip = domain.finding_to_tip(officer, f, "danh-nhau")
    incident = domain.finding_to_incident(officer, f, "danh-nhau", "  ")  # blank summary: the finding's text
    assert incident.category.code == "danh-nhau"
    assert incident.commune.code == DUC_TRONG and incident.village == village()
    assert incident.summary == f.text
    assert incident.occurred_at == log.ended_at
    assert incident.source_tip_id == tip.pk  # the tip it went through first
    assert Finding.objects.get(pk=f.pk).became_incident_id == incident.pk
    # Never twice: a second incident would count the same fight twice in the statistics.
    with pytest.raises(domain.PatrolError) as e:
        domain.finding_to_incident(officer, Finding.objects.get(pk=f.pk), "danh-nhau")
    assert e.value.status == 409 and f"số {incident.pk}" in e.value.message
    assert Incident.objects.count() == 1


def test_finding_to_incident_refusals_write_nothing(
    officer: Any, world: dict[str, Any], make_user: Any, monkeypatch: Any
) -> None:
    from binhyen.incidents import domain as incidents
    from binhyen.incidents.models import Incident

    _log, f = _log_with_finding(officer, world, "Đèn đường hỏng, có người lạ lảng vảng ở ngõ.")
    for category, field in (("", "category"), ("khong-co", "category")):
        with pytest.raises(domain.PatrolError) as e:
            domain.finding_to_incident(officer, f, category, "Tóm tắt vụ việc")
        assert e.value.status == 422 and e.value.field == field
    with pytest.raises(domain.PatrolError) as e:
        domain.finding_to_incident(officer, f, "trom-cap", "x" * (incidents.MAX_SUMMARY + 1))
    assert e.value.field == "summary"
    leader = make_user("group_leader", village().code)
    with pytest.raises(domain.PatrolForbidden):
        domain.finding_to_incident(leader, f, "trom-cap")
    # The roster right alone is not enough: recording incidents is its own grant.
    monkeypatch.setattr(incidents, "can_manage", lambda user, incident=None, commune=None: False)
    assert domain.can_manage(officer, world["t1"]) and not domain.can_record_incident(officer, world["t1"])
    with pytest.raises(domain.PatrolForbidden) as e:
        domain.finding_to_incident(officer, f, "trom-cap")
    assert "ghi vụ việc" in e.value.message
    assert not Incident.objects.exists()
    assert Finding.objects.get(pk=f.pk).became_incident_id is None


def test_api_finding_to_incident(
    client: Any, officer: Any, world: dict[str, Any], api_token: Any, make_user: Any
) -> None:
    _log, f = _log_with_finding(officer, world, "Phát hiện hai người cạy khoá xe máy ở bãi xe chợ.")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}"}
    url = f"/api/v1/patrols/findings/{f.pk}/incident"
    r = client.post(url, {"category": "khong-co"}, content_type="application/json", **auth)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "category" and "khong-co" in r.json()["detail"]
    body = {"category": "trom-cap", "summary": "Hai đối tượng cạy khoá xe máy tại bãi xe chợ."}
    r = client.post(url, body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    incident_id = r.json()["incident_id"]
    assert r.json() == {"finding_id": f.pk, "incident_id": incident_id, "source_tip_id": None}
    r = client.get(f"/api/v1/patrols/logs?team={world['t1'].pk}", **auth)
    assert r.json()["items"][0]["findings"][0]["became_incident_id"] == incident_id
    r = client.post(url, body, content_type="application/json", **auth)
    assert r.status_code == 409 and "đã được ghi thành vụ việc" in r.json()["detail"]
    # Another commune's officer does not even see the finding.
    other = make_user("commune_officer", HIEP_THANH)
    r = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token(other)}"
    )
    assert r.status_code == 404


def test_page_finding_to_incident(client: Any, officer: Any, world: dict[str, Any], make_user: Any) -> None:
    from binhyen.incidents.models import Incident

    log, f = _log_with_finding(officer, world, "Tụ tập đánh bạc ở nhà văn hoá thôn lúc nửa đêm.")
    login(client, officer)
    page = client.get(f"/tuan-tra/nhat-ky/{log.pk}/").content.decode()
    assert f"/phat-hien/{f.pk}/vu-viec/" in page and f"/phat-hien/{f.pk}/tin-bao/" in page
    url = f"/tuan-tra/phat-hien/{f.pk}/vu-viec/"
    r = client.post(url, {"category": "", "summary": "Đánh bạc tại nhà văn hoá"})
    assert r.status_code == 422
    text = r.content.decode()
    assert "Hãy chọn loại vụ việc." in text and "Đánh bạc tại nhà văn hoá" in text  # what was typed stays
    r = client.post(url, {"category": "co-bac", "summary": "Đánh bạc tại nhà văn hoá thôn"})
    assert r.status_code == 302
    incident = Incident.objects.get()
    assert incident.summary == "Đánh bạc tại nhà văn hoá thôn" and incident.category.code == "co-bac"
    page = client.get(f"/tuan-tra/nhat-ky/{log.pk}/").content.decode()
    assert f'href="/incidents/{incident.pk}/"' in page and f"/phat-hien/{f.pk}/vu-viec/" not in page
    r = client.post(url, {"category": "co-bac"})  # a second submit (an old tab): refused, nothing added
    assert r.status_code == 409 and "đã được ghi thành vụ việc" in r.content.decode()
    assert Incident.objects.count() == 1
    # A group leader sees the log but neither the form nor the right to post it.
    leader = make_user("group_leader", village().code)
    login(client, leader)
    _log2, f2 = _log_with_finding(officer, world, "Người lạ hỏi đường vào kho hàng của hợp tác xã.")
    assert "/vu-viec/" not in client.get(f"/tuan-tra/nhat-ky/{_log2.pk}/").content.decode()
    assert client.post(f"/tuan-tra/phat-hien/{f2.pk}/vu-viec/", {"category": "trom-cap"}).status_code == 403
    assert client.post("/tuan-tra/phat-hien/999999/vu-viec/", {"category": "trom-cap"}).status_code == 404
