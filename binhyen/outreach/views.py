"""Outreach pages: the register with totals and filters, the form, the detail page, the import (CSV/XLSX,
all or nothing) and the Excel export. Rules live in outreach.domain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.areas.models import Area
from binhyen.outreach import domain, exports, imports
from binhyen.outreach.models import OutreachSession
from binhyen.web import registry
from binhyen.web.uploads import attachment, import_page, xlsx_export

PAGE_SIZE = 50
FILTER_KEYS = ("area", "from", "to", "topic", "q")


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view outreach sessions."))


def _session_or_404(request: HttpRequest, pk: int) -> OutreachSession:
    _require_view(request)
    try:
        return domain.get_session(request.user, pk)
    except domain.OutreachError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, session: OutreachSession) -> None:
    if not domain.can_manage(request.user, session):
        raise PermissionDenied(
            _("You may not change the outreach sessions of %(area)s.") % {"area": session.commune.name}
        )


def _communes(user: Any) -> list[Area] | None:
    return registry.communes_in_scope(user, Perm.MANAGE_MOVEMENT)


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    """The list's filters from the query string; bad values become messages, never a 500."""
    values = registry.filter_values(request, FILTER_KEYS)
    f = domain.Filters(q=values["q"])
    errors = registry.area_and_period(
        request,
        values,
        f,
        can_view=domain.can_view,
        denied=_("You may not view the outreach sessions of %(area)s."),
        parse_date=domain.parse_date,
        error=domain.OutreachError,
    )
    if values["topic"]:
        f.topic = domain.topic_code(values["topic"]) or ""
    return values, errors, f


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values, errors, f = _filters(request)
    qs = domain.filter_sessions(domain.visible_sessions(user), f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = _communes(user)
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "sessions": page.object_list,
        "totals": domain.summarise(qs, f.area, f.start, f.end),
        "area": f.area,
        "area_choices": registry.area_choices(user),
        "topics": list(domain.TOPIC_LABELS.items()),
        "can_create": has_perm(user, Perm.MANAGE_MOVEMENT),
        "import_commune": registry.import_commune(user, f.area, communes, domain.can_manage),
        "query": request.GET.urlencode(),
    }
    return render(request, "outreach/list.html", context)


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    return render(
        request,
        "outreach/detail.html",
        {
            "session": session,
            "breadcrumb": session.commune.ancestors() + [session.commune],
            "can_manage": domain.can_manage(request.user, session),
        },
    )


def _form_context(
    request: HttpRequest, values: dict[str, Any], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    communes = _communes(request.user)
    return {
        "values": values,
        "errors": errors,
        "topics": list(domain.TOPIC_LABELS.items()),
        "communes": communes,
        "village_groups": registry.village_groups(communes, values.get("commune", "")),
        "today": timezone.localdate().isoformat(),
        **extra,
    }


def _posted(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {k: (request.POST.get(k) or "").strip() for k in domain.FORM_FIELDS}
    topics = [t for t in request.POST.getlist("topics") if t.strip()]
    values["topics"] = topics
    return values, topics


def _errors(e: domain.OutreachError) -> dict[str, str]:
    known = (*domain.FORM_FIELDS, "topics")
    return {e.field if e.field in known else "all": e.message}


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not record outreach sessions."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values, topics = _posted(request)
        try:
            session = domain.create_session(user, domain.from_form(values, topics))
        except domain.OutreachError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
        else:
            messages.success(request, _("The outreach session has been recorded."))
            return redirect("outreach:detail", pk=session.pk)
    else:
        data = domain.SessionInput(date=timezone.localdate())
        denied = _("You may not record outreach sessions in %(area)s.")
        data.commune = registry.initial_commune(request, lambda: _communes(user), domain.can_manage, denied)
        values = domain.form_values(data)
    return render(request, "outreach/form.html", _form_context(request, values, errors), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    _require_manage(request, session)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values, topics = _posted(request)
        try:
            domain.update_session(request.user, session, domain.from_form(values, topics))
        except domain.OutreachError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
            session.refresh_from_db()
        else:
            messages.success(request, _("The outreach session has been saved."))
            return redirect("outreach:detail", pk=session.pk)
    else:
        values = domain.form_values(domain.session_data(session))
    context = _form_context(request, values, errors, session=session)
    return render(request, "outreach/form.html", context, status=status)


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    _require_manage(request, session)
    domain.delete_session(request.user, session)
    messages.success(request, _("The outreach session has been deleted."))
    return redirect("outreach:list")


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    _values, _errors, f = _filters(request)
    qs = domain.filter_sessions(domain.visible_sessions(request.user), f)
    totals = domain.summarise(qs, f.area, f.start, f.end)
    return xlsx_export(
        lambda: exports.xlsx(qs, totals),
        object_type_label="outreach.outreachsession",
        area=f.area,
        count=totals.sessions,
        prefix="tuyen-truyen",
        content_type=exports.CONTENT_TYPE_XLSX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_sessions(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = registry.commune_for_import(
        request,
        commune_code,
        can_manage=domain.can_manage,
        wrong_level=_("Sessions can only be imported into a commune, ward or special zone."),
        denied=_("You may not import outreach sessions into %(area)s."),
    )
    return import_page(
        request,
        "outreach/import.html",
        commune,
        imports=imports,
        do_import=lambda table: imports.import_sessions(request.user, commune, table),
        total=lambda: OutreachSession.objects.filter(commune=commune).count(),
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return attachment(imports.template_csv(), "text/csv; charset=utf-8", "mau-nhap-tuyen-truyen.csv")
