"""Scheme pages: the list with counts and filters, the form, the detail page (sites, map, reviews, status
actions), replication, the type catalogue for administrators, CSV/XLSX import and XLSX export. Rules live in
schemes.domain."""

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
from binhyen.schemes import domain, exports, imports
from binhyen.schemes.models import Effectiveness, ManagingLevel, Scheme, SchemeStatus, SchemeType
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
FILTER_KEYS = ("area", "type", "status", "level", "q")
TYPE_FIELDS = ("code", "name", "description", "order")
MAX_CHOICES = 400


def _field_errors(error: domain.SchemeError, fields: tuple[str, ...]) -> dict[str, str]:
    return {error.field if error.field in fields else "all": error.message}


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view schemes."))


def _scheme_or_404(request: HttpRequest, pk: int) -> Scheme:
    _require_view(request)
    try:
        return domain.get_scheme(request.user, pk)
    except domain.SchemeError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, scheme: Scheme) -> None:
    if not domain.can_manage(request.user, scheme):
        raise PermissionDenied(
            _("You may not change the schemes of %(area)s.") % {"area": scheme.managing_area.name}
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
        choices += [(a.code, f"— {a.name}") for a in children[:MAX_CHOICES]]
    return choices


def _managing_choices(user: Any) -> list[Area] | None:
    """Communes and provinces where the user may manage schemes; None: anywhere (type a code)."""
    roots = scope(user, Perm.MANAGE_MOVEMENT)
    if roots is None:
        return None
    found: dict[int, Area] = {}
    for root in roots:
        if root.level in (Level.COMMUNE, Level.PROVINCE):
            found[root.pk] = root
        if root.level == Level.PROVINCE:
            for a in Area.objects.filter(parent=root, level=Level.COMMUNE)[:MAX_CHOICES]:
                found[a.pk] = a
    return sorted(found.values(), key=lambda a: a.path)


def _places(scheme: Scheme) -> list[Area]:
    """Places a site can be added at or replicated to inside the managing area."""
    area = scheme.managing_area
    if area.level == Level.COMMUNE:
        return [area, *Area.objects.filter(parent=area, level=Level.VILLAGE).order_by("path")]
    return list(Area.objects.filter(parent=area, level=Level.COMMUNE).order_by("path")[:MAX_CHOICES])


# --- list -------------------------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values = {k: (request.GET.get(k) or "").strip()[:100] for k in FILTER_KEYS}
    errors: dict[str, str] = {}
    f = domain.Filters(q=values["q"])
    if values["area"]:
        area = area_or_404(values["area"])
        if not has_perm(user, Perm.VIEW_MOVEMENT, area):
            raise PermissionDenied(_("You may not view the schemes of %(area)s.") % {"area": area.name})
        f.area = area
    if values["type"]:
        try:
            f.type = domain.get_type(values["type"])
        except domain.SchemeError as e:
            errors["type"] = e.message
    if values["status"] in SchemeStatus.values:
        f.status = values["status"]
    if values["level"] in ManagingLevel.values:
        f.level = values["level"]
    visible = domain.visible_schemes(user)
    qs = domain.filter_schemes(visible, f)
    page = Paginator(qs.prefetch_related("sites"), PAGE_SIZE).get_page(request.GET.get("page"))
    if f.area is not None:
        counts = domain.counts(visible, [f.area])
    else:
        roots = scope(user, Perm.VIEW_MOVEMENT)
        counts = domain.counts(visible, roots or None)
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "schemes": page.object_list,
        "counts": counts,
        "area": f.area,
        "area_choices": _area_choices(user),
        "types": domain.types(active_only=False),
        "statuses": SchemeStatus.choices,
        "levels": ManagingLevel.choices,
        "can_create": has_perm(user, Perm.MANAGE_MOVEMENT),
        "can_types": domain.can_manage_types(user),
    }
    return render(request, "schemes/list.html", context)


