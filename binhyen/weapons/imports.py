"""Bulk import of weapons handed in, from a CSV / Excel file, into one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `weapons.domain.clean`, and the file is imported whole or not at all; every rejected row is reported
with its row number, its column and the reason (in Vietnamese).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError, read_table
from binhyen.areas.models import Area, Level
from binhyen.core.text import fold
from binhyen.weapons import domain
from binhyen.weapons.models import WeaponSurrender

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_surrenders",
           "read", "template_csv"]  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""


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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


@dataclass
class Report:
    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    surrenders: list[WeaponSurrender] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def read(content: bytes, filename: str) -> list[dict[str, str]]:
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    return read_table(content, filename)


def _key(header: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(header)).split())


def _columns(header: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    by_alias = {_key(a): c.key for c in COLUMNS for a in (c.header, *c.aliases)}
    for h in header:
        key = by_alias.get(_key(h))
        if key and key not in found:
            found[key] = h
    return found


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _village_lookup(commune: Area) -> Callable[[str], Area | None]:
    villages = list(Area.objects.filter(parent=commune, level=Level.VILLAGE))
    by_code = {v.code: v for v in villages}
    by_code.update({v.code.rsplit("-", 1)[-1]: v for v in villages})
    by_name = {v.search_key: v for v in villages}

    def find(value: str) -> Area | None:
        text = value.strip()
        if not text:
            return None
        village = by_code.get(text) or by_name.get(fold(text))
        if village is None:
            raise _Bad(HEADER["village"], f"Không có thôn/tổ dân phố «{text}» trong {commune.name}.")
        return village

    return find


def _input(
    commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any
) -> domain.SurrenderInput:
    def get(key: str) -> str:
        return row.get(cols[key], "") if key in cols else ""

    def parsed(key: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except domain.WeaponError as e:
            raise _Bad(HEADER[key], e.message) from None

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
    if commune.level != Level.COMMUNE:
        report.errors.append(RowError(0, "Xã/phường", "Chỉ nhập vào một xã, phường hoặc đặc khu."))
        return report
    if not domain.can_manage(user, commune=commune):
        message = f"Bạn không có quyền ghi số liệu thu hồi vũ khí ở {commune.name}."
        report.errors.append(RowError(0, "Xã/phường", message))
        return report
    if len(table) > MAX_ROWS:
        message = f"Tệp có {len(table):,} dòng; tối đa {MAX_ROWS:,} dòng một lần.".replace(",", ".")
        report.errors.append(RowError(0, "—", message))
        return report
    cols = _columns(list(table[0]) if table else [])
    missing = [c.header for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        report.errors.append(
            RowError(1, missing[0], f"Thiếu cột {names}. Hãy dùng tệp mẫu (dòng tiêu đề tiếng Việt).")
        )
        return report
    village_of = _village_lookup(commune)
    accepted: list[domain.SurrenderInput] = []
    for number, row in enumerate(table, start=2):
        try:
            data = _input(commune, row, cols, village_of)
            domain.clean(data)
            domain._receiver(user, data.received_by, commune)
        except _Bad as bad:
            report.errors.append(RowError(number, bad.column, bad.message))
            continue
        except domain.WeaponError as e:
            report.errors.append(RowError(number, FIELD_COLUMN.get(e.field, e.field or "—"), e.message))
            continue
        accepted.append(data)
    if report.errors:
        return report
    with transaction.atomic():
        for data in accepted:
            report.surrenders.append(domain.create_surrender(user, data))
    report.created = len(report.surrenders)
    return report
