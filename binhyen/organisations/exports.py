"""Excel export of organisations, members and mediation cases, for officers.

Never a phone number: an export leaves the system. Members are listed with their birth year only.
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from binhyen.organisations import domain
from binhyen.organisations.models import MediationCase, Membership, Organisation

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORG_HEADERS = ["Mã", "Loại tổ chức", "Tên tổ chức", "Xã/phường", "Thôn/tổ phụ trách", "Ngày thành lập",
               "Ngày giải thể", "Số thành viên", "Ghi chú"]  # fmt: skip
MEMBER_HEADERS = ["Mã tổ chức", "Tên tổ chức", "Họ tên", "Năm sinh", "Giới tính", "Thôn/tổ cư trú", "Vai trò",
                  "Ngày tham gia", "Ngày rời", "Chủ tịch xã đồng ý (trên 70 tuổi)"]  # fmt: skip
CASE_HEADERS = ["Mã tổ chức", "Tên tổ chức", "Ngày", "Loại vụ việc", "Kết quả", "Số bên"]
COUNT_HEADERS = ["Loại tổ chức", "Số tổ chức", "Số thành viên"]


def xlsx(orgs: QuerySet[Organisation], counts: domain.Counts | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, names: list[str]) -> Any:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        return ws

    ws = sheet("Tổ chức", ORG_HEADERS)
    rows = orgs.select_related("type", "commune").prefetch_related("villages").order_by("area_path", "id")
    for o in rows.iterator(chunk_size=500):
        ws.append([
            o.pk, o.type.name, o.name, o.commune.name, "; ".join(v.name for v in o.villages.all()),
            o.founded_on, o.dissolved_on, o.memberships.filter(left_on__isnull=True).count(), o.note,
        ])  # fmt: skip
    ws = sheet("Thành viên", MEMBER_HEADERS)
    members = (
        Membership.objects.filter(organisation__in=orgs.values("pk"))
        .select_related("organisation", "person__village")
        .order_by("organisation_id", "left_on", "role", "id")
    )
    for m in members.iterator(chunk_size=2000):
        p = m.person
        ws.append([
            m.organisation_id, m.organisation.name, p.full_name, p.year, domain.GENDER_VI.get(p.gender, ""),
            p.village.name if p.village_id and p.village else "", domain.ROLE_VI.get(m.role, m.role),
            m.joined_on, m.left_on, "có" if m.age_exception else "",
        ])  # fmt: skip
    ws = sheet("Hoà giải", CASE_HEADERS)
    cases = MediationCase.objects.filter(organisation__in=orgs.values("pk")).select_related("organisation")
    for c in cases.order_by("received_on", "id").iterator(chunk_size=2000):
        ws.append([
            c.organisation_id, c.organisation.name, c.received_on, domain.CASE_TYPE_VI.get(c.case_type, ""),
            domain.OUTCOME_VI.get(c.outcome, ""), c.parties_count,
        ])  # fmt: skip
    if counts is not None:
        ws = sheet("Tổng hợp", COUNT_HEADERS)
        for t in counts.by_type:
            ws.append([t.name, t.organisations, t.members])
        ws.append(["Tổng cộng", counts.organisations, counts.members])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
