"""Rendering of official Vietnamese reports (ND 30/2020/NĐ-CP) as DOCX, XLSX and PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from binhyen.reports.document import (
    CHANGE,
    DECIMAL,
    INTEGER,
    PERCENT,
    TEXT,
    Heading,
    NumberFormat,
    Paragraph,
    Report,
    Run,
    Table,
    vn_date_line,
    vn_number,
    vn_percent,
)
from binhyen.reports.render_docx import render_docx
from binhyen.reports.render_pdf import FONT_DIR, render_pdf, text_width_mm
from binhyen.reports.render_xlsx import render_xlsx, sheet_title

IN_CI = os.environ.get("CI", "").lower() == "true"
# What the LibreOffice and text-layer tests need on Debian.
DEBIAN_PACKAGES = "apt-get install libreoffice-writer-nogui poppler-utils fonts-liberation2"


def need_tool(name: str) -> str:
    """The tool's path; skipped when it is missing — but on CI (CI=true) a missing tool fails."""
    path = shutil.which(name)
    if path is None:
        reason = f"`{name}` is not on PATH (Debian: {DEBIAN_PACKAGES})"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true, so this must not be skipped")
        pytest.skip(reason)
    return path


def incidents_table() -> Table:
    return Table(
        caption="Bảng 1. Tình hình vụ việc về an ninh, trật tự theo loại",
        columns=["STT", "Loại vụ việc", "6 tháng đầu năm 2021", "Cùng kỳ năm 2020", "Tăng, giảm (%)"],
        rows=[
            [1, "Trộm cắp tài sản", 42, 52, -0.1923],
            [2, "Cố ý gây thương tích", 7, 9, -0.2222],
            [3, "Đánh bạc, tổ chức đánh bạc", 5, 4, 0.25],
            [4, "Lừa đảo chiếm đoạt tài sản qua mạng", 11, 6, 0.8333],
            [5, "Vi phạm về ma túy", 3, 5, -0.4],
            ["", "Tổng cộng", 68, 76, -0.1053],
        ],
        formats=[TEXT, TEXT, INTEGER, INTEGER, PERCENT],
        total_row=True,
        note="Nguồn: Công an phường B'Lao, số liệu từ ngày 15/12/2020 đến ngày 14/6/2021.",
    )


