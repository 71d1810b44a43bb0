"""Domain rules for patrol rosters and logs (lịch trực, nhật ký tuần tra).

Views, the REST API and the admin call these functions.

Who may do what:

- Viewing rosters, logs and hours: VIEW_MOVEMENT where the team is (its commune), or, for a group leader,
  through a village the team covers (the same rule as `organisations.domain.visible_organisations`).
- Shifts (create, assign, swap) and turning findings into tips or incidents: MANAGE_MOVEMENT in the team's
  commune (commune officers and leaders, administrators); an incident also needs MANAGE_INCIDENTS there.
- Logging a patrol (the log, its check-ins and findings): the same, and also a group leader whose
  movement grant is a village the team covers — patrol team leaders are often village group leaders and
  write the log on their phone after the patrol. The decision is made with `scope` only: a VIEW_MOVEMENT
  root that is a village covered by the team (a province analyst's root is a province, so it does not
  count). Group leaders never change the roster and never create tips from findings: that is the
  commune's work, and a tip enters the commune's queue.

A person cannot be booked on two overlapping shifts, in any team: assigning or swapping refuses with a
Vietnamese message naming the other shift. Nothing is written when a rule is broken.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.core.text import nfc
from binhyen.organisations import domain as orgs
from binhyen.organisations.models import Organisation, Person
from binhyen.patrols.models import CheckIn, Finding, FindingKind, PatrolLog, Shift, ShiftAssignment

MAX_SHIFT = datetime.timedelta(hours=24)
MAX_LOG = datetime.timedelta(hours=24)
MAX_NOTE = 300
MAX_ROUTE = 2000
MAX_FINDING = 2000
MAX_AHEAD = datetime.timedelta(days=366)
MAX_BACK = datetime.timedelta(days=365 * 5)


class PatrolError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    (422 invalid, 409 conflict, 403 forbidden, 404 not found)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class PatrolForbidden(PatrolError):
    def __init__(self, message: str = "Bạn không có quyền với tổ tuần tra này.") -> None:
        super().__init__(message, status=403)


class PatrolNotFound(PatrolError):
    def __init__(self, message: str = "Không tìm thấy.") -> None:
        super().__init__(message, status=404)


# --- helpers ----------------------------------------------------------------------------------------


def local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def fmt(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def shift_label(shift: Shift) -> str:
    end = timezone.localtime(shift.ends_at).strftime("%H:%M")
    return f"ca {fmt(shift.starts_at)}–{end} của {shift.team.name}"


DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_datetime(text: str, field: str, label: str) -> datetime.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    for f in DATETIME_FORMATS:
        try:
            return local(datetime.datetime.strptime(text, f))
        except ValueError:
            continue
    raise PatrolError(f"{label} «{text[:20]}» không hợp lệ; nhập dạng ngày/tháng/năm giờ:phút.", field)


def parse_coordinate(text: str, field: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise PatrolError("Toạ độ không hợp lệ.", field) from None


def _within(roots: Iterable[Area], column: str = "area_path") -> Q:
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(**{f"{column}__gte": root.path, f"{column}__lt": root.path + "z"})
    return query


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, team: Organisation | None = None) -> bool:
    if team is None:
        return has_perm(user, Perm.VIEW_MOVEMENT)
    return orgs.visible_organisations(user).filter(pk=team.pk).exists()


def can_view_area(user: Any, area: Area) -> bool:
    return has_perm(user, Perm.VIEW_MOVEMENT, area)


def can_manage(user: Any, team: Organisation | None = None) -> bool:
    return orgs.can_manage(user, team.commune if team is not None else None)


def leads_village_of(user: Any, team: Organisation) -> bool:
    """A group leader (VIEW_MOVEMENT granted over a village) whose village this team covers."""
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if not roots:
        return False
    villages = {r.pk for r in roots if r.level == Level.VILLAGE}
    return bool(villages) and team.villages.filter(pk__in=villages).exists()


def can_log(user: Any, team: Organisation | None = None) -> bool:
    if team is None:
        return has_perm(user, Perm.MANAGE_MOVEMENT) or any(
            r.level == Level.VILLAGE for r in (scope(user, Perm.VIEW_MOVEMENT) or [])
        )
    return can_manage(user, team) or leads_village_of(user, team)


def _require_manage(user: Any, team: Organisation) -> None:
    if not can_manage(user, team):
        raise PatrolForbidden(f"Bạn không có quyền xếp lịch trực của {team.name}.")


def _require_log(user: Any, team: Organisation) -> None:
    if not can_log(user, team):
        raise PatrolForbidden(f"Bạn không có quyền ghi nhật ký tuần tra của {team.name}.")


# --- reading ----------------------------------------------------------------------------------------


def visible_teams(user: Any) -> QuerySet[Organisation]:
    return orgs.visible_organisations(user).filter(dissolved_on__isnull=True)


def get_team(user: Any, pk: int | str) -> Organisation:
    try:
        return orgs.get_organisation(user, pk)
    except orgs.OrganisationError:
        raise PatrolNotFound("Không tìm thấy tổ tuần tra.") from None


def visible_shifts(user: Any) -> QuerySet[Shift]:
    teams = orgs.visible_organisations(user).values("pk")
    return Shift.objects.filter(team__in=teams).select_related("team")


def get_shift(user: Any, pk: int | str) -> Shift:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise PatrolNotFound("Không tìm thấy ca trực.") from None
    shift = visible_shifts(user).filter(pk=number).first()
    if shift is None:
        raise PatrolNotFound("Không tìm thấy ca trực.")
    return shift


def visible_logs(user: Any) -> QuerySet[PatrolLog]:
    teams = orgs.visible_organisations(user).values("pk")
    return PatrolLog.objects.filter(team__in=teams).select_related("team", "led_by", "shift")


def get_log(user: Any, pk: int | str) -> PatrolLog:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise PatrolNotFound("Không tìm thấy nhật ký tuần tra.") from None
    log = visible_logs(user).filter(pk=number).first()
    if log is None:
        raise PatrolNotFound("Không tìm thấy nhật ký tuần tra.")
    return log


def get_finding(user: Any, pk: int | str) -> Finding:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise PatrolNotFound("Không tìm thấy phát hiện.") from None
    logs = visible_logs(user).values("pk")
    finding = Finding.objects.filter(pk=number, log__in=logs).select_related("log__team").first()
    if finding is None:
        raise PatrolNotFound("Không tìm thấy phát hiện.")
    return finding


def active_assignments(shift: Shift) -> QuerySet[ShiftAssignment]:
    return shift.assignments.filter(replaced_at__isnull=True).select_related("person")


def shifts_between(team: Organisation, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(team=team, starts_at__lt=end, ends_at__gt=start)
        .select_related("team")
        .prefetch_related("assignments__person")
    )


# --- shifts -----------------------------------------------------------------------------------------


def _clean_period(
    start: datetime.datetime | None, end: datetime.datetime | None, longest: datetime.timedelta, what: str
) -> tuple[datetime.datetime, datetime.datetime]:
    if start is None:
        raise PatrolError(f"Hãy nhập giờ bắt đầu {what}.", "starts_at")
    if end is None:
        raise PatrolError(f"Hãy nhập giờ kết thúc {what}.", "ends_at")
    start, end = local(start), local(end)
    if end <= start:
        raise PatrolError("Giờ kết thúc phải sau giờ bắt đầu.", "ends_at")
    if end - start > longest:
        raise PatrolError(f"Một {what} dài tối đa {int(longest.total_seconds() // 3600)} giờ.", "ends_at")
    now = timezone.now()
    if start > now + MAX_AHEAD:
        raise PatrolError("Thời gian quá xa trong tương lai (tối đa một năm tới).", "starts_at")
    if start < now - MAX_BACK:
        raise PatrolError("Thời gian quá xa trong quá khứ (tối đa 5 năm).", "starts_at")
    return start, end


def create_shift(
    user: Any,
    team: Organisation,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    note: str = "",
) -> Shift:
    """A shift of a team: ends after it starts, at most 24 hours."""
    _require_manage(user, team)
    start, end = _clean_period(starts_at, ends_at, MAX_SHIFT, "ca trực")
    note = nfc(note or "").strip()
    if len(note) > MAX_NOTE:
        raise PatrolError(f"Ghi chú quá dài (tối đa {MAX_NOTE} ký tự).", "note")
    shift = Shift(team=team, starts_at=start, ends_at=end, note=note, created_by=_actor(user))
    shift.save()
    return shift


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _member(team: Organisation, person_id: int | str, field: str = "person") -> Person:
    try:
        number = int(person_id)
    except (TypeError, ValueError):
        raise PatrolError("Hãy chọn một thành viên của tổ.", field) from None
    m = orgs.current_members(team).filter(person_id=number).first()
    if m is None:
        raise PatrolError(f"Người này không phải thành viên hiện tại của {team.name}.", field)
    return m.person


def _check_overlap(person: Person, shift: Shift, field: str = "person") -> None:
    """Refuse when the person is already booked on a shift (of any team) overlapping this one. Called in a
    transaction: the person's row is locked so two bookings of the same person cannot race."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    other = (
        ShiftAssignment.objects.filter(
            person=person,
            replaced_at__isnull=True,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .select_related("shift__team")
        .order_by("shift__starts_at")
        .first()
    )
    if other is None:
        return
    if other.shift_id == shift.pk:
        raise PatrolError(f"{person.full_name} đã được xếp vào ca này.", field, 409)
    raise PatrolError(
        f"{person.full_name} đã được xếp vào {shift_label(other.shift)}, trùng giờ với ca này.", field, 409
    )


