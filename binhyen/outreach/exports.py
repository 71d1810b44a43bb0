"""Excel export of outreach sessions: the sessions (sheet «Tuyên truyền») and the figures by topic (sheet
«Tổng hợp»). Written in openpyxl's write-only mode from `.values().iterator()`."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from binhyen.outreach import domain
from binhyen.outreach.models import OutreachSession

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("id", "date", "commune__name", "commune__code", "village__name", "place", "topics", "organiser",
          "attendees", "leaflets", "note")  # fmt: skip
HEADERS = ["Mã", "Ngày", "Xã/phường", "Mã xã", "Thôn/tổ", "Địa điểm", "Chủ đề", "Đơn vị tổ chức",
           "Số người tham dự", "Số tờ rơi", "Ghi chú"]  # fmt: skip
SUMMARY_HEADERS = ["Chủ đề", "Số buổi", "Số người tham dự", "Số tờ rơi"]


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


def xlsx(qs: QuerySet[OutreachSession], counts: domain.Counts) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tuyên truyền")
    ws.freeze_panes = "A2"
    _header(ws, HEADERS)
    for row in qs.order_by("date", "id").values(*FIELDS).iterator(chunk_size=2000):
        topics = "; ".join(domain.TOPIC_LABELS.get(t, t) for t in (row["topics"] or "").split(",") if t)
        ws.append([
            row["id"], row["date"], row["commune__name"], row["commune__code"], row["village__name"] or "",
            row["place"], topics, row["organiser"], row["attendees"], row["leaflets"], row["note"],
        ])  # fmt: skip
    summary = wb.create_sheet("Tổng hợp")
    _header(summary, SUMMARY_HEADERS)
    for r in counts.by_topic:
        summary.append([r.label, r.sessions, r.attendees, r.leaflets])
    summary.append(["Tổng cộng (mỗi buổi tính một lần)", counts.sessions, counts.attendees, counts.leaflets])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
