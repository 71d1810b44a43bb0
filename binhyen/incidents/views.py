"""Incident pages: the register with filters and a same-period chart, the form (also from a tip), the
detail page, and the crime taxonomy for administrators. Rules live in incidents.domain."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.incidents import domain
from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
FILTER_KEYS = ("area", "category", "from", "to", "cleared", "q")
# Domain field names → the form field the message is shown next to.
FORM_FIELD = {"occurred_at": "date", "cleared_at": "cleared_date", "source_tip": "all"}
CATEGORY_FIELDS = ("code", "name", "group", "description", "parent", "order")
MAX_COMMUNE_CHOICES = 400
MAX_VILLAGE_GROUPS = 30


def _field_errors(error: domain.IncidentError, fields: tuple[str, ...]) -> dict[str, str]:
    field = FORM_FIELD.get(error.field, error.field)
    return {field if field in fields else "all": error.message}


def _require_view(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.VIEW_INCIDENTS):
        raise PermissionDenied(_("You may not view incidents."))


def _incident_or_404(request: HttpRequest, pk: int) -> Incident:
    _require_view(request)
    try:
        return domain.get_incident(request.user, pk)
    except domain.IncidentError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, incident: Incident) -> None:
    if not domain.can_manage(request.user, incident):
        raise PermissionDenied(
            _("You may not change the incidents of %(area)s.") % {"area": incident.commune.name}
        )


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "d/m/Y")


# --- choices for the forms --------------------------------------------------------------------------


def _category_groups(include: str = "") -> list[tuple[str, list[CrimeCategory]]]:
    """Active categories grouped for <optgroup>; `include` keeps an inactive one that is in use."""
    groups: dict[str, list[CrimeCategory]] = {}
    for c in domain.categories(active_only=False):
        if c.active or c.code == include:
            groups.setdefault(c.group or _("Other"), []).append(c)
    return list(groups.items())


def _area_choices(user: Any) -> list[tuple[str, str]]:
    """Where the user may look at incidents, for the filter's <select>; [] means type a code."""
    roots = scope(user, Perm.VIEW_INCIDENTS)
    if not roots:
        return []
    choices: list[tuple[str, str]] = []
    for root in roots:
        choices.append((root.code, root.name))
        children = Area.objects.filter(parent=root).order_by("path")
        if root.level == Level.PROVINCE:
            children = children.filter(level=Level.COMMUNE)
        choices += [(a.code, f"— {a.name}") for a in children[:MAX_COMMUNE_CHOICES]]
    return choices


def _communes(user: Any) -> list[Area] | None:
    """Communes where the user may record incidents; None: anywhere (the form asks for a code)."""
    roots = scope(user, Perm.MANAGE_INCIDENTS)
    if roots is None:
        return None
    found: dict[int, Area] = {}
    for root in roots:
        if root.level == Level.COMMUNE:
            found[root.pk] = root
        elif root.level == Level.PROVINCE:
            for a in Area.objects.filter(parent=root, level=Level.COMMUNE)[:MAX_COMMUNE_CHOICES]:
                found[a.pk] = a
    return sorted(found.values(), key=lambda a: a.path)


def _village_groups(communes: list[Area] | None, selected: str) -> list[tuple[Area, list[Area]]]:
    """Villages by commune for the village <select>: the user's communes, or the chosen one."""
    if communes is None or len(communes) > MAX_VILLAGE_GROUPS:
        chosen = Area.objects.filter(code=selected.strip(), level=Level.COMMUNE).first() if selected else None
        communes = [chosen] if chosen else []
    return [(c, list(c.children.all())) for c in communes]