def assign(user: Any, shift: Shift, person_ids: Iterable[int | str]) -> list[ShiftAssignment]:
    """Book current members of the team on a shift; all or none."""
    _require_manage(user, shift.team)
    ids = [p for p in person_ids if str(p).strip()]
    if not ids:
        raise PatrolError("Hãy chọn ít nhất một thành viên.", "person")
    with transaction.atomic():
        created = []
        for pid in ids:
            person = _member(shift.team, pid)
            _check_overlap(person, shift)
            a = ShiftAssignment(shift=shift, person=person, created_by=_actor(user))
            a.save()
            created.append(a)
    return created


def swap(user: Any, shift: Shift, out_person: int | str, in_person: int | str) -> ShiftAssignment:
    """Replace one booked person by another member; the old assignment is kept, marked replaced."""
    _require_manage(user, shift.team)
    try:
        out_id = int(out_person)
    except (TypeError, ValueError):
        raise PatrolError("Hãy chọn người được đổi ca.", "out_person") from None
    with transaction.atomic():
        old = (
            ShiftAssignment.objects.select_for_update()
            .filter(shift=shift, person_id=out_id, replaced_at__isnull=True)
            .select_related("person")
            .first()
        )
        if old is None:
            raise PatrolError("Người này không có trong ca trực.", "out_person")
        person = _member(shift.team, in_person, "in_person")
        if person.pk == old.person_id:
            raise PatrolError("Hãy chọn một người khác để đổi ca.", "in_person")
        _check_overlap(person, shift, "in_person")
        old.replaced_at = timezone.now()
        old.save(update_fields=["replaced_at"])
        new = ShiftAssignment(shift=shift, person=person, swapped_from=old, created_by=_actor(user))
        new.save()
    return new