def sample_report() -> Report:
    return Report(
        issuer_parent="Công an tỉnh Lâm Đồng",
        issuer="CÔNG AN PHƯỜNG B'LAO",
        issuer_name="Công an phường B'Lao",
        number="12/BC-CAP",
        place="Bảo Lộc",
        date=dt.date(2021, 6, 15),
        title="BÁO CÁO",
        subtitle="Sơ kết 6 tháng đầu năm 2021 phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        blocks=[
            Paragraph(
                "Thực hiện Kế hoạch số 45/KH-CAT ngày 10/01/2021 của Công an tỉnh Lâm Đồng về triển khai "
                "phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2021, Công an phường B'Lao báo cáo kết quả "
                "6 tháng đầu năm 2021 như sau:"
            ),
            Heading("I. TÌNH HÌNH AN NINH, TRẬT TỰ TRÊN ĐỊA BÀN", 1),
            Paragraph(
                "Tình hình an ninh chính trị trên địa bàn phường cơ bản ổn định; không để xảy ra đột xuất, "
                f"bất ngờ. Trong kỳ, trên địa bàn xảy ra {vn_number(68)} vụ việc về trật tự xã hội, giảm "
                f"{vn_number(8)} vụ ({vn_percent(0.1053)}) so với cùng kỳ năm 2020; trong đó trộm cắp "
                f"tài sản giảm {vn_percent(0.1923)}. Lực lượng Công an phường đã tiếp nhận, xử lý "
                f"{vn_number(1250)} tin báo, tố giác tội phạm và kiến nghị khởi tố của quần chúng nhân dân."
            ),
            incidents_table(),
            Heading("II. KẾT QUẢ THỰC HIỆN PHONG TRÀO", 1),
            Heading("1. Công tác tuyên truyền, vận động quần chúng", 2),
            Paragraph(
                runs=[
                    Run("Phối hợp với Ủy ban Mặt trận Tổ quốc phường tổ chức "),
                    Run(f"{vn_number(36)} buổi", bold=True),
                    Run(" tuyên truyền tại các tổ dân phố với "),
                    Run(f"{vn_number(4215)} lượt người", bold=True),
                    Run(" tham dự; phát "),
                    Run(f"{vn_number(12500)} tờ rơi", italic=True),
                    Run(" về phòng, chống lừa đảo qua mạng, đạt tỷ lệ hộ được tiếp cận "),
                    Run(vn_percent(0.874), bold=True),
                    Run(". Những chữ khó: ữ ặ ỗ ự ẫ, Ỹ Ỷ Ẵ Ờ Ợ, đĐ."),
                ]
            ),
            Heading("2. Xây dựng mô hình tự quản về an ninh, trật tự", 2),
            Paragraph(
                "Duy trì 14 mô hình tự quản (chi tiết tại Phụ lục kèm theo), trong đó mô hình "
                f'"Camera an ninh" đã lắp đặt thêm {vn_number(87)} camera, nâng tổng số lên '
                f"{vn_number(1034)} camera kết nối với Công an phường, góp phần phát hiện, xử lý kịp thời "
                "nhiều vụ việc."
            ),
            Heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2021", 1),
            Paragraph(
                "Tiếp tục tham mưu cấp ủy, chính quyền lãnh đạo, chỉ đạo phong trào; nhân rộng các mô hình "
                "tự quản hiệu quả; phấn đấu giảm ít nhất 5% số vụ phạm pháp hình sự so với cùng kỳ."
            ),
        ],
        recipients=[
            "Công an thị xã Bảo Lộc (để báo cáo)",
            "Đảng ủy, UBND phường B'Lao (để báo cáo)",
            "Ban Chỉ đạo phong trào phường",
            "Lưu: VT, CAP",
        ],
        signer_title="Trưởng Công an phường",
        signer_name="Thượng tá Nguyễn Văn An",
        annex=[
            Table(
                caption="Phụ lục 1. Kết quả xây dựng mô hình tự quản theo tổ dân phố",
                columns=[
                    "STT",
                    "Tổ dân phố",
                    "Số mô hình",
                    "Số hộ tham gia",
                    "Tỷ lệ hộ tham gia",
                    "Kinh phí (triệu đồng)",
                ],
                rows=[
                    [1, "Tổ dân phố 1", 3, 1250, 0.912, 12.5],
                    [2, "Tổ dân phố 2", 2, 987, 0.853, 8],
                    [3, "Tổ dân phố 3", 4, 1432, 0.947, Decimal("20.25")],
                    [4, "Tổ dân phố Hà Giang", 5, 2104, 0.78, None],
                    ["", "Cộng", 14, 5773, 0.87, 40.75],
                ],
                formats=[TEXT, TEXT, INTEGER, INTEGER, PERCENT, DECIMAL(2)],
                total_row=True,
            )
        ],
    )


# --- the model -----------------------------------------------------------------------------------


def test_vietnamese_number_formats():
    assert vn_number(1000) == "1.000"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(1234.5, 1) == "1.234,5"
    assert vn_number(2.675, 2) == "2,68"  # half away from zero, not banker's / binary rounding
    assert vn_number(-0.04, 1) == "0,0"  # no "-0,0"
    assert vn_number(-1500) == "-1.500"
    assert vn_percent(0.194) == "19,4%"
    assert vn_percent(1) == "100,0%"
    assert vn_percent(Decimal("0.0525"), 2) == "5,25%"
    with pytest.raises(ValueError):
        vn_number(float("nan"))


