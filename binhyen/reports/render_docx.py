"""Render a :class:`~binhyen.reports.document.Report` as a Word document (python-docx).

Layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản hành chính):

* A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
* Times New Roman (LibreOffice substitutes the metric-compatible Liberation Serif / Tinos);
* header in a borderless two-column table — left: cơ quan chủ quản (13 pt, upper case),
  cơ quan ban hành (13 pt bold, upper case) with a short rule under it, then "Số: …";
  right: Quốc hiệu (13 pt bold), Tiêu ngữ (14 pt bold) with a rule as long as the text,
  then "<địa danh>, ngày … tháng … năm …" (14 pt italic);
* title and trích yếu centred bold 14 pt, a short rule under the trích yếu;
* body 14 pt justified, first-line indent 1.27 cm, 6 pt before each paragraph, single spacing;
* page numbers centred at the top from page 2 on;
* "Nơi nhận:" (12 pt bold italic, items 11 pt) bottom left, signer bottom right.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Sequence
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .document import Heading, Paragraph, Report, Run, Table, nfc
from .render_pdf import column_alignments, column_widths_mm, text_width_mm

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
ANNEX_TABLE_PT = 12
FIRST_LINE_INDENT = Mm(12.7)

PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 20, 20, 30, 15
TEXT_W_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM  # 165
HEADER_LEFT_MM = 65.0
HEADER_RIGHT_MM = TEXT_W_MM - HEADER_LEFT_MM  # 100: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is ~96 mm at 13 pt
SIGN_LEFT_MM = 80.0
SIGN_RIGHT_MM = TEXT_W_MM - SIGN_LEFT_MM

# Both the document body and a table cell take paragraphs and tables.
Container = DocxDocument | _Cell

_ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER, "R": WD_ALIGN_PARAGRAPH.RIGHT}

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# Element orders from the WordprocessingML schema, so inserted elements land where Word expects them.
_SCHEMA_ORDER = {
    "ppr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
        "sectPr pPrChange"
    ),
    "rpr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
        "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
        "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ),
    "tblpr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription "
        "tblPrChange"
    ),
    "trpr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing "
        "jc hidden"
    ),
}
_PPR_SEQ, _RPR_SEQ, _TBLPR_SEQ, _TRPR_SEQ = (
    tuple(_SCHEMA_ORDER[k].split()) for k in ("ppr", "rpr", "tblpr", "trpr")
)


def _set_child(parent: BaseOxmlElement, child: BaseOxmlElement, seq: Sequence[str]) -> BaseOxmlElement:
    """Replace-or-insert ``child`` into ``parent`` at its schema position."""
    local = child.tag.rsplit("}", 1)[-1]
    for old in parent.findall(qn(f"w:{local}")):
        parent.remove(old)
    later = {qn(f"w:{t}") for t in seq[seq.index(local) + 1 :]}
    for i, existing in enumerate(list(parent)):
        if existing.tag in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    e = cast(BaseOxmlElement, OxmlElement(f"w:{tag}"))
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


# --- paragraphs and runs -------------------------------------------------------------------------


def _fmt(
    p: DocxParagraph,
    *,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    before: float = 0,
    after: float = 0,
    first_indent: Mm | None = None,
    keep_next: bool = False,
) -> DocxParagraph:
    pf = p.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = first_indent
    pf.widow_control = True
    if keep_next:
        pf.keep_with_next = True
    return p


def _run(p: DocxParagraph, text: str, *, size: float, bold: bool = False, italic: bool = False) -> None:
    r = p.add_run(nfc(text))
    r.font.size = Pt(size)
    r.font.bold = bold or None
    r.font.italic = italic or None


def _line_para(
    container: Container,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    first: bool = False,
) -> DocxParagraph:
    """One centred line (in a table cell, the cell's first paragraph is reused)."""
    p = container.paragraphs[0] if first else container.add_paragraph()
    _fmt(p, align=align, before=before, after=after)
    _run(p, text, size=size, bold=bold, italic=italic)
    return p


def _rule(container: Container, length_mm: float, box_mm: float, *, after: float = 0) -> None:
    """A centred horizontal rule ``length_mm`` long in a box ``box_mm`` wide.

    Drawn as the bottom border of an (almost) empty 1 pt paragraph whose indents shorten it,
    which Word and LibreOffice both render the same way (no drawing objects).
    """
    p = container.add_paragraph()
    side = max((box_mm - length_mm) / 2, 0)
    _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, after=after)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    bdr = _el("pBdr")
    bdr.append(_el("bottom", val="single", sz="6", space="1", color="000000"))
    _set_child(ppr, bdr, _PPR_SEQ)
    rpr = _el("rPr")
    rpr.append(_el("sz", val="2"))
    rpr.append(_el("szCs", val="2"))
    _set_child(ppr, rpr, _PPR_SEQ)


