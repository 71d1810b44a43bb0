"""Bulk import of outreach sessions from a CSV / Excel file into one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `outreach.domain.clean`, and the file is imported whole or not at all; every rejected row is reported
with its row number, its column and the reason (in Vietnamese). A row that repeats a session already
recorded (same date, place and organiser), or an earlier row of the file, is rejected, so importing the
same file twice records nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError
from binhyen.areas.models import Area
from binhyen.core import importrows
from binhyen.core.importrows import BadCell, Column
from binhyen.core.text import fold
from binhyen.outreach import domain
from binhyen.outreach.models import OutreachSession

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_sessions",
           "read", "template_csv"]  # fmt: skip


COLUMNS: list[Column] = [
    Column("date", "Ngày", ("ngay", "ngay to chuc", "date"), True, "Ngày/tháng/năm, ví dụ 15/03/2021"),
    Column("village", "Thôn/tổ", ("thon to", "thon", "to dan pho", "village"),
           help="Mã hoặc tên thôn, tổ dân phố của xã; để trống nếu tổ chức chung toàn xã"),
    Column("place", "Địa điểm", ("dia diem", "noi to chuc", "place"), True, "Ví dụ «Nhà văn hoá thôn 1»"),
    Column("topics", "Chủ đề", ("chu de", "noi dung", "topics", "topic"), True,
           "Một hoặc nhiều chủ đề, cách nhau bằng dấu chấm phẩy: " + "; ".join(domain.TOPIC_LABELS.values())),
    Column("organiser", "Đơn vị tổ chức", ("don vi to chuc", "nguoi to chuc", "to chuc", "organiser",
                                           "organizer"), True, "Ví dụ «Công an xã phối hợp Đoàn Thanh niên»"),
    Column("attendees", "Số người tham dự", ("so nguoi tham du", "so nguoi", "nguoi tham du", "attendees"),
           help="Số nguyên, mặc định 0"),
    Column("leaflets", "Số tờ rơi", ("so to roi", "to roi", "so to roi tai lieu", "leaflets"),
           help="Số tờ rơi, tài liệu phát ra; mặc định 0"),
    Column("note", "Ghi chú", ("ghi chu", "note", "notes")),
]  # fmt: skip
HEADER = {c.key: c.header for c in COLUMNS}
FIELD_COLUMN = {**HEADER, "commune": "Xã/phường"}

TEMPLATE_EXAMPLE = [
    "15/03/2021", "Thôn 1", "Nhà văn hoá thôn 1", "Phòng, chống ma tuý; An toàn giao thông",
    "Công an xã phối hợp Đoàn Thanh niên", "85", "300", "Lồng ghép họp thôn",
]  # fmt: skip


def template_csv() -> str:
    """The CSV template (without BOM): the Vietnamese headers and one example row."""
    return importrows.template_csv(COLUMNS, TEMPLATE_EXAMPLE)


@dataclass
class Report(importrows.Report):
    sessions: list[OutreachSession] = field(default_factory=list)


def read(content: bytes, filename: str) -> list[dict[str, str]]:
    return importrows.read(content, filename, MAX_BYTES)


def _number(value: str, key: str) -> int:
    text = value.strip().replace(" ", "")
    if not text:
        return 0
    text = re.sub(r"[.,]0+$", "", text) if re.fullmatch(r"\d+[.,]0+", text) else text
    cleaned = text.replace(".", "").replace(",", "")
    if not cleaned.isdigit():
        raise BadCell(HEADER[key], f"«{value}» không phải số nguyên không âm.")
    return int(cleaned)


def _input(commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any) -> domain.SessionInput:
    get = importrows.cell_reader(row, cols)

    try:
        day = domain.parse_date(get("date"), "date")
    except domain.OutreachError as e:
        raise BadCell(HEADER["date"], e.message) from None
    village = village_of(get("village"))
    return domain.SessionInput(
        date=day,
        commune=commune.code,
        village=village.code if village else "",
        place=get("place"),
        topics=domain.split_topics(get("topics")),
        organiser=get("organiser"),
        attendees=_number(get("attendees"), "attendees"),
        leaflets=_number(get("leaflets"), "leaflets"),
        note=get("note"),
    )


def _same(values: dict[str, Any]) -> tuple[Any, ...]:
    return (values["date"], fold(values["place"]), fold(values["organiser"]))


def import_sessions(user: Any, commune: Area, table: list[dict[str, str]]) -> Report:
    """Record every row as a session of `commune`, or nothing if any row is rejected."""
    report = Report(rows=len(table))
    cols = importrows.check_file(
        report,
        commune,
        table,
        allowed=lambda: domain.can_manage(user, commune=commune),
        denied=f"Bạn không có quyền ghi buổi tuyên truyền ở {commune.name}.",
        columns=COLUMNS,
        max_rows=MAX_ROWS,
    )
    if cols is None:
        return report
    village_of = importrows.village_lookup(commune, HEADER["village"])
    existing = {
        (d, fold(p), fold(o))
        for d, p, o in OutreachSession.objects.filter(commune=commune).values_list(
            "date", "place", "organiser"
        )
    }
    seen: dict[tuple[Any, ...], int] = {}
    accepted: list[domain.SessionInput] = []
    for number, row in enumerate(table, start=2):
        try:
            data = _input(commune, row, cols, village_of)
            values = domain.clean(data)
        except (BadCell, domain.OutreachError) as e:
            report.errors.append(importrows.row_error(number, e, FIELD_COLUMN))
            continue
        key = _same(values)
        if key in existing:
            report.errors.append(
                RowError(
                    number,
                    HEADER["date"],
                    "Buổi tuyên truyền này đã được ghi (cùng ngày, địa điểm, đơn vị tổ chức).",
                )
            )
            continue
        if key in seen:
            report.errors.append(RowError(number, HEADER["date"], f"Trùng với dòng {seen[key]} trong tệp."))
            continue
        seen[key] = number
        accepted.append(data)
    if report.errors:
        return report
    with transaction.atomic():
        for data in accepted:
            report.sessions.append(domain.create_session(user, data))
    report.created = len(report.sessions)
    return report
