"""Pages for organisations of the movement: the list with counts by type, the form, the detail page with
members (join / leave) and mediation cases, the types catalogue (administrators), import and export.
Rules live in organisations.domain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.organisations import domain, exports, imports
from binhyen.organisations.models import CaseType, Organisation, OrganisationType, Outcome, Role
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
ORG_FIELDS = ("type", "name", "commune", "villages", "founded_on", "dissolved_on", "note")
MEMBER_FIELDS = ("full_name", "birth_date", "birth_year", "gender", "phone", "village", "role", "joined_on",
                 "age_exception", "age_exception_note")  # fmt: skip
CASE_FIELDS = ("case_type", "received_on", "outcome", "parties_count", "note")
TYPE_FIELDS = ("code", "name", "description", "min_age", "max_age", "order")
TYPE_FLAGS = ("has_age_rule", "single_leader", "is_mediation", "active")


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    ok = (
        has_perm(request.user, Perm.VIEW_MOVEMENT)
        if area is None
        else has_perm(request.user, Perm.VIEW_MOVEMENT, area)
    )
    if not ok:
        raise PermissionDenied(_("You may not view organisations here."))


def _org_or_404(request: HttpRequest, pk: int) -> Organisation:
    _require_view(request)
    try:
        return domain.get_organisation(request.user, pk)
    except domain.OrganisationError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, org: Organisation) -> None:
    if not domain.can_manage(request.user, org.commune):
        raise PermissionDenied(
            _("You may not change the organisations of %(area)s.") % {"area": org.commune.name}
        )


def _errors(e: domain.OrganisationError, fields: tuple[str, ...]) -> dict[str, str]:
    if e.status == 403:
        raise PermissionDenied(e.message)
    return {e.field if e.field in fields else "all": e.message}


def _communes(user: Any) -> list[Area] | None:
    roots = scope(user, Perm.MANAGE_MOVEMENT)
    if roots is None:
        return None
    found: dict[int, Area] = {}
    for root in roots:
        if root.level == Level.COMMUNE:
            found[root.pk] = root
        elif root.level == Level.PROVINCE:
            found.update({a.pk: a for a in Area.objects.filter(parent=root, level=Level.COMMUNE)[:400]})
    return sorted(found.values(), key=lambda a: a.path)


# --- list, export -----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[dict[str, str], domain.Filters]:
    values = {k: (request.GET.get(k) or "").strip()[:100] for k in ("area", "type", "q", "dissolved")}
    f = domain.Filters(q=values["q"], include_dissolved=values["dissolved"] == "1")
    if values["area"]:
        f.area = area_or_404(values["area"])
        _require_view(request, f.area)
    else:
        _require_view(request)
    if values["type"]:
        try:
            f.type = domain.get_type(values["type"])
        except domain.OrganisationError as e:
            messages.error(request, e.message)
    return values, f


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    values, f = _filters(request)
    visible = domain.visible_organisations(request.user)
    qs = domain.filter_organisations(visible, f).prefetch_related("villages")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = domain.counts(f.area, visible)
    context = {
        "values": values,
        "page": page,
        "organisations": page.object_list,
        "counts": counts,
        "types": domain.types(),
        "outcomes": [(o, domain.OUTCOME_VI[o], counts.mediation.get(o, 0)) for o in Outcome.values],
        "can_create": has_perm(request.user, Perm.MANAGE_MOVEMENT),
        "can_types": has_perm(request.user, Perm.MANAGE_MOVEMENT_TYPES, None),
    }
    return render(request, "organisations/list.html", context)


@login_required
@require_GET
def organisation_export(request: HttpRequest) -> HttpResponse:
    _values, f = _filters(request)
    visible = domain.visible_organisations(request.user)
    content = exports.xlsx(domain.filter_organisations(visible, f), domain.counts(f.area, visible))
    response = HttpResponse(content, content_type=exports.CONTENT_TYPE_XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="to-chuc-{stamp}.xlsx"'
    return response


# --- create, edit, detail ---------------------------------------------------------------------------


def _org_input(values: dict[str, str], villages: list[str]) -> domain.OrganisationInput:
    return domain.OrganisationInput(
        type=values["type"], name=values["name"], commune=values["commune"], villages=villages,
        founded_on=domain.parse_date(values["founded_on"], "founded_on", "Ngày thành lập"),
        dissolved_on=domain.parse_date(values["dissolved_on"], "dissolved_on", "Ngày giải thể"),
        note=values["note"],
    )  # fmt: skip


def _form(request: HttpRequest, values: dict[str, str], villages: list[str], errors: dict[str, str],
          status: int = 200, org: Organisation | None = None) -> HttpResponse:  # fmt: skip
    communes = _communes(request.user)
    commune = Area.objects.filter(code=values.get("commune", ""), level=Level.COMMUNE).first()
    context = {
        "values": values,
        "selected_villages": set(villages),
        "errors": errors,
        "types": domain.types(),
        "communes": communes,
        "villages": list(Area.objects.filter(parent=commune, level=Level.VILLAGE)) if commune else [],
        "organisation": org,
    }
    return render(request, "organisations/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not manage organisations."))
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in ORG_FIELDS}
        villages = request.POST.getlist("villages")
        try:
            org = domain.create_organisation(request.user, _org_input(values, villages))
        except domain.OrganisationError as e:
            return _form(request, values, villages, _errors(e, ORG_FIELDS), 422)
        messages.success(request, _("The organisation has been added."))
        return redirect("organisations:detail", pk=org.pk)
    values = {k: "" for k in ORG_FIELDS}
    code = (request.GET.get("commune") or "").strip()
    if code:
        commune = area_or_404(code)
        if not domain.can_manage(request.user, commune):
            raise PermissionDenied(
                _("You may not manage organisations in %(area)s.") % {"area": commune.name}
            )
        values["commune"] = commune.code
    else:
        communes = _communes(request.user)
        if communes and len(communes) == 1:
            values["commune"] = communes[0].code
    values["type"] = (request.GET.get("type") or "").strip()
    return _form(request, values, [], {})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    _require_manage(request, org)
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in ORG_FIELDS}
        villages = request.POST.getlist("villages")
        try:
            domain.update_organisation(request.user, org, _org_input(values, villages))
        except domain.OrganisationError as e:
            org.refresh_from_db()
            return _form(request, values, villages, _errors(e, ORG_FIELDS), 422, org)
        messages.success(request, _("The organisation has been saved."))
        return redirect("organisations:detail", pk=org.pk)
    data = domain.organisation_data(org)
    values = {
        "type": data.type, "name": data.name, "commune": data.commune, "villages": "",
        "founded_on": data.founded_on.isoformat() if data.founded_on else "",
        "dissolved_on": data.dissolved_on.isoformat() if data.dissolved_on else "", "note": data.note,
    }  # fmt: skip
    return _form(request, values, data.villages, {}, org=org)


def _detail(request: HttpRequest, org: Organisation, status: int = 200, **extra: Any) -> HttpResponse:
    members = list(org.memberships.select_related("person__village"))
    context = {
        "organisation": org,
        "villages": list(org.villages.all()),
        "current": [m for m in members if m.left_on is None],
        "former": [m for m in members if m.left_on is not None],
        "role_names": domain.ROLE_VI,
        "roles": [(r, domain.ROLE_VI.get(r, r)) for r in org.type.role_list],
        "commune_villages": list(Area.objects.filter(parent=org.commune, level=Level.VILLAGE)),
        "cases": list(org.mediation_cases.all()[:200]) if org.type.is_mediation else [],
        "case_types": [(c, domain.CASE_TYPE_VI[c]) for c in CaseType.values],
        "outcomes": [(o, domain.OUTCOME_VI[o]) for o in Outcome.values],
        "can_manage": domain.can_manage(request.user, org.commune),
        "today": timezone.localdate().isoformat(),
        "member_values": {"role": Role.MEMBER},
        "member_errors": {},
        "case_values": {"parties_count": "2"},
        "case_errors": {},
        **extra,
    }
    return render(request, "organisations/detail.html", context, status=status)


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _org_or_404(request, pk))


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    _require_manage(request, org)
    values = {k: (request.POST.get(k) or "").strip() for k in MEMBER_FIELDS}
    try:
        with transaction.atomic():
            person = domain.find_or_create_person(
                request.user,
                domain.PersonInput(
                    full_name=values["full_name"],
                    birth_date=domain.parse_date(values["birth_date"], "birth_date", "Ngày sinh"),
                    birth_year=domain.parse_int(values["birth_year"], "birth_year", "Năm sinh"),
                    gender=values["gender"], phone=values["phone"], commune=org.commune.code,
                    village=values["village"],
                ),
            )  # fmt: skip
            domain.add_membership(
                request.user,
                org,
                person,
                domain.MembershipInput(
                    role=values["role"] or Role.MEMBER,
                    joined_on=domain.parse_date(values["joined_on"], "joined_on", "Ngày tham gia"),
                    age_exception=domain.yes(values["age_exception"]),
                    age_exception_note=values["age_exception_note"],
                ),
            )
    except domain.OrganisationError as e:
        return _detail(request, org, 422, member_values=values, member_errors=_errors(e, MEMBER_FIELDS))
    messages.success(request, _("%(name)s has joined.") % {"name": person.full_name})
    return redirect("organisations:detail", pk=org.pk)


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        m = domain.get_membership(request.user, pk)
    except domain.OrganisationError as e:
        raise Http404(e.message) from None
    _require_manage(request, m.organisation)
    try:
        left = domain.parse_date(request.POST.get("left_on", ""), "left_on", "Ngày rời")
        domain.end_membership(request.user, m, left)
    except domain.OrganisationError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
    else:
        messages.success(request, _("%(name)s has left.") % {"name": m.person.full_name})
    return redirect("organisations:detail", pk=m.organisation_id)


@login_required
@require_POST
def mediation_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    _require_manage(request, org)
    values = {k: (request.POST.get(k) or "").strip() for k in CASE_FIELDS}
    try:
        parties = domain.parse_int(values["parties_count"], "parties_count", "Số bên")
        domain.create_mediation_case(
            request.user,
            org,
            domain.MediationInput(
                case_type=values["case_type"],
                received_on=domain.parse_date(values["received_on"], "received_on", "Ngày hoà giải"),
                outcome=values["outcome"],
                parties_count=2 if parties is None else parties,
                note=values["note"],
            ),
        )
    except domain.OrganisationError as e:
        return _detail(request, org, 422, case_values=values, case_errors=_errors(e, CASE_FIELDS))
    messages.success(request, _("The mediation case has been recorded."))
    return redirect("organisations:detail", pk=org.pk)


@login_required
@require_POST
def person_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone number of a member, shown in place (htmx); every read is audited."""
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not read phone numbers."))
    try:
        person = domain.get_person(request.user, pk)
        number = domain.phone(request.user, person, "trang tổ chức")
    except domain.OrganisationError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        raise Http404(e.message) from None
    return render(request, "organisations/_phone.html", {"phone": number})