# --- logs -------------------------------------------------------------------------------------------


@dataclass
class LogInput:
    started_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    route: str = ""
    villages: list[str] = field(default_factory=list)  # village codes (or names) the team covers
    led_by: int | str | None = None  # a current member's person id
    members: list[int | str] = field(default_factory=list)
    shift: int | str | None = None


def create_log(user: Any, team: Organisation, data: LogInput) -> PatrolLog:
    _require_log(user, team)
    start, end = _clean_period(data.started_at, data.ended_at, MAX_LOG, "buổi tuần tra")
    if end > timezone.now() + datetime.timedelta(minutes=15):
        raise PatrolError(
            "Chỉ ghi nhật ký khi buổi tuần tra đã kết thúc (giờ kết thúc ở tương lai).", "ended_at"
        )
    route = nfc(data.route or "").strip()
    if len(route) > MAX_ROUTE:
        raise PatrolError(f"Lộ trình quá dài (tối đa {MAX_ROUTE} ký tự).", "route")
    covered = {v.code: v for v in team.villages.all()}
    villages: list[Area] = []
    for text in data.villages:
        text = (text or "").strip()
        if not text:
            continue
        v = covered.get(text) or orgs.find_village(team.commune, text)
        villages.append(v)
    if not route and not villages:
        raise PatrolError("Hãy nhập lộ trình hoặc chọn thôn, tổ dân phố đã tuần tra.", "route")
    leader = _member(team, data.led_by, "led_by") if data.led_by not in (None, "") else None
    members = [_member(team, p, "members") for p in data.members if str(p).strip()]
    shift = None
    if data.shift not in (None, ""):
        number = str(data.shift)
        shift = Shift.objects.filter(pk=int(number), team=team).first() if number.isdigit() else None
        if shift is None:
            raise PatrolError("Ca trực không thuộc tổ này.", "shift")
    with transaction.atomic():
        log = PatrolLog(
            team=team, shift=shift, started_at=start, ended_at=end, route=route, led_by=leader,
            created_by=_actor(user),
        )  # fmt: skip
        log.save()
        log.villages.set(villages)
        log.members.set({p.pk: p for p in [*members, *([leader] if leader else [])]}.values())
    return log


