"""Excel export of schemes, for officers: the schemes (sheet «Mô hình»), their places (sheet «Nơi thực
hiện») and the counts (sheet «Tổng hợp»). Written in openpyxl's write-only mode."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from binhyen.areas.models import Area
from binhyen.schemes import domain
from binhyen.schemes.models import ManagingLevel, Scheme, SchemeOrganisation, SchemeSite, SchemeStatus

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHEME_HEADERS = [
    "Mã", "Tên mô hình", "Loại mô hình", "Cấp quản lý", "Đơn vị quản lý", "Mã đơn vị", "Ngày bắt đầu",
    "Trạng thái", "Lý do", "Số nơi thực hiện", "Tổ chức thực hiện", "Người, đơn vị thực hiện khác", "Mô tả",
    "Nhân rộng từ",
]  # fmt: skip
RUNNER_SEPARATOR = "; "  # as the import reads it
SITE_HEADERS = [
    "Mã mô hình", "Tên mô hình", "Nơi thực hiện", "Mã đơn vị", "Tên địa điểm", "Vĩ độ", "Kinh độ",
    "Từ ngày", "Đến ngày",
]  # fmt: skip


def xlsx(qs: QuerySet[Scheme], areas: list[Area] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet: Any, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    schemes = list(qs.select_related("type", "managing_area").order_by("area_path", "name", "id"))
    sites = SchemeSite.objects.filter(scheme__in=[s.pk for s in schemes]).select_related("area")
    by_scheme: dict[int, list[SchemeSite]] = {}
    for site in sites.order_by("scheme_id", "area_path", "id"):
        by_scheme.setdefault(site.scheme_id, []).append(site)
    runners: dict[int, list[str]] = {}
    links = SchemeOrganisation.objects.filter(scheme__in=[s.pk for s in schemes])
    for link in links.select_related("organisation").order_by("scheme_id", "organisation__name", "id"):
        runners.setdefault(link.scheme_id, []).append(link.organisation.name)

    ws = wb.create_sheet("Mô hình")
    ws.freeze_panes = "A2"
    header(ws, SCHEME_HEADERS)
    for s in schemes:
        open_sites = [x for x in by_scheme.get(s.pk, []) if x.ended_on is None]
        ws.append(
            [
                s.pk,
                s.name,
                s.type.name,
                domain.LEVEL_VI[ManagingLevel(s.level)],
                s.managing_area.name,
                s.managing_area.code,
                s.start_date,
                domain.STATUS_VI[SchemeStatus(s.status)],
                s.status_reason,
                len(open_sites),
                RUNNER_SEPARATOR.join(runners.get(s.pk, [])),
                s.run_by,
                s.description,
                s.replicated_from_id,
            ]
        )
    ws2 = wb.create_sheet("Nơi thực hiện")
    header(ws2, SITE_HEADERS)
    for s in schemes:
        for site in by_scheme.get(s.pk, []):
            ws2.append(
                [
                    s.pk,
                    s.name,
                    site.area.name,
                    site.area.code,
                    site.place_name,
                    site.latitude,
                    site.longitude,
                    site.started_on,
                    site.ended_on,
                ]
            )
    c = domain.counts(qs, areas)
    ws3 = wb.create_sheet("Tổng hợp")
    header(ws3, ["Chỉ tiêu", "Số lượng"])
    ws3.append(["Số mô hình (chưa loại bỏ)", c.schemes])
    ws3.append(["Số nơi thực hiện", c.sites])
    ws3.append(["Do cấp xã quản lý", c.commune_level])
    ws3.append(["Do cấp tỉnh quản lý", c.province_level])
    for status, label in domain.STATUS_VI.items():
        ws3.append([f"Trạng thái: {label}", c.by_status.get(status, 0)])
    for _code, name, n, n_sites in c.by_type:
        ws3.append([f"Loại: {name} (mô hình / nơi)", f"{n} / {n_sites}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
