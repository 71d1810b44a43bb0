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

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.areas.models import Area
from binhyen.weapons import domain, exports, imports
from binhyen.weapons.models import WeaponSurrender
from binhyen.web import registry
from binhyen.web.uploads import attachment, import_page, xlsx_export

PAGE_SIZE = 50
FILTER_KEYS = ("area", "from", "to", "item_type", "campaign")


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


def _communes(user: Any) -> list[Area] | None:
    return registry.communes_in_scope(user, Perm.MANAGE_MOVEMENT)


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    """The list's filters from the query string; bad values become messages, never a 500."""
    values = registry.filter_values(request, FILTER_KEYS)
    f = domain.Filters(campaign=values["campaign"])
    errors = registry.area_and_period(
        request,
        values,
        f,
        can_view=domain.can_view,
        denied=_("You may not view the weapons collection records of %(area)s."),
        parse_date=domain.parse_date,
        error=domain.WeaponError,
    )
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
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "surrenders": page.object_list,
        "totals": domain.summarise(qs, f.area, f.start, f.end),
        "area": f.area,
        "area_choices": registry.area_choices(user),
        "item_types": list(domain.TYPE_LABELS.items()),
        "can_create": has_perm(user, Perm.MANAGE_MOVEMENT),
        "import_commune": registry.import_commune(user, f.area, communes, domain.can_manage),
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
        "village_groups": registry.village_groups(communes, values.get("commune", "")),
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
        denied = _("You may not record weapons handed in in %(area)s.")
        data.commune = registry.initial_commune(request, lambda: _communes(user), domain.can_manage, denied)
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
    return xlsx_export(
        lambda: exports.xlsx(qs, totals),
        object_type_label="weapons.weaponsurrender",
        area=f.area,
        count=totals.surrenders,
        prefix="thu-hoi-vu-khi",
        content_type=exports.CONTENT_TYPE_XLSX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_surrenders(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = registry.commune_for_import(
        request,
        commune_code,
        can_manage=domain.can_manage,
        wrong_level=_("Records can only be imported into a commune, ward or special zone."),
        denied=_("You may not import weapons collection records into %(area)s."),
    )
    return import_page(
        request,
        "weapons/import.html",
        commune,
        imports=imports,
        do_import=lambda table: imports.import_surrenders(request.user, commune, table),
        total=lambda: WeaponSurrender.objects.filter(commune=commune).count(),
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return attachment(imports.template_csv(), "text/csv; charset=utf-8", "mau-nhap-thu-hoi-vu-khi.csv")
