"""The report page (/thong-ke/bao-cao/): the sơ kết / tổng kết of an area and period, previewed as text
and downloaded as DOCX (Nghị định 30/2020), XLSX (figures for Excel) or PDF."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.audit.domain import record
from binhyen.core.text import nfc
from binhyen.reports import writer
from binhyen.reports.document import Heading, Paragraph, Table
from binhyen.reports.render_docx import render_docx
from binhyen.reports.render_pdf import render_pdf
from binhyen.reports.render_xlsx import render_xlsx
from binhyen.stats import domain as stats
from binhyen.web.uploads import attachment

FORMATS = {
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (render_pdf, "application/pdf"),
}
TEXT_FIELDS = ("number", "place", "issuer_parent", "issuer", "signer_title", "signer_name")


def _options(data: Any, base: writer.Options) -> tuple[writer.Options, dict[str, str]]:
    errors: dict[str, str] = {}
    values = {k: nfc((data.get(k) or "").strip())[:200] for k in TEXT_FIELDS}
    opts = writer.Options(
        number=values["number"],
        place=values["place"] or base.place,
        issuer_parent=values["issuer_parent"] or base.issuer_parent,
        issuer=values["issuer"] or base.issuer,
        signer_title=values["signer_title"] or base.signer_title,
        signer_name=values["signer_name"],
    )
    raw_date = (data.get("date") or "").strip()
    if raw_date:
        try:
            opts.date = datetime.date.fromisoformat(raw_date)
        except ValueError:
            errors["date"] = _("Enter the date of the report as dd/mm/yyyy.")
    recipients = [nfc(line.strip()) for line in (data.get("recipients") or "").splitlines() if line.strip()]
    opts.recipients = recipients[:15] or base.recipients
    if len(values["number"]) > 20:
        errors["number"] = _("The report number is at most 20 characters.")
    return opts, errors


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    try:
        sel = stats.select(request.user, source.get("area"), (source.get("period") or "").strip()[:40])
    except stats.StatsError as e:
        if e.status == 403:
            raise PermissionDenied(e.message) from None
        raise Http404(e.message) from None
    if not has_perm(request.user, Perm.MANAGE_REPORTS, sel.area):
        raise PermissionDenied(_("You may not issue reports for this area."))
    base = writer.defaults(sel.area)
    opts, errors = _options(source, base) if request.method == "POST" else (base, {})
    fmt = (source.get("format") or "").strip()
    if request.method == "POST" and not errors:
        if fmt not in FORMATS:
            errors["format"] = _("Choose DOCX, XLSX or PDF.")
        else:
            report = writer.write(sel.area, sel.period, opts)
            renderer, content_type = FORMATS[fmt]
            content = renderer(report)
            record(
                "export",
                object_type_label="reports.report",
                area_path=sel.path,
                detail={"period": sel.period.id, "format": fmt, "number": opts.number},
            )
            name = f"bao-cao-{sel.code or 'toan-quoc'}-{sel.period.id}.{fmt}"
            return attachment(content, content_type, name)
    report = writer.write(sel.area, sel.period, opts)
    preview = []
    for block in report.blocks:
        if isinstance(block, Heading):
            preview.append({"kind": "heading", "level": block.level, "text": block.text})
        elif isinstance(block, Paragraph):
            preview.append({"kind": "paragraph", "text": block.plain_text})
        elif isinstance(block, Table):
            preview.append(
                {
                    "kind": "table",
                    "caption": block.caption,
                    "columns": block.columns,
                    "rows": block.formatted_rows(),
                }
            )
    return render(
        request,
        "reports/new.html",
        {
            "sel": sel,
            "report": report,
            "preview": preview,
            "opts": opts,
            "recipients": "\n".join(opts.recipients),
            "errors": errors,
        },
        status=422 if errors else 200,
    )