def _text_width_mm(text: str, size_pt: float, bold: bool) -> float:
    """Width of ``text`` in Times New Roman (measured on the metric-compatible Tinos)."""
    return text_width_mm(text, size_pt, "B" if bold else "")


# --- tables --------------------------------------------------------------------------------------


def _table_props(
    table: DocxTable, widths_mm: Sequence[float], *, borders: bool, cell_margin_mm: float
) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    table.autofit = False
    _set_child(tblpr, _el("tblW", w=str(int(Mm(sum(widths_mm)).twips)), type="dxa"), _TBLPR_SEQ)
    _set_child(tblpr, _el("tblLayout", type="fixed"), _TBLPR_SEQ)
    mar = _el("tblCellMar")
    for side in ("left", "right"):
        mar.append(_el(side, w=str(int(Mm(cell_margin_mm).twips)), type="dxa"))
    _set_child(tblpr, mar, _TBLPR_SEQ)
    b = _el("tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            b.append(_el(side, val="single", sz="4", space="0", color="000000"))
        else:
            b.append(_el(side, val="nil"))
    _set_child(tblpr, b, _TBLPR_SEQ)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _row_flags(row_el: CT_Row, *, header: bool) -> None:
    trpr = row_el.get_or_add_trPr()
    _set_child(trpr, _el("cantSplit"), _TRPR_SEQ)
    if header:
        _set_child(trpr, _el("tblHeader"), _TRPR_SEQ)


def _data_table(doc: Container, table: Table, *, size: float) -> None:
    if table.caption:
        p = doc.add_paragraph()
        _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3, keep_next=True)
        _run(p, table.caption, size=size, bold=True)
    aligns = column_alignments(table)
    rows = table.formatted_rows()
    t: DocxTable = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_props(
        t, column_widths_mm(table, TEXT_W_MM, size, padding_mm=3 + 1), borders=True, cell_margin_mm=1.5
    )
    for c, head in enumerate(table.columns):
        cell = t.rows[0].cells[c]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = _fmt(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
        _run(p, head, size=size, bold=True)
    _row_flags(t.rows[0]._tr, header=True)
    for r, values in enumerate(rows):
        is_total = table.total_row and r == len(rows) - 1
        row = t.rows[r + 1]
        _row_flags(row._tr, header=False)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            align = _ALIGN[aligns[c]]
            p = _fmt(cell.paragraphs[0], align=align, before=2, after=2)
            _run(p, text, size=size, bold=is_total)
    if table.note:
        p = doc.add_paragraph()
        _fmt(p, align=WD_ALIGN_PARAGRAPH.LEFT, before=3)
        _run(p, table.note, size=size - 1, italic=True)


# --- page furniture ------------------------------------------------------------------------------


def _page_number_field(p: DocxParagraph, size: float) -> None:
    def run_with(child: BaseOxmlElement) -> None:
        r = p.add_run()
        r.font.size = Pt(size)
        r._r.append(child)

    run_with(_el("fldChar", fldCharType="begin"))
    instr = _el("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(_el("fldChar", fldCharType="separate"))
    r = p.add_run("2")
    r.font.size = Pt(size)
    run_with(_el("fldChar", fldCharType="end"))


def _setup(doc: DocxDocument, report: Report) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.gutter = Mm(0)
    # ND30: page number centred at the top, not on the first page.
    section.different_first_page_header_footer = True
    hp = section.header.paragraphs[0]
    _fmt(hp, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_number_field(hp, BODY_PT)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _set_child(rpr, _el("rFonts"), _RPR_SEQ)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    _set_child(rpr, _el("lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA"), _RPR_SEQ)
    for name in ("Header", "Footer"):
        with contextlib.suppress(KeyError):  # the default template has both
            doc.styles[name].font.name = FONT

    cp = doc.core_properties
    cp.title = report.full_title
    cp.subject = nfc(report.subtitle)
    cp.author = nfc(report.issuer)
    cp.last_modified_by = nfc(report.issuer)
    cp.language = "vi-VN"
    cp.category = nfc(report.title)
    cp.keywords = report.number_only
    cp.comments = ""
    cp.revision = 1
    stamp = dt.datetime.combine(report.date, dt.time(0, 0))
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp


def _header_block(doc: Container, report: Report) -> None:
    t: DocxTable = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_props(t, [HEADER_LEFT_MM, HEADER_RIGHT_MM], borders=False, cell_margin_mm=0)
    left, right = t.rows[0].cells
    first = True
    if report.issuer_parent.strip():
        _line_para(left, report.issuer_parent.upper(), size=13, first=True)
        first = False
    issuer = nfc(report.issuer).upper()
    _line_para(left, issuer, size=13, bold=True, first=first)
    issuer_w = min(_text_width_mm(issuer, 13, True), HEADER_LEFT_MM)
    _rule(left, max(issuer_w / 2.5, 20), HEADER_LEFT_MM)

    _line_para(right, QUOC_HIEU, size=13, bold=True, first=True)
    _line_para(right, TIEU_NGU, size=14, bold=True)
    _rule(right, _text_width_mm(TIEU_NGU, 14, True), HEADER_RIGHT_MM)

    no_cell, date_cell = t.rows[1].cells
    _line_para(no_cell, report.number_line, size=13, first=True, before=6)
    _line_para(date_cell, report.date_line, size=14, italic=True, first=True, before=6)
    for row in t.rows:
        row.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _title_block(doc: Container, report: Report) -> None:
    p = doc.add_paragraph()
    _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, keep_next=True)
    _run(p, report.title.upper(), size=BODY_PT, bold=True)
    if report.subtitle.strip():
        p = doc.add_paragraph()
        _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
        _run(p, report.subtitle, size=BODY_PT, bold=True)
        longest = max(
            _text_width_mm(line, BODY_PT, True) for line in nfc(report.subtitle).splitlines() or [""]
        )
        _rule(doc, max(min(longest, TEXT_W_MM) / 3, 25), TEXT_W_MM, after=6)


def _runs(p: DocxParagraph, runs: Sequence[Run], size: float) -> None:
    for run in runs:
        _run(p, run.text, size=size, bold=run.bold, italic=run.italic)


def _body(doc: Container, report: Report) -> None:
    for block in report.blocks:
        if isinstance(block, Heading):
            p = doc.add_paragraph()
            _fmt(p, before=6, first_indent=FIRST_LINE_INDENT, keep_next=True)
            level = max(block.level, 1)
            _run(p, block.text, size=BODY_PT, bold=level <= 3, italic=level >= 3)
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            _fmt(p, before=6, first_indent=FIRST_LINE_INDENT)
            _runs(p, block.iter_runs(), BODY_PT)
        elif isinstance(block, Table):
            _data_table(doc, block, size=TABLE_PT)


def _closing(doc: Container, report: Report) -> None:
    """Nơi nhận (left) and the signature block (right), side by side in a borderless table."""
    spacer = doc.add_paragraph()
    _fmt(spacer, before=6, keep_next=True)
    t: DocxTable = doc.add_table(rows=1, cols=2)
    _table_props(t, [SIGN_LEFT_MM, SIGN_RIGHT_MM], borders=False, cell_margin_mm=0)
    _row_flags(t.rows[0]._tr, header=False)
    left, right = t.rows[0].cells
    if report.recipients:
        p = _line_para(
            left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True
        )
        p.paragraph_format.keep_with_next = True
        for line in report.recipient_lines():
            _line_para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    for line in report.signer_lines:
        _line_para(right, line, size=BODY_PT, bold=True, first=first)
        first = False
    if report.signer_name.strip():
        # Room for the signature and the seal.
        _line_para(right, report.signer_name, size=BODY_PT, bold=True, first=first, before=0 if first else 72)


def _annex(doc: Container, report: Report) -> None:
    if not report.annex:
        return
    p = doc.add_paragraph()
    _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    p.paragraph_format.page_break_before = True
    _run(p, "PHỤ LỤC", size=BODY_PT, bold=True)
    p = doc.add_paragraph()
    _fmt(p, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    _run(p, report.annex_caption(), size=BODY_PT, italic=True)
    _rule(doc, 40, TEXT_W_MM, after=6)
    for table in report.annex:
        _data_table(doc, table, size=ANNEX_TABLE_PT)


def render_docx(report: Report) -> bytes:
    """The report as a .docx file's bytes."""
    doc = Document()
    _setup(doc, report)
    # The default template starts with no paragraph; the header table goes first.
    _header_block(doc, report)
    _title_block(doc, report)
    _body(doc, report)
    _closing(doc, report)
    _annex(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
