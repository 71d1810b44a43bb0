"""The upload step the registries' import pages share: check the file, read it, run the import.

Each registry keeps its own rules (its `imports` module decides what a good row is); this only turns an
uploaded file into that module's report, or into a clear Vietnamese error about the file itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

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
