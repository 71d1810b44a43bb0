"""Camera coverage per commune / village, GeoJSON and Excel exports, and the bulk import (officers)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from binhyen.accounts.permissions import Perm, has_perm, home_area
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.audit.models import Action
from binhyen.cameras import domain, exports, imports
from binhyen.cameras.coverage import for_display, summary
from binhyen.cameras.models import Camera, Funding
from binhyen.web.views import area_or_404

IMPORT_EXTENSIONS = {".csv", ".xlsx"}


def _area(request: HttpRequest) -> Area | None:
    """?area=<code>, or the user's home area (None: the nation)."""
    code = (request.GET.get("area") or "").strip()[:16]
    return area_or_404(code) if code else home_area(request.user)


def _name(area: Area | None) -> str:
    return area.name if area is not None else _("Viet Nam")


def _crumbs(user: Any, area: Area | None) -> list[dict[str, Any]]:
    """Breadcrumbs up to the nation; a level is a link only if the user may see its coverage."""
    if area is None:
        return []
    chain: list[Area | None] = [None, *area.ancestors()]
    return [
        {"name": _name(a), "code": a.code if a else "", "link": has_perm(user, Perm.VIEW_CAMERA_COVERAGE, a)}
        for a in chain
    ]


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if not has_perm(request.user, Perm.VIEW_CAMERA_COVERAGE, area):
        raise PermissionDenied(_("You may not view the camera coverage of %(area)s.") % {"area": _name(area)})
    result = for_display(area)
    extra = summary(result)
    funding = [(f, str(label)) for f, label in Funding.choices]
    unassigned = _("Not assigned to a village")
    rows = result["rows"]
    chart = {
        "labels": [r["area"].name if r["area"] else unassigned for r in rows],
        "datasets": [{"label": label, "data": [r["by_funding"][f] for r in rows]} for f, label in funding],
    }
    child_level = rows[0]["area"].level if rows and rows[0]["area"] else None
    context = {
        "area": area,
        "area_name": _name(area),
        "crumbs": _crumbs(request.user, area),
        "rows": rows,
        "total": result["total"],
        "extra": extra,
        "funding": funding,
        "chart": chart,
        "chart_height": 80 + 26 * max(len(rows), 1),
        "table": [
            {
                **r,
                "link": r["area"] is not None and r["area"].level < Level.VILLAGE and r["area"] != area,
                "funding_counts": [r["by_funding"][f] for f, _label in funding],
            }
            for r in rows
        ],
        "funding_totals": [extra["by_funding"][f] for f, _label in funding],
        "per_village": child_level == Level.VILLAGE,
        "can_export": has_perm(request.user, Perm.VIEW_CAMERAS, area),
        "can_import": area is not None
        and area.level == Level.COMMUNE
        and has_perm(request.user, Perm.MANAGE_CAMERAS, area),
        "stale_days": domain.stale_after().days,
    }
    return render(request, "camera_coverage/coverage.html", context)


def _export_qs(request: HttpRequest) -> tuple[Area | None, Any]:
    area = _area(request)
    user = request.user
    if area is None:
        if not has_perm(user, Perm.VIEW_CAMERAS, None):
            raise PermissionDenied(_("You may not export the cameras of the whole country."))
        return None, domain.visible_cameras(user)
    try:
        return area, domain.in_area(user, area)
    except domain.CameraError:
        message = _("You may not export the cameras of %(area)s.") % {"area": area.name}
        raise PermissionDenied(message) from None


def _filename(area: Area | None, ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"camera-{area.code if area else 'toan-quoc'}-{stamp}.{ext}"


def _record(area: Area | None, fmt: str, count: int) -> None:
    audit.record(
        Action.EXPORT,
        object_type_label="cameras.camera",
        area_path=area.path if area else "",
        detail={"format": fmt, "count": count, "area": area.code if area else ""},
    )


@login_required
@require_GET
def export_geojson(request: HttpRequest) -> StreamingHttpResponse:
    area, qs = _export_qs(request)
    live = qs.exclude(status="removed")
    _record(area, "geojson", live.exclude(latitude=None).count())
    response = StreamingHttpResponse(exports.geojson_stream(live), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, "geojson")}"'
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    area, qs = _export_qs(request)
    live = qs.exclude(status="removed")
    _record(area, "xlsx", live.count())
    content = exports.xlsx(live, area, coverage=for_display(area))
    response = HttpResponse(content, content_type=exports.CONTENT_TYPE_XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, "xlsx")}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_cameras(request: HttpRequest, commune_code: str) -> HttpResponse:
    commune = area_or_404(commune_code)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Cameras can only be imported into a commune, ward or special zone."))
    if not has_perm(request.user, Perm.MANAGE_CAMERAS, commune):
        raise PermissionDenied(_("You may not import cameras into %(area)s.") % {"area": commune.name})
    context: dict[str, Any] = {
        "commune": commune,
        "breadcrumb": commune.ancestors(),
        "columns": imports.COLUMNS,
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // (1024 * 1024),
        "report": None,
        "error": "",
    }
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("File: choose a CSV or Excel (.xlsx) file.")
        elif PurePath(upload.name or "").suffix.lower() not in IMPORT_EXTENSIONS:
            context["error"] = _("File: only .csv and .xlsx files can be imported.")
        elif upload.size is not None and upload.size > imports.MAX_BYTES:
            context["error"] = _("File: the file is larger than %(mb)s MB.") % {"mb": context["max_mb"]}
        else:
            try:
                table = imports.read(upload.read(imports.MAX_BYTES + 1), upload.name or "")
            except imports.ImportFileError as e:
                context["error"] = str(e)
            else:
                report = imports.import_cameras(request.user, commune, table)
                context["report"] = report
                context["filename"] = upload.name
                if not report.ok:
                    status = 422
        if context["error"]:
            status = 422
    context["total"] = Camera.objects.filter(commune=commune).exclude(status="removed").count()
    return render(request, "camera_coverage/import.html", context, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-camera.csv"'
    return response