def add_check_in(
    user: Any,
    log: PatrolLog,
    at: datetime.datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    note: str = "",
) -> CheckIn:
    _require_log(user, log.team)
    moment = local(at) if at is not None else timezone.now()
    if (latitude is None) != (longitude is None):
        raise PatrolError("Nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.", "latitude")
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise PatrolError("Toạ độ ngoài phạm vi hợp lệ.", "latitude")
    note = nfc(note or "").strip()
    if len(note) > MAX_NOTE:
        raise PatrolError(f"Ghi chú quá dài (tối đa {MAX_NOTE} ký tự).", "note")
    slack = datetime.timedelta(hours=1)
    if not (log.started_at - slack <= moment <= log.ended_at + slack):
        raise PatrolError(
            f"Giờ điểm danh phải trong buổi tuần tra ({fmt(log.started_at)} – {fmt(log.ended_at)}).", "at"
        )
    c = CheckIn(log=log, at=moment, latitude=latitude, longitude=longitude, note=note)
    c.save()
    return c


def add_finding(user: Any, log: PatrolLog, text: str, kind: str = FindingKind.OTHER) -> Finding:
    _require_log(user, log.team)
    text = nfc(text or "").strip()
    if len(text) < 10:
        raise PatrolError("Hãy mô tả điều phát hiện (ít nhất 10 ký tự).", "text")
    if len(text) > MAX_FINDING:
        raise PatrolError(f"Nội dung quá dài (tối đa {MAX_FINDING} ký tự).", "text")
    if kind not in FindingKind.values:
        raise PatrolError("Loại phát hiện không hợp lệ.", "kind")
    f = Finding(log=log, text=text, kind=kind)
    f.save()
    return f


def finding_to_tip(user: Any, finding: Finding, category: str, commune: str = "") -> Any:
    """Turn a finding into a tip in the commune's queue (channel "in person", entered by the officer).
    Done once: a second call returns the tip already made."""
    from binhyen.tips import domain as tips
    from binhyen.tips.models import Channel, Tip

    team = finding.log.team
    _require_manage(user, team)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.became_tip_id:
            existing = Tip.objects.filter(pk=locked.became_tip_id).first()
            if existing is not None:
                return existing
        log = finding.log
        village = log.villages.first()
        try:
            tip = tips.submit(
                tips.NewTip(
                    category=category,
                    description=finding.text,
                    commune=commune or team.commune.code,
                    village=village.code if village and not commune else "",
                    occurred_at=min(log.ended_at, timezone.now()),
                    occurred_approx=True,
                    address=(log.route or "")[:300],
                    channel=Channel.IN_PERSON,
                    anonymous=True,
                ),
                entered_by=user,
            )
        except tips.TipError as e:
            raise PatrolError(e.message, "category" if e.field == "category" else e.field, e.status) from None
        locked.became_tip_id = tip.pk
        locked.save(update_fields=["became_tip_id"])
    finding.became_tip_id = tip.pk
    return tip


def can_record_incident(user: Any, team: Organisation) -> bool:
    """Recording an incident from a finding needs the roster right (MANAGE_MOVEMENT) and the right to
    record incidents (MANAGE_INCIDENTS) in the team's commune: two grants that may differ."""
    from binhyen.incidents import domain as incidents

    return can_manage(user, team) and incidents.can_manage(user, commune=team.commune)


def finding_to_incident(user: Any, finding: Finding, category: str, summary: str = "") -> Any:
    """Record an incident from a finding (through incidents.domain), linked to the tip the finding became,
    if any. Done once: a second call is refused (409), since two incidents would double the statistics."""
    from binhyen.incidents import domain as incidents
    from binhyen.tips import domain as tips

    team = finding.log.team
    _require_manage(user, team)
    if not can_record_incident(user, team):
        raise PatrolForbidden(f"Bạn không có quyền ghi vụ việc ở {team.commune.name}.")
    summary = nfc(summary or "").strip()
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.became_incident_id:
            raise PatrolError(
                f"Phát hiện này đã được ghi thành vụ việc số {locked.became_incident_id}.", "finding", 409
            )
        log = finding.log
        village = log.villages.first()
        # Link the tip only when the user may see it (a deleted or foreign tip would refuse the incident).
        source_tip = locked.became_tip_id
        if source_tip and not tips.visible_tips(user).filter(pk=source_tip).exists():
            source_tip = None
        try:
            incident = incidents.create_incident(
                user,
                incidents.NewIncident(
                    category=category,
                    occurred_at=min(log.ended_at, timezone.now()),
                    commune=team.commune.code,
                    village=village.code if village else "",
                    summary=summary or locked.text,
                    source_tip=source_tip,
                ),
            )
        except incidents.IncidentError as e:
            raise PatrolError(e.message, e.field, e.status) from None
        locked.became_incident_id = incident.pk
        locked.save(update_fields=["became_incident_id"])
    finding.became_incident_id = incident.pk
    return incident


