"""Render a :class:`~binhyen.reports.document.Report` as PDF (fpdf2), laid out like the DOCX.

The text is set in Tinos (vendored in ``fonts/``, SIL OFL 1.1), which is metric-compatible with
Times New Roman and covers every Vietnamese letter. fpdf2 embeds only the glyphs used (subset),
so a report stays small.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, TableCellFillMode, VAlign, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .document import Heading, Paragraph, Report, Run, Table, nfc

# fontTools logs every subsetting step at INFO; keep that out of the app's logs unless asked for.
_subset_log = logging.getLogger("fontTools.subset")
if _subset_log.level == logging.NOTSET:
    _subset_log.setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Tinos"
_STYLE_FILES = {
    "": "Tinos-Regular.ttf",
    "B": "Tinos-Bold.ttf",
    "I": "Tinos-Italic.ttf",
    "BI": "Tinos-BoldItalic.ttf",
}

PT = 25.4 / 72  # mm per point
PAGE_W, PAGE_H = 210.0, 297.0
TOP, BOTTOM, LEFT, RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_W = PAGE_W - LEFT - RIGHT  # 165
HEADER_LEFT_W = 65.0
HEADER_RIGHT_W = TEXT_W - HEADER_LEFT_W
SIGN_LEFT_W = 80.0
SIGN_RIGHT_W = TEXT_W - SIGN_LEFT_W
BODY_PT = 14.0
TABLE_PT = 13.0
ANNEX_TABLE_PT = 12.0
LINE = 1.15  # "single" line spacing of Times New Roman, as a multiple of the font size
FIRST_INDENT = 12.7
PARA_BEFORE = 6 * PT

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@functools.lru_cache(maxsize=4)
def _metrics(style: str) -> tuple[dict[int, int], float]:
    """Advance widths by code point, and units per em, for one Tinos style."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_DIR / _STYLE_FILES[style]), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {cp: hmtx[name][0] for cp, name in cmap.items()}
    return widths, float(font["head"].unitsPerEm)


def text_width_mm(text: str, size_pt: float, style: str = "") -> float:
    """Width of ``text`` set in Tinos (= Times New Roman) at ``size_pt``, in millimetres."""
    widths, upm = _metrics(style)
    fallback = widths.get(ord("n"), int(upm / 2))
    units = sum(widths.get(ord(ch), fallback) for ch in nfc(text))
    return units / upm * size_pt * PT


def column_widths_mm(table: Table, total_mm: float, size_pt: float, padding_mm: float = 3.5) -> list[float]:
    """Share ``total_mm`` between the columns by what they hold.

    Each column gets at least its longest word (bold for the heading) so nothing breaks
    mid-word, and as much of its one-line width (headings capped at 28 mm, cells at 90 mm)
    as the page allows; room left over is shared in proportion.
    """
    rows = table.formatted_rows()
    least: list[float] = []
    want: list[float] = []
    for c, head in enumerate(table.columns):
        cells = [r[c] for r in rows if r[c]]
        head_words = nfc(head).split() or [""]
        cell_words = [w for text in cells for w in text.split()]
        longest_word = max(
            [text_width_mm(w, size_pt, "B") for w in head_words]
            + [text_width_mm(w, size_pt, "B") for w in cell_words]
        )
        one_line = max(
            [min(text_width_mm(head, size_pt, "B"), 28.0)]
            + [min(text_width_mm(t, size_pt, "B"), 90.0) for t in cells]
        )
        least.append(longest_word + padding_mm)
        want.append(max(one_line, longest_word) + padding_mm)
    if sum(least) >= total_mm:
        return [w * total_mm / sum(least) for w in least]
    if sum(want) <= total_mm:
        extra = total_mm - sum(want)
        return [w + extra * w / sum(want) for w in want]
    k = (total_mm - sum(least)) / (sum(want) - sum(least))
    return [lo + (hi - lo) * k for lo, hi in zip(least, want, strict=True)]


def column_alignments(table: Table) -> list[str]:
    """Per column: "R" for figures, "C" for short codes such as STT, "L" for text."""
    rows = table.formatted_rows()
    out = []
    for c, fmt in enumerate(table.column_formats()):
        if fmt.is_numeric:
            out.append("R")
        elif rows and all(len(r[c]) <= 4 for r in rows):
            out.append("C")
        else:
            out.append("L")
    return out


class _ReportPDF(FPDF):
    def header(self) -> None:
        # ND30: the page number is centred at the top of the page, and not shown on page 1.
        if self.page_no() < 2:
            return
        self.set_font(FAMILY, "", BODY_PT)
        self.set_xy(LEFT, 10)
        self.cell(TEXT_W, BODY_PT * PT * LINE, str(self.page_no()), align=Align.C)
        self.set_xy(self.l_margin, self.t_margin)


def _lh(size: float) -> float:
    return size * PT * LINE


