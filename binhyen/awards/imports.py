"""Bulk import of award proposals (as drafts) from a CSV / Excel file, for one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `awards.domain.clean`, and the file is imported whole or not at all; every rejected row is reported with
its row number, its column and the reason (in Vietnamese). A row proposing the same award for the same
nominee and year as an existing proposal, or an earlier row, is rejected.
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
from binhyen.awards import domain
from binhyen.awards.models import AwardProposal
from binhyen.core.text import fold

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_proposals",
           "read", "template_csv"]  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""


COLUMNS: list[Column] = [
    Column("nominee_kind", "Đối tượng", ("doi tuong", "ca nhan tap the", "nominee kind"), True,
           "Cá nhân hoặc Tập thể"),
    Column("nominee_name", "Tên cá nhân, tập thể", ("ten ca nhan tap the", "ho ten", "ten", "nominee name",
                                                     "name"), True, "Ví dụ «Tổ bảo vệ ANTT thôn Phú Thạnh»"),
    Column("village", "Thôn/tổ", ("thon to", "thon", "to dan pho", "village"),
           help="Mã hoặc tên thôn, tổ dân phố của xã; có thể để trống"),
    Column("award_kind", "Hình thức khen thưởng",
           ("hinh thuc khen thuong", "hinh thuc", "award kind", "award"), True,
           "Một trong: " + "; ".join(domain.KIND_LABELS.values())),
    Column("year", "Năm thành tích", ("nam thanh tich", "nam", "year"),
           help="Ví dụ 2021; mặc định năm đề nghị"),
    Column("proposed_on", "Ngày đề nghị", ("ngay de nghi", "proposed on", "date"), help="Mặc định hôm nay"),
    Column("achievement", "Thành tích", ("thanh tich", "tom tat thanh tich", "achievement"), True,
           "Tóm tắt thành tích"),
]  # fmt: skip
HEADER = {c.key: c.header for c in COLUMNS}
FIELD_COLUMN = {**HEADER, "commune": "Xã/phường"}

TEMPLATE_EXAMPLE = ["Tập thể", "Tổ bảo vệ ANTT thôn Phú Thạnh", "", "Giấy khen", "2021", "15/12/2021",
                    "Phối hợp phát hiện, tố giác 3 vụ trộm cắp; duy trì tuần tra đêm suốt năm."]  # fmt: skip


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
    proposals: list[AwardProposal] = field(default_factory=list)

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


def _input(commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any) -> domain.ProposalInput:
    def get(key: str) -> str:
        return row.get(cols[key], "") if key in cols else ""

    def parsed(key: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except domain.AwardError as e:
            raise _Bad(HEADER[key], e.message) from None

    village = village_of(get("village"))
    return domain.ProposalInput(
        nominee_kind=get("nominee_kind"),
        nominee_name=get("nominee_name"),
        commune=commune.code,
        village=village.code if village else "",
        award_kind=get("award_kind"),
        year=parsed("year", lambda: domain.parse_year(get("year"))),
        proposed_on=parsed("proposed_on", lambda: domain.parse_date(get("proposed_on"), "proposed_on")),
        achievement=get("achievement"),
    )


def import_proposals(user: Any, commune: Area, table: list[dict[str, str]]) -> Report:
    """Record every row as a draft proposal of `commune`, or nothing if any row is rejected."""
    report = Report(rows=len(table))
    if commune.level != Level.COMMUNE:
        report.errors.append(RowError(0, "Xã/phường", "Chỉ nhập vào một xã, phường hoặc đặc khu."))
        return report
    if not domain.can_propose(user, commune=commune):
        message = f"Bạn không có quyền lập đề nghị khen thưởng ở {commune.name}."
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
    existing = {
        (fold(n), k, y)
        for n, k, y in AwardProposal.objects.filter(commune=commune).values_list(
            "nominee_name", "award_kind", "year"
        )
    }
    seen: dict[tuple[Any, ...], int] = {}
    accepted: list[domain.ProposalInput] = []
    for number, row in enumerate(table, start=2):
        try:
            data = _input(commune, row, cols, village_of)
            values = domain.clean(data)
        except _Bad as bad:
            report.errors.append(RowError(number, bad.column, bad.message))
            continue
        except domain.AwardError as e:
            report.errors.append(RowError(number, FIELD_COLUMN.get(e.field, e.field or "—"), e.message))
            continue
        key = (fold(values["nominee_name"]), values["award_kind"], values["year"])
        if key in existing:
            message = "Đã có đề nghị cùng hình thức khen thưởng cho cá nhân, tập thể này trong năm đó."
            report.errors.append(RowError(number, HEADER["nominee_name"], message))
            continue
        if key in seen:
            report.errors.append(
                RowError(number, HEADER["nominee_name"], f"Trùng với dòng {seen[key]} trong tệp.")
            )
            continue
        seen[key] = number
        accepted.append(data)
    if report.errors:
        return report
    with transaction.atomic():
        for data in accepted:
            report.proposals.append(domain.create_proposal(user, data))
    report.created = len(report.proposals)
    return report
