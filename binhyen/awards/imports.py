"""Bulk import of award proposals (as drafts) from a CSV / Excel file, for one commune.

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is checked
by `awards.domain.clean`, and the file is imported whole or not at all; every rejected row is reported with
its row number, its column and the reason (in Vietnamese). A row proposing the same award for the same
nominee and year as an existing proposal, or an earlier row, is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError
from binhyen.areas.models import Area
from binhyen.awards import domain
from binhyen.awards.models import AwardProposal
from binhyen.core import importrows
from binhyen.core.importrows import BadCell, Column
from binhyen.core.text import fold

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_proposals",
           "read", "template_csv"]  # fmt: skip


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
    """The CSV template (without BOM): the Vietnamese headers and one example row."""
    return importrows.template_csv(COLUMNS, TEMPLATE_EXAMPLE)


@dataclass
class Report(importrows.Report):
    proposals: list[AwardProposal] = field(default_factory=list)


def read(content: bytes, filename: str) -> list[dict[str, str]]:
    return importrows.read(content, filename, MAX_BYTES)


def _input(commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any) -> domain.ProposalInput:
    get = importrows.cell_reader(row, cols)

    parsed = importrows.parsed_cell(HEADER, domain.AwardError)

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
    cols = importrows.check_file(
        report,
        commune,
        table,
        allowed=lambda: domain.can_propose(user, commune=commune),
        denied=f"Bạn không có quyền lập đề nghị khen thưởng ở {commune.name}.",
        columns=COLUMNS,
        max_rows=MAX_ROWS,
    )
    if cols is None:
        return report
    village_of = importrows.village_lookup(commune, HEADER["village"])
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
        except (BadCell, domain.AwardError) as e:
            report.errors.append(importrows.row_error(number, e, FIELD_COLUMN))
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
