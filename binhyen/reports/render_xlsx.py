"""Render the tables of a :class:`~binhyen.reports.document.Report` as an Excel workbook (openpyxl).

One sheet per table (body tables first, then the annex). Each sheet has a title row (the
caption), a row saying which report it comes from, then the table: header row bold, frozen and
filterable; figures as real numeric cells with number formats (Excel shows them with the
reader's own separators — 1.000 and 19,4% on a Vietnamese system).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .document import Cell, NumberFormat, Report, Table, nfc
from .render_pdf import column_alignments

FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {"history"}
HEADER_ROW = 4  # title, source line, blank, then the header


def sheet_title(caption: str, index: int, taken: set[str]) -> str:
    """A valid, unique (case-insensitively, as Excel compares) sheet name of ≤ 31 characters."""
    base = nfc(_BAD_SHEET_CHARS.sub(" ", caption))
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip()
    if not base or base.lower() in _RESERVED:
        base = f"Bảng {index}"
    base = base[:31].rstrip()
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
    taken.add(name.lower())
    return name


def _put(cell: XlCell, value: Cell, fmt: NumberFormat) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = fmt.format(value)
    elif isinstance(value, int | float | Decimal):
        cell.value = float(value) if isinstance(value, Decimal) else value
        cell.number_format = (
            fmt.excel_format() if fmt.is_numeric else ("#,##0" if isinstance(value, int) else "General")
        )
    else:
        cell.value = nfc(value)
        if cell.value.startswith("="):
            cell.data_type = "s"  # text, never a formula


def _display_len(value: Cell, fmt: NumberFormat) -> int:
    return max((len(line) for line in fmt.format(value).splitlines()), default=0)


def _sheet(ws: Worksheet, table: Table, report: Report) -> None:
    ncols = len(table.columns)
    fmts = table.column_formats()
    aligns = [{"L": "left", "C": "center", "R": "right"}[a] for a in column_alignments(table)]
    ws["A1"] = nfc(table.caption) or ws.title
    ws["A1"].font = Font(name=FONT, size=13, bold=True)
    ws["A2"] = f"{nfc(report.issuer)} · {report.full_title} · {report.number_line} · {report.date_line}"
    ws["A2"].font = Font(name=FONT, size=11, italic=True)

    head_font = Font(name=FONT, size=12, bold=True)
    for c, head in enumerate(table.columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=nfc(head))
        cell.font = head_font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
    body_font = Font(name=FONT, size=12)
    bold_font = Font(name=FONT, size=12, bold=True)
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        total = table.total_row and r == HEADER_ROW + len(table.rows)
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            _put(cell, value, fmts[c - 1])
            cell.font = bold_font if total else body_font
            cell.border = _BOX
            cell.alignment = Alignment(
                horizontal=aligns[c - 1],
                vertical="center",
                wrap_text=isinstance(value, str) and len(value) > 60,
            )
    last = HEADER_ROW + len(table.rows)
    if table.note:
        ws.cell(row=last + 2, column=1, value=nfc(table.note)).font = Font(name=FONT, size=11, italic=True)

    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    if table.rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncols)}{last}"
    for c, head in enumerate(table.columns, start=1):
        words = nfc(head).split() or [""]
        head_need = max(max(len(w) for w in words), min(len(head), 24))
        cell_need = max((_display_len(row[c - 1], fmts[c - 1]) for row in table.rows), default=0)
        ws.column_dimensions[get_column_letter(c)].width = min(max(head_need, cell_need, 6) + 3, 70)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape" if ncols > 6 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def render_xlsx(report: Report) -> bytes:
    """The report's tables as .xlsx bytes (one sheet per table; a cover sheet if it has none)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    taken: set[str] = set()
    tables = report.all_tables()
    if not tables:
        first.title = sheet_title(report.title, 1, taken)
        first["A1"] = report.full_title
        first["A1"].font = Font(name=FONT, size=13, bold=True)
        first["A2"] = f"{nfc(report.issuer)} · {report.number_line} · {report.date_line}"
    for i, table in enumerate(tables, start=1):
        ws = first if i == 1 else wb.create_sheet()
        ws.title = sheet_title(table.caption, i, taken)
        _sheet(ws, table, report)

    props = wb.properties
    props.title = report.full_title
    props.subject = nfc(report.subtitle)
    props.creator = nfc(report.issuer)
    props.lastModifiedBy = nfc(report.issuer)
    props.language = "vi-VN"
    stamp = dt.datetime.combine(report.date, dt.time(0, 0))
    props.created = stamp
    props.modified = stamp
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
