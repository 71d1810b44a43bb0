"""Excel export of award proposals (sheet «Khen thưởng») and the figures by award kind and status (sheet
«Tổng hợp»). Names are included (an award list needs them); every export is audited by the view."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from binhyen.awards import domain
from binhyen.awards.models import AwardProposal

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("id", "proposed_on", "year", "commune__name", "commune__code", "village__name", "nominee_kind",
          "nominee_name", "award_kind", "status", "decision_number", "decision_date", "issuing_authority",
          "rejection_reason", "achievement")  # fmt: skip
HEADERS = ["Mã", "Ngày đề nghị", "Năm thành tích", "Xã/phường", "Mã xã", "Thôn/tổ", "Đối tượng",
           "Tên cá nhân, tập thể", "Hình thức khen thưởng", "Trạng thái", "Số quyết định", "Ngày quyết định",
           "Cơ quan ký", "Lý do không khen", "Thành tích"]  # fmt: skip


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


def xlsx(qs: QuerySet[AwardProposal], counts: domain.Counts) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Khen thưởng")
    ws.freeze_panes = "A2"
    _header(ws, HEADERS)
    for row in qs.order_by("proposed_on", "id").values(*FIELDS).iterator(chunk_size=2000):
        ws.append([
            row["id"], row["proposed_on"], row["year"], row["commune__name"], row["commune__code"],
            row["village__name"] or "", domain.NOMINEE_LABELS.get(row["nominee_kind"], row["nominee_kind"]),
            row["nominee_name"], domain.KIND_LABELS.get(row["award_kind"], row["award_kind"]),
            domain.STATUS_LABELS.get(row["status"], row["status"]), row["decision_number"],
            row["decision_date"], row["issuing_authority"], row["rejection_reason"], row["achievement"],
        ])  # fmt: skip
    summary = wb.create_sheet("Tổng hợp")
    _header(summary, ["Hình thức khen thưởng", "Tổng", *domain.STATUS_LABELS.values(), "Cá nhân", "Tập thể"])
    for r in counts.by_kind:
        summary.append(
            [r.label, r.total, *(r.by_status[s] for s in domain.STATUS_CODES), r.individuals, r.collectives]
        )
    summary.append(
        ["Tổng cộng", counts.total, *(counts.by_status[s] for s in domain.STATUS_CODES), counts.individuals,
         counts.collectives]
    )  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
