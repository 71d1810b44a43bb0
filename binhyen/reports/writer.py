"""Writes the sơ kết / tổng kết report of an area and period from the statistics summary.

Every sentence is built from `stats.summary.build`, the same object the dashboard shows, so the report
and the dashboard cannot disagree. Sentences about a figure are left out when the figure is zero in
both periods (a commune without cameras does not report "0 cameras").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from binhyen.areas.models import Area
from binhyen.reports.document import (
    CHANGE,
    INTEGER,
    PERCENT,
    TEXT,
    Heading,
    Paragraph,
    Report,
    Table,
    vn_number,
)
from binhyen.stats import summary as stats_summary
from binhyen.stats.periods import Period, PeriodKind
from binhyen.stats.query import Figure, change

YEAR_KINDS = {
    PeriodKind.YEAR,
    PeriodKind.POLICE_YEAR,
    PeriodKind.ASSESSMENT_COMMUNE,
    PeriodKind.ASSESSMENT_RESIDENTIAL,
    PeriodKind.FINANCIAL_NOV,
}
SKIP_TYPE_WORDS = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


@dataclass
class Options:
    """What the officer fills in on the report form; the rest comes from the records."""

    number: str = ""  # "12" → "Số: 12/BC-CA"
    place: str = ""
    date: datetime.date | None = None
    issuer_parent: str = ""
    issuer: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


def short_name(area: Area | None) -> str:
    if area is None:
        return "Hà Nội"
    name = area.name
    for word in SKIP_TYPE_WORDS:
        if name.startswith(word):
            return name[len(word) :]
    return name


def defaults(area: Area | None) -> Options:
    """Header lines as Công an would write them for this unit (editable on the form)."""
    if area is None:
        return Options(
            issuer_parent="",
            issuer="BỘ CÔNG AN",
            place="Hà Nội",
            signer_title="BỘ TRƯỞNG",
            recipients=["Lãnh đạo Bộ (để b/c);", "Lưu: VT."],
        )
    chain = area.ancestors()
    province = chain[0] if chain else area
    if area.level == 1:
        return Options(
            issuer_parent="BỘ CÔNG AN",
            issuer=f"CÔNG AN {area.name.upper()}",
            place=short_name(area),
            signer_title="GIÁM ĐỐC",
            recipients=[
                "Bộ Công an (Cục Xây dựng phong trào BVANTQ) (để b/c);",
                "Ban Chỉ đạo tỉnh (để b/c);",
                "Lưu: VT.",
            ],
        )
    return Options(
        issuer_parent=f"CÔNG AN {province.name.upper()}",
        issuer=f"CÔNG AN {area.name.upper()}",
        place=short_name(area),
        signer_title="TRƯỞNG CÔNG AN",
        recipients=[f"Công an {province.name} (để b/c);", f"Đảng uỷ, UBND {area.name} (để b/c);", "Lưu: VT."],
    )


def compared(now: float, before: float, unit: str = "") -> str:
    """ "giảm 19,4% so với cùng kỳ" — the phrase every sơ kết uses."""
    pct = change(now, before)
    if pct is None:
        return "cùng kỳ không có" if now else "bằng cùng kỳ"
    if abs(pct) < 0.05:
        return "bằng cùng kỳ"
    diff = vn_number(abs(now - before))
    word = "tăng" if pct > 0 else "giảm"
    return f"{word} {diff}{(' ' + unit) if unit else ''}, {word} {vn_number(abs(pct), 1)}% so với cùng kỳ"


def _n(f: Figure | None, decimals: int = 0) -> str:
    return vn_number(f.value or 0, decimals) if f else "0"


def _pct(f: Figure | None) -> str:
    return f"{vn_number(f.value, 1)}%" if f and f.value is not None else "–"


def _has(*figures: Figure | None) -> bool:
    return any(f is not None and ((f.value or 0) or (f.last_year or 0)) for f in figures)


def write(area: Area | None, period: Period, options: Options | None = None) -> Report:
    base = defaults(area)
    opts = options or base
    for name in ("issuer_parent", "issuer", "place", "signer_title"):
        if not getattr(opts, name):
            setattr(opts, name, getattr(base, name))
    if not opts.recipients:
        opts.recipients = base.recipients
    path = area.path if area else ""
    where = area.name if area else "toàn quốc"
    data = stats_summary.build(path, period)
    f = data.figure
    kind = "Tổng kết" if period.kind in YEAR_KINDS else "Sơ kết"
    label = period.label
    blocks: list[Heading | Paragraph | Table] = []

    issuer_name = f"Công an {area.name}" if area else "Bộ Công an"
    blocks.append(
        Paragraph(
            f"Thực hiện chương trình công tác, {issuer_name} "
            f"báo cáo kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc trên địa bàn {where}, "
            f"{label[0].lower()}{label[1:]} (số liệu so sánh với cùng kỳ: "
            f"{period.same_period_last_year().label}), như sau:"
        )
    )

    # I. The situation.
    blocks.append(Heading("I. TÌNH HÌNH AN NINH, TRẬT TỰ", 1))
    inc, social, cleared = f("incidents"), f("incidents_social_order"), f("incidents_cleared")
    if _has(inc):
        assert inc is not None
        text = (
            f"Trong kỳ, trên địa bàn xảy ra {_n(inc)} vụ việc về an ninh, trật tự "
            f"({compared(inc.value or 0, inc.last_year or 0, 'vụ')})"
        )
        if social and _has(social):
            text += (
                f"; trong đó {_n(social)} vụ phạm tội về trật tự xã hội "
                f"({compared(social.value or 0, social.last_year or 0, 'vụ')})"
            )
        text += "."
        if cleared:
            text += f" Đã điều tra, làm rõ {_n(cleared)} vụ, đạt tỷ lệ {_pct(f('incidents_cleared_pct'))}."
        deaths, injuries = f("incidents_deaths"), f("incidents_injuries")
        if deaths and injuries and _has(deaths, injuries):
            text += f" Hậu quả: làm chết {_n(deaths)} người, bị thương {_n(injuries)} người."
        blocks.append(Paragraph(text))
    else:
        blocks.append(Paragraph("Trong kỳ, trên địa bàn không xảy ra vụ việc phức tạp về an ninh, trật tự."))
    incidents_table = _breakdown_table(data, "incidents", "Bảng 1. Vụ việc về an ninh, trật tự theo loại")
    if incidents_table:
        blocks.append(incidents_table)

    # II. The movement.
    blocks.append(Heading("II. KẾT QUẢ THỰC HIỆN PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC", 1))
    n = 0

    def section(title: str, text: str) -> None:
        nonlocal n
        n += 1
        blocks.append(Heading(f"{n}. {title}", 2))
        blocks.append(Paragraph(text))

    tips, valuable = f("tips"), f("tips_valuable")
    if _has(tips):
        section(
            "Tiếp nhận, xử lý tin báo, tố giác của quần chúng",
            f"Tiếp nhận {_n(tips)} tin báo, tố giác về tội phạm và vi phạm pháp luật "
            f"({compared(tips.value or 0, tips.last_year or 0, 'tin') if tips else ''}); trong đó "
            f"{_n(valuable)} tin có giá trị, chiếm {_pct(f('tips_valuable_pct'))}.",
        )
    schemes, sites = f("schemes"), f("scheme_sites")
    if _has(schemes, sites):
        levels = {r.key: r.value for b in data.breakdowns if b.code == "schemes" for r in b.rows}
        text = f"Duy trì {_n(schemes)} mô hình phòng, chống tội phạm tại {_n(sites)} điểm"
        if levels:
            text += (
                f"; trong đó {vn_number(levels.get('commune', 0))} mô hình do cấp xã quản lý, "
                f"{vn_number(levels.get('province', 0))} mô hình do cấp tỉnh quản lý"
            )
        text += "."
        by_type = _rows(data, "schemes")
        if by_type:
            text += " Gồm: " + "; ".join(f"{label} ({vn_number(v)})" for label, v in by_type) + "."
        section("Xây dựng, nhân rộng mô hình", text)
    orgs, members = f("organisations"), f("members")
    if _has(orgs):
        text = (
            f"Toàn địa bàn có {_n(orgs)} tổ chức quần chúng tham gia bảo vệ an ninh, trật tự "
            f"với {_n(members)} thành viên"
        )
        parts = _rows(data, "organisations")
        if parts:
            text += ", gồm: " + "; ".join(
                f"{vn_number(v)} {label[0].lower()}{label[1:]}" for label, v in parts
            )
        section("Xây dựng lực lượng nòng cốt, tổ chức quần chúng", text + ".")
    sessions = f("outreach_sessions")
    if _has(sessions):
        section(
            "Công tác tuyên truyền, vận động",
            f"Tổ chức {_n(sessions)} buổi tuyên truyền với {_n(f('outreach_attendees'))} lượt người tham dự, "
            f"phát {_n(f('outreach_leaflets'))} tờ rơi, tài liệu "
            f"({compared(sessions.value or 0, sessions.last_year or 0, 'buổi') if sessions else ''}).",
        )
    surrenders = f("weapons_surrenders")
    if _has(surrenders):
        text = f"Vận động {_n(surrenders)} lượt giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ"
        items = _rows(data, "weapons_quantity")
        if items:
            text += ", thu hồi: " + "; ".join(
                f"{label} ({vn_number(v, 3 if v % 1 else 0)})" for label, v in items
            )
        rice = f("weapons_rice_kg")
        if rice and rice.value:
            text += f"; trao đổi {_n(rice)} kg gạo (mô hình \u201cđổi gạo lấy vũ khí\u201d)"
        section("Vận động thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ", text + ".")
    mediation = f("mediation_cases")
    if _has(mediation):
        section(
            "Hoà giải ở cơ sở",
            f"Các tổ hoà giải tiếp nhận {_n(mediation)} vụ việc, hoà giải thành "
            f"{_pct(f('mediation_successful_pct'))}.",
        )
    cameras, patrols = f("cameras"), f("patrols")
    if _has(cameras, patrols):
        phrases: list[str] = []
        if _has(cameras):
            covered = f("camera_villages")
            phrases.append(
                f"{_n(cameras)} camera an ninh của người dân, doanh nghiệp đăng ký tham gia giám sát"
                + (f" tại {_n(covered)} thôn, tổ dân phố" if covered and covered.value else "")
            )
        if _has(patrols):
            phrases.append(f"{_n(patrols)} lượt tuần tra, kiểm soát của lực lượng tự quản")
        section("Camera an ninh, tuần tra", "Trên địa bàn có " + "; ".join(phrases) + ".")
    assessed, safe = f("assessed_units"), f("safe_units")
    if _has(assessed):
        section(
            "Đánh giá, công nhận đạt tiêu chuẩn \u201cAn toàn về an ninh, trật tự\u201d",
            f"Có {_n(safe)}/{_n(assessed)} đơn vị được công nhận đạt tiêu chuẩn \u201cAn toàn về an ninh, "
            f"trật tự\u201d, đạt {_pct(f('safe_units_pct'))}.",
        )
    awards = f("awards")
    if _has(awards):
        kinds = _rows(data, "awards")
        text = f"Có {_n(awards)} tập thể, cá nhân được khen thưởng"
        if kinds:
            text += ": " + "; ".join(f"{vn_number(v)} {label}" for label, v in kinds)
        section("Khen thưởng", text + ".")
    entered = [x for x in data.figures if x.group and x.value]
    if entered:
        lines: list[str] = []
        for x in entered:
            value = (
                f"{vn_number(x.value or 0, 1)}%"
                if x.percent
                else f"{vn_number(x.value or 0)} {x.unit}".strip()
            )
            lines.append(f"{x.name}: {value}")
        section("Các số liệu khác do các đơn vị báo cáo (biểu mẫu)", "; ".join(lines) + ".")
    if n == 0:
        blocks.append(Paragraph("Trong kỳ chưa có số liệu về các hoạt động của phong trào trên hệ thống."))

    blocks.append(Heading("III. NGUỒN SỐ LIỆU", 1))
    blocks.append(
        Paragraph(
            f"Số liệu trong báo cáo được tổng hợp từ hồ sơ trên hệ thống Bình Yên ngày "
            f"{datetime.date.today():%d/%m/%Y}; mỗi số liệu truy được về các hồ sơ gốc trên hệ thống.",
            italic=True,
        )
    )

    annex = [t for t in (_ranking_table(data, area),) if t]
    for code, title in (
        ("tips", "Tin báo theo loại"),
        ("organisations", "Tổ chức quần chúng theo loại"),
        ("awards", "Khen thưởng theo hình thức"),
    ):
        t = _breakdown_table(data, code, title)
        if t:
            annex.append(t)
    number = opts.number.strip()
    return Report(
        issuer_parent=opts.issuer_parent,
        issuer=opts.issuer,
        number=f"Số: {number or '     '}/BC-CA",
        place=opts.place,
        date=opts.date or datetime.date.today(),
        title="BÁO CÁO",
        subtitle=f"{kind} phong trào Toàn dân bảo vệ an ninh Tổ quốc {label[0].lower()}{label[1:]}",
        blocks=blocks,
        recipients=opts.recipients,
        signer_title=opts.signer_title,
        signer_name=opts.signer_name,
        annex=annex,
        issuer_name=issuer_name,
    )


def _rows(data: stats_summary.Summary, code: str) -> list[tuple[str, float]]:
    for b in data.breakdowns:
        if b.code == code:
            return [(r.label, r.value) for r in b.rows if r.value]
    return []


def _breakdown_table(data: stats_summary.Summary, code: str, caption: str) -> Table | None:
    b = next((b for b in data.breakdowns if b.code == code), None)
    if b is None or not b.rows:
        return None
    rows: list[list[str | int | float | None]] = []
    for r in b.rows:
        pct = change(r.value, r.last_year)
        rows.append([r.label, int(r.value), int(r.last_year), pct / 100 if pct is not None else None])
    total_now = sum(r.value for r in b.rows)
    total_before = sum(r.last_year for r in b.rows)
    pct = change(total_now, total_before)
    rows.append(["Tổng cộng", int(total_now), int(total_before), pct / 100 if pct is not None else None])
    return Table(
        caption,
        ["Loại", "Kỳ này", "Cùng kỳ", "Tăng (+), giảm (−)"],
        rows,
        [TEXT, INTEGER, INTEGER, CHANGE],
        total_row=True,
    )


def _ranking_table(data: stats_summary.Summary, area: Area | None) -> Table | None:
    incidents = {r.path: r.value for r in data.ranking.get("incidents", [])}
    tips = {r.path: r.value for r in data.ranking.get("tips", [])}
    paths = list(dict.fromkeys(list(incidents) + list(tips)))
    if not paths:
        return None
    names = {a.path: a.name for a in Area.objects.filter(path__in=paths)}
    rows: list[list[str | int | float | None]] = []
    for p in sorted(paths, key=lambda p: names.get(p, p)):
        name = "Cấp quản lý này" if area is not None and p == area.path else names.get(p, p)
        rows.append([name, int(incidents.get(p, 0)), int(tips.get(p, 0))])
    unit = "Tỉnh, thành phố" if area is None else "Đơn vị"
    return Table("Phụ lục. Số liệu theo đơn vị", [unit, "Vụ việc", "Tin báo"], rows, [TEXT, INTEGER, INTEGER])


__all__ = ["Options", "write", "defaults", "compared", "PERCENT"]