# --- hours ------------------------------------------------------------------------------------------


@dataclass
class MemberHours:
    person_id: int
    name: str
    rostered: float = 0.0  # hours of shifts booked (active assignments)
    patrolled: float = 0.0  # hours of logged patrols the person took part in
    shifts: int = 0
    patrols: int = 0


@dataclass
class TeamHours:
    team_id: int
    name: str
    rostered: float = 0.0  # shift hours × people booked
    patrolled: float = 0.0  # hours of logged patrols
    shifts: int = 0
    patrols: int = 0
    members: list[MemberHours] = field(default_factory=list)


def _overlap_hours(
    a: datetime.datetime, b: datetime.datetime, start: datetime.datetime, end: datetime.datetime
) -> float:
    lo, hi = max(a, start), min(b, end)
    return max(0.0, (hi - lo).total_seconds() / 3600)


def hours(
    teams: QuerySet[Organisation] | Iterable[Organisation],
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[TeamHours]:
    """Hours per team and per member from `start` to `end` (a shift or patrol crossing the bounds counts
    only its part inside). The caller decides which teams the user may see."""
    start, end = local(start), local(end)
    if end <= start:
        raise PatrolError("Ngày kết thúc phải sau ngày bắt đầu.", "to")
    result: dict[int, TeamHours] = {t.pk: TeamHours(t.pk, t.name) for t in teams}
    people: dict[tuple[int, int], MemberHours] = {}

    def member(team_id: int, person: Person) -> MemberHours:
        key = (team_id, person.pk)
        if key not in people:
            people[key] = MemberHours(person.pk, person.full_name)
        return people[key]

    ids = list(result)
    for a in ShiftAssignment.objects.filter(
        shift__team_id__in=ids, replaced_at__isnull=True, shift__starts_at__lt=end, shift__ends_at__gt=start
    ).select_related("shift", "person"):
        h = _overlap_hours(a.shift.starts_at, a.shift.ends_at, start, end)
        t = result[a.shift.team_id]
        t.rostered += h
        m = member(t.team_id, a.person)
        m.rostered += h
        m.shifts += 1
    seen_shifts: set[int] = set()
    for s in Shift.objects.filter(team_id__in=ids, starts_at__lt=end, ends_at__gt=start).values_list(
        "pk", "team_id"
    ):
        if s[0] not in seen_shifts:
            seen_shifts.add(s[0])
            result[s[1]].shifts += 1
    for log in PatrolLog.objects.filter(
        team_id__in=ids, started_at__lt=end, ended_at__gt=start
    ).prefetch_related("members"):
        h = _overlap_hours(log.started_at, log.ended_at, start, end)
        t = result[log.team_id]
        t.patrolled += h
        t.patrols += 1
        for p in log.members.all():
            m = member(t.team_id, p)
            m.patrolled += h
            m.patrols += 1
    for (team_id, _pid), m in sorted(people.items(), key=lambda kv: kv[1].name):
        result[team_id].members.append(m)
    for t in result.values():
        t.rostered = round(t.rostered, 2)
        t.patrolled = round(t.patrolled, 2)
        for m in t.members:
            m.rostered = round(m.rostered, 2)
            m.patrolled = round(m.patrolled, 2)
    return sorted(result.values(), key=lambda t: t.name)


def teams_in(user: Any, area: Area | None = None, team: Organisation | None = None) -> QuerySet[Organisation]:
    """The teams whose hours a user may see: one team, those in an area, or all visible."""
    qs = visible_teams(user)
    if team is not None:
        return qs.filter(pk=team.pk)
    if area is not None:
        if area.level == Level.VILLAGE:
            return qs.filter(villages=area)
        return qs.filter(_within([area]))
    return qs
