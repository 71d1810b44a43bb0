"""Bulk import of outreach sessions from a CSV / Excel file into one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `outreach.domain.clean`, and the file is imported whole or not at all; every rejected row is reported
with its row number, its column and the reason (in Vietnamese). A row that repeats a session already
recorded (same date, place and organiser), or an earlier row of the file, is rejected, so importing the
same file twice records nothing twice.
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
from binhyen.outreach import domain
from binhyen.outreach.models import OutreachSession

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_sessions",
           "read", "template_csv"]  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Vietnamese header of the template, also how errors name the column
    aliases: tuple[str, ...]  # other accepted headers (folded, English included)
    required: bool = False
    help: str = ""


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
    sessions: list[OutreachSession] = field(default_factory=list)

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


def _number(value: str, key: str) -> int:
    text = value.strip().replace(" ", "")
    if not text:
        return 0
    text = re.sub(r"[.,]0+$", "", text) if re.fullmatch(r"\d+[.,]0+", text) else text
    cleaned = text.replace(".", "").replace(",", "")
    if not cleaned.isdigit():
        raise _Bad(HEADER[key], f"«{value}» không phải số nguyên không âm.")
    return int(cleaned)


def _input(commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any) -> domain.SessionInput:
    def get(key: str) -> str:
        return row.get(cols[key], "") if key in cols else ""

    try:
        day = domain.parse_date(get("date"), "date")
    except domain.OutreachError as e:
        raise _Bad(HEADER["date"], e.message) from None
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
    if commune.level != Level.COMMUNE:
        report.errors.append(RowError(0, "Xã/phường", "Chỉ nhập vào một xã, phường hoặc đặc khu."))
        return report
    if not domain.can_manage(user, commune=commune):
        report.errors.append(
            RowError(0, "Xã/phường", f"Bạn không có quyền ghi buổi tuyên truyền ở {commune.name}.")
        )
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
        except _Bad as bad:
            report.errors.append(RowError(number, bad.column, bad.message))
            continue
        except domain.OutreachError as e:
            report.errors.append(RowError(number, FIELD_COLUMN.get(e.field, e.field or "—"), e.message))
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