def test_date_line_follows_nd30_zero_padding():
    # Days below 10 and the months 1 and 2 take a leading zero; other months do not.
    assert vn_date_line("Bảo Lộc", dt.date(2021, 6, 15)) == "Bảo Lộc, ngày 15 tháng 6 năm 2021"
    assert vn_date_line("Hà Nội", dt.date(2021, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2021"
    assert vn_date_line("Hà Nội", dt.date(2021, 12, 31)) == "Hà Nội, ngày 31 tháng 12 năm 2021"


def test_report_derived_texts():
    r = sample_report()
    assert r.number_line == "Số: 12/BC-CAP"
    assert r.number_only == "12/BC-CAP"
    assert r.recipient_lines() == [
        "- Công an thị xã Bảo Lộc (để báo cáo);",
        "- Đảng ủy, UBND phường B'Lao (để báo cáo);",
        "- Ban Chỉ đạo phong trào phường;",
        "- Lưu: VT, CAP.",
    ]
    assert r.signer_lines == ["TRƯỞNG CÔNG AN PHƯỜNG"]
    assert (
        r.annex_caption()
        == "(Kèm theo Báo cáo số 12/BC-CAP ngày 15 tháng 6 năm 2021 của Công an phường B'Lao)"
    )
    t = incidents_table()
    assert t.formatted_rows()[0] == ["1", "Trộm cắp tài sản", "42", "52", "-19,2%"]
    with pytest.raises(ValueError, match="row 0 has 2 cells"):
        Table("x", ["a", "b", "c"], [[1, 2]])


def test_signed_change_format():
    assert [CHANGE.format(v) for v in (0.25, -0.1923, 0, -0.0001, None)] == [
        "+25,0%",
        "-19,2%",
        "0,0%",
        "0,0%",
        "",
    ]
    assert CHANGE.excel_format() == "+0.0%;-0.0%;0.0%"
    assert NumberFormat("integer", signed=True).format(1500) == "+1.500"


def test_formats_are_inferred_when_not_given():
    t = Table("x", ["Tên", "Số", "Tỷ số"], [["A", 1000, 2.5], ["B", None, 3], ["C", 2, ""]])
    assert [f.kind for f in t.column_formats()] == ["text", "integer", "decimal"]
    assert t.formatted_rows() == [["A", "1.000", "2,5"], ["B", "", "3,0"], ["C", "2", ""]]


# --- DOCX ----------------------------------------------------------------------------------------


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_docx_layout_and_texts():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    data = render_docx(sample_report())
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]

    def mm(length) -> float:  # Word stores twips, so 210 mm comes back as 210.0004 mm
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4 portrait
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14

    header = doc.tables[0]
    left = "\n".join(p.text for p in header.cell(0, 0).paragraphs)
    right = "\n".join(p.text for p in header.cell(0, 1).paragraphs)
    assert "CÔNG AN TỈNH LÂM ĐỒNG" in left  # upper-cased
    assert "CÔNG AN PHƯỜNG B'LAO" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert header.cell(1, 0).text == "Số: 12/BC-CAP"
    assert header.cell(1, 1).text == "Bảo Lộc, ngày 15 tháng 6 năm 2021"
    date_run = header.cell(1, 1).paragraphs[0].runs[0]
    assert date_run.italic and date_run.font.size.pt == 14
    issuer_run = next(p for p in header.cell(0, 0).paragraphs if p.text == "CÔNG AN PHƯỜNG B'LAO").runs[0]
    assert issuer_run.bold

    body = [p for p in doc.paragraphs if p.text]
    title = next(p for p in body if p.text == "BÁO CÁO")
    assert title.alignment == 1 and title.runs[0].bold  # centred
    para = next(p for p in body if p.text.startswith("Tình hình an ninh chính trị"))
    assert para.alignment == 3  # justified
    assert para.paragraph_format.first_line_indent == Mm(12.7)
    assert para.paragraph_format.space_before.pt == 6

    text = _docx_text(doc)
    for expected in ("1.250 tin báo", "giảm 19,2%", "87,4%", "ữ ặ ỗ ự ẫ", "- Lưu: VT, CAP.", "Nơi nhận:"):
        assert expected in text
    assert "THƯỢNG TÁ NGUYỄN VĂN AN" not in text and "Thượng tá Nguyễn Văn An" in text
    assert "PHỤ LỤC" in text and "(Kèm theo Báo cáo số 12/BC-CAP" in text

    incidents = doc.tables[1]
    assert [c.text for c in incidents.rows[0].cells][2] == "6 tháng đầu năm 2021"
    assert all(r.bold for r in incidents.rows[0].cells[1].paragraphs[0].runs)
    assert [c.text for c in incidents.rows[1].cells] == ["1", "Trộm cắp tài sản", "42", "52", "-19,2%"]
    annex = doc.tables[-1]
    assert [c.text for c in annex.rows[1].cells] == ["1", "Tổ dân phố 1", "3", "1.250", "91,2%", "12,50"]
    assert annex.rows[4].cells[5].text == ""  # None shows as an empty cell
    assert annex.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None

    # Page number: a PAGE field in the header, with a different (empty) first-page header.
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "fldChar" in header_xml
    assert not section.first_page_header.paragraphs or not section.first_page_header.paragraphs[0].text

    cp = doc.core_properties
    assert cp.author == "CÔNG AN PHƯỜNG B'LAO"
    assert cp.title.startswith("BÁO CÁO Sơ kết 6 tháng đầu năm 2021")
    assert cp.language == "vi-VN"


def test_docx_is_well_formed_zip_with_ordered_properties():
    """Word rejects misplaced elements; check the properties we insert sit in schema order."""
    data = render_docx(sample_report())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    for ppr in re.findall(r"<w:pPr>.*?</w:pPr>", xml, flags=re.S):
        tags = re.findall(r"<w:(\w+)[ />]", ppr)[1:]
        order = [
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "widowControl",
            "pBdr",
            "spacing",
            "ind",
            "jc",
            "rPr",
        ]
        seen = [t for t in tags if t in order and t != "rPr"]
        assert seen == sorted(seen, key=order.index), ppr
    for tblpr in re.findall(r"<w:tblPr>.*?</w:tblPr>", xml, flags=re.S):
        tags = [t for t in re.findall(r"<w:(\w+)[ />]", tblpr)[1:]]
        order = ["tblStyle", "tblW", "jc", "tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]
        top = [t for t in tags if t in order]
        assert top == sorted(top, key=order.index), tblpr


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_sheets_numbers_and_header():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_xlsx(sample_report())))
    assert wb.sheetnames == ["Bảng 1. Tình hình vụ việc về an", "Phụ lục 1. Kết quả xây dựng mô"]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "Bảng 1. Tình hình vụ việc về an ninh, trật tự theo loại"
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A5"
    header = [c.value for c in ws[4]]
    assert header == ["STT", "Loại vụ việc", "6 tháng đầu năm 2021", "Cùng kỳ năm 2020", "Tăng, giảm (%)"]
    assert all(c.font.b for c in ws[4])
    row = [c.value for c in ws[5]]
    assert row == [1, "Trộm cắp tài sản", 42, 52, -0.1923]
    assert isinstance(ws["C5"].value, int) and ws["C5"].data_type == "n"
    assert ws["E5"].number_format == "0.0%"
    assert ws["C5"].number_format == "#,##0"
    assert ws["C10"].value == 68 and ws["C10"].font.b  # total row
    assert ws.auto_filter.ref == "A4:E10"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width

    annex = wb.worksheets[1]
    assert [c.value for c in annex[5]] == [1, "Tổ dân phố 1", 3, 1250, 0.912, 12.5]
    assert annex["F7"].value == 20.25 and annex["F7"].number_format == "#,##0.00"
    assert annex["F8"].value is None
    assert wb.properties.creator == "CÔNG AN PHƯỜNG B'LAO"


