"""/api/v1/patrols: rosters, shifts and patrol logs, scoped by the team's area (see patrols.domain)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.patrols import domain
from binhyen.patrols.models import CheckIn, Finding, FindingKind, PatrolLog, Shift

router = Router(tags=["patrols"])


def _problem(e: domain.PatrolError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _team(request: HttpRequest, team_id: int) -> Any:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        return domain.get_team(request.user, team_id)
    except domain.PatrolError as e:
        raise _problem(e) from None


# --- schemas ----------------------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    person_id: int
    person_name: str
    swapped_from: int | None
    replaced_at: datetime.datetime | None


class ShiftOut(Schema):
    id: int
    team_id: int
    team_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    note: str
    people: list[AssignmentOut]


def shift_out(s: Shift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "team_id": s.team_id,
        "team_name": s.team.name,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "note": s.note,
        "people": [
            {
                "id": a.pk,
                "person_id": a.person_id,
                "person_name": a.person.full_name,
                "swapped_from": a.swapped_from_id,
                "replaced_at": a.replaced_at,
            }
            for a in s.assignments.select_related("person").order_by("id")
        ],
    }


class ShiftList(Schema):
    count: int
    limit: int
    offset: int
    items: list[ShiftOut]


class ShiftFilters(Schema):
    team: int | None = Field(None, description="id của tổ")
    from_: datetime.datetime | None = Field(None, alias="from", description="ca kết thúc sau thời điểm này")
    to: datetime.datetime | None = Field(None, description="ca bắt đầu trước thời điểm này")


class ShiftIn(Schema):
    team: int = Field(..., description="id của tổ (tổ chức)")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    note: str = ""


class AssignIn(Schema):
    people: list[int] = Field(..., description="id của các thành viên hiện tại của tổ")


class SwapIn(Schema):
    out_person: int = Field(..., description="id người rời ca")
    in_person: int = Field(..., description="id người thay")


class CheckInOut(Schema):
    id: int
    at: datetime.datetime
    latitude: float | None
    longitude: float | None
    note: str


class FindingOut(Schema):
    id: int
    text: str
    kind: str
    became_tip_id: int | None
    became_incident_id: int | None


class LogOut(Schema):
    id: int
    team_id: int
    team_name: str
    shift_id: int | None
    started_at: datetime.datetime
    ended_at: datetime.datetime
    route: str
    villages: list[str]
    led_by: int | None
    members: list[int]
    check_ins: list[CheckInOut]
    findings: list[FindingOut]


def check_in_out(c: CheckIn) -> dict[str, Any]:
    return {"id": c.pk, "at": c.at, "latitude": c.latitude, "longitude": c.longitude, "note": c.note}


def finding_out(f: Finding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "text": f.text,
        "kind": f.kind,
        "became_tip_id": f.became_tip_id,
        "became_incident_id": f.became_incident_id,
    }


def log_out(log: PatrolLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "team_id": log.team_id,
        "team_name": log.team.name,
        "shift_id": log.shift_id,
        "started_at": log.started_at,
        "ended_at": log.ended_at,
        "route": log.route,
        "villages": [v.code for v in log.villages.all()],
        "led_by": log.led_by_id,
        "members": [p.pk for p in log.members.all()],
        "check_ins": [check_in_out(c) for c in log.check_ins.all()],
        "findings": [finding_out(f) for f in log.findings.all()],
    }


class LogList(Schema):
    count: int
    limit: int
    offset: int
    items: list[LogOut]


class LogFilters(Schema):
    team: int | None = None


class LogIn(Schema):
    team: int
    started_at: datetime.datetime
    ended_at: datetime.datetime
    route: str = ""
    villages: list[str] = Field(default_factory=list, description="mã thôn, tổ dân phố")
    led_by: int | None = None
    members: list[int] = Field(default_factory=list)
    shift: int | None = None


class CheckInIn(Schema):
    at: datetime.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    note: str = ""


class FindingIn(Schema):
    text: str
    kind: str = Field(FindingKind.OTHER, description=", ".join(FindingKind.values))


class ToTipIn(Schema):
    category: str = Field(..., description="mã loại tin báo")
    commune: str = Field("", description="mã xã; bỏ trống: xã của tổ")


class TipRef(Schema):
    finding_id: int
    tip_id: int
    tracking_code: str


class ToIncidentIn(Schema):
    category: str = Field(..., description="mã loại tội phạm, vụ việc, xem /api/v1/crime-categories")
    summary: str = Field("", description="tóm tắt; bỏ trống: nội dung phát hiện")


class IncidentRef(Schema):
    finding_id: int
    incident_id: int
    source_tip_id: int | None


class MemberHoursOut(Schema):
    person_id: int
    name: str
    rostered: float
    patrolled: float
    shifts: int
    patrols: int


class TeamHoursOut(Schema):
    team_id: int
    name: str
    rostered: float
    patrolled: float
    shifts: int
    patrols: int
    members: list[MemberHoursOut]


class HoursParams(Schema):
    area: str | None = Field(None, description="mã đơn vị hành chính")
    team: int | None = None
    from_: datetime.date = Field(..., alias="from")
    to: datetime.date


# --- shifts -----------------------------------------------------------------------------------------


@router.get("/shifts", response=ShiftList, auth=STAFF_AUTH, summary="Lịch trực (các ca)")
def list_shifts(
    request: HttpRequest, filters: Query[ShiftFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    if not domain.can_view(request.user):
        raise forbidden()
    qs = domain.visible_shifts(request.user)
    if filters.team is not None:
        qs = qs.filter(team=_team(request, filters.team))
    if filters.from_ is not None:
        qs = qs.filter(ends_at__gt=filters.from_)
    if filters.to is not None:
        qs = qs.filter(starts_at__lt=filters.to)
    return page(qs, paging, shift_out)


@router.post("/shifts", response={201: ShiftOut}, auth=STAFF_AUTH, summary="Tạo một ca trực")
def create_shift(request: HttpRequest, payload: ShiftIn) -> Status[dict[str, Any]]:
    team = _team(request, payload.team)
    try:
        shift = domain.create_shift(request.user, team, payload.starts_at, payload.ends_at, payload.note)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(201, shift_out(shift))


def _shift(request: HttpRequest, shift_id: int) -> Shift:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        return domain.get_shift(request.user, shift_id)
    except domain.PatrolError as e:
        raise _problem(e) from None


@router.post(
    "/shifts/{int:shift_id}/assign", response=ShiftOut, auth=STAFF_AUTH, summary="Xếp thành viên vào ca"
)
def assign_shift(request: HttpRequest, shift_id: int, payload: AssignIn) -> dict[str, Any]:
    shift = _shift(request, shift_id)
    try:
        domain.assign(request.user, shift, payload.people)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return shift_out(shift)


@router.post("/shifts/{int:shift_id}/swap", response=ShiftOut, auth=STAFF_AUTH, summary="Đổi người trong ca")
def swap_shift(request: HttpRequest, shift_id: int, payload: SwapIn) -> dict[str, Any]:
    shift = _shift(request, shift_id)
    try:
        domain.swap(request.user, shift, payload.out_person, payload.in_person)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return shift_out(shift)


# --- logs -------------------------------------------------------------------------------------------


@router.get("/logs", response=LogList, auth=STAFF_AUTH, summary="Nhật ký tuần tra")
def list_patrol_logs(
    request: HttpRequest, filters: Query[LogFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    if not domain.can_view(request.user):
        raise forbidden()
    qs = domain.visible_logs(request.user).prefetch_related("villages", "members", "check_ins", "findings")
    if filters.team is not None:
        qs = qs.filter(team=_team(request, filters.team))
    return page(qs, paging, log_out)


@router.post("/logs", response={201: LogOut}, auth=STAFF_AUTH, summary="Ghi nhật ký một buổi tuần tra")
def create_patrol_log(request: HttpRequest, payload: LogIn) -> Status[dict[str, Any]]:
    team = _team(request, payload.team)
    data = domain.LogInput(
        started_at=payload.started_at, ended_at=payload.ended_at, route=payload.route,
        villages=payload.villages, led_by=payload.led_by, members=list(payload.members), shift=payload.shift,
    )  # fmt: skip
    try:
        log = domain.create_log(request.user, team, data)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(201, log_out(log))


def _log(request: HttpRequest, log_id: int) -> PatrolLog:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        return domain.get_log(request.user, log_id)
    except domain.PatrolError as e:
        raise _problem(e) from None


@router.post(
    "/logs/{int:log_id}/check-ins", response={201: CheckInOut}, auth=STAFF_AUTH, summary="Điểm danh (vị trí)"
)
def add_check_in(request: HttpRequest, log_id: int, payload: CheckInIn) -> Status[dict[str, Any]]:
    log = _log(request, log_id)
    try:
        c = domain.add_check_in(
            request.user, log, payload.at, payload.latitude, payload.longitude, payload.note
        )
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(201, check_in_out(c))


@router.post(
    "/logs/{int:log_id}/findings", response={201: FindingOut}, auth=STAFF_AUTH, summary="Ghi một phát hiện"
)
def add_finding(request: HttpRequest, log_id: int, payload: FindingIn) -> Status[dict[str, Any]]:
    log = _log(request, log_id)
    try:
        f = domain.add_finding(request.user, log, payload.text, payload.kind)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(201, finding_out(f))


@router.post(
    "/findings/{int:finding_id}/tip", response={201: TipRef}, auth=STAFF_AUTH,
    summary="Chuyển phát hiện thành tin báo",
)  # fmt: skip
def finding_to_tip(request: HttpRequest, finding_id: int, payload: ToTipIn) -> Status[dict[str, Any]]:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        finding = domain.get_finding(request.user, finding_id)
        tip = domain.finding_to_tip(request.user, finding, payload.category, payload.commune)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(201, {"finding_id": finding.pk, "tip_id": tip.pk, "tracking_code": tip.tracking_code})


@router.post(
    "/findings/{int:finding_id}/incident", response={201: IncidentRef}, auth=STAFF_AUTH,
    summary="Ghi phát hiện thành vụ việc",
    description="Một lần cho mỗi phát hiện: lần thứ hai trả 409.",
)  # fmt: skip
def finding_to_incident(
    request: HttpRequest, finding_id: int, payload: ToIncidentIn
) -> Status[dict[str, Any]]:
    if not domain.can_view(request.user):
        raise forbidden()
    try:
        finding = domain.get_finding(request.user, finding_id)
        incident = domain.finding_to_incident(request.user, finding, payload.category, payload.summary)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return Status(
        201, {"finding_id": finding.pk, "incident_id": incident.pk, "source_tip_id": incident.source_tip_id}
    )


# --- hours ------------------------------------------------------------------------------------------


@router.get(
    "/hours", response=list[TeamHoursOut], auth=STAFF_AUTH, summary="Số giờ trực, tuần tra theo tổ và người"
)
def patrol_hours(request: HttpRequest, params: Query[HoursParams]) -> list[dict[str, Any]]:
    if not domain.can_view(request.user):
        raise forbidden()
    area = None
    if params.area:
        area = Area.objects.filter(code=params.area.strip()).first()
        if area is None:
            raise ApiProblem(404, f"Không có đơn vị hành chính mã «{params.area}».")
        if not domain.can_view_area(request.user, area):
            raise forbidden()
    team = _team(request, params.team) if params.team is not None else None
    start = domain.local(datetime.datetime.combine(params.from_, datetime.time()))
    end = domain.local(datetime.datetime.combine(params.to, datetime.time())) + datetime.timedelta(days=1)
    try:
        rows = domain.hours(domain.teams_in(request.user, area, team), start, end)
    except domain.PatrolError as e:
        raise _problem(e) from None
    return [
        {**{k: getattr(t, k) for k in ("team_id", "name", "rostered", "patrolled", "shifts", "patrols")},
         "members": [m.__dict__ for m in t.members]}
        for t in rows
    ]  # fmt: skip