# --- types (administrators) -------------------------------------------------------------------------


def _require_types(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT_TYPES, None):
        raise PermissionDenied(_("Only administrators may edit the organisation types."))


def _type_input(request: HttpRequest) -> tuple[dict[str, str], domain.TypeInput]:
    values = {k: (request.POST.get(k) or "").strip() for k in TYPE_FIELDS}
    for flag in TYPE_FLAGS:
        values[flag] = "1" if request.POST.get(flag) else ""
    roles = request.POST.getlist("roles")
    values["roles"] = ",".join(roles)
    numbers = {}
    for key, default, label in (("min_age", 18, "Tuổi tối thiểu"), ("max_age", 70, "Tuổi tối đa"),
                                ("order", 100, "Thứ tự")):  # fmt: skip
        n = domain.parse_int(values[key], key, label)
        numbers[key] = default if n is None else n
    data = domain.TypeInput(
        code=values["code"], name=values["name"], description=values["description"], roles=roles,
        has_age_rule=bool(values["has_age_rule"]), single_leader=bool(values["single_leader"]),
        is_mediation=bool(values["is_mediation"]), active=bool(values["active"]),
        min_age=numbers["min_age"], max_age=numbers["max_age"], order=numbers["order"],
    )  # fmt: skip
    return values, data