def test_xlsx_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [
        sheet_title(c, i, taken) for i, c in enumerate(["A/B: [x]?", "a/b: [x]?", "", "History", "x" * 40], 1)
    ]
    assert names == ["A B x", "a b x (2)", "Bảng 3", "Bảng 4", "x" * 31]
    assert all(len(n) <= 31 for n in names)


def test_xlsx_keeps_formula_like_text_as_text():
    from openpyxl import load_workbook

    r = sample_report()
    r.blocks = [Table("Danh sách", ["Tên", "Số"], [['=HYPERLINK("http://x")', 1]])]
    r.annex = []
    ws = load_workbook(io.BytesIO(render_xlsx(r))).active
    assert ws["A5"].data_type == "s" and ws["A5"].value.startswith("=HYPERLINK")


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_streams(data: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


def test_pdf_embeds_a_subset_of_tinos_with_vietnamese_glyphs():
    data = render_pdf(sample_report())
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2  # body, then the annex on its own page
    assert b"/FontFile2" in data  # TrueType embedded
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Tinos", data)  # subset-tagged
    assert len(data) < 150_000, len(data)  # subsetted, compressed
    cmaps = b"".join(s for s in _pdf_streams(data) if b"beginbfchar" in s or b"beginbfrange" in s)
    for ch in "ĐộữặỗựẫỸ":  # every one of these has a glyph and maps back to its code point
        assert f"<{ord(ch):04X}>".encode() in cmaps, ch
    assert b"/Title" in data and b"/Lang" in data


def test_pdf_text_layer(tmp_path: Path):
    pdftotext = need_tool("pdftotext")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(sample_report()))
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = text.split("\f")
    flat = " ".join(text.split())  # lines may wrap anywhere
    for expected in (
        "CÔNG AN TỈNH LÂM ĐỒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-CAP",
        "Bảo Lộc, ngày 15 tháng 6 năm 2021",
        "ữ ặ ỗ ự ẫ",
        "1.250",
        "19,2%",
        "Nơi nhận:",
        "PHỤ LỤC",
    ):
        assert expected in flat, expected
    assert pages[1].strip().startswith("2")  # page number at the top of page 2 …
    assert not pages[0].strip().startswith("1")  # … but none on page 1


