"""Import of organisations and their members from one CSV / Excel sheet, for one commune.

Each row names an organisation (type and name; rows naming the same one add to it, an organisation of
that type and name already in the commune is reused) and, optionally, one member. Every row goes through
organisations.domain (age rule, roles, one leader), the file is imported whole or not at all, and every
rejected row is reported with its row number, its column and the reason (in Vietnamese).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError, read_table
from binhyen.areas.models import Area
from binhyen.core.text import fold
from binhyen.organisations import domain
from binhyen.organisations.models import Organisation, OrganisationType

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024

__all__ = ["COLUMNS", "ImportFileError", "Report", "RowError", "import_rows", "read", "template_csv"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: list[Column] = [
    Column("type", "Loại tổ chức", ("loai to chuc", "loai", "type", "organisation type"), True),
    Column("name", "Tên tổ chức", ("ten to chuc", "to chuc", "organisation", "name"), True),
    Column("villages", "Thôn/tổ phụ trách", ("thon to phu trach", "dia ban phu trach", "villages")),
    Column("founded_on", "Ngày thành lập", ("ngay thanh lap", "founded on", "founded")),
    Column("full_name", "Họ tên thành viên", ("ho ten thanh vien", "ho ten", "ho va ten", "full name",
                                                 "member")),
    Column("birth_date", "Ngày sinh", ("ngay sinh", "birth date")),
    Column("birth_year", "Năm sinh", ("nam sinh", "birth year")),
    Column("gender", "Giới tính", ("gioi tinh", "gender")),
    Column("phone", "Điện thoại", ("dien thoai", "so dien thoai", "phone")),
    Column("village", "Thôn/tổ cư trú", ("thon to cu tru", "noi cu tru", "village")),
    Column("role", "Vai trò", ("vai tro", "chuc vu", "role")),
    Column("joined_on", "Ngày tham gia", ("ngay tham gia", "ngay vao", "joined on", "joined")),
    Column("age_exception", "Chủ tịch xã đồng ý (trên 70 tuổi)",
           ("chu tich xa dong y tren 70 tuoi", "chu tich xa dong y", "ngoai le tuoi", "age exception")),
    Column("age_exception_note", "Ghi chú ngoại lệ", ("ghi chu ngoai le", "age exception note")),
]  # fmt: skip
HEADER = {c.key: c.header for c in COLUMNS}
FIELD_COLUMN = {
    **HEADER,
    "person": HEADER["full_name"],
    "commune": "Xã/phường",
    "organisation": HEADER["name"],
}
ROLES = {
    "leader": "leader", "to truong": "leader", "doi truong": "leader", "truong ban": "leader",
    "chu nhiem": "leader", "truong": "leader",
    "deputy": "deputy", "to pho": "deputy", "doi pho": "deputy", "pho ban": "deputy", "pho": "deputy",
    "pho chu nhiem": "deputy",
    "member": "member", "to vien": "member", "thanh vien": "member", "doi vien": "member", "": "member",
    "secretary": "secretary", "thu ky": "secretary",
}  # fmt: skip
TEMPLATE_ROWS = [
    ["Tổ bảo vệ an ninh, trật tự", "Tổ bảo vệ ANTT thôn 1", "Tổ dân phố 1", "01/07/2024", "Nguyễn Văn An",
     "12/03/1980", "", "Nam", "0912345678", "Tổ dân phố 1", "Tổ trưởng", "01/07/2024", "", ""],
    ["Tổ bảo vệ an ninh, trật tự", "Tổ bảo vệ ANTT thôn 1", "", "", "Trần Văn Bình", "", "1953", "Nam", "",
     "Tổ dân phố 1", "Tổ viên", "01/07/2024", "có", "Quyết định số 12/QĐ-UBND"],
]  # fmt: skip


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


@dataclass
class Report:
    rows: int = 0
    organisations: int = 0
    members: int = 0
    errors: list[RowError] = field(default_factory=list)

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


def _row(
    user: Any, commune: Area, get: Any, orgs: dict[tuple[int, str], Organisation], report: Report
) -> None:
    kind: OrganisationType = domain.get_type(get("type"), active_only=True)
    name = get("name")
    key = (kind.pk, fold(name))
    org = orgs.get(key)
    if org is None:
        org = Organisation.objects.filter(commune=commune, type=kind, search_text=fold(name)).first()
        if org is None:
            data = domain.OrganisationInput(
                type=kind.code,
                name=name,
                commune=commune.code,
                villages=[v for v in re.split(r"[;,\n]", get("villages")) if v.strip()],
                founded_on=domain.parse_date(get("founded_on"), "founded_on", HEADER["founded_on"]),
            )
            org = domain.create_organisation(user, data)
            report.organisations += 1
        orgs[key] = org
    if not get("full_name"):
        return
    role_text = fold(get("role"))
    role = ROLES.get(role_text)
    if role is None:
        raise domain.OrganisationError(
            f"Vai trò «{get('role')}» không hợp lệ; dùng Tổ trưởng, Tổ phó, Tổ viên hoặc Thư ký.", "role"
        )
    person = domain.find_or_create_person(
        user,
        domain.PersonInput(
            full_name=get("full_name"),
            birth_date=domain.parse_date(get("birth_date"), "birth_date", HEADER["birth_date"]),
            birth_year=domain.parse_int(get("birth_year"), "birth_year", HEADER["birth_year"]),
            gender=get("gender"),
            phone=get("phone"),
            commune=commune.code,
            village=get("village"),
        ),
    )
    domain.add_membership(
        user,
        org,
        person,
        domain.MembershipInput(
            role=role,
            joined_on=domain.parse_date(get("joined_on"), "joined_on", HEADER["joined_on"]),
            age_exception=domain.yes(get("age_exception")),
            age_exception_note=get("age_exception_note"),
        ),
    )
    report.members += 1


def import_rows(user: Any, commune: Area, table: list[dict[str, str]]) -> Report:
    """Create the organisations and memberships of every row, or nothing if any row is bad."""
    report = Report(rows=len(table))
    if not domain.can_manage(user, commune):
        raise domain.OrganisationForbidden(f"Bạn không có quyền quản lý tổ chức ở {commune.name}.")
    if not table:
        report.errors.append(RowError(1, "", "Tệp không có dòng dữ liệu nào."))
        return report
    if len(table) > MAX_ROWS:
        report.errors.append(
            RowError(1, "", f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,}).".replace(",", "."))
        )
        return report
    cols = _columns(list(table[0]))
    missing = [c.header for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), "Thiếu cột: " + ", ".join(missing) + "."))
        return report
    orgs: dict[tuple[int, str], Organisation] = {}
    with transaction.atomic():
        for number, row in enumerate(table, start=2):

            def get(key: str, row: dict[str, str] = row) -> str:
                return (row.get(cols[key]) or "").strip() if key in cols else ""

            if not any(v.strip() for v in row.values() if v):
                continue
            try:
                with transaction.atomic():
                    _row(user, commune, get, orgs, report)
            except domain.OrganisationError as e:
                report.errors.append(RowError(number, FIELD_COLUMN.get(e.field, e.field), e.message))
                orgs = {k: o for k, o in orgs.items() if Organisation.objects.filter(pk=o.pk).exists()}
        if report.errors:
            transaction.set_rollback(True)
            report.organisations = report.members = 0
    return report
