"""Assessment pages: the list with filters, creating a unit's assessment, filling the self-assessment
(items by section, running total through htmx), the commune's review, the province's approval, the year's
results per area, and the rubrics. Rules live in assessment.domain."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.permissions import Perm, scope
from binhyen.areas.models import Area, Level
from binhyen.assessment import domain
from binhyen.assessment.models import (
    Assessment,
    AssessmentScore,
    ItemKind,
    Rubric,
    RubricItem,
    RubricKind,
    Status,
    UnitKind,
)
from binhyen.stats import periods
from binhyen.web.views import area_or_404

PAGE_SIZE = 50
FILTER_KEYS = ("area", "window", "kind", "status", "rubric", "rubric_kind", "result", "from", "to", "q")
MAX_COMMUNE_CHOICES = 400
MAX_VILLAGE_GROUPS = 30
YEARS_OFFERED = 6


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_view(request: HttpRequest) -> None:
    if not domain.can_view(request.user):
        raise PermissionDenied(_("You may not view assessments."))


def _assessment_or_404(request: HttpRequest, pk: int) -> Assessment:
    _require_view(request)
    try:
        return domain.get(request.user, pk)
    except domain.AssessmentError as e:
        raise Http404(e.message) from None


def _roots(user: Any) -> list[Area] | None:
    """Roots of the areas where the user takes part in assessments (None: everywhere), widest first."""
    found: dict[int, Area] = {}
    for perm in domain.VIEW_PERMS:
        roots = scope(user, perm)
        if roots is None:
            return None
        found.update((r.pk, r) for r in roots)
    kept = [r for r in found.values() if not any(o.pk != r.pk and o.contains(r) for o in found.values())]
    return sorted(kept, key=lambda a: (len(a.path), a.path))


def _area_choices(user: Any) -> list[tuple[str, str]]:
    roots = _roots(user)
    if not roots:
        return []
    choices: list[tuple[str, str]] = []
    for root in roots:
        choices.append((root.code, root.name))
        if root.level == Level.VILLAGE:
            continue
        children = Area.objects.filter(parent=root).order_by("path")
        if root.level == Level.PROVINCE:
            children = children.filter(level=Level.COMMUNE)
        choices += [(a.code, f"— {a.name}") for a in children[:MAX_COMMUNE_CHOICES]]
    return choices


def _error_code(e: domain.AssessmentError) -> tuple[str, str]:
    """("A1", "score") from an error's field "items.A1.score"; ("", field) for other fields."""
    if e.field.startswith("items."):
        parts = e.field.split(".")
        return ".".join(parts[1:-1]), parts[-1]
    return "", e.field


# --- list -------------------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], domain.Filters]:
    values = {k: (request.GET.get(k) or "").strip()[:100] for k in FILTER_KEYS}
    errors: dict[str, str] = {}
    f = domain.Filters(
        window=values["window"],
        unit_kind=values["kind"],
        status=values["status"],
        rubric=values["rubric"],
        rubric_kind=values["rubric_kind"],
        result=values["result"],
        q=values["q"],
    )
    if values["area"]:
        area = area_or_404(values["area"])
        if not domain.can_view(request.user, area):
            raise PermissionDenied(_("You may not view the assessments of %(area)s.") % {"area": area.name})
        f.area = area
    for key, attr in (("from", "start"), ("to", "end")):
        if values[key]:
            try:
                setattr(f, attr, _parse_date(values[key]))
            except ValueError:
                errors[key] = _("Enter a date as dd/mm/yyyy, e.g. 25/12/2025.")
    # Each bad filter is reported and dropped, the others still apply.
    for _attempt in range(8):
        try:
            domain.check_filters(f)
            break
        except domain.AssessmentError as e:
            name = {"kind": "unit_kind", "from": "end"}.get(e.field, e.field)
            errors[e.field] = e.message
            setattr(f, name, None if name == "end" else "")
    return values, errors, f


