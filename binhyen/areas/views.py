"""Area pages: browse and search units, a unit's detail, villages managed by their commune (htmx)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from binhyen.accounts.models import User
from binhyen.accounts.permissions import Perm, has_perm
from binhyen.areas import domain
from binhyen.areas.models import VILLAGE_TYPES, Area, AreaType, ImportJob, Level
from binhyen.areas.tasks import import_villages_job
from binhyen.web.views import area_or_404

SEARCH_LIMIT = 50
COLUMN_NAMES = {"ten": "Tên", "name": "Tên", "loai": "Loại", "type": "Loại", "dan so": "Dân số",
                "population": "Dân số"}
IMPORT_EXTENSIONS = {".csv", ".xlsx"}
TEMPLATE_CSV = "Tên,Loại,Dân số\r\nThôn Phú Thạnh,thôn,1250\r\nTổ dân phố 3,tổ dân phố,860\r\n"


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _village_types() -> list[tuple[str, str]]:
    return [(t.value, str(t.label)) for t in AreaType if t in VILLAGE_TYPES]


def _parse_population(text: str) -> int | None:
    cleaned = text.replace(".", "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise domain.AreaError(_("Population: enter a whole number, for example 1250."), "population")
    return int(cleaned)


def _village_input(request: HttpRequest) -> tuple[dict[str, str], domain.VillageInput]:
    values = {k: (request.POST.get(k) or "").strip() for k in ("name", "type", "population")}
    population = _parse_population(values["population"])
    return values, domain.VillageInput(values["name"], values["type"], population)


def _field_errors(error: domain.AreaError) -> dict[str, str]:
    field = error.field if error.field in {"name", "type", "population"} else "all"
    return {field: error.message}


def _commune_of(village: Area) -> Area:
    if village.level != Level.VILLAGE or village.parent is None:
        raise Http404(_("This is not a village or residential group."))
    return village.parent


def _require_manage(request: HttpRequest, commune: Area) -> None:
    if not has_perm(request.user, Perm.MANAGE_VILLAGES, commune):
        raise PermissionDenied(_("You may not manage the villages of %(area)s.") % {"area": commune.name})


def _jobs(qs: Any) -> list[dict[str, Any]]:
    """Import jobs without their file content (values(): also skips the audit snapshot of every field)."""
    rows = list(qs.values("pk", "commune_id", "filename", "status", "created", "errors", "submitted_at",
                          "finished_at", "submitted_by__username"))
    for row in rows:
        row["status_label"] = ImportJob.Status(row["status"]).label
        # Name the column as the file's header does (the domain reports folded keys or field names).
        row["errors"] = [{**e, "column": COLUMN_NAMES.get(str(e.get("field", "")), e.get("field", ""))}
                         for e in row["errors"] or []]
    return rows


# --- browsing ---------------------------------------------------------------------------------------


@login_required
@require_GET
def area_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    results: list[Area] = []
    if q:
        results = list(domain.search(q).select_related("parent")[: SEARCH_LIMIT + 1])
    context = {
        "q": q,
        "results": results[:SEARCH_LIMIT],
        "more": len(results) > SEARCH_LIMIT,
        "provinces": [] if q else domain.children(None),
        "counts": domain.counts(None),
    }
    if _htmx(request):
        return render(request, "areas/_results.html", context)
    return render(request, "areas/list.html", context)


def _detail_context(request: HttpRequest, area: Area, **extra: Any) -> dict[str, Any]:
    user = request.user
    details = has_perm(user, Perm.VIEW_AREA_DETAILS, area)
    context: dict[str, Any] = {
        "area": area,
        "breadcrumb": area.ancestors(),
        "predecessors": list(area.predecessors.all()),
        "show_population": details,
        "counts": domain.counts(area) if area.level != Level.VILLAGE else None,
        "can_dashboard": has_perm(user, Perm.VIEW_DASHBOARD, area) and area.level != Level.VILLAGE,
    }
    if area.level == Level.COMMUNE:
        context.update(_villages_context(request, area))
        can_manage = context["can_manage"]
        context["jobs"] = _jobs(area.import_jobs.all()[:5]) if details or can_manage else []
        context["max_mb"] = settings.AREA_IMPORT_MAX_BYTES // (1024 * 1024)
    elif area.level == Level.PROVINCE:
        context["children"] = domain.children(area)
    context.update(extra)
    return context


def _villages_context(request: HttpRequest, commune: Area, **extra: Any) -> dict[str, Any]:
    context = {
        "commune": commune,
        "villages": list(commune.children.all()),
        "can_manage": has_perm(request.user, Perm.MANAGE_VILLAGES, commune),
        "show_population": has_perm(request.user, Perm.VIEW_AREA_DETAILS, commune),
        "village_types": _village_types(),
        "values": {},
        "errors": {},
    }
    context.update(extra)
    return context


@login_required
@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code)
    return render(request, "areas/detail.html", _detail_context(request, area))


def _villages_response(request: HttpRequest, commune: Area, status: int = 200, **extra: Any) -> HttpResponse:
    """The villages section for htmx, or the whole commune page otherwise."""
    if _htmx(request):
        context = _villages_context(request, commune, **extra)
        # The key figures above the list change too: swapped out of band.
        context.update(area=commune, counts=domain.counts(commune), oob=True)
        return render(request, "areas/_villages.html", context, status=status)
    return render(request, "areas/detail.html", _detail_context(request, commune, **extra), status=status)


# --- villages (htmx, with plain-form fallbacks) ------------------------------------------------------


@login_required
@require_POST
def village_create(request: HttpRequest, code: str) -> HttpResponse:
    commune = area_or_404(code)
    _require_manage(request, commune)
    values = {k: (request.POST.get(k) or "").strip() for k in ("name", "type", "population")}
    try:
        values, data = _village_input(request)
        village = domain.create_village(commune, data)
    except domain.AreaError as e:
        return _villages_response(request, commune, 422, values=values, errors=_field_errors(e))
    notice = _("%(name)s has been added.") % {"name": village.name}
    if not _htmx(request):
        messages.success(request, notice)
        return redirect("areas:detail", code=commune.code)
    return _villages_response(request, commune, notice=notice, values={"type": data.type})


@login_required
@require_GET
def village_row(request: HttpRequest, code: str) -> HttpResponse:
    village = area_or_404(code)
    commune = _commune_of(village)
    return render(request, "areas/_village_row.html", {
        "v": village, "commune": commune,
        "can_manage": has_perm(request.user, Perm.MANAGE_VILLAGES, commune),
        "show_population": has_perm(request.user, Perm.VIEW_AREA_DETAILS, commune),
    })


@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, code: str) -> HttpResponse:
    village = area_or_404(code)
    commune = _commune_of(village)
    _require_manage(request, commune)
    values = {"name": village.name, "type": village.type,
              "population": "" if village.population is None else str(village.population)}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in ("name", "type", "population")}
        try:
            data = _village_input(request)[1]
            village = domain.update_village(village, data)
        except domain.AreaError as e:
            errors, status = _field_errors(e), 422
            village.refresh_from_db()
        else:
            if not _htmx(request):
                messages.success(request, _("%(name)s has been saved.") % {"name": village.name})
                return redirect("areas:detail", code=commune.code)
            return render(request, "areas/_village_row.html", {
                "v": village, "commune": commune, "can_manage": True, "show_population": True, "saved": True,
            })
    context = {"v": village, "commune": commune, "values": values, "errors": errors,
               "village_types": _village_types(), "breadcrumb": village.ancestors()}
    template = "areas/_village_edit_row.html" if _htmx(request) else "areas/village_edit.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def village_delete(request: HttpRequest, code: str) -> HttpResponse:
    village = area_or_404(code)
    commune = _commune_of(village)
    _require_manage(request, commune)
    name = village.name
    try:
        domain.delete_village(village)
    except domain.AreaError as e:
        return _villages_response(request, commune, 422, errors={"all": e.message})
    notice = _("%(name)s has been deleted.") % {"name": name}
    if not _htmx(request):
        messages.success(request, notice)
        return redirect("areas:detail", code=commune.code)
    return _villages_response(request, commune, notice=notice)


# --- import through the task worker ----------------------------------------------------------------


@login_required
@require_POST
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    commune = area_or_404(code)
    _require_manage(request, commune)
    upload = request.FILES.get("file")
    error = ""
    if commune.level != Level.COMMUNE:
        error = _("File: villages can only be imported into a commune, ward or special zone.")
    elif upload is None:
        error = _("File: choose a CSV or Excel (.xlsx) file.")
    elif PurePath(upload.name or "").suffix.lower() not in IMPORT_EXTENSIONS:
        error = _("File: only .csv and .xlsx files can be imported.")
    elif upload.size is not None and upload.size > settings.AREA_IMPORT_MAX_BYTES:
        limit = settings.AREA_IMPORT_MAX_BYTES // 2**20
        error = _("File: the file is larger than %(mb)s MB.") % {"mb": limit}
    if error:
        return render(request, "areas/detail.html", _detail_context(request, commune, import_error=error),
                      status=422)
    assert upload is not None
    with transaction.atomic():
        user = request.user
        assert isinstance(user, User)
        job = ImportJob.objects.create(commune=commune, filename=(upload.name or "")[:200],
                                       content=upload.read(), submitted_by=user)
        transaction.on_commit(lambda: import_villages_job.enqueue(job.pk))
    return redirect("areas:import_job", job_id=job.pk)


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    jobs = _jobs(ImportJob.objects.filter(pk=job_id))
    if not jobs:
        raise Http404(_("No such import."))
    job = jobs[0]
    commune = Area.objects.select_related("parent").get(pk=job["commune_id"])
    if not (has_perm(request.user, Perm.VIEW_AREA_DETAILS, commune)
            or has_perm(request.user, Perm.MANAGE_VILLAGES, commune)):
        raise PermissionDenied(_("You may not view the imports of %(area)s.") % {"area": commune.name})
    context = {"job": job, "commune": commune, "finished": job["status"] != ImportJob.Status.QUEUED}
    if _htmx(request):
        return render(request, "areas/_import_status.html", context)
    return render(request, "areas/import_job.html", {**context, "breadcrumb": commune.ancestors()})


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-thon-to-dan-pho.csv"'
    return response