def _form_context(
    request: HttpRequest, values: dict[str, str], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    communes = _communes(request.user)
    return {
        "values": values,
        "errors": errors,
        "category_groups": _category_groups(values.get("category", "")),
        "communes": communes,
        "village_groups": _village_groups(communes, values.get("commune", "")),
        "today": timezone.localdate().isoformat(),
        **extra,
    }


def _tip_url(tip_id: int | None) -> str:
    if not tip_id:
        return ""
    try:
        return reverse("tips:detail", args=[tip_id])
    except NoReverseMatch:
        return ""


# --- the register -----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    """The list's filters from the query string; bad values become messages, never a 500."""
    user = request.user
    values = {k: (request.GET.get(k) or "").strip()[:100] for k in FILTER_KEYS}
    if not any(k in request.GET for k in FILTER_KEYS):
        today = timezone.localdate()
        values["from"], values["to"] = domain.start_of_year(today).isoformat(), today.isoformat()
    errors: dict[str, str] = {}
    f = domain.Filters(q=values["q"])
    if values["area"]:
        area = area_or_404(values["area"])
        if not has_perm(user, Perm.VIEW_INCIDENTS, area):
            raise PermissionDenied(_("You may not view the incidents of %(area)s.") % {"area": area.name})
        f.area = area
    for key, attr in (("category", "category"), ("from", "start"), ("to", "end")):
        if not values[key]:
            continue
        try:
            if key == "category":
                f.category = domain.get_category(values[key])
            else:
                setattr(f, attr, domain.parse_date(values[key], key))
        except domain.IncidentError as e:
            errors[key] = e.message
    if f.start and f.end and f.start > f.end:
        errors["to"] = _("The end date must not be before the start date.")
        f.end = None
    f.cleared = {"yes": True, "no": False}.get(values["cleared"])
    return values, errors, f


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values, errors, f = _filters(request)
    visible = domain.visible_incidents(user)
    qs = domain.filter_incidents(visible, f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    end = f.end or timezone.localdate()
    start = f.start or domain.start_of_year(end)
    stats = None
    chart: dict[str, Any] | None = None
    if start <= end and (end - start).days <= 366 * 10:
        base = domain.filter_incidents(visible, replace(f, start=None, end=None))
        stats = domain.compare(base, start, end, f.area)
        previous = stats.previous
        chart = {
            "labels": [r.name for r in stats.rows],
            "current": [r.total for r in stats.rows],
            "previous": [r.previous_total for r in stats.rows],
            "current_label": f"{_day(start)} – {_day(end)}",
            "previous_label": f"{_day(previous.start)} – {_day(previous.end)}",
        }
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "incidents": page.object_list,
        "stats": stats,
        "chart": chart,
        "chart_height": 90 + 44 * len(stats.rows) if stats else 0,
        "area": f.area,
        "area_choices": _area_choices(user),
        "category_groups": _category_groups(),
        "can_create": has_perm(user, Perm.MANAGE_INCIDENTS),
        "can_taxonomy": has_perm(user, Perm.MANAGE_CRIME_TAXONOMY, None),
    }
    return render(request, "incidents/list.html", context)


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "breadcrumb": incident.commune.ancestors() + [incident.commune],
            "can_manage": domain.can_manage(request.user, incident),
            "tip_url": _tip_url(incident.source_tip_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.MANAGE_INCIDENTS):
        raise PermissionDenied(_("You may not record incidents."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in domain.FORM_FIELDS}
        try:
            incident = domain.create_incident(user, domain.from_form(values))
        except domain.IncidentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _field_errors(e, domain.FORM_FIELDS), 422
        else:
            messages.success(request, _("The incident has been recorded."))
            return redirect("incidents:detail", pk=incident.pk)
    else:
        tip_id = (request.GET.get("tip") or "").strip()
        if tip_id:
            try:
                data = domain.incident_from_tip(user, tip_id)
            except domain.IncidentError as e:
                raise Http404(e.message) from None
        else:
            data = domain.NewIncident()
            code = (request.GET.get("commune") or "").strip()
            if code:
                commune = area_or_404(code)
                if not domain.can_manage(user, commune=commune):
                    raise PermissionDenied(
                        _("You may not record incidents in %(area)s.") % {"area": commune.name}
                    )
                if commune.level == Level.VILLAGE and commune.parent is not None:
                    data.commune, data.village = commune.parent.code, commune.code
                else:
                    data.commune = commune.code
        if not data.commune:
            communes = _communes(user)
            if communes and len(communes) == 1:
                data.commune = communes[0].code
        values = domain.form_values(data)
    tip = int(values["source_tip"]) if values.get("source_tip", "").isdigit() else None
    context = _form_context(
        request,
        values,
        errors,
        tip_id=tip,
        tip_url=_tip_url(tip),
        already=domain.incidents_from_tip(tip) if tip else [],
    )
    return render(request, "incidents/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_manage(request, incident)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in domain.FORM_FIELDS}
        values["source_tip"] = str(incident.source_tip_id or "")
        try:
            data = domain.from_form(values)
            if data.cleared and incident.cleared and not values.get("cleared_date"):
                data.cleared_at = incident.cleared_at
            domain.update_incident(request.user, incident, data)
        except domain.IncidentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _field_errors(e, domain.FORM_FIELDS), 422
            incident.refresh_from_db()
        else:
            messages.success(request, _("The incident has been saved."))
            return redirect("incidents:detail", pk=incident.pk)
    else:
        values = domain.form_values(domain.incident_data(incident))
    context = _form_context(
        request, values, errors, incident=incident, tip_url=_tip_url(incident.source_tip_id)
    )
    return render(request, "incidents/form.html", context, status=status)


@login_required
@require_POST
def incident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_manage(request, incident)
    domain.delete_incident(request.user, incident)
    messages.success(request, _("The incident has been deleted."))
    return redirect("incidents:list")


@login_required
@require_POST
def incident_cleared(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    _require_manage(request, incident)
    wanted = request.POST.get("cleared")
    cleared = not incident.cleared if wanted not in ("0", "1") else wanted == "1"
    incident = domain.mark_cleared(request.user, incident, cleared)
    if incident.cleared:
        messages.success(request, _("The incident is marked as cleared."))
    else:
        messages.success(request, _("The incident is marked as not cleared."))
    return redirect("incidents:detail", pk=incident.pk)


# --- crime taxonomy (administrators) ----------------------------------------------------------------


def _require_taxonomy(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_CRIME_TAXONOMY, None):
        raise PermissionDenied(_("Only administrators may edit the crime categories."))


def _category_input(request: HttpRequest) -> tuple[dict[str, str], domain.CategoryInput]:
    values = {k: (request.POST.get(k) or "").strip() for k in CATEGORY_FIELDS}
    values["active"] = "1" if request.POST.get("active") else ""
    order = values["order"]
    if order and not order.isdigit():
        raise domain.IncidentError("Thứ tự: nhập một số nguyên, ví dụ 100.", "order")
    data = domain.CategoryInput(
        code=values["code"],
        name=values["name"],
        group=values["group"],
        description=values["description"],
        parent=values["parent"],
        active=bool(values["active"]),
        order=int(order) if order else 100,
    )
    return values, data


def _category_values(category: CrimeCategory | None) -> dict[str, str]:
    if category is None:
        return {"active": "1", "order": "100"}
    data = domain.category_data(category)
    return {
        "code": data.code,
        "name": data.name,
        "group": data.group,
        "description": data.description,
        "parent": data.parent,
        "active": "1" if data.active else "",
        "order": str(data.order),
    }


def _taxonomy_context(**extra: Any) -> dict[str, Any]:
    rows = list(domain.categories(active_only=False))
    used = domain.category_usage()
    for c in rows:
        c.used = used.get(c.pk, 0)  # type: ignore[attr-defined]
    return {
        "rows": rows,
        "parents": [c for c in rows if c.parent_id is None],
        "groups": sorted({c.group for c in rows if c.group}),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    _require_taxonomy(request)
    values = _category_values(None)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in CATEGORY_FIELDS}
        values["active"] = "1" if request.POST.get("active") else ""
        try:
            values, data = _category_input(request)
            category = domain.create_category(request.user, data)
        except domain.IncidentError as e:
            errors, status = _field_errors(e, CATEGORY_FIELDS), 422
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": category.name})
            return redirect("incidents:categories")
    context = _taxonomy_context(values=values, errors=errors)
    return render(request, "incidents/categories.html", context, status=status)


def _category_or_404(code: str) -> CrimeCategory:
    try:
        return domain.get_category(code)
    except domain.IncidentError as e:
        raise Http404(e.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require_taxonomy(request)
    category = _category_or_404(code)
    values = _category_values(category)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in CATEGORY_FIELDS}
        values["active"] = "1" if request.POST.get("active") else ""
        try:
            values, data = _category_input(request)
            category = domain.update_category(request.user, category, data)
        except domain.IncidentError as e:
            errors, status = _field_errors(e, CATEGORY_FIELDS), 422
            category.refresh_from_db()
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": category.name})
            return redirect("incidents:categories")
    rows = list(domain.categories(active_only=False))
    context = {
        "category": category,
        "values": values,
        "errors": errors,
        "parents": [c for c in rows if c.parent_id is None and c.pk != category.pk],
        "groups": sorted({c.group for c in rows if c.group}),
    }
    return render(request, "incidents/category_edit.html", context, status=status)


@login_required
@require_POST
def category_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    _require_taxonomy(request)
    category = domain.deactivate_category(request.user, _category_or_404(code))
    messages.success(
        request,
        _("%(name)s is no longer offered for new incidents; its incidents keep it.")
        % {"name": category.name},
    )
    return redirect("incidents:categories")
