"""Bulk import of schemes from a CSV / Excel file into one managing unit (a commune, or a province).

Like the villages and cameras imports: the file is read by `areas.imports.read_table`, every row is
checked by `schemes.domain` (type, name, dates, places), and the file is imported whole or not at all;
every rejected row is reported with its row number, its column and the reason (in Vietnamese).

One row is one scheme; «Nơi thực hiện» lists its places separated by «;» (codes or names of the commune's
villages, or of the province's communes); «Tổ chức thực hiện» lists the organisations running it, by name,
separated by «;», matched among the managing unit's organisations (the exact name first, then without marks
or case); a name that matches none, or several, rejects the row. Anyone else goes in «Người, đơn vị thực
hiện khác».
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError, read_table
from binhyen.areas.models import Area, Level
from binhyen.core.text import fold, nfc
from binhyen.schemes import domain
from binhyen.schemes.models import ManagingLevel, Scheme, SchemeStatus

MAX_ROWS = 2_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "ImportFileError", "Report", "RowError", "import_schemes", "read", "template_csv"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""


COLUMNS: list[Column] = [
    Column("name", "Tên mô hình", ("ten mo hinh", "ten", "name"), True),
    Column("type", "Loại mô hình", ("loai mo hinh", "loai", "type"), True, "Mã hoặc tên loại mô hình"),
    Column("start_date", "Ngày bắt đầu", ("ngay bat dau", "bat dau", "start date", "start")),
    Column("status", "Trạng thái", ("trang thai", "status"), help="đề xuất hoặc đang hoạt động (mặc định)"),
    Column(
        "sites",
        "Nơi thực hiện",
        ("noi thuc hien", "dia ban", "dia diem thuc hien", "sites", "areas"),
        help="Mã hoặc tên thôn, tổ dân phố (hoặc xã, phường), cách nhau bởi dấu ;",
    ),
    Column("place_name", "Tên địa điểm", ("ten dia diem", "dia diem", "co quan truong hoc", "place")),
    Column(
        "organisations",
        "Tổ chức thực hiện",
        ("to chuc thuc hien", "to chuc", "organisations"),
        help="Tên tổ chức của xã (như trong sổ tổ chức), cách nhau bởi dấu ;",
    ),
    Column(
        "run_by",
        "Người, đơn vị thực hiện khác",
        ("nguoi don vi thuc hien khac", "thuc hien khac", "don vi thuc hien", "thuc hien", "run by"),
    ),
    Column("description", "Mô tả", ("mo ta", "description")),
]
HEADER = {c.key: c.header for c in COLUMNS}
FIELD_COLUMN = {
    **HEADER,
    "area": HEADER["sites"],
    "managing_area": HEADER["sites"],
    "level": HEADER["sites"],
    "latitude": HEADER["sites"],
    "longitude": HEADER["sites"],
    "organisations": HEADER["organisations"],
}
STATUS = {
    "": SchemeStatus.ACTIVE,
    "dang hoat dong": SchemeStatus.ACTIVE,
    "hoat dong": SchemeStatus.ACTIVE,
    "active": SchemeStatus.ACTIVE,
    "de xuat": SchemeStatus.PROPOSED,
    "proposed": SchemeStatus.PROPOSED,
}
TEMPLATE_EXAMPLE = [
    "Tiếng kẻng an ninh thôn Đa Thọ",
    "tieng-keng-an-ninh",
    "15/03/2021",
    "đang hoạt động",
    "Thôn Đa Thọ; Thôn Đa Phú",
    "Nhà văn hoá thôn",
    "",
    "Chi hội Nông dân thôn",
    "Mỗi hộ một kẻng, báo động khi có trộm",
]


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
    schemes: list[Scheme] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _place_lookup(area: Area) -> Any:
    """Find a place of `area` by code or name: its villages (a commune) or its communes (a province)."""
    child_level = Level.VILLAGE if area.level == Level.COMMUNE else Level.COMMUNE
    children = list(Area.objects.filter(parent=area, level=child_level))
    by_code = {c.code: c for c in children}
    by_code.update({c.code.rsplit("-", 1)[-1]: c for c in children if "-" in c.code})
    by_code[area.code] = area
    by_name = {c.search_key: c for c in children}
    by_name[area.search_key] = area

    def find(text: str) -> Area:
        text = text.strip()
        found = by_code.get(text) or by_name.get(fold(text))
        if found is None:
            # a village of a commune of the province, by its code
            found = Area.objects.filter(code=text, level=Level.VILLAGE).first()
            if found is None or not found.path.startswith(area.path):
                raise _Bad(
                    HEADER["sites"], f"Không có thôn, tổ dân phố hay xã, phường «{text}» trong {area.name}."
                )
        return found

    return find


def _organisation_lookup(user: Any, area: Area) -> Any:
    """Find an organisation of `area` by name: exactly (NFC, spaces collapsed) first, then without marks
    or case; when several share a name, those of the row's communes, if that leaves one."""
    exact: dict[str, list[Any]] = {}
    folded: dict[str, list[Any]] = {}
    for org in domain.organisations_in(user, area):
        exact.setdefault(" ".join(nfc(org.name).split()), []).append(org)
        folded.setdefault(fold(org.name), []).append(org)

    def find(text: str, communes: set[int]) -> int:
        name = " ".join(nfc(text).split())
        found = exact.get(name) or folded.get(fold(name)) or []
        if len(found) > 1 and communes:
            found = [o for o in found if o.commune_id in communes] or found
        if not found:
            raise _Bad(
                HEADER["organisations"],
                f"Không có tổ chức «{name}» trong {area.name}; ghi đúng tên như trong sổ tổ chức "
                "(tổ chức đã giải thể không nhận mô hình mới).",
            )
        if len(found) > 1:
            raise _Bad(
                HEADER["organisations"],
                f"Có {len(found)} tổ chức tên «{name}» trong {area.name}; hãy sửa tên trong sổ tổ chức "
                "cho khác nhau, hoặc chọn tổ chức trên trang mô hình.",
            )
        return int(found[0].pk)

    return find


