"""Award pages: the proposals with totals and filters, the form, the detail page with the approval flow
(submit, approve, reject, decide), the import (CSV/XLSX, all or nothing) and the Excel export. Rules live
in awards.domain."""

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
from binhyen.awards import domain, exports, imports
from binhyen.awards.models import AwardProposal
from binhyen.web import registry
from binhyen.web.uploads import attachment, import_page, xlsx_export

PAGE_SIZE = 50
FILTER_KEYS = ("area", "from", "to", "award_kind", "status", "year")


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view award proposals."))


def _proposal_or_404(request: HttpRequest, pk: int) -> AwardProposal:
    _require_view(request)
    try:
        return domain.get_proposal(request.user, pk)
    except domain.AwardError as e:
        raise Http404(e.message) from None


def _require_manage(request: HttpRequest, proposal: AwardProposal) -> None:
    if not domain.can_propose(request.user, proposal):
        raise PermissionDenied(
            _("You may not change the award proposals of %(area)s.") % {"area": proposal.commune.name}
        )


def _communes(user: Any) -> list[Area] | None:
    return registry.communes_in_scope(user, Perm.PROPOSE_AWARDS)


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    """The list's filters from the query string; bad values become messages, never a 500."""
    values = registry.filter_values(request, FILTER_KEYS)
    f = domain.Filters()
    errors = registry.area_and_period(
        request,
        values,
        f,
        can_view=domain.can_view,
        denied=_("You may not view the award proposals of %(area)s."),
        parse_date=domain.parse_date,
        error=domain.AwardError,
    )
    if values["award_kind"]:
        f.award_kind = domain.kind_code(values["award_kind"]) or ""
    if values["status"] in domain.STATUS_CODES:
        f.status = values["status"]
    if values["year"]:
        try:
            f.year = domain.parse_year(values["year"])
        except domain.AwardError as e:
            errors["year"] = e.message
    return values, errors, f


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values, errors, f = _filters(request)
    qs = domain.filter_proposals(domain.visible_proposals(user), f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = _communes(user)
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "proposals": page.object_list,
        "totals": domain.summarise(qs, f.area, f.start, f.end),
        "area": f.area,
        "area_choices": registry.area_choices(user),
        "award_kinds": list(domain.KIND_LABELS.items()),
        "statuses": list(domain.STATUS_LABELS.items()),
        "can_create": has_perm(user, Perm.PROPOSE_AWARDS),
        "import_commune": registry.import_commune(user, f.area, communes, domain.can_propose),
        "query": request.GET.urlencode(),
    }
    return render(request, "awards/list.html", context)


def _detail(
    request: HttpRequest, proposal: AwardProposal, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    domain.record_name_read(proposal)
    values = (
        {k: (request.POST.get(k) or "").strip() for k in DECISION_FIELDS} if request.method == "POST" else {}
    )
    return render(
        request,
        "awards/detail.html",
        {
            "proposal": proposal,
            "breadcrumb": proposal.commune.ancestors() + [proposal.commune],
            "actions": domain.actions(request.user, proposal),
            "errors": errors or {},
            "values": values,
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _proposal_or_404(request, pk))


DECISION_FIELDS = ("reason", "decision_number", "decision_date", "issuing_authority")


def _transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    user = request.user
    try:
        if action == "submit":
            domain.submit(user, proposal)
            done = _("The proposal has been submitted.")
        elif action == "approve":
            domain.approve(user, proposal)
            done = _("The proposal has been approved.")
        elif action == "reject":
            domain.reject(user, proposal, request.POST.get("reason", ""))
            done = _("The proposal has been rejected.")
        else:
            decision = domain.Decision(
                request.POST.get("decision_number", ""),
                domain.parse_date(request.POST.get("decision_date", ""), "decision_date"),
                request.POST.get("issuing_authority", ""),
            )
            domain.decide(user, proposal, decision)
            done = _("The award decision has been recorded.")
    except domain.AwardError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        proposal.refresh_from_db()
        return _detail(
            request, proposal, {e.field if e.field in DECISION_FIELDS else "all": e.message}, e.status
        )
    messages.success(request, done)
    return redirect("awards:detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "submit")


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "approve")


@login_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "reject")


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "decide")


def _form_context(
    request: HttpRequest, values: dict[str, Any], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    communes = _communes(request.user)
    return {
        "values": values,
        "errors": errors,
        "award_kinds": list(domain.KIND_LABELS.items()),
        "nominee_kinds": list(domain.NOMINEE_LABELS.items()),
        "communes": communes,
        "village_groups": registry.village_groups(communes, values.get("commune", "")),
        "today": timezone.localdate().isoformat(),
        **extra,
    }


def _posted(request: HttpRequest) -> dict[str, str]:
    return {k: (request.POST.get(k) or "").strip() for k in domain.FORM_FIELDS}


def _errors(e: domain.AwardError) -> dict[str, str]:
    return {e.field if e.field in domain.FORM_FIELDS else "all": e.message}


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.PROPOSE_AWARDS):
        raise PermissionDenied(_("You may not propose awards."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            proposal = domain.create_proposal(user, domain.from_form(values))
        except domain.AwardError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
        else:
            messages.success(request, _("The award proposal has been saved as a draft."))
            return redirect("awards:detail", pk=proposal.pk)
    else:
        data = domain.ProposalInput(proposed_on=timezone.localdate())
        denied = _("You may not propose awards in %(area)s.")
        data.commune = registry.initial_commune(request, lambda: _communes(user), domain.can_propose, denied)
        values = domain.form_values(data)
    return render(request, "awards/form.html", _form_context(request, values, errors), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    _require_manage(request, proposal)
    if proposal.status != "draft":
        messages.error(request, _("Only a draft can be edited."))
        return redirect("awards:detail", pk=proposal.pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            domain.update_proposal(request.user, proposal, domain.from_form(values))
        except domain.AwardError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors, status = _errors(e), 422
            proposal.refresh_from_db()
        else:
            messages.success(request, _("The award proposal has been saved."))
            return redirect("awards:detail", pk=proposal.pk)
    else:
        values = domain.form_values(domain.proposal_data(proposal))
    context = _form_context(request, values, errors, proposal=proposal)
    return render(request, "awards/form.html", context, status=status)


@login_required
@require_POST
def proposal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    _require_manage(request, proposal)
    try:
        domain.delete_proposal(request.user, proposal)
    except domain.AwardError as e:
        messages.error(request, e.message)
        return redirect("awards:detail", pk=proposal.pk)
    messages.success(request, _("The award proposal has been deleted."))
    return redirect("awards:list")


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    _values, _errors, f = _filters(request)
    qs = domain.filter_proposals(domain.visible_proposals(request.user), f)
    totals = domain.summarise(qs, f.area, f.start, f.end)
    return xlsx_export(
        lambda: exports.xlsx(qs, totals),
        object_type_label="awards.awardproposal",
        area=f.area,
        count=totals.total,
        prefix="khen-thuong",
        content_type=exports.CONTENT_TYPE_XLSX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_proposals(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = registry.commune_for_import(
        request,
        commune_code,
        can_manage=domain.can_propose,
        wrong_level=_("Records can only be imported into a commune, ward or special zone."),
        denied=_("You may not import award proposals into %(area)s."),
    )
    return import_page(
        request,
        "awards/import.html",
        commune,
        imports=imports,
        do_import=lambda table: imports.import_proposals(request.user, commune, table),
        total=lambda: AwardProposal.objects.filter(commune=commune).count(),
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return attachment(imports.template_csv(), "text/csv; charset=utf-8", "mau-nhap-khen-thuong.csv")