@login_required
@require_GET
def scheme_export(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    code = (request.GET.get("area") or "").strip()
    area = area_or_404(code) if code else None
    if area is not None and not has_perm(request.user, Perm.VIEW_MOVEMENT, area):
        raise PermissionDenied(_("You may not view the schemes of %(area)s.") % {"area": area.name})
    visible = domain.visible_schemes(request.user)
    qs = domain.filter_schemes(visible, domain.Filters(area=area))
    roots = [area] if area else (scope(request.user, Perm.VIEW_MOVEMENT) or None)
    response = HttpResponse(exports.xlsx(qs, roots), content_type=exports.CONTENT_TYPE_XLSX)
    name = f"mo-hinh-{area.code}" if area else "mo-hinh"
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- create / edit ----------------------------------------------------------------------------------


FORM_ERROR_FIELDS = (*domain.SCHEME_FORM_FIELDS, "organisations")


def _form_context(
    request: HttpRequest,
    values: dict[str, str],
    errors: dict[str, str],
    chosen: list[str],
    scheme: Scheme | None = None,
) -> dict[str, Any]:
    # The organisations offered are those of the managing unit as the form stands (after a change of
    # unit, the page comes back with the new unit's list).
    area = Area.objects.filter(code=values.get("managing_area", "")).first()
    offered = (
        domain.organisation_choices(request.user, area, scheme)
        if area is not None and area.level in (Level.COMMUNE, Level.PROVINCE)
        else []
    )
    return {
        "values": values,
        "errors": errors,
        "types": domain.types(active_only=False),
        "levels": ManagingLevel.choices,
        "managing_choices": _managing_choices(request.user),
        "organisation_choices": offered,
        "chosen_organisations": set(chosen),
        "scheme": scheme,
    }


def _chosen(request: HttpRequest) -> list[str]:
    return [v.strip() for v in request.POST.getlist("organisations") if v.strip()]


def _form_values(request: HttpRequest) -> dict[str, str]:
    values = {k: (request.POST.get(k) or "").strip() for k in domain.SCHEME_FORM_FIELDS}
    area = Area.objects.filter(code=values["managing_area"]).first()
    if area is not None and area.level == Level.PROVINCE:
        values["level"] = ManagingLevel.PROVINCE  # the level follows the unit chosen
    elif area is not None:
        values["level"] = ManagingLevel.COMMUNE
    return values


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not add schemes."))
    errors: dict[str, str] = {}
    status = 200
    chosen: list[str] = []
    if request.method == "POST":
        values = _form_values(request)
        chosen = _chosen(request)
        try:
            scheme = domain.create_scheme(user, domain.scheme_from_form(values, chosen))
        except domain.SchemeError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _field_errors(e, FORM_ERROR_FIELDS), 422
        else:
            messages.success(request, _("The scheme has been added."))
            return redirect("schemes:detail", pk=scheme.pk)
    else:
        values = domain.scheme_form_values(domain.SchemeInput())
        code = (request.GET.get("area") or "").strip()
        choices = _managing_choices(user)
        if code:
            area = area_or_404(code)
            if not domain.can_manage(user, area=area):
                raise PermissionDenied(_("You may not add schemes in %(area)s.") % {"area": area.name})
            values["managing_area"] = area.code
        elif choices and len(choices) == 1:
            values["managing_area"] = choices[0].code
    context = _form_context(request, values, errors, chosen)
    return render(request, "schemes/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme_or_404(request, pk)
    _require_manage(request, scheme)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _form_values(request)
        chosen = _chosen(request)
        try:
            domain.update_scheme(request.user, scheme, domain.scheme_from_form(values, chosen))
        except domain.SchemeError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _field_errors(e, FORM_ERROR_FIELDS), 422
            scheme.refresh_from_db()
        else:
            messages.success(request, _("The scheme has been saved."))
            return redirect("schemes:detail", pk=scheme.pk)
    else:
        data = domain.scheme_data(scheme)
        values = domain.scheme_form_values(data)
        chosen = [str(pk) for pk in data.organisations]
    context = _form_context(request, values, errors, chosen, scheme=scheme)
    return render(request, "schemes/form.html", context, status=status)


# --- detail and actions -----------------------------------------------------------------------------


def _detail(request: HttpRequest, scheme: Scheme, errors: dict[str, str] | None = None, status: int = 200,
            values: dict[str, str] | None = None) -> HttpResponse:  # fmt: skip
    sites = list(scheme.sites.select_related("area"))
    points = [
        {"lat": s.latitude, "lon": s.longitude, "label": s.place_name or s.area.name}
        for s in sites
        if s.latitude is not None and s.longitude is not None and s.ended_on is None
    ]
    can_manage = domain.can_manage(request.user, scheme)
    runners = domain.runners(scheme)
    context = {
        "scheme": scheme,
        "runners": runners,
        "openable": domain.openable_organisations(request.user, runners),
        "sites": sites,
        "points": points,
        "reviews": list(scheme.reviews.select_related("reviewer")),
        "can_manage": can_manage,
        "transitions": [
            (s, domain.STATUS_VI[SchemeStatus(s)]) for s in sorted(domain.TRANSITIONS[scheme.status])
        ],
        "places": _places(scheme) if can_manage else [],
        "effectiveness": Effectiveness.choices,
        "errors": errors or {},
        "values": values or {},
        "today": timezone.localdate().isoformat(),
        "breadcrumb": scheme.managing_area.ancestors() + [scheme.managing_area],
        "status_vi": domain.STATUS_VI[SchemeStatus(scheme.status)],
        "level_vi": domain.LEVEL_VI[ManagingLevel(scheme.level)],
        "replicas": list(scheme.replicas.select_related("managing_area")),
    }
    return render(request, "schemes/detail.html", context, status=status)


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _scheme_or_404(request, pk))


def _action(request: HttpRequest, pk: int) -> Scheme:
    scheme = _scheme_or_404(request, pk)
    _require_manage(request, scheme)
    return scheme


def _refused(request: HttpRequest, scheme: Scheme, e: domain.SchemeError, form: str) -> HttpResponse:
    if e.status == 403:
        raise PermissionDenied(e.message)
    values = {k: (request.POST.get(k) or "").strip() for k in request.POST if k != "csrfmiddlewaretoken"}
    return _detail(request, scheme, {form: e.message}, status=422 if e.status == 422 else 409, values=values)


@login_required
@require_POST
def scheme_status(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _action(request, pk)
    try:
        scheme = domain.change_status(
            request.user, scheme, (request.POST.get("status") or "").strip(), request.POST.get("reason") or ""
        )
    except domain.SchemeError as e:
        return _refused(request, scheme, e, "status")
    messages.success(
        request,
        _("The scheme is now: %(status)s.") % {"status": domain.STATUS_VI[SchemeStatus(scheme.status)]},
    )
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
@require_POST
def site_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _action(request, pk)
    values = {k: (request.POST.get(k) or "").strip() for k in domain.SITE_FORM_FIELDS}
    try:
        site = domain.add_site(request.user, scheme, domain.site_from_form(values))
    except domain.SchemeError as e:
        return _refused(request, scheme, e, "site")
    messages.success(request, _("%(place)s has been added.") % {"place": site.place_name or site.area.name})
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
@require_POST
def site_remove(request: HttpRequest, pk: int, site_id: int) -> HttpResponse:
    scheme = _action(request, pk)
    try:
        domain.remove_site(request.user, scheme, site_id)
    except domain.SchemeError as e:
        raise Http404(e.message) from None
    messages.success(request, _("The scheme no longer runs at this site."))
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
@require_POST
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _action(request, pk)
    values = {k: (request.POST.get(k) or "").strip() for k in domain.REVIEW_FORM_FIELDS}
    try:
        domain.add_review(request.user, scheme, domain.review_from_form(values))
    except domain.SchemeError as e:
        return _refused(request, scheme, e, "review")
    messages.success(request, _("The review has been recorded."))
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_replicate(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _action(request, pk)
    user = request.user
    error = ""
    chosen: list[str] = []
    status = 200
    if request.method == "POST":
        chosen = [c.strip() for c in request.POST.getlist("areas") if c.strip()]
        chosen += [
            c.strip() for c in (request.POST.get("other") or "").replace(";", ",").split(",") if c.strip()
        ]
        try:
            result = domain.replicate(user, scheme, chosen)
        except domain.SchemeError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            error, status = e.message, 422
        else:
            messages.success(
                request,
                _("Replicated: %(sites)s new sites, %(copies)s new schemes in other communes.")
                % {"sites": len(result.sites), "copies": len(result.copies)},
            )
            return redirect("schemes:detail", pk=scheme.pk)
    taken = set(scheme.sites.filter(ended_on__isnull=True).values_list("area_id", flat=True))
    places = [a for a in _places(scheme) if a.pk not in taken]
    others: list[Area] = []
    if scheme.level == ManagingLevel.COMMUNE:
        choices = _managing_choices(user) or []
        others = [a for a in choices if a.level == Level.COMMUNE and a.pk != scheme.managing_area_id]
    context = {"scheme": scheme, "places": places, "others": others, "error": error, "chosen": chosen}
    return render(request, "schemes/replicate.html", context, status=status)


# --- import -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not add schemes."))
    choices = _managing_choices(user)
    code = (request.POST.get("area") or request.GET.get("area") or "").strip()
    if not code and choices and len(choices) == 1:
        code = choices[0].code
    report = None
    error = ""
    status = 200
    if request.method == "GET" and code:
        area = area_or_404(code)
        if not domain.can_manage(user, area=area):
            raise PermissionDenied(_("You may not add schemes in %(area)s.") % {"area": area.name})
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if not code:
                raise domain.SchemeError(
                    "Hãy chọn xã, phường hoặc tỉnh quản lý các mô hình trong tệp.", "area"
                )
            area = domain.get_area(code, "area")
            if not domain.can_manage(user, area=area):
                raise PermissionDenied(_("You may not add schemes in %(area)s.") % {"area": area.name})
            if upload is None:
                raise domain.SchemeError("Hãy chọn tệp CSV hoặc Excel (.xlsx).", "file")
            report = imports.import_schemes(user, area, imports.read(upload.read(), upload.name or ""))
        except (imports.ImportFileError, domain.SchemeError) as e:
            error = e.message if isinstance(e, domain.SchemeError) else str(e)
            status = 422
        else:
            if report.ok:
                messages.success(request, _("%(n)s schemes have been imported.") % {"n": report.created})
                return redirect(f"{_list_url()}?area={area.code}")
            status = 422
    context = {"choices": choices, "code": code, "report": report, "error": error, "columns": imports.COLUMNS}
    return render(request, "schemes/import.html", context, status=status)


def _list_url() -> str:
    from django.urls import reverse

    return reverse("schemes:list")


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not add schemes."))
    response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-mo-hinh.csv"'
    return response


# --- the type catalogue -----------------------------------------------------------------------------


def _require_types(request: HttpRequest) -> None:
    if not domain.can_manage_types(request.user):
        raise PermissionDenied(_("Only administrators may edit the scheme types."))


def _type_input(request: HttpRequest) -> tuple[dict[str, str], domain.TypeInput]:
    values = {k: (request.POST.get(k) or "").strip() for k in TYPE_FIELDS}
    values["active"] = "1" if request.POST.get("active") else ""
    order = values["order"]
    if order and not order.isdigit():
        raise domain.SchemeError("Thứ tự: nhập một số nguyên, ví dụ 100.", "order")
    data = domain.TypeInput(
        code=values["code"],
        name=values["name"],
        description=values["description"],
        active=bool(values["active"]),
        order=int(order) if order else 100,
    )
    return values, data


@login_required
@require_http_methods(["GET", "POST"])
def types(request: HttpRequest) -> HttpResponse:
    _require_types(request)
    values: dict[str, str] = {"active": "1", "order": "100"}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in TYPE_FIELDS}
        try:
            values, data = _type_input(request)
            created = domain.create_type(request.user, data)
        except domain.SchemeError as e:
            errors, status = _field_errors(e, TYPE_FIELDS), 422
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": created.name})
            return redirect("schemes:types")
    rows = list(domain.types(active_only=False))
    used = domain.type_usage()
    for t in rows:
        t.used = used.get(t.pk, 0)  # type: ignore[attr-defined]
    context = {"rows": rows, "values": values, "errors": errors}
    return render(request, "schemes/types.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require_types(request)
    scheme_type = SchemeType.objects.filter(code=code).first()
    if scheme_type is None:
        raise Http404(_("No such scheme type."))
    d = domain.type_data(scheme_type)
    values = {
        "code": d.code,
        "name": d.name,
        "description": d.description,
        "active": "1" if d.active else "",
        "order": str(d.order),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            values, data = _type_input(request)
            domain.update_type(request.user, scheme_type, data)
        except domain.SchemeError as e:
            errors, status = _field_errors(e, TYPE_FIELDS), 422
            scheme_type.refresh_from_db()
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": scheme_type.name})
            return redirect("schemes:types")
    context = {"scheme_type": scheme_type, "values": values, "errors": errors}
    return render(request, "schemes/type_edit.html", context, status=status)
