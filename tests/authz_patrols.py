"""Authorization matrix rows for patrols (API and web). See tests/authz.py.

Rosters, logs and hours are seen by whoever sees the team (VIEW_MOVEMENT: group leaders through the village
the team covers, commune staff, province analysts). The roster (shifts, assignments, swaps) and turning a
finding into a tip are for commune staff (MANAGE_MOVEMENT); recording a finding as an incident needs that
and MANAGE_INCIDENTS, which the same commune staff hold. Logging a patrol (the log, check-ins, findings) is
also open to the group leader of a village the team covers. "Inside" teams are in Đức Trọng
covering Tổ dân phố 1 (the group leader's village), "outside" ones in Hoàn Kiếm.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import AREA_READERS, COMMUNE_STAFF, STAFF_NO_RESIDENT, Endpoint, Page, World, _json

VIEWERS = AREA_READERS | {"group_leader"}
LOGGERS = COMMUNE_STAFF | {"group_leader"}


def _base() -> datetime.datetime:
    from django.utils import timezone

    return timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=2
    )


def _team(w: World, where: str, members: int = 2) -> Any:
    from binhyen.areas.models import Area
    from binhyen.organisations.models import Membership, Organisation, OrganisationType, Person
    from tests.authz import commune_code

    village = w.inside_village if where == "inside" else w.outside_village
    commune = Area.objects.get(code=commune_code(where))
    team = Organisation(
        type=OrganisationType.objects.get(code="to-bao-ve-antt"), name="Tổ tuần tra", commune=commune
    )
    team.save()
    team.villages.add(village)
    team.people = []
    for i in range(members):
        p = Person(full_name=f"Thành viên {i}", birth_year=1985, commune=commune, village=village)
        p.save()
        Membership.objects.create(organisation=team, person=p, joined_on=datetime.date(2024, 1, 1))
        team.people.append(p)
    return team


def _shift(w: World, where: str, assigned: bool = False) -> Any:
    from binhyen.patrols.models import Shift, ShiftAssignment

    team = _team(w, where)
    base = _base()
    shift = Shift(team=team, starts_at=base, ends_at=base + datetime.timedelta(hours=4))
    shift.save()
    shift.people = team.people
    if assigned:
        ShiftAssignment.objects.create(shift=shift, person=team.people[0])
    return shift


def _log(w: World, where: str) -> Any:
    from binhyen.patrols.models import PatrolLog

    team = _team(w, where)
    base = _base()
    log = PatrolLog(team=team, started_at=base, ended_at=base + datetime.timedelta(hours=3), route="Chợ")
    log.save()
    return log


def _finding(w: World, where: str) -> int:
    from binhyen.patrols.models import Finding

    f = Finding(log=_log(w, where), text="Hai người lạ quanh kho hàng lúc nửa đêm.", kind="suspicious")
    f.save()
    return f.pk


def _new_shift(w: World, where: str) -> dict[str, Any]:
    base = _base()
    return {
        "team": _team(w, where).pk,
        "starts_at": base.isoformat(),
        "ends_at": (base + datetime.timedelta(hours=4)).isoformat(),
    }


def _assign(w: World, where: str) -> tuple[str, dict[str, Any]]:
    s = _shift(w, where)
    return f"/api/v1/patrols/shifts/{s.pk}/assign", _json({"people": [s.people[0].pk]})


def _swap(w: World, where: str) -> tuple[str, dict[str, Any]]:
    s = _shift(w, where, assigned=True)
    return f"/api/v1/patrols/shifts/{s.pk}/swap", _json(
        {"out_person": s.people[0].pk, "in_person": s.people[1].pk}
    )


def _new_log(w: World, where: str) -> dict[str, Any]:
    base = _base()
    return {
        "team": _team(w, where).pk,
        "started_at": base.isoformat(),
        "ended_at": (base + datetime.timedelta(hours=3)).isoformat(),
        "route": "Chợ – trường học",
    }


def _check_in_at() -> str:
    return (_base() + datetime.timedelta(hours=1)).isoformat()


API: list[Endpoint] = [
    Endpoint(
        "api:list_shifts",
        "get",
        lambda w, where: (f"/api/v1/patrols/shifts?team={_team(w, where).pk}", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:create_shift",
        "post",
        lambda w, where: ("/api/v1/patrols/shifts", _json(_new_shift(w, where))),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint("api:assign_shift", "post", _assign, inside=COMMUNE_STAFF, denied=(403, 404)),
    Endpoint("api:swap_shift", "post", _swap, inside=COMMUNE_STAFF, denied=(403, 404)),
    Endpoint(
        "api:list_patrol_logs",
        "get",
        lambda w, where: (f"/api/v1/patrols/logs?team={_log(w, where).team_id}", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:create_patrol_log",
        "post",
        lambda w, where: ("/api/v1/patrols/logs", _json(_new_log(w, where))),
        inside=LOGGERS,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:add_check_in",
        "post",
        lambda w, where: (
            f"/api/v1/patrols/logs/{_log(w, where).pk}/check-ins",
            _json({"at": _check_in_at(), "latitude": 11.7, "longitude": 108.3}),
        ),
        inside=LOGGERS,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:add_finding",
        "post",
        lambda w, where: (
            f"/api/v1/patrols/logs/{_log(w, where).pk}/findings",
            _json({"text": "Đèn đường hỏng ở ngã ba.", "kind": "hazard"}),
        ),
        inside=LOGGERS,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:finding_to_tip",
        "post",
        lambda w, where: (
            f"/api/v1/patrols/findings/{_finding(w, where)}/tip",
            _json({"category": "chay-no"}),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:finding_to_incident",
        "post",
        lambda w, where: (
            f"/api/v1/patrols/findings/{_finding(w, where)}/incident",
            _json({"category": "trom-cap"}),
        ),
        inside=COMMUNE_STAFF,
        ok=(201,),
        denied=(403, 404),
    ),
    Endpoint(
        "api:patrol_hours",
        "get",
        lambda w, where: (
            f"/api/v1/patrols/hours?team={_team(w, where).pk}&from=2025-01-01&to=2025-01-31",
            {},
        ),
        inside=VIEWERS,
        denied=(403, 404),
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()


def _page_log_form(w: World, where: str) -> dict[str, Any]:
    base = _base()
    return {
        "data": {
            "date": base.date().isoformat(),
            "start": "19:00",
            "end": "22:00",
            "route": "Chợ – trường học",
        }
    }


PAGES: list[Page] = [
    Page(
        "patrols:list", "get", lambda w, where: ("/tuan-tra/", {}), inside=VIEWERS, outside=STAFF_NO_RESIDENT
    ),
    Page(
        "patrols:hours",
        "get",
        lambda w, where: (f"/tuan-tra/gio/?team={_team(w, where).pk}", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "patrols:team",
        "get",
        lambda w, where: (f"/tuan-tra/to/{_team(w, where).pk}/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "patrols:shift_create",
        "post",
        lambda w, where: (
            f"/tuan-tra/to/{_team(w, where).pk}/ca-moi/",
            {"data": {"date": _base().date().isoformat(), "start": "19:00", "end": "23:00"}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:log_create",
        "get",
        lambda w, where: (f"/tuan-tra/to/{_team(w, where).pk}/nhat-ky-moi/", {}),
        inside=LOGGERS,
        denied=(403, 404),
    ),
    Page(
        "patrols:log_create",
        "post",
        lambda w, where: (f"/tuan-tra/to/{_team(w, where).pk}/nhat-ky-moi/", _page_log_form(w, where)),
        inside=LOGGERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:shift",
        "get",
        lambda w, where: (f"/tuan-tra/ca/{_shift(w, where).pk}/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "patrols:assign",
        "post",
        lambda w, where: (
            (s := _shift(w, where)) and f"/tuan-tra/ca/{s.pk}/xep/",
            {"data": {"person": [s.people[0].pk]}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:swap",
        "post",
        lambda w, where: (
            (s := _shift(w, where, assigned=True)) and f"/tuan-tra/ca/{s.pk}/doi/",
            {"data": {"out_person": s.people[0].pk, "in_person": s.people[1].pk}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:log",
        "get",
        lambda w, where: (f"/tuan-tra/nhat-ky/{_log(w, where).pk}/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "patrols:check_in",
        "post",
        lambda w, where: (
            f"/tuan-tra/nhat-ky/{_log(w, where).pk}/diem-danh/",
            {"data": {"at": "20:00", "latitude": "11.7", "longitude": "108.3"}},
        ),
        inside=LOGGERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:finding",
        "post",
        lambda w, where: (
            f"/tuan-tra/nhat-ky/{_log(w, where).pk}/phat-hien/",
            {"data": {"kind": "hazard", "text": "Đèn đường hỏng ở ngã ba."}},
        ),
        inside=LOGGERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:finding_tip",
        "post",
        lambda w, where: (
            f"/tuan-tra/phat-hien/{_finding(w, where)}/tin-bao/",
            {"data": {"category": "chay-no"}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "patrols:finding_incident",
        "post",
        lambda w, where: (
            f"/tuan-tra/phat-hien/{_finding(w, where)}/vu-viec/",
            {"data": {"category": "trom-cap", "summary": "Hai người lạ cạy cửa kho hàng."}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
        denied=(403, 404),
    ),
]
PUBLIC_PAGES: set[str] = set()