class _Writer:
    def __init__(self, report: Report) -> None:
        self.report = report
        pdf = _ReportPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(LEFT, TOP, RIGHT)
        pdf.set_auto_page_break(True, margin=BOTTOM)
        pdf.c_margin = 0
        for style, file in _STYLE_FILES.items():
            pdf.add_font(FAMILY, style, str(FONT_DIR / file))
        pdf.set_compression(True)
        pdf.set_title(report.full_title)
        pdf.set_subject(nfc(report.subtitle))
        pdf.set_author(nfc(report.issuer))
        pdf.set_creator("Bình Yên")
        pdf.set_lang("vi-VN")
        pdf.set_creation_date(dt.datetime.combine(report.date, dt.time(0, 0), tzinfo=dt.UTC))
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)
        self.pdf = pdf

    # --- primitives ------------------------------------------------------------------------------
    def font(self, size: float, bold: bool = False, italic: bool = False) -> None:
        self.pdf.set_font(FAMILY, ("B" if bold else "") + ("I" if italic else ""), size)

    def centred(
        self, x: float, w: float, text: str, size: float, *, bold: bool = False, italic: bool = False
    ) -> None:
        self.font(size, bold, italic)
        self.pdf.set_x(x)
        self.pdf.multi_cell(w, _lh(size), nfc(text), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def rule(self, centre_x: float, length: float, y: float) -> None:
        self.pdf.set_line_width(0.3)
        self.pdf.line(centre_x - length / 2, y, centre_x + length / 2, y)

    def n_lines(self, width: float, text: str, size: float) -> int:
        """How many lines ``text`` takes in a ``width`` mm box, in the current font."""
        lines = self.pdf.multi_cell(width, _lh(size), nfc(text), dry_run=True, output=MethodReturnValue.LINES)
        return len(lines) if isinstance(lines, list) else 1

    def room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def ensure(self, height: float) -> None:
        if self.room() < height:
            self.pdf.add_page()

    # --- parts -----------------------------------------------------------------------------------
    def header_block(self) -> None:
        r, pdf = self.report, self.pdf
        y0 = pdf.get_y()
        lx, rx = LEFT, LEFT + HEADER_LEFT_W
        pdf.set_y(y0)
        if r.issuer_parent.strip():
            self.centred(lx, HEADER_LEFT_W, r.issuer_parent.upper(), 13)
        issuer = nfc(r.issuer).upper()
        self.centred(lx, HEADER_LEFT_W, issuer, 13, bold=True)
        issuer_w = min(text_width_mm(issuer, 13, "B"), HEADER_LEFT_W)
        self.rule(lx + HEADER_LEFT_W / 2, max(issuer_w / 2.5, 20), pdf.get_y() + 1.2)
        left_bottom = pdf.get_y()

        pdf.set_y(y0)
        self.centred(rx, HEADER_RIGHT_W, QUOC_HIEU, 13, bold=True)
        self.centred(rx, HEADER_RIGHT_W, TIEU_NGU, 14, bold=True)
        self.rule(rx + HEADER_RIGHT_W / 2, text_width_mm(TIEU_NGU, 14, "B"), pdf.get_y() + 1.2)
        right_bottom = pdf.get_y()

        y1 = max(left_bottom, right_bottom) + 6 * PT + 1.2
        pdf.set_y(y1)
        self.centred(lx, HEADER_LEFT_W, r.number_line, 13)
        left_bottom = pdf.get_y()
        pdf.set_y(y1)
        self.centred(rx, HEADER_RIGHT_W, r.date_line, 14, italic=True)
        pdf.set_y(max(left_bottom, pdf.get_y()))

    def title_block(self) -> None:
        r, pdf = self.report, self.pdf
        pdf.set_y(pdf.get_y() + 18 * PT)
        self.centred(LEFT, TEXT_W, r.title.upper(), BODY_PT, bold=True)
        if r.subtitle.strip():
            self.centred(LEFT, TEXT_W, r.subtitle, BODY_PT, bold=True)
            longest = max(text_width_mm(line, BODY_PT, "B") for line in nfc(r.subtitle).splitlines() or [""])
            self.rule(LEFT + TEXT_W / 2, max(min(longest, TEXT_W) / 3, 25), pdf.get_y() + 1.2)
            pdf.set_y(pdf.get_y() + 1.2 + 6 * PT)

    def paragraph(self, runs: Sequence[Run], *, size: float = BODY_PT, keep_next: bool = False) -> None:
        pdf = self.pdf
        if keep_next:  # a heading: keep it with (at least two lines of) what follows
            self.ensure(PARA_BEFORE + 3 * _lh(size))
        self.font(size)
        with (
            pdf.text_columns(
                ncols=1,
                text_align=Align.J,
                line_height=LINE,
                wrapmode=WrapMode.WORD,
                skip_leading_spaces=True,
            ) as cols,
            cols.paragraph(top_margin=PARA_BEFORE, first_line_indent=FIRST_INDENT) as par,
        ):
            for run in runs:
                self.font(size, run.bold, run.italic)
                par.write(run.text)
        pdf.set_x(LEFT)

    def table(self, table: Table, size: float) -> None:
        pdf = self.pdf
        widths = column_widths_mm(table, TEXT_W, size)
        rows = table.formatted_rows()
        pad = 1.0
        self.font(size, bold=True)
        head_lines = max(
            self.n_lines(w - 2 * 1.5, h, size) for h, w in zip(table.columns, widths, strict=True)
        )
        head_h = head_lines * _lh(size) + 2 * pad
        cap_h = (_lh(size) + 3 * PT + PARA_BEFORE) if table.caption else 0
        self.ensure(cap_h + head_h + _lh(size) + 2 * pad + 1)
        if table.caption:
            pdf.set_y(pdf.get_y() + PARA_BEFORE)
            self.centred(LEFT, TEXT_W, table.caption, size, bold=True)
            pdf.set_y(pdf.get_y() + 3 * PT)
        self.font(size)
        aligns = tuple(Align.coerce(a) for a in column_alignments(table))
        with pdf.table(
            col_widths=tuple(widths),
            width=TEXT_W,
            align=Align.L,
            text_align=aligns,
            v_align=VAlign.M,
            line_height=_lh(size),
            padding=(pad, 1.5),
            headings_style=FontFace(emphasis="BOLD", fill_color=None),
            cell_fill_mode=TableCellFillMode.NONE,
            repeat_headings=1,
            first_row_as_headings=True,
        ) as t:
            head = t.row()
            for h in table.columns:
                head.cell(nfc(h), align=Align.C)
            for i, values in enumerate(rows):
                total = table.total_row and i == len(rows) - 1
                row = t.row(style=FontFace(emphasis="BOLD") if total else None)
                for text in values:
                    row.cell(text)
        if table.note:
            self.font(size - 1, italic=True)
            pdf.set_y(pdf.get_y() + 3 * PT)
            pdf.set_x(LEFT)
            pdf.multi_cell(TEXT_W, _lh(size - 1), nfc(table.note), align=Align.L, new_x=XPos.LMARGIN)
        pdf.set_x(LEFT)

    def body(self) -> None:
        for block in self.report.blocks:
            if isinstance(block, Heading):
                level = max(block.level, 1)
                self.paragraph([Run(nfc(block.text), bold=level <= 3, italic=level >= 3)], keep_next=True)
            elif isinstance(block, Paragraph):
                self.paragraph(block.iter_runs())
            elif isinstance(block, Table):
                self.table(block, TABLE_PT)

    def closing(self) -> None:
        r, pdf = self.report, self.pdf
        recipients = r.recipient_lines()
        signer = r.signer_lines
        gap = 25.0  # room for the signature and the seal
        left_h = (_lh(12) + len(recipients) * _lh(11)) if recipients else 0
        right_h = len(signer) * _lh(BODY_PT) + (gap + _lh(BODY_PT) if r.signer_name.strip() else 0)
        self.ensure(PARA_BEFORE * 2 + max(left_h, right_h))
        y0 = pdf.get_y() + PARA_BEFORE * 2
        if recipients:
            pdf.set_y(y0)
            self.font(12, bold=True, italic=True)
            pdf.set_x(LEFT)
            pdf.multi_cell(SIGN_LEFT_W, _lh(12), "Nơi nhận:", align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font(11)
            for line in recipients:
                pdf.set_x(LEFT)
                pdf.multi_cell(
                    SIGN_LEFT_W - 2, _lh(11), line, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT
                )
        left_bottom = pdf.get_y()
        pdf.set_y(y0)
        rx = LEFT + SIGN_LEFT_W
        for line in signer:
            self.centred(rx, SIGN_RIGHT_W, line, BODY_PT, bold=True)
        if r.signer_name.strip():
            pdf.set_y(pdf.get_y() + (gap if signer else 0))
            self.centred(rx, SIGN_RIGHT_W, r.signer_name, BODY_PT, bold=True)
        pdf.set_y(max(left_bottom, pdf.get_y()))

    def annex(self) -> None:
        r = self.report
        if not r.annex:
            return
        self.pdf.add_page()
        self.centred(LEFT, TEXT_W, "PHỤ LỤC", BODY_PT, bold=True)
        self.centred(LEFT, TEXT_W, r.annex_caption(), BODY_PT, italic=True)
        self.rule(LEFT + TEXT_W / 2, 40, self.pdf.get_y() + 1.2)
        self.pdf.set_y(self.pdf.get_y() + 1.2)
        for table in r.annex:
            self.table(table, ANNEX_TABLE_PT)

    def render(self) -> bytes:
        self.pdf.add_page()
        self.header_block()
        self.title_block()
        self.body()
        self.closing()
        self.annex()
        return bytes(self.pdf.output())


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, Tinos embedded as a subset)."""
    return _Writer(report).render()
