"""Bulk import of weapons handed in, from a CSV / Excel file, into one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `weapons.domain.clean`, and the file is imported whole or not at all; every rejected row is reported
with its row number, its column and the reason (in Vietnamese).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError
from binhyen.areas.models import Area
from binhyen.core import importrows
from binhyen.core.importrows import BadCell, Column
from binhyen.weapons import domain
from binhyen.weapons.models import WeaponSurrender

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_surrenders",
           "read", "template_csv"]  # fmt: skip


COLUMNS: list[Column] = [
    Column("date", "Ngày", ("ngay", "ngay giao nop", "date"), True, "Ngày/tháng/năm, ví dụ 20/05/2022"),
    Column("village", "Thôn/tổ", ("thon to", "thon", "to dan pho", "village"),
           help="Mã hoặc tên thôn, tổ dân phố của xã; có thể để trống"),
    Column("item_type", "Loại", ("loai", "loai vu khi", "item type", "type"), True,
           "Một trong: " + "; ".join(domain.TYPE_LABELS.values())),
    Column("quantity", "Số lượng", ("so luong", "quantity"), True,
           "Khẩu, viên, quả, cái; kg với thuốc nổ và pháo (ví dụ 1,5)"),
    Column("exchange", "Hỗ trợ, đổi lấy", ("ho tro doi lay", "doi lay", "ho tro", "exchange"),
           help="Ví dụ «20 kg gạo»"),
    Column("rice_kg", "Gạo (kg)", ("gao kg", "gao", "so kg gao", "rice kg", "rice"), help="Số kg gạo đã đổi"),
    Column("received_by", "Cán bộ tiếp nhận", ("can bo tiep nhan", "nguoi tiep nhan", "received by"),
           help="Tên đăng nhập; để trống là người nhập tệp"),
    Column("people", "Số người giao nộp", ("so nguoi giao nop", "so nguoi", "people"), help="Mặc định 1"),
    Column("surrendered_by", "Người giao nộp", ("nguoi giao nop", "surrendered by"),
           help="Không bắt buộc; chỉ ghi khi thật cần"),
    Column("campaign", "Đợt vận động", ("dot van dong", "dot", "campaign"),
           help="Ví dụ «Đổi gạo lấy vũ khí 2022»"),
    Column("note", "Ghi chú", ("ghi chu", "note")),
]  # fmt: skip
HEADER = {c.key: c.header for c in COLUMNS}
FIELD_COLUMN = {**HEADER, "commune": "Xã/phường"}

TEMPLATE_EXAMPLE = ["20/05/2022", "", "Súng tự chế", "1", "20 kg gạo", "20", "", "1", "",
                    "Đổi gạo lấy vũ khí 2022", ""]  # fmt: skip


def template_csv() -> str:
    """The CSV template (without BOM): the Vietnamese headers and one example row."""
    return importrows.template_csv(COLUMNS, TEMPLATE_EXAMPLE)


@dataclass
class Report(importrows.Report):
    surrenders: list[WeaponSurrender] = field(default_factory=list)


def read(content: bytes, filename: str) -> list[dict[str, str]]:
    return importrows.read(content, filename, MAX_BYTES)


def _input(
    commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any
) -> domain.SurrenderInput:
    get = importrows.cell_reader(row, cols)

    parsed = importrows.parsed_cell(HEADER, domain.WeaponError)

    village = village_of(get("village"))
    people = parsed("people", lambda: domain.parse_count(get("people"), "people", "Số người giao nộp"))
    return domain.SurrenderInput(
        date=parsed("date", lambda: domain.parse_date(get("date"))),
        commune=commune.code,
        village=village.code if village else "",
        item_type=get("item_type"),
        quantity=parsed("quantity", lambda: domain.parse_decimal(get("quantity"), "quantity", "Số lượng")),
        exchange=get("exchange"),
        rice_kg=parsed("rice_kg", lambda: domain.parse_decimal(get("rice_kg"), "rice_kg", "Số kg gạo")),
        received_by=get("received_by"),
        people=1 if people is None else people,
        surrendered_by=get("surrendered_by"),
        campaign=get("campaign"),
        note=get("note"),
    )


def import_surrenders(user: Any, commune: Area, table: list[dict[str, str]]) -> Report:
    """Record every row as a surrender in `commune`, or nothing if any row is rejected."""
    report = Report(rows=len(table))
    cols = importrows.check_file(
        report,
        commune,
        table,
        allowed=lambda: domain.can_manage(user, commune=commune),
        denied=f"Bạn không có quyền ghi số liệu thu hồi vũ khí ở {commune.name}.",
        columns=COLUMNS,
        max_rows=MAX_ROWS,
    )
    if cols is None:
        return report
    village_of = importrows.village_lookup(commune, HEADER["village"])
    accepted: list[domain.SurrenderInput] = []
    for number, row in enumerate(table, start=2):
        try:
            data = _input(commune, row, cols, village_of)
            domain.clean(data)
            domain._receiver(user, data.received_by, commune)
        except (BadCell, domain.WeaponError) as e:
            report.errors.append(importrows.row_error(number, e, FIELD_COLUMN))
            continue
        accepted.append(data)
    if report.errors:
        return report
    with transaction.atomic():
        for data in accepted:
            report.surrenders.append(domain.create_surrender(user, data))
    report.created = len(report.surrenders)
    return report
