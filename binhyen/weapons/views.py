"""Weapons collection pages: the register with totals and filters, the form, the detail page, the import
(CSV/XLSX, all or nothing) and the Excel export. Rules live in weapons.domain."""

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
from binhyen.weapons import domain, exports, imports
from binhyen.weapons.models import WeaponSurrender
from binhyen.web.uploads import attachment, run_import
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
FILTER_KEYS = ("area", "from", "to", "item_type", "campaign")
MAX_COMMUNE_CHOICES = 400
MAX_VILLAGE_GROUPS = 30


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view weapons collection records."))


def _surrender_or_404(request: HttpRequest, pk: int) -> WeaponSurrender:
    _require_view(request)
    try:
        return domain.get_surrender(request.user, pk)
    except domain.WeaponError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, surrender: WeaponSurrender) -> None:
    if not domain.can_manage(request.user, surrender):
        raise PermissionDenied(
            _("You may not change the weapons collection records of %(area)s.")
            % {"area": surrender.commune.name}
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
    """Communes where the user may record surrenders; None: anywhere (the form asks for a code)."""
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
    f = domain.Filters(campaign=values["campaign"])
    if values["area"]:
        area = area_or_404(values["area"])
        if not domain.can_view(user, area):
            raise PermissionDenied(
                _("You may not view the weapons collection records of %(area)s.") % {"area": area.name}
            )
        f.area = area
    for key, attr in (("from", "start"), ("to", "end")):
        if values[key]:
            try:
                setattr(f, attr, domain.parse_date(values[key], key))
            except domain.WeaponError as e:
                errors[key] = e.message
    if f.start and f.end and f.start > f.end:
        errors["to"] = _("The end date must not be before the start date.")
        f.end = None
    if values["item_type"]:
        f.item_type = domain.type_code(values["item_type"]) or ""
    return values, errors, f


@login_required
@require_GET
def surrender_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values, errors, f = _filters(request)
    qs = domain.filter_surrenders(domain.visible_surrenders(user), f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = _communes(user)
    import_commune = f.area if f.area is not None and f.area.level == Level.COMMUNE else None
    if import_commune is None and communes and len(communes) == 1:
        import_commune = communes[0]
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "surrenders": page.object_list,
        "totals": domain.summarise(qs, f.area, f.start, f.end),
        "area": f.area,
        "area_choices": _area_choices(user),
        "item_types": list(domain.TYPE_LABELS.items()),
        "can_create": has_perm(user, Perm.MANAGE_MOVEMENT),
        "import_commune": import_commune
        if import_commune and domain.can_manage(user, commune=import_commune)
        else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "weapons/list.html", context)


@login_required
@require_GET
def surrender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    surrender = _surrender_or_404(request, pk)
    return render(
        request,
        "weapons/detail.html",
        {
            "surrender": surrender,
            "breadcrumb": surrender.commune.ancestors() + [surrender.commune],
            "can_manage": domain.can_manage(request.user, surrender),
        },
    )


def _form_context(
    request: HttpRequest, values: dict[str, Any], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    communes = _communes(request.user)
    return {
        "values": values,
        "errors": errors,
        "item_types": [(c, label, domain.UNITS[c][0]) for c, label in domain.TYPE_LABELS.items()],
        "communes": communes,
        "village_groups": _village_groups(communes, values.get("commune", "")),
        "today": timezone.localdate().isoformat(),
        **extra,
    }


def _posted(request: HttpRequest) -> dict[str, str]:
    return {k: (request.POST.get(k) or "").strip() for k in domain.FORM_FIELDS}


def _errors(e: domain.WeaponError) -> dict[str, str]:
    return {e.field if e.field in domain.FORM_FIELDS else "all": e.message}


@login_required
@require_http_methods(["GET", "POST"])
def surrender_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not record weapons handed in."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            surrender = domain.create_surrender(user, domain.from_form(values))
        except domain.WeaponError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
        else:
            messages.success(request, _("The surrender has been recorded."))
            return redirect("weapons:detail", pk=surrender.pk)
    else:
        data = domain.SurrenderInput(date=timezone.localdate(), received_by=user.get_username())
        code = (request.GET.get("commune") or "").strip()
        if code:
            commune = area_or_404(code)
            if not domain.can_manage(user, commune=commune):
                raise PermissionDenied(
                    _("You may not record weapons handed in in %(area)s.") % {"area": commune.name}
                )
            data.commune = commune.code
        else:
            communes = _communes(user)
            if communes and len(communes) == 1:
                data.commune = communes[0].code
        values = domain.form_values(data)
    return render(request, "weapons/form.html", _form_context(request, values, errors), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def surrender_edit(request: HttpRequest, pk: int) -> HttpResponse:
    surrender = _surrender_or_404(request, pk)
    _require_manage(request, surrender)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            domain.update_surrender(request.user, surrender, domain.from_form(values))
        except domain.WeaponError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
            surrender.refresh_from_db()
        else:
            messages.success(request, _("The surrender has been saved."))
            return redirect("weapons:detail", pk=surrender.pk)
    else:
        values = domain.form_values(domain.surrender_data(surrender))
    context = _form_context(request, values, errors, surrender=surrender)
    return render(request, "weapons/form.html", context, status=status)


@login_required
@require_POST
def surrender_delete(request: HttpRequest, pk: int) -> HttpResponse:
    surrender = _surrender_or_404(request, pk)
    _require_manage(request, surrender)
    domain.delete_surrender(request.user, surrender)
    messages.success(request, _("The surrender has been deleted."))
    return redirect("weapons:list")


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    _values, _errors, f = _filters(request)
    qs = domain.filter_surrenders(domain.visible_surrenders(request.user), f)
    totals = domain.summarise(qs, f.area, f.start, f.end)
    audit.record(
        Action.EXPORT,
        object_type_label="weapons.weaponsurrender",
        area_path=f.area.path if f.area else "",
        detail={"format": "xlsx", "count": totals.surrenders, "area": f.area.code if f.area else ""},
    )
    name = f"thu-hoi-vu-khi-{f.area.code if f.area else 'tat-ca'}-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(exports.xlsx(qs, totals), exports.CONTENT_TYPE_XLSX, name)


@login_required
@require_http_methods(["GET", "POST"])
def import_surrenders(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = area_or_404(commune_code)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Records can only be imported into a commune, ward or special zone."))
    if not domain.can_manage(request.user, commune=commune):
        raise PermissionDenied(
            _("You may not import weapons collection records into %(area)s.") % {"area": commune.name}
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
            do_import=lambda table: imports.import_surrenders(request.user, commune, table),
        )
    context["total"] = WeaponSurrender.objects.filter(commune=commune).count()
    return render(request, "weapons/import.html", context, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return attachment(imports.template_csv(), "text/csv; charset=utf-8", "mau-nhap-thu-hoi-vu-khi.csv")
