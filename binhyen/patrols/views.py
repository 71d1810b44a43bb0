"""Patrol pages: teams, a team's week of shifts (with the new-shift form), a shift (assign, swap), the
phone-friendly patrol log form, a log (check-ins with "use my location", findings, "turn into a tip",
"record as an incident") and hours. Rules live in patrols.domain; a refused form is shown again with
what was typed and the reason (status 422), so nothing is lost."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.incidents import domain as incidents
from binhyen.organisations import domain as orgs
from binhyen.organisations.models import Organisation
from binhyen.patrols import domain
from binhyen.patrols.models import FindingKind, PatrolLog, Shift
from binhyen.tips import domain as tips
from binhyen.web.views import area_or_404

MAX_HOURS_DAYS = 366


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view patrols."))


def _team_or_404(request: HttpRequest, pk: int) -> Organisation:
    _require_view(request)
    try:
        return domain.get_team(request.user, pk)
    except domain.PatrolError as e:
        raise Http404(e.message) from None


def _shift_or_404(request: HttpRequest, pk: int) -> Shift:
    _require_view(request)
    try:
        return domain.get_shift(request.user, pk)
    except domain.PatrolError as e:
        raise Http404(e.message) from None


def _log_or_404(request: HttpRequest, pk: int) -> PatrolLog:
    _require_view(request)
    try:
        return domain.get_log(request.user, pk)
    except domain.PatrolError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, team: Organisation) -> None:
    if not domain.can_manage(request.user, team):
        raise PermissionDenied(_("You may not change the roster of %(team)s.") % {"team": team.name})


def _require_log(request: HttpRequest, team: Organisation) -> None:
    if not domain.can_log(request.user, team):
        raise PermissionDenied(_("You may not log patrols of %(team)s.") % {"team": team.name})


def _week_start(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    teams = domain.visible_teams(request.user).order_by("area_path", "name")[:200]
    logs = domain.visible_logs(request.user)[:20]
    return render(request, "patrols/teams.html", {"teams": teams, "logs": logs})


def _week_context(request: HttpRequest, team: Organisation) -> dict[str, Any]:
    monday = _week_start(request.GET.get("week") or request.POST.get("week", ""))
    start = domain.local(datetime.datetime.combine(monday, datetime.time()))
    end = start + datetime.timedelta(days=7)
    shifts = list(domain.shifts_between(team, start, end))
    days = []
    for i in range(7):
        day = monday + datetime.timedelta(days=i)
        days.append(
            {"date": day, "shifts": [s for s in shifts if timezone.localtime(s.starts_at).date() == day]}
        )
    return {
        "team": team,
        "days": days,
        "monday": monday,
        "prev_week": (monday - datetime.timedelta(days=7)).isoformat(),
        "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
        "can_manage": domain.can_manage(request.user, team),
        "can_log": domain.can_log(request.user, team),
        "members": orgs.current_members(team),
        "logs": domain.visible_logs(request.user).filter(team=team)[:10],
    }


@login_required
@require_GET
def team_week(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    context = _week_context(request, team)
    context["values"] = {"date": context["monday"].isoformat(), "start": "19:00", "end": "23:00"}
    return render(request, "patrols/week.html", context)


def _combine(day: str, time: str, field: str, label: str) -> datetime.datetime | None:
    if not (day or "").strip() or not (time or "").strip():
        return None
    return domain.parse_datetime(f"{day.strip()} {time.strip()}", field, label)


@login_required
@require_POST
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    _require_manage(request, team)
    values = {k: (request.POST.get(k) or "").strip()[:300] for k in ("date", "start", "end", "note")}
    try:
        starts = _combine(values["date"], values["start"], "starts_at", "Giờ bắt đầu")
        ends = _combine(values["date"], values["end"], "ends_at", "Giờ kết thúc")
        if starts and ends and ends <= starts:  # a night shift ends the next day
            ends += datetime.timedelta(days=1)
        shift = domain.create_shift(request.user, team, starts, ends, values["note"])
    except domain.PatrolError as e:
        context = _week_context(request, team)
        context.update(values=values, errors={e.field or "all": e.message, "all": e.message})
        return render(request, "patrols/week.html", context, status=422)
    messages.success(request, _("Shift created."))
    return redirect("patrols:shift", shift.pk)


def _shift_context(request: HttpRequest, shift: Shift) -> dict[str, Any]:
    return {
        "shift": shift,
        "team": shift.team,
        "active": list(domain.active_assignments(shift)),
        "history": shift.assignments.filter(replaced_at__isnull=False).select_related("person"),
        "members": orgs.current_members(shift.team),
        "can_manage": domain.can_manage(request.user, shift.team),
        "week": timezone.localtime(shift.starts_at).date().isoformat(),
        "errors": {},
        "values": {},
    }


@login_required
@require_GET
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift_or_404(request, pk)
    return render(request, "patrols/shift.html", _shift_context(request, shift))


@login_required
@require_POST
def shift_assign(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift_or_404(request, pk)
    _require_manage(request, shift.team)
    people = request.POST.getlist("person")
    try:
        domain.assign(request.user, shift, people)
    except domain.PatrolError as e:
        context = _shift_context(request, shift)
        context.update(errors={"assign": e.message}, values={"person": people})
        return render(request, "patrols/shift.html", context, status=422)
    messages.success(request, _("Members assigned."))
    return redirect("patrols:shift", shift.pk)


@login_required
@require_POST
def shift_swap(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift_or_404(request, pk)
    _require_manage(request, shift.team)
    out_person = request.POST.get("out_person", "")
    in_person = request.POST.get("in_person", "")
    try:
        domain.swap(request.user, shift, out_person, in_person)
    except domain.PatrolError as e:
        context = _shift_context(request, shift)
        context.update(errors={"swap": e.message}, values={"out_person": out_person, "in_person": in_person})
        return render(request, "patrols/shift.html", context, status=422)
    messages.success(request, _("Shift swapped."))
    return redirect("patrols:shift", shift.pk)


@login_required
@require_http_methods(["GET", "POST"])
def log_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    _require_log(request, team)
    now = timezone.localtime()
    values: dict[str, Any] = {
        "date": now.date().isoformat(), "start": "", "end": now.strftime("%H:%M"), "route": "",
        "villages": [], "led_by": "", "members": [], "shift": request.GET.get("shift", ""),
    }  # fmt: skip
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip()[:2000] for k in ("date", "start", "end", "route")}
        values.update(
            villages=request.POST.getlist("villages"), members=request.POST.getlist("members"),
            led_by=request.POST.get("led_by", ""), shift=request.POST.get("shift", ""),
        )  # fmt: skip
        try:
            starts = _combine(values["date"], values["start"], "starts_at", "Giờ bắt đầu")
            ends = _combine(values["date"], values["end"], "ends_at", "Giờ kết thúc")
            if starts and ends and ends <= starts:
                starts -= datetime.timedelta(days=1)  # started the evening before
            log = domain.create_log(
                request.user,
                team,
                domain.LogInput(
                    started_at=starts, ended_at=ends, route=values["route"], villages=values["villages"],
                    led_by=values["led_by"] or None, members=values["members"], shift=values["shift"] or None,
                ),
            )  # fmt: skip
        except domain.PatrolError as e:
            errors = {e.field or "all": e.message, "all": e.message}
        else:
            messages.success(request, _("Patrol logged."))
            return redirect("patrols:log", log.pk)
    context = {
        "team": team,
        "values": values,
        "errors": errors,
        "villages": team.villages.all(),
        "members": orgs.current_members(team),
        "shifts": Shift.objects.filter(team=team).order_by("-starts_at")[:14],
    }
    return render(request, "patrols/log_form.html", context, status=422 if errors else 200)


def _log_context(request: HttpRequest, log: PatrolLog) -> dict[str, Any]:
    return {
        "log": log,
        "team": log.team,
        "check_ins": log.check_ins.all(),
        "findings": log.findings.all(),
        "kinds": FindingKind.choices,
        "categories": tips.active_categories(),
        "crime_categories": incidents.categories(),
        "can_log": domain.can_log(request.user, log.team),
        "can_manage": domain.can_manage(request.user, log.team),
        "can_record_incident": domain.can_record_incident(request.user, log.team),
        "can_view_incidents": incidents.can_view(request.user, log.team.commune),
        "errors": {},
        "values": {},
    }


@login_required
@require_GET
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    log = _log_or_404(request, pk)
    return render(request, "patrols/log.html", _log_context(request, log))


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    log = _log_or_404(request, pk)
    _require_log(request, log.team)
    values = {k: (request.POST.get(k) or "").strip()[:300] for k in ("at", "latitude", "longitude", "note")}
    try:
        moment = None
        if values["at"]:
            day = timezone.localtime(log.ended_at).date().isoformat()
            moment = domain.parse_datetime(f"{day} {values['at']}", "at", "Giờ điểm danh")
        domain.add_check_in(
            request.user, log, moment, domain.parse_coordinate(values["latitude"], "latitude"),
            domain.parse_coordinate(values["longitude"], "longitude"), values["note"],
        )  # fmt: skip
    except domain.PatrolError as e:
        context = _log_context(request, log)
        context.update(errors={"check_in": e.message}, values=values)
        return render(request, "patrols/log.html", context, status=422)
    messages.success(request, _("Check-in recorded."))
    return redirect("patrols:log", log.pk)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    log = _log_or_404(request, pk)
    _require_log(request, log.team)
    values = {"text": (request.POST.get("text") or "")[:3000], "kind": request.POST.get("kind", "")}
    try:
        domain.add_finding(request.user, log, values["text"], values["kind"] or FindingKind.OTHER)
    except domain.PatrolError as e:
        context = _log_context(request, log)
        context.update(errors={"finding": e.message}, values=values)
        return render(request, "patrols/log.html", context, status=422)
    messages.success(request, _("Finding recorded."))
    return redirect("patrols:log", log.pk)


@login_required
@require_POST
def finding_tip(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        finding = domain.get_finding(request.user, pk)
    except domain.PatrolError as e:
        raise Http404(e.message) from None
    log = finding.log
    if not domain.can_manage(request.user, log.team):
        raise PermissionDenied(
            _("You may not turn findings of %(team)s into tips.") % {"team": log.team.name}
        )
    try:
        tip = domain.finding_to_tip(request.user, finding, request.POST.get("category", ""))
    except domain.PatrolError as e:
        context = _log_context(request, log)
        context.update(errors={"tip": e.message, "tip_id": finding.pk})
        return render(request, "patrols/log.html", context, status=422)
    messages.success(request, _("Tip %(code)s created from the finding.") % {"code": tip.tracking_code})
    return redirect("patrols:log", log.pk)


@login_required
@require_POST
def finding_incident(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        finding = domain.get_finding(request.user, pk)
    except domain.PatrolError as e:
        raise Http404(e.message) from None
    log = finding.log
    if not domain.can_record_incident(request.user, log.team):
        raise PermissionDenied(
            _("You may not record incidents from findings of %(team)s.") % {"team": log.team.name}
        )
    values = {
        "category": (request.POST.get("category") or "").strip()[:40],
        "summary": (request.POST.get("summary") or "")[:6000],
    }
    try:
        incident = domain.finding_to_incident(request.user, finding, values["category"], values["summary"])
    except domain.PatrolError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        context = _log_context(request, log)
        # The typed values go back into this finding's form only (keyed by its id).
        context.update(errors={"incident": e.message, "incident_id": finding.pk}, incident_values=values)
        return render(request, "patrols/log.html", context, status=409 if e.status == 409 else 422)
    messages.success(request, _("Incident #%(id)s recorded from the finding.") % {"id": incident.pk})
    return redirect("patrols:log", log.pk)


@login_required
@require_GET
def hours(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    today = timezone.localdate()
    values = {
        "from": (request.GET.get("from") or today.replace(day=1).isoformat()).strip()[:20],
        "to": (request.GET.get("to") or today.isoformat()).strip()[:20],
        "area": (request.GET.get("area") or "").strip()[:20],
        "team": (request.GET.get("team") or "").strip()[:20],
    }
    errors: dict[str, str] = {}
    rows: list[domain.TeamHours] = []
    area = None
    if values["area"]:
        area = area_or_404(values["area"])
        if not domain.can_view_area(request.user, area):
            raise PermissionDenied(_("You may not view the patrols of %(area)s.") % {"area": area.name})
    team = _team_or_404(request, int(values["team"])) if values["team"].isdigit() else None
    try:
        start_day = datetime.date.fromisoformat(values["from"])
        end_day = datetime.date.fromisoformat(values["to"])
    except ValueError:
        errors["all"] = _("Enter dates as YYYY-MM-DD.")
    else:
        if end_day < start_day:
            errors["all"] = _("The end date must not be before the start date.")
        elif (end_day - start_day).days > MAX_HOURS_DAYS:
            errors["all"] = _("Choose at most one year.")
        else:
            start = domain.local(datetime.datetime.combine(start_day, datetime.time()))
            end = domain.local(datetime.datetime.combine(end_day, datetime.time())) + datetime.timedelta(
                days=1
            )
            rows = domain.hours(domain.teams_in(request.user, area, team), start, end)
    context = {"values": values, "errors": errors, "rows": rows, "area": area, "team": team}
    return render(request, "patrols/hours.html", context, status=422 if errors else 200)