def _parse_date(text: str) -> Any:
    import datetime

    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _recent_windows() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind in (UnitKind.RESIDENTIAL, UnitKind.COMMUNE):
        out += domain.window_choices(kind)
    return sorted(set(out), key=lambda w: (w[0][:4], w[0][4:]), reverse=True)


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    values, errors, f = _filters(request)
    qs = domain.filter_assessments(domain.visible(user), f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Counts per status under the other filters, so that each choice shows what it would list.
    others = domain.filter_assessments(domain.visible(user), dataclasses.replace(f, status=""))
    by_status = dict(others.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    context = {
        "values": values,
        "errors": errors,
        "page": page,
        "assessments": page.object_list,
        "area": f.area,
        "area_choices": _area_choices(user),
        "unit_kinds": UnitKind.choices,
        "statuses": [(code, label, by_status.get(code, 0)) for code, label in Status.choices],
        "total": page.paginator.count,
        "rubrics": Rubric.objects.all(),
        "windows": _recent_windows(),
        "can_create": domain.can_self_assess(user),
    }
    return render(request, "assessment/list.html", context)


# --- create -----------------------------------------------------------------------------------------


def _self_places(user: Any) -> tuple[list[Area], list[tuple[Area, list[Area]]]] | None:
    """Communes, and (commune, villages) groups, where the user may self-assess; None: anywhere."""
    roots = scope(user, Perm.SELF_ASSESS)
    if roots is None:
        return None
    own: dict[int, Area] = {}
    village_only: dict[int, tuple[Area, list[Area]]] = {}
    for root in roots:
        if root.level == Level.COMMUNE:
            own[root.pk] = root
        elif root.level == Level.PROVINCE:
            own.update(
                (c.pk, c) for c in Area.objects.filter(parent=root, level=Level.COMMUNE)[:MAX_COMMUNE_CHOICES]
            )
        elif root.level == Level.VILLAGE and root.parent is not None:
            village_only.setdefault(root.parent.pk, (root.parent, []))[1].append(root)
    communes = sorted(own.values(), key=lambda a: a.path)
    groups = [(c, list(c.children.order_by("path"))) for c in communes[:MAX_VILLAGE_GROUPS]]
    groups += [(c, villages) for pk, (c, villages) in village_only.items() if pk not in own]
    return communes, groups


def _create_context(
    request: HttpRequest, values: Mapping[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    places = _self_places(request.user)
    return {
        "values": values,
        "errors": errors,
        "unit_kinds": UnitKind.choices,
        "rubrics": domain.active_rubrics(),
        "places": places,
        "residential_windows": domain.window_choices(UnitKind.RESIDENTIAL),
        "commune_windows": domain.window_choices(UnitKind.COMMUNE),
    }


CREATE_FIELDS = ("unit_kind", "rubric", "area", "window", "unit_name")


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not domain.can_self_assess(user):
        raise PermissionDenied(_("You may not start an assessment."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in CREATE_FIELDS}
        try:
            a = domain.create(user, domain.NewAssessment(**values))
        except domain.AssessmentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors = {e.field if e.field in CREATE_FIELDS else "all": e.message}
            status = 409 if e.status == 409 else 422
        else:
            messages.success(request, _("The assessment has been created: fill in the self-assessment."))
            return redirect("assessment:fill", pk=a.pk)
    else:
        values = {k: (request.GET.get(k) or "").strip()[:100] for k in CREATE_FIELDS}
        if values["area"]:
            area = area_or_404(values["area"])
            if not domain.can_self_assess(user, area):
                raise PermissionDenied(_("You may not assess units in %(area)s.") % {"area": area.name})
            if not values["unit_kind"]:
                values["unit_kind"] = (
                    UnitKind.RESIDENTIAL if area.level == Level.VILLAGE else UnitKind.COMMUNE
                )
        kind = values["unit_kind"]
        if kind in domain.UNIT_KIND_CODES:
            if not values["window"]:
                values["window"] = domain.window_choices(kind)[0][0]
            if not values["rubric"]:
                fitting = domain.active_rubrics(kind)
                if len(fitting) == 1:
                    values["rubric"] = fitting[0].code
    return render(request, "assessment/create.html", _create_context(request, values, errors), status=status)


# --- detail -----------------------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: RubricItem
    score: AssessmentScore | None
    value: dict[str, Any] = field(default_factory=dict)  # what the form shows (posted or stored)
    error: str = ""

    @property
    def is_points(self) -> bool:
        return self.item.kind == ItemKind.POINTS


@dataclass
class SectionRows:
    code: str
    title: str
    rows: list[ItemRow]
    max_points: Any = 0


def _sections(rows: list[ItemRow]) -> list[SectionRows]:
    out: dict[int, SectionRows] = {}
    for r in rows:
        s = out.setdefault(r.item.section_id, SectionRows(r.item.section.code, r.item.section.title, []))
        s.rows.append(r)
        s.max_points += r.item.max_points if r.is_points else 0
    return list(out.values())


def _breadcrumb(a: Assessment) -> list[Area]:
    return a.commune.ancestors() + [a.commune]


def _hint(a: Assessment) -> tuple[int, int, int] | None:
    """For a commune's safety assessment: its residential areas' results of the same year."""
    if a.unit_kind == UnitKind.COMMUNE and a.rubric_kind == RubricKind.SAFETY:
        return domain.village_share(a.commune, domain.window_year(a))
    return None


def _base_context(request: HttpRequest, a: Assessment) -> dict[str, Any]:
    own, reviewed = domain.outcomes(a)
    return {
        "a": a,
        "window": periods.parse(a.window),
        "breadcrumb": _breadcrumb(a),
        "actions": domain.actions(request.user, a),
        "own": own,
        "reviewed": reviewed,
        "hint": _hint(a),
        "is_movement": a.rubric_kind == RubricKind.MOVEMENT,
    }


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    rows = [ItemRow(r.item, r.score) for r in domain.rows(a)]
    context = {
        **_base_context(request, a),
        "sections": _sections(rows),
        "events": a.events.select_related("actor"),
    }
    return render(request, "assessment/detail.html", context)


# --- self-assessment --------------------------------------------------------------------------------


def _self_value(score: AssessmentScore | None) -> dict[str, Any]:
    if score is None:
        return {"score": "", "met": "", "evidence": "", "links": ""}
    return {
        "score": domain.fmt_points(score.self_score) if score.self_score is not None else "",
        "met": "" if score.self_met is None else ("yes" if score.self_met else "no"),
        "evidence": score.evidence,
        "links": score.links,
    }


def _posted_self(request: HttpRequest, item: RubricItem) -> dict[str, Any]:
    p = request.POST
    return {
        "score": (p.get(f"score_{item.pk}") or "").strip()[:20],
        "met": (p.get(f"met_{item.pk}") or "").strip()[:10],
        "evidence": p.get(f"evidence_{item.pk}", ""),
        "links": p.get(f"links_{item.pk}", ""),
    }


def _self_entry(item: RubricItem, value: Mapping[str, Any], with_text: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {"item": item.code}
    if item.kind == ItemKind.POINTS:
        entry["score"] = value["score"]
    else:
        entry["met"] = value["met"]
    if with_text:
        entry["evidence"], entry["links"] = value["evidence"], value["links"]
    return entry


def _preview(a: Assessment, items: list[RubricItem], marks: dict[int, domain.Mark], bad: list[str]) -> Any:
    return {
        "outcome": domain.evaluate(a.rubric, items, marks),
        "bad": bad,
        "is_movement": a.rubric_kind == "movement",
    }


def _preview_marks(
    items: list[RubricItem], values: Mapping[int, Mapping[str, Any]], prefix: str = ""
) -> tuple[dict[int, domain.Mark], list[str]]:
    """Marks from a form being filled (bad values count as not given, and are named)."""
    marks: dict[int, domain.Mark] = {}
    bad: list[str] = []
    for item in items:
        v = values.get(item.pk, {})
        score, met = None, None
        try:
            if item.kind == ItemKind.POINTS:
                score = domain.parse_score(v.get(f"{prefix}score"), item)
            else:
                met = domain.parse_met(v.get(f"{prefix}met"), item)
        except domain.AssessmentError:
            bad.append(item.code)
        marks[item.pk] = domain.Mark(score, met, True)
    return marks, bad


@login_required
@require_http_methods(["GET", "POST"])
def assessment_fill(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    if not domain.can_self_assess(request.user, a.area):
        raise PermissionDenied(
            _("You may not fill in the self-assessment of %(unit)s.") % {"unit": a.unit_name}
        )
    if not a.is_editable:
        messages.error(request, _("This assessment has been submitted and can no longer be changed."))
        return redirect("assessment:detail", pk=a.pk)
    base = domain.rows(a)
    items = [r.item for r in base]
    rows = [ItemRow(r.item, r.score, _self_value(r.score)) for r in base]
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        posted = {r.item.pk: _posted_self(request, r.item) for r in rows}
        if "preview" in request.POST:
            marks, bad = _preview_marks(items, posted)
            return render(request, "assessment/_totals.html", _preview(a, items, marks, bad))
        for r in rows:
            r.value = posted[r.item.pk]
        try:
            domain.save_self_scores(request.user, a, [_self_entry(r.item, r.value) for r in rows])
            for r in rows:
                if request.POST.get(f"remove_file_{r.item.pk}"):
                    domain.remove_evidence(request.user, a, r.item.code)
                upload = request.FILES.get(f"file_{r.item.pk}")
                if upload is not None:
                    domain.attach_evidence(
                        request.user,
                        a,
                        r.item.code,
                        domain.Upload(upload.name or "", upload, upload.size or 0),
                    )
            if request.POST.get("then") == "submit":
                domain.submit(request.user, a)
                messages.success(request, _("The self-assessment has been sent to the commune for review."))
                return redirect("assessment:detail", pk=a.pk)
        except domain.AssessmentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            code, _name = _error_code(e)
            found = next((r for r in rows if r.item.code == code), None)
            if found is not None:
                found.error = e.message
            errors["all"] = e.message
            status = 409 if e.status == 409 else 422
            a.refresh_from_db()
            fresh = {r.item.pk: r.score for r in domain.rows(a)}
            for r in rows:
                r.score = fresh.get(r.item.pk)
        else:
            messages.success(request, _("The self-assessment has been saved."))
            return redirect("assessment:fill", pk=a.pk)
    marks, bad = _preview_marks(items, {r.item.pk: r.value for r in rows})
    context = {
        **_base_context(request, a),
        "sections": _sections(rows),
        "errors": errors,
        "totals": _preview(a, items, marks, bad),
    }
    return render(request, "assessment/fill.html", context, status=status)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    try:
        domain.submit(request.user, a)
    except domain.AssessmentError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
        return redirect("assessment:fill" if a.is_editable else "assessment:detail", pk=a.pk)
    messages.success(request, _("The self-assessment has been sent to the commune for review."))
    return redirect("assessment:detail", pk=a.pk)


@login_required
@require_POST
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    try:
        domain.delete(request.user, a)
    except domain.AssessmentError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
        return redirect("assessment:detail", pk=a.pk)
    messages.success(request, _("The draft assessment has been deleted."))
    return redirect("assessment:list")


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    _require_view(request)
    try:
        score = domain.evidence(request.user, pk)
    except domain.AssessmentError as e:
        raise Http404(e.message) from None
    content_type = score.evidence_type or "application/octet-stream"
    stored = score.evidence_file.name or ""
    ext = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    response = FileResponse(score.evidence_file.open("rb"), content_type=content_type)
    disposition = (
        "inline" if content_type.startswith("image/") or content_type == "application/pdf" else "attachment"
    )
    name = f"bang-chung-{score.assessment_id}-{score.item.code}.{ext}"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if content_type.startswith("image/"):
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- the commune's review ---------------------------------------------------------------------------


def _review_value(score: AssessmentScore | None, item: RubricItem) -> dict[str, Any]:
    """The reviewer's form starts from the unit's own marks."""
    if score is None:
        return {"rscore": "", "rmet": "", "rnote": ""}
    points = score.review_score if score.review_score is not None else score.self_score
    met = score.review_met if score.review_met is not None else score.self_met
    return {
        "rscore": domain.fmt_points(points) if points is not None else "",
        "rmet": "" if met is None else ("yes" if met else "no"),
        "rnote": score.review_note,
    }


def _posted_review(request: HttpRequest, item: RubricItem) -> dict[str, Any]:
    p = request.POST
    return {
        "rscore": (p.get(f"rscore_{item.pk}") or "").strip()[:20],
        "rmet": (p.get(f"rmet_{item.pk}") or "").strip()[:10],
        "rnote": p.get(f"rnote_{item.pk}", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    if not domain.can_review(request.user, a):
        raise PermissionDenied(
            _("Only the leaders of %(commune)s review this assessment.") % {"commune": a.commune.name}
        )
    if a.status != Status.SUBMITTED:
        messages.error(request, _("This assessment is not waiting for the commune's review."))
        return redirect("assessment:detail", pk=a.pk)
    base = domain.rows(a)
    items = [r.item for r in base]
    rows = [ItemRow(r.item, r.score, _review_value(r.score, r.item)) for r in base]
    errors: dict[str, str] = {}
    values = {"comment": a.review_comment}
    status = 200
    if request.method == "POST":
        posted = {r.item.pk: _posted_review(request, r.item) for r in rows}
        if "preview" in request.POST:
            marks, bad = _preview_marks(items, posted, prefix="r")
            return render(request, "assessment/_totals.html", _preview(a, items, marks, bad))
        values["comment"] = request.POST.get("comment", "")
        entries = []
        for r in rows:
            r.value = posted[r.item.pk]
            # A mark left empty keeps the unit's own.
            entry: dict[str, Any] = {"item": r.item.code, "note": r.value["rnote"]}
            if r.is_points and r.value["rscore"]:
                entry["score"] = r.value["rscore"]
            elif not r.is_points and r.value["rmet"]:
                entry["met"] = r.value["rmet"]
            entries.append(entry)
        try:
            domain.review(request.user, a, entries, values["comment"])
        except domain.AssessmentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            code, _name = _error_code(e)
            for r in rows:
                if r.item.code == code:
                    r.error = e.message
            errors["all"] = e.message
            status = 409 if e.status == 409 else 422
        else:
            messages.success(request, _("The review has been recorded and sent to the province."))
            return redirect("assessment:detail", pk=a.pk)
    marks, bad = _preview_marks(items, {r.item.pk: r.value for r in rows}, prefix="r")
    context = {
        **_base_context(request, a),
        "sections": _sections(rows),
        "errors": errors,
        "values": values,
        "totals": _preview(a, items, marks, bad),
    }
    return render(request, "assessment/review.html", context, status=status)


@login_required
@require_POST
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    try:
        domain.send_back(request.user, a, request.POST.get("reason", ""))
    except domain.AssessmentError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        messages.error(request, e.message)
        target = {Status.SUBMITTED: "assessment:review", Status.REVIEWED: "assessment:approve"}
        return redirect(target.get(a.status, "assessment:detail"), pk=a.pk)  # type: ignore[call-overload]
    messages.success(request, _("The assessment has been returned with your reason."))
    return redirect("assessment:detail", pk=a.pk)


# --- the province's approval ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_or_404(request, pk)
    if not domain.can_approve(request.user, a):
        raise PermissionDenied(_("Only the province approves assessment results."))
    if a.status != Status.REVIEWED:
        messages.error(request, _("This assessment is not waiting for the province's approval."))
        return redirect("assessment:detail", pk=a.pk)
    errors: dict[str, str] = {}
    values = {"note": "", "reason": "", "decision": "approve"}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("note", "reason", "decision")}
        try:
            if values["decision"] == "reject":
                domain.reject(request.user, a, values["reason"])
                messages.success(request, _("The assessment has not been recognised."))
            elif values["decision"] == "approve":
                domain.approve(request.user, a, values["note"])
                messages.success(request, _("The assessment result has been approved."))
            else:
                raise domain.AssessmentError(_("Choose to approve or not to recognise."), "decision")
        except domain.AssessmentError as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            errors = {e.field if e.field in ("note", "reason", "decision") else "all": e.message}
            status = 409 if e.status == 409 else 422
        else:
            return redirect("assessment:detail", pk=a.pk)
    rows = [ItemRow(r.item, r.score) for r in domain.rows(a)]
    context = {**_base_context(request, a), "sections": _sections(rows), "errors": errors, "values": values}
    return render(request, "assessment/approve.html", context, status=status)


# --- results ----------------------------------------------------------------------------------------


@login_required
@require_GET
def assessment_results(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    code = (request.GET.get("area") or "").strip()[:30]
    errors: dict[str, str] = {}
    if code:
        area: Area | None = area_or_404(code)
        if not domain.can_view(user, area):
            raise PermissionDenied(_("You may not view the assessments of %(area)s.") % {"area": area.name})  # type: ignore[union-attr]
    else:
        roots = _roots(user)
        area = roots[0] if roots else None
    latest = domain.last_ended_year()
    years = list(range(latest + 1, latest - YEARS_OFFERED, -1))
    year = latest
    text = (request.GET.get("year") or "").strip()
    if text:
        if text.isdigit() and int(text) in years:
            year = int(text)
        else:
            errors["year"] = _("Choose a year from the list.")
    result = domain.results(area, year)
    context = {
        "area": area,
        "year": year,
        "years": years,
        "errors": errors,
        "result": result,
        "sentences": [(k, domain.result_sentence(k)) for k in result.kinds],
        "area_choices": _area_choices(user),
        "breadcrumb": (area.ancestors() if area else []),
        "movement_total": sum(g.count for g in result.grades),
    }
    return render(request, "assessment/results.html", context)


# --- rubrics ----------------------------------------------------------------------------------------


@login_required
@require_GET
def rubric_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    rubrics = [(r, domain.rubric_problems(r)) for r in Rubric.objects.all()]
    context = {"rubrics": rubrics, "can_manage": domain.can_manage_rubrics(request.user)}
    return render(request, "assessment/rubrics.html", context)


@login_required
@require_GET
def rubric_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_view(request)
    try:
        rubric = domain.get_rubric(code)
    except domain.AssessmentError as e:
        raise Http404(e.message) from None
    items = domain.rubric_items(rubric)
    rows = [ItemRow(i, None) for i in items]
    context = {
        "rubric": rubric,
        "sections": _sections(rows),
        "grades": domain.grades(rubric),
        "problems": domain.rubric_problems(rubric, items),
        "can_manage": domain.can_manage_rubrics(request.user),
    }
    return render(request, "assessment/rubric.html", context)
