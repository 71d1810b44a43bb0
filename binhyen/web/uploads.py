"""The upload step the registries' import pages share: check the file, read it, run the import; and the
registries' import page and Excel export around it.

Each registry keeps its own rules (its `imports` module decides what a good row is); this only turns an
uploaded file into that module's report, or into a clear Vietnamese error about the file itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.audit import domain as audit
from binhyen.audit.models import Action

IMPORT_EXTENSIONS = {".csv", ".xlsx"}


def run_import(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    max_bytes: int,
    read: Callable[[bytes, str], Any],
    read_error: type[Exception],
    do_import: Callable[[Any], Any],
) -> int:
    """Fill context["report"] or context["error"] from the POSTed "file"; returns the HTTP status."""
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("File: choose a CSV or Excel (.xlsx) file.")
    elif PurePath(upload.name or "").suffix.lower() not in IMPORT_EXTENSIONS:
        context["error"] = _("File: only .csv and .xlsx files can be imported.")
    elif upload.size is not None and upload.size > max_bytes:
        context["error"] = _("File: the file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
    else:
        try:
            table = read(upload.read(max_bytes + 1), upload.name or "")
        except read_error as e:
            context["error"] = str(e)
        else:
            report = do_import(table)
            context["report"] = report
            context["filename"] = upload.name
            return 200 if report.ok else 422
    return 422


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A download. CSV text gets a BOM so Excel reads Vietnamese correctly."""
    if isinstance(content, str):
        content = "\ufeff" + content
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_page(
    request: HttpRequest,
    template: str,
    commune: Any,
    *,
    imports: Any,
    do_import: Callable[[Any], Any],
    total: Callable[[], int],
) -> HttpResponse:
    """A registry's import page for one commune: the form on GET, the import's report on POST.

    `imports` is the registry's imports module (COLUMNS, MAX_ROWS, MAX_BYTES, read, ImportFileError);
    `total` counts the commune's records after the import.
    """
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
            do_import=do_import,
        )
    context["total"] = total()
    return render(request, template, context, status=status)


def xlsx_export(
    content: Callable[[], bytes],
    *,
    object_type_label: str,
    area: Any,
    count: int,
    prefix: str,
    content_type: str,
) -> HttpResponse:
    """A registry's Excel export, audited before it is built; the file is prefix-AREA-YYYYMMDD.xlsx."""
    audit.record(
        Action.EXPORT,
        object_type_label=object_type_label,
        area_path=area.path if area else "",
        detail={"format": "xlsx", "count": count, "area": area.code if area else ""},
    )
    name = f"{prefix}-{area.code if area else 'tat-ca'}-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(content(), content_type, name)