def import_schemes(user: Any, area: Area, table: list[dict[str, str]]) -> Report:
    """Create every row as a scheme managed by `area` (a commune or a province), or nothing."""
    report = Report(rows=len(table))
    if area.level not in (Level.COMMUNE, Level.PROVINCE):
        report.errors.append(
            RowError(0, "—", "Chỉ nhập mô hình vào một xã, phường hoặc một tỉnh, thành phố.")
        )
        return report
    if not domain.can_manage(user, area=area):
        raise domain.SchemeForbidden(f"Bạn không có quyền quản lý mô hình của {area.name}.")
    if len(table) > MAX_ROWS:
        report.errors.append(RowError(0, "—", f"Tệp có {len(table)} dòng; tối đa {MAX_ROWS} dòng một lần."))
        return report
    cols = _columns(list(table[0]) if table else [])
    missing = [c.header for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        report.errors.append(RowError(1, missing[0], f"Thiếu cột {names}. Hãy dùng tệp mẫu."))
        return report
    level = ManagingLevel.COMMUNE if area.level == Level.COMMUNE else ManagingLevel.PROVINCE
    find = _place_lookup(area)
    find_organisation = _organisation_lookup(user, area)
    existing = {
        (fold(s.name), s.type_id)
        for s in Scheme.objects.filter(managing_area=area).exclude(status=SchemeStatus.RETIRED)
    }
    seen: dict[tuple[str, int], int] = {}
    accepted: list[tuple[int, domain.SchemeInput, list[domain.SiteInput], str]] = []
    row_status: str | None
    for number, row in enumerate(table, start=2):

        def get(key: str, row: dict[str, str] = row) -> str:
            return (row.get(cols[key], "") if key in cols else "").strip()

        try:
            scheme_type = domain.find_type(get("type"))
            if scheme_type is None:
                raise _Bad(
                    HEADER["type"],
                    f"Không có loại mô hình «{get('type')}»; dùng mã hoặc tên trong danh mục loại mô hình."
                    if get("type")
                    else "Hãy ghi loại mô hình.",
                )
            row_status = STATUS.get(fold(get("status")))
            if row_status is None:
                raise _Bad(
                    HEADER["status"],
                    f"Trạng thái «{get('status')}» không hợp lệ; dùng: đề xuất, đang hoạt động.",
                )
            try:
                start = domain.parse_date(get("start_date"), "start_date")
            except domain.SchemeError as e:
                raise _Bad(HEADER["start_date"], e.message) from None
            places = [p for p in get("sites").split(";") if p.strip()]
            site_areas = [find(p) for p in places]
            sites = [
                domain.SiteInput(area=a.code, place_name=get("place_name"), started_on=start)
                for a in site_areas
            ]
            communes = {(a.parent_id if a.level == Level.VILLAGE else a.pk) for a in site_areas}
            runners = [find_organisation(n, communes) for n in get("organisations").split(";") if n.strip()]
            data = domain.SchemeInput(
                name=get("name"),
                type=scheme_type.code,
                level=level,
                managing_area=area.code,
                start_date=start,
                description=get("description"),
                run_by=get("run_by"),
                organisations=runners,
            )
            values = domain.clean_scheme(data, user)
            for s in sites:
                domain.clean_site(area, s)
        except _Bad as bad:
            report.errors.append(RowError(number, bad.column, bad.message))
            continue
        except domain.SchemeError as e:
            report.errors.append(RowError(number, FIELD_COLUMN.get(e.field, e.field or "—"), e.message))
            continue
        key = (fold(values["name"]), scheme_type.pk)
        if key in existing:
            report.errors.append(
                RowError(number, HEADER["name"], f"Mô hình «{values['name']}» đã có trong {area.name}.")
            )
            continue
        if key in seen:
            report.errors.append(RowError(number, HEADER["name"], f"Trùng với dòng {seen[key]} trong tệp."))
            continue
        seen[key] = number
        accepted.append((number, data, sites, row_status))
    if report.errors:
        return report
    with transaction.atomic():
        for _number, data, sites, status in accepted:
            scheme = domain.create_scheme(user, data, sites)
            if status == SchemeStatus.ACTIVE:
                scheme = domain.change_status(user, scheme, SchemeStatus.ACTIVE)
            report.schemes.append(scheme)
    report.created = len(report.schemes)
    return report