def _type_values(t: OrganisationType | None) -> dict[str, str]:
    d = domain.type_data(t) if t else domain.TypeInput()
    return {
        "code": d.code, "name": d.name, "description": d.description, "min_age": str(d.min_age),
        "max_age": str(d.max_age), "order": str(d.order), "roles": ",".join(d.roles),
        **{f: "1" if getattr(d, f) else "" for f in TYPE_FLAGS},
    }  # fmt: skip


def _roles_choices() -> list[tuple[str, str]]:
    return [(r, domain.ROLE_VI[r]) for r in Role.values]


@login_required
@require_http_methods(["GET", "POST"])
def type_list(request: HttpRequest) -> HttpResponse:
    _require_types(request)
    values, errors, status = _type_values(None), {}, 200
    if request.method == "POST":
        try:
            values, data = _type_input(request)
            t = domain.create_type(request.user, data)
        except domain.OrganisationError as e:
            errors, status = _errors(e, (*TYPE_FIELDS, "roles")), 422
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": t.name})
            return redirect("organisations:types")
    rows = list(domain.types(active_only=False))
    context = {"rows": rows, "values": values, "errors": errors, "role_choices": _roles_choices()}
    return render(request, "organisations/types.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require_types(request)
    t = OrganisationType.objects.filter(code=code).first()
    if t is None:
        raise Http404(_("No such organisation type."))
    values, errors, status = _type_values(t), {}, 200
    if request.method == "POST":
        try:
            values, data = _type_input(request)
            domain.update_type(request.user, t, data)
        except domain.OrganisationError as e:
            errors, status = _errors(e, (*TYPE_FIELDS, "roles")), 422
            t.refresh_from_db()
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": t.name})
            return redirect("organisations:types")
    context = {"type": t, "values": values, "errors": errors, "role_choices": _roles_choices()}
    return render(request, "organisations/type_edit.html", context, status=status)


# --- import -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_import(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not manage organisations."))
    communes = _communes(request.user)
    code = (request.POST.get("commune") or request.GET.get("commune") or "").strip()
    if not code and communes and len(communes) == 1:
        code = communes[0].code
    context: dict[str, Any] = {"communes": communes, "commune": code, "columns": imports.COLUMNS}
    chosen = Area.objects.filter(code=code).first() if code else None
    if chosen is not None and not domain.can_manage(request.user, chosen):
        raise PermissionDenied(_("You may not manage organisations in %(area)s.") % {"area": chosen.name})
    if request.method == "POST":
        try:
            commune = domain.get_commune(code)
        except domain.OrganisationError as e:
            context["file_error"] = e.message
            return render(request, "organisations/import.html", context, status=422)
        if not domain.can_manage(request.user, commune):
            raise PermissionDenied(
                _("You may not manage organisations in %(area)s.") % {"area": commune.name}
            )
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a CSV or Excel file.")
            return render(request, "organisations/import.html", context, status=422)
        try:
            table = imports.read(upload.read(), upload.name or "")
        except imports.ImportFileError as e:
            context["file_error"] = str(e)
            return render(request, "organisations/import.html", context, status=422)
        report = imports.import_rows(request.user, commune, table)
        if report.ok:
            messages.success(
                request,
                _("Imported %(orgs)s organisations and %(members)s memberships.")
                % {"orgs": report.organisations, "members": report.members},
            )
            return redirect(f"{_list_url()}?area={commune.code}")
        context["report"] = report
        return render(request, "organisations/import.html", context, status=422)
    return render(request, "organisations/import.html", context)


def _list_url() -> str:
    from django.urls import reverse

    return reverse("organisations:list")


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise PermissionDenied(_("You may not manage organisations."))
    response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-to-chuc.csv"'
    return response
