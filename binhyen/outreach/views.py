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

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.audit.models import Action
from binhyen.outreach import domain, exports, imports
from binhyen.outreach.models import OutreachSession
from binhyen.web.uploads import attachment, run_import
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
FILTER_KEYS = ("area", "from", "to", "topic", "q")
MAX_COMMUNE_CHOICES = 400
MAX_VILLAGE_GROUPS = 30


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


def _area_choices(user: Any) -> list[tuple[str, str]]:
    roots = scope(user, Perm.VIEW_MOVEMENT)
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
    """Communes where the user may record sessions; None: anywhere (the form asks for a code)."""
    roots = scope(user, Perm.MANAGE_MOVEMENT)
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
    if communes is None or len(communes) > MAX_VILLAGE_GROUPS:
        chosen = Area.objects.filter(code=selected.strip(), level=Level.COMMUNE).first() if selected else None
        communes = [chosen] if chosen else []
    return [(c, list(c.children.all())) for c in communes]


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    """The list's filters from the query string; bad values become messages, never a 500."""
    user = request.user
    values = {k: (request.GET.get(k) or "").strip()[:100] for k in FILTER_KEYS}
    errors: dict[str, str] = {}
    f = domain.Filters(q=values["q"])
    if values["area"]:
        area = area_or_404(values["area"])
        if not domain.can_view(user, area):
            raise PermissionDenied(
                _("You may not view the outreach sessions of %(area)s.") % {"area": area.name}
            )
        f.area = area
    for key, attr in (("from", "start"), ("to", "end")):
        if values[key]:
            try:
                setattr(f, attr, domain.parse_date(values[key], key))
            except domain.OutreachError as e:
                errors[key] = e.message
    if f.start and f.end and f.start > f.end:
        errors["to"] = _("The end date must not be before the start date.")
        f.end = None
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
    import_commune = f.area if f.area is not None and f.area.level == Level.COMMUNE else None
    if import_commune is None and communes and len(communes) == 1:
        import_commune = communes[0]
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "sessions": page.object_list,
        "totals": domain.summarise(qs, f.area, f.start, f.end),
        "area": f.area,
        "area_choices": _area_choices(user),
        "topics": list(domain.TOPIC_LABELS.items()),
        "can_create": has_perm(user, Perm.MANAGE_MOVEMENT),
        "import_commune": import_commune
        if import_commune and domain.can_manage(user, commune=import_commune)
        else None,
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
        "village_groups": _village_groups(communes, values.get("commune", "")),
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
        code = (request.GET.get("commune") or "").strip()
        if code:
            commune = area_or_404(code)
            if not domain.can_manage(user, commune=commune):
                raise PermissionDenied(
                    _("You may not record outreach sessions in %(area)s.") % {"area": commune.name}
                )
            data.commune = commune.code
        else:
            communes = _communes(user)
            if communes and len(communes) == 1:
                data.commune = communes[0].code
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
    audit.record(
        Action.EXPORT,
        object_type_label="outreach.outreachsession",
        area_path=f.area.path if f.area else "",
        detail={"format": "xlsx", "count": totals.sessions, "area": f.area.code if f.area else ""},
    )
    name = f"tuyen-truyen-{f.area.code if f.area else 'tat-ca'}-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(exports.xlsx(qs, totals), exports.CONTENT_TYPE_XLSX, name)


@login_required
@require_http_methods(["GET", "POST"])
def import_sessions(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = area_or_404(commune_code)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Sessions can only be imported into a commune, ward or special zone."))
    if not domain.can_manage(request.user, commune=commune):
        raise PermissionDenied(
            _("You may not import outreach sessions into %(area)s.") % {"area": commune.name}
        )
    context: dict[str, Any] = {
        "commune": commune,
        "columns": imports.COLUMNS,
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // (1024 * 1024),
        "report": None,
        "error": "",
    }
    status = 200
    if request.method == "POST":
        status = run_import(
            request,
            context,
            max_bytes=imports.MAX_BYTES,
            read=imports.read,
            read_error=imports.ImportFileError,
            do_import=lambda table: imports.import_sessions(request.user, commune, table),
        )
    context["total"] = OutreachSession.objects.filter(commune=commune).count()
    return render(request, "outreach/import.html", context, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return attachment(imports.template_csv(), "text/csv; charset=utf-8", "mau-nhap-tuyen-truyen.csv")
