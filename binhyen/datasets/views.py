"""Data set pages (included at /bieu-mau/): the list with the user's forms and those awaiting approval,
the entry form of one area and period (save, submit, approve, return) and completeness / timeliness.
Rules live in datasets.domain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, has_perm, home_area, scope
from binhyen.areas.models import Area, Level
from binhyen.datasets import domain
from binhyen.datasets.models import DataSet, Status, Submission
from binhyen.stats import periods
from binhyen.stats.periods import Period
from binhyen.web.views import area_or_404

RECENT = 6
TREND = 12
STATUS_TAGS: dict[str, str] = {
    Status.DRAFT: "",
    Status.SUBMITTED: "",
    Status.APPROVED: "tag-ok",
    Status.RETURNED: "tag-bad",
}


def _raise(e: domain.DataSetError) -> None:
    if e.status == 403:
        raise PermissionDenied(e.message)
    if e.status == 404:
        raise Http404(e.message)


def _dataset_or_404(code: str) -> DataSet:
    try:
        return domain.get_dataset(code)
    except domain.DataSetError as e:
        raise Http404(e.message) from None


def _target(request: HttpRequest, code: str, area_code: str, period_id: str) -> tuple[DataSet, Area, Period]:
    dataset = _dataset_or_404(code)
    area = area_or_404(area_code)
    if not domain.can_view(request.user, area):
        raise PermissionDenied(_("You may not view the forms of %(area)s.") % {"area": area.name})
    try:
        domain.check_level(dataset, area)
        period = domain.get_period(dataset, period_id)
    except domain.DataSetError as e:
        raise Http404(e.message) from None
    return dataset, area, period


def _display(text: str) -> str:
    """A stored value in the input box the way the reader writes decimals (12,5 in Vietnamese)."""
    lang = (get_language() or "vi").lower()
    return text.replace(".", ",") if lang.startswith("vi") else text


# --- index --------------------------------------------------------------------------------------------


def _chosen_area(request: HttpRequest) -> Area | None:
    code = (request.GET.get("area") or "").strip()
    if code:
        area = area_or_404(code)
        if not domain.can_view(request.user, area):
            raise PermissionDenied(_("You may not view the forms of %(area)s.") % {"area": area.name})
        return area
    communes = domain.enterable_areas(request.user, Level.COMMUNE)
    if communes and len(communes) == 1:
        return communes[0]
    return home_area(request.user)


def _area_choices(user: Any) -> list[Area]:
    found: dict[int, Area] = {}
    for perm in (Perm.ENTER_DATA, Perm.VIEW_STATS):
        roots = scope(user, perm)
        for root in roots or []:
            if root.level <= Level.COMMUNE:
                found[root.pk] = root
            if root.level == Level.PROVINCE:
                for a in Area.objects.filter(parent=root, level=Level.COMMUNE)[:400]:
                    found[a.pk] = a
    return sorted(found.values(), key=lambda a: a.path)


def _period_rows(user: Any, dataset: DataSet, area: Area) -> list[dict[str, Any]]:
    recent = domain.recent_periods(dataset, RECENT)
    subs = {
        s.period: s
        for s in Submission.objects.filter(dataset=dataset, area=area, period__in=[p.id for p in recent])
    }
    rows = []
    for p in recent:
        sub = subs.get(p.id)
        status = sub.status if sub else ""
        rows.append(
            {
                "period": p,
                "due": domain.due_date(dataset, p),
                "submission": sub,
                "status": status,
                "status_label": Status(status).label if status else _("Not started"),
                "tag": STATUS_TAGS.get(status, "") if status else "",
            }
        )
    return rows


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not domain.can_view(user):
        raise PermissionDenied(_("You may not view data sets."))
    area = _chosen_area(request)
    sections = []
    for dataset in domain.datasets(active_only=True):
        entry = None
        if area is not None and area.level == dataset.level:
            entry = {
                "rows": _period_rows(user, dataset, area),
                "can_enter": domain.can_enter(user, area),
            }
        # Progress is looked at from above: the province for a commune's forms, the nation for a province's.
        progress_area = area if area is None or area.level < dataset.level else area.parent
        sections.append(
            {
                "dataset": dataset,
                "kind": domain.kind_name(dataset),
                "level": domain.LEVEL_NAMES[dataset.level],
                "elements": domain.elements_of(dataset),
                "rules": domain.rules_of(dataset),
                "entry": entry,
                "progress_area": progress_area,
                "can_progress": has_perm(user, Perm.VIEW_STATS, progress_area),
            }
        )
    context = {
        "area": area,
        "area_choices": _area_choices(user),
        "sections": sections,
        "awaiting": [
            {"submission": s, "period": periods.parse(s.period)}
            for s in (domain.awaiting_approval(user, limit=50) if domain.can_approve(user) else [])
        ],
        "can_approve": domain.can_approve(user),
    }
    return render(request, "datasets/index.html", context)


# --- the form -----------------------------------------------------------------------------------------


def _form_context(request: HttpRequest, form: domain.Form, **extra: Any) -> dict[str, Any]:
    user = request.user
    rows = []
    for e in form.elements:
        text = form.draft.get(e.code)
        if text is None:
            text = _display(form.text(e.code))
        error = form.errors.get(e.code)
        if error:  # shown next to the element: its name need not be repeated
            error = error.removeprefix(f"«{e.name}»: ")
        rows.append({"element": e, "text": text, "error": error})
    sub = form.submission
    return {
        "form": form,
        "rows": rows,
        "dataset": form.dataset,
        "area": form.area,
        "period": form.period,
        "kind": domain.kind_name(form.dataset),
        "can_edit": form.editable and domain.can_enter(user, form.area),
        "can_approve": sub is not None and domain.can_approve(user, form.area),
        "events": list(sub.events.select_related("by")) if sub else [],
        "tag": STATUS_TAGS.get(Status(form.status), ""),
        "breadcrumb": form.area.ancestors() + [form.area],
        "reason": "",
        "reason_error": "",
        **extra,
    }


def _typed(request: HttpRequest, form: domain.Form) -> dict[str, str]:
    return {e.code: (request.POST.get(f"v-{e.code}") or "")[:100] for e in form.elements}


@login_required
@require_http_methods(["GET", "POST"])
def form_view(request: HttpRequest, code: str, area: str, period: str) -> HttpResponse:
    dataset, unit, p = _target(request, code, area, period)
    user = request.user
    form = domain.open_form(user, dataset, unit, p)
    if request.method == "GET":
        return render(request, "datasets/form.html", _form_context(request, form))
    if not domain.can_enter(user, unit):
        raise PermissionDenied(_("You may not enter data for %(area)s.") % {"area": unit.name})
    typed = _typed(request, form)
    action = request.POST.get("action", "save")
    try:
        if action == "submit":
            form = domain.submit_form(user, dataset, unit, p, typed)
            messages.success(request, _("The form has been submitted for approval."))
            return redirect("datasets:form", code=dataset.code, area=unit.code, period=p.id)
        form = domain.save_form(user, dataset, unit, p, typed)
    except domain.FormRefused as e:
        context = _form_context(request, e.form, refused=e.message)
        return render(request, "datasets/form.html", context, status=422)
    except domain.DataSetError as e:
        _raise(e)
        context = _form_context(request, form, refused=e.message)
        return render(request, "datasets/form.html", context, status=e.status)
    if form.errors or form.rule_errors:
        context = _form_context(
            request, form, refused=_("Saved as a draft, but some figures need correcting.")
        )
        return render(request, "datasets/form.html", context, status=422)
    messages.success(request, _("The figures have been saved as a draft."))
    return redirect("datasets:form", code=dataset.code, area=unit.code, period=p.id)


def _submission_or_404(request: HttpRequest, code: str, area: str, period: str) -> Submission:
    dataset, unit, p = _target(request, code, area, period)
    try:
        return domain.get_submission(request.user, dataset, unit, p)
    except domain.DataSetError as e:
        _raise(e)
        raise Http404(e.message) from None


@login_required
@require_POST
def approve_view(request: HttpRequest, code: str, area: str, period: str) -> HttpResponse:
    sub = _submission_or_404(request, code, area, period)
    try:
        domain.approve(request.user, sub)
    except domain.DataSetError as e:
        _raise(e)
        messages.error(request, e.message)
    else:
        messages.success(request, _("The form has been approved: its figures now count in the statistics."))
    return redirect("datasets:form", code=code, area=area, period=period)


@login_required
@require_POST
def return_view(request: HttpRequest, code: str, area: str, period: str) -> HttpResponse:
    sub = _submission_or_404(request, code, area, period)
    reason = (request.POST.get("reason") or "").strip()
    try:
        domain.return_submission(request.user, sub, reason)
    except domain.DataSetError as e:
        _raise(e)
        form = domain.open_form(
            request.user, sub.dataset, sub.area, domain.get_period(sub.dataset, sub.period)
        )
        context = _form_context(request, form, reason=reason, reason_error=e.message)
        return render(request, "datasets/form.html", context, status=e.status)
    messages.success(request, _("The form has been returned to the unit with your reason."))
    return redirect("datasets:form", code=code, area=area, period=period)


# --- completeness -------------------------------------------------------------------------------------


@login_required
@require_GET
def completeness_view(request: HttpRequest, code: str) -> HttpResponse:
    dataset = _dataset_or_404(code)
    user = request.user
    area_code = (request.GET.get("area") or "").strip()
    area: Area | None
    if area_code:
        area = area_or_404(area_code)
    else:
        area = home_area(user)
        if area is not None and area.level >= dataset.level and area.parent is not None:
            area = area.parent
    if not has_perm(user, Perm.VIEW_STATS, area):
        raise PermissionDenied(_("You may not view the reporting progress of this area."))
    recent = domain.recent_periods(dataset, TREND + 1)[1:]  # periods that have ended
    error = ""
    period = recent[0]
    chosen = (request.GET.get("period") or "").strip()
    if chosen:
        try:
            period = domain.get_period(dataset, chosen)
        except domain.DataSetError as e:
            error = e.message
    result = domain.completeness(dataset, area, period)
    trend = domain.completeness_trend(dataset, area, recent[0], TREND)
    chart = {
        "labels": [p.period.id for p in trend],
        "completeness": [round(p.completeness or 0, 1) for p in trend],
        "timeliness": [round(p.timeliness or 0, 1) for p in trend],
        "completeness_label": _("Submitted (%)"),
        "timeliness_label": _("On time (%)"),
    }
    rows = []
    # What needs the province's action first: forms awaiting approval, returned, drafts, approved, missing.
    rank: dict[str, int] = {Status.SUBMITTED: 0, Status.RETURNED: 1, Status.DRAFT: 2, Status.APPROVED: 3}
    ordered = sorted(result.rows, key=lambda r: rank.get(r.submission.status, 4) if r.submission else 4)
    for r in ordered if result.single_units else result.rows:
        sub = r.submission
        status = sub.status if sub else ""
        rows.append(
            {
                "row": r,
                "status": status,
                "status_label": Status(status).label if status else _("Not started"),
                "tag": STATUS_TAGS.get(status, "") if status else "tag-bad",
                "on_time": domain._on_time(sub, result.due_date)
                if sub and sub.status in domain.COMPLETE
                else None,
                "link": bool(sub) or domain.can_view(user, r.area),
            }
        )
    return render(
        request,
        "datasets/completeness.html",
        {
            "dataset": dataset,
            "area": area,
            "period": period,
            "result": result,
            "rows": rows,
            "recent": recent,
            "trend": trend,
            "chart": chart,
            "error": error,
            "breadcrumb": area.ancestors() if area else [],
            "can_view_nation": has_perm(user, Perm.VIEW_STATS, None),
        },
    )
