"""Excel export of weapons handed in: the surrenders (sheet «Thu hồi vũ khí») and the figures by type
(sheet «Tổng hợp»). Never the name of the person who handed items in: an export leaves the system."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from binhyen.weapons import domain
from binhyen.weapons.models import UNITS, WeaponSurrender

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("id", "date", "commune__name", "commune__code", "village__name", "item_type", "quantity",
          "exchange", "rice_kg", "received_by__username", "people", "campaign")  # fmt: skip
HEADERS = ["Mã", "Ngày", "Xã/phường", "Mã xã", "Thôn/tổ", "Loại", "Số lượng", "Đơn vị", "Hỗ trợ, đổi lấy",
           "Gạo (kg)", "Cán bộ tiếp nhận", "Số người giao nộp", "Đợt vận động"]  # fmt: skip
SUMMARY_HEADERS = ["Loại", "Đơn vị", "Số lượt giao nộp", "Số lượng"]


def _header(sheet: Any, names: list[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def xlsx(qs: QuerySet[WeaponSurrender], counts: domain.Counts) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Thu hồi vũ khí")
    ws.freeze_panes = "A2"
    _header(ws, HEADERS)
    for row in qs.order_by("date", "id").values(*FIELDS).iterator(chunk_size=2000):
        code = row["item_type"]
        ws.append([
            row["id"], row["date"], row["commune__name"], row["commune__code"], row["village__name"] or "",
            domain.TYPE_LABELS.get(code, code), float(row["quantity"]), UNITS.get(code, ("", False))[0],
            row["exchange"], float(row["rice_kg"]) if row["rice_kg"] is not None else None,
            row["received_by__username"] or "", row["people"], row["campaign"],
        ])  # fmt: skip
    summary = wb.create_sheet("Tổng hợp")
    _header(summary, SUMMARY_HEADERS)
    for r in counts.by_type:
        summary.append([r.label, r.unit, r.surrenders, float(r.quantity)])
    summary.append(["Tổng số lượt giao nộp", "", counts.surrenders, None])
    summary.append(["Gạo đã hỗ trợ", "kg", counts.exchanges, float(counts.rice_kg)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