def test_font_files_and_licence_are_vendored():
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert (FONT_DIR / f"Tinos-{style}.ttf").stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE" in (FONT_DIR / "OFL.txt").read_text()
    # Tinos is metric-compatible with Times New Roman: the Quốc hiệu at 13 pt bold is ~96 mm.
    assert 94 < text_width_mm("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, "B") < 98


def test_minimal_report_renders_everywhere():
    """No parent body, no blocks, no recipients, no signer, no tables: still valid files."""
    from docx import Document
    from openpyxl import load_workbook

    r = Report(
        issuer_parent="",
        issuer="Ủy ban nhân dân xã Đạ Tẻh",
        number="",
        place="Đạ Tẻh",
        date=dt.date(2024, 1, 2),
        title="Báo cáo",
        subtitle="",
    )
    doc = Document(io.BytesIO(render_docx(r)))
    assert "ỦY BAN NHÂN DÂN XÃ ĐẠ TẺH" in doc.tables[0].cell(0, 0).text
    assert doc.tables[0].cell(1, 1).text == "Đạ Tẻh, ngày 02 tháng 01 năm 2024"
    ws = load_workbook(io.BytesIO(render_xlsx(r))).active
    assert ws["A1"].value == "Báo cáo"
    assert render_pdf(r).startswith(b"%PDF-")


def test_long_report_breaks_pages_and_repeats_table_headings(tmp_path: Path):
    r = sample_report()
    rows: list[list] = [[i, f"Tổ dân phố số {i}", i * 1000, i / 100] for i in range(1, 121)]
    r.blocks.insert(
        4,
        Table("Bảng 2. Danh sách dài", ["STT", "Tổ", "Số hộ", "Tỷ lệ"], rows, [TEXT, TEXT, INTEGER, PERCENT]),
    )
    r.blocks.insert(5, Paragraph("Đoạn văn dài về tình hình an ninh trật tự. " * 150))
    data = render_pdf(r)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 5
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        pdf = tmp_path / "long.pdf"
        pdf.write_bytes(data)
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        for n, page in enumerate(pages[1:], start=2):
            assert page.strip().startswith(str(n)), f"page {n} lacks its number"
        with_rows = [p for p in pages if "Tổ dân phố số" in p]
        assert len(with_rows) >= 2 and all("Số hộ" in p for p in with_rows)  # heading row repeated
    assert render_docx(r)[:2] == b"PK"


def test_decomposed_unicode_is_composed():
    import unicodedata

    r = sample_report()
    r.subtitle = unicodedata.normalize("NFD", "Độc lập - Tự do - Hạnh phúc")
    assert unicodedata.normalize("NFD", r.subtitle) == r.subtitle != "Độc lập - Tự do - Hạnh phúc"
    from docx import Document

    doc = Document(io.BytesIO(render_docx(r)))
    assert any(p.text == "Độc lập - Tự do - Hạnh phúc" for p in doc.paragraphs)  # NFC
    assert doc.core_properties.subject == "Độc lập - Tự do - Hạnh phúc"


# --- DOCX through LibreOffice --------------------------------------------------------------------


def test_docx_converts_with_libreoffice(tmp_path: Path):
    soffice = need_tool("soffice")
    pdftotext = need_tool("pdftotext")
    src = tmp_path / "bao-cao.docx"
    src.write_bytes(render_docx(sample_report()))
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = tmp_path / "bao-cao.pdf"
    assert out.exists(), f"LibreOffice did not convert: {proc.stdout}\n{proc.stderr}"
    text = subprocess.run(
        [pdftotext, "-layout", str(out), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    first = pages[0]
    for expected in (
        "CÔNG AN PHƯỜNG B'LAO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-CAP",
        "Bảo Lộc, ngày 15 tháng 6 năm 2021",
        "BÁO CÁO",
    ):
        assert expected in first, expected
    # The header's two columns sit side by side: Số and the date on one line.
    assert re.search(r"Số: 12/BC-CAP\s+Bảo Lộc, ngày 15", first)
    assert pages[1].strip().startswith("2") and not first.strip().startswith("1")
    assert "PHỤ LỤC" in text and "1.250" in text
    pdffonts = shutil.which("pdffonts")
    if pdffonts:
        fonts = subprocess.run([pdffonts, str(out)], capture_output=True, check=True, text=True).stdout
        # Times New Roman must map to a metric-compatible face, or the layout drifts.
        assert re.search(r"LiberationSerif|Tinos|TimesNewRoman", fonts), fonts
