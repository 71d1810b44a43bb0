"""A neutral model of a Vietnamese administrative report (báo cáo sơ kết / tổng kết).

The model says *what* the report contains; ``render_docx``, ``render_xlsx`` and
``render_pdf`` decide how it looks, following Nghị định 30/2020/NĐ-CP, Phụ lục I
(thể thức và kỹ thuật trình bày văn bản hành chính).

Numbers are kept as numbers in the model (so the XLSX gets real numeric cells);
:func:`vn_number` and :func:`vn_percent` format them the Vietnamese way for the
DOCX and PDF: ``1.000``, ``1.234,5``, ``19,4%``.

Percentages are *fractions*, as in Excel: ``0.194`` is shown as ``19,4%``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

Cell = str | int | float | Decimal | None
FormatKind = Literal["text", "integer", "decimal", "percent"]


@dataclass(frozen=True)
class NumberFormat:
    """How a table column shows its values.

    ``integer`` → ``1.234``; ``decimal`` → ``1.234,5`` (``decimals`` digits);
    ``percent`` → ``19,4%`` from the fraction ``0.194``; ``text`` → as given.
    """

    kind: FormatKind = "text"
    decimals: int = 0
    signed: bool = False  # show "+" on positive figures: changes such as "+25,0%" / "-19,2%"

    def format(self, value: Cell) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return nfc(value)
        if isinstance(value, bool):  # bool is an int: show it as text, not 1/0
            return "Có" if value else "Không"
        if self.kind == "percent":
            text = vn_percent(value, self.decimals)
        elif self.kind == "decimal":
            text = vn_number(value, self.decimals)
        elif self.kind == "integer":
            text = vn_number(value, 0)
        elif isinstance(value, int):
            # A "text" column that nonetheless holds a number: show it Vietnamese-style.
            text = vn_number(value)
        else:
            text = vn_number(value, self.decimals or _natural_decimals(value))
        if self.signed and text[0].isdigit() and text.strip("0,%") != "":
            text = "+" + text
        return text

    @property
    def is_numeric(self) -> bool:
        return self.kind != "text"

    def excel_format(self) -> str:
        """An Excel number format code (Excel localises the separators itself)."""
        frac = "." + "0" * self.decimals if self.decimals > 0 else ""
        if self.kind == "percent":
            code = f"0{frac}%"
        elif self.kind in ("integer", "decimal"):
            code = f"#,##0{frac if self.kind == 'decimal' else ''}"
        else:
            return "General"
        return f"+{code};-{code};{code}" if self.signed else code


TEXT = NumberFormat("text")
INTEGER = NumberFormat("integer")
PERCENT = NumberFormat("percent", 1)
CHANGE = NumberFormat("percent", 1, signed=True)  # "+25,0%", "-19,2%", "0,0%"


def DECIMAL(decimals: int = 1) -> NumberFormat:  # noqa: N802 - reads like the constants beside it
    return NumberFormat("decimal", decimals)


def nfc(text: str) -> str:
    """Vietnamese text in composed form (fonts and PDF text layers want NFC)."""
    return unicodedata.normalize("NFC", text)


def _to_decimal(x: int | float | Decimal) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    # str() gives the shortest repr, so 0.1 stays 0.1 instead of 0.1000000000000000055…
    return Decimal(str(x))


def _natural_decimals(x: float | Decimal) -> int:
    exponent = _to_decimal(x).normalize().as_tuple().exponent
    return min(-exponent, 6) if isinstance(exponent, int) and exponent < 0 else 0


def vn_number(x: int | float | Decimal, decimals: int = 0) -> str:
    """Format a number Vietnamese-style: ``.`` groups thousands, ``,`` is the decimal mark.

    >>> vn_number(1000), vn_number(1234567.891, 2), vn_number(-0.5, 1)
    ('1.000', '1.234.567,89', '-0,5')

    Rounds half away from zero (as people and Excel do), not banker's rounding.
    """
    if decimals < 0:
        raise ValueError("decimals must be ≥ 0")
    try:
        d = _to_decimal(x)
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - defensive
        raise ValueError(f"not a number: {x!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # no "-0"
    text = f"{q:,.{decimals}f}"  # 1,234,567.89
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(x: int | float | Decimal, decimals: int = 1) -> str:
    """Format a fraction as a Vietnamese percentage: ``0.194`` → ``19,4%``."""
    return vn_number(_to_decimal(x) * 100, decimals) + "%"


def vn_date_line(place: str, day: dt.date) -> str:
    """The place-and-date line: "Bảo Lộc, ngày 05 tháng 02 năm 2021".

    ND30 Phụ lục I, mục II.5: days below 10 and the months 1 and 2 take a leading zero
    (so "ngày 05 tháng 02" but "ngày 15 tháng 6").
    """
    dd = f"{day.day:02d}"
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return nfc(f"{place}, ngày {dd} tháng {mm} năm {day.year}")


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph with its own emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Heading:
    """A section heading. The text carries its own numbering ("I. KẾT QUẢ ĐẠT ĐƯỢC", "1. …").

    Level 1 is bold, level 2 bold, level 3 bold italic, level 4 italic.
    """

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """A body paragraph: either plain ``text`` or a list of ``runs`` (which win when given)."""

    text: str = ""
    runs: list[Run] = field(default_factory=list)
    bold: bool = False
    italic: bool = False

    def iter_runs(self) -> list[Run]:
        if self.runs:
            return [Run(nfc(r.text), r.bold or self.bold, r.italic or self.italic) for r in self.runs]
        return [Run(nfc(self.text), self.bold, self.italic)]

    @property
    def plain_text(self) -> str:
        return "".join(r.text for r in self.iter_runs())


@dataclass
class Table:
    """A table of figures.

    ``formats`` has one :class:`NumberFormat` per column; missing entries are
    inferred from the column's values (ints → integer, floats → 1 decimal, else text).
    ``total_row`` marks the last row as a total ("Tổng cộng"), shown bold.
    """

    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]  # Sequence, so list[list[int | str]] and the like are accepted
    formats: list[NumberFormat] = field(default_factory=list)
    total_row: bool = False
    note: str = ""  # e.g. "Nguồn: số liệu Công an phường" — shown under the table in italics

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"table {self.caption!r}: row {i} has {len(row)} cells, expected {width}")
        if len(self.formats) > width:
            raise ValueError(f"table {self.caption!r}: {len(self.formats)} formats for {width} columns")

    def column_formats(self) -> list[NumberFormat]:
        out: list[NumberFormat] = []
        for c in range(len(self.columns)):
            if c < len(self.formats):
                out.append(self.formats[c])
                continue
            values = [r[c] for r in self.rows if r[c] is not None and r[c] != ""]
            if not values or any(isinstance(v, str | bool) for v in values):
                out.append(TEXT)
            elif all(isinstance(v, int) for v in values):
                out.append(INTEGER)
            else:
                out.append(DECIMAL(1))
        return out

    def formatted_rows(self) -> list[list[str]]:
        fmts = self.column_formats()
        return [[fmts[c].format(v) for c, v in enumerate(row)] for row in self.rows]


Block = Heading | Paragraph | Table


@dataclass
class Report:
    issuer_parent: str  # cơ quan chủ quản trực tiếp, e.g. "CÔNG AN TỈNH LÂM ĐỒNG" (may be "")
    issuer: str  # cơ quan ban hành, e.g. "CÔNG AN PHƯỜNG B'LAO"
    number: str  # "Số: 12/BC-CAP" (the "Số:" is added when missing)
    place: str  # "Bảo Lộc"
    date: dt.date
    title: str  # "BÁO CÁO"
    subtitle: str  # trích yếu: "Sơ kết 6 tháng đầu năm 2021 phong trào …"
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:" — one entry each
    signer_title: str = ""  # may hold several lines ("KT. TRƯỞNG CÔNG AN PHƯỜNG\nPHÓ TRƯỞNG CÔNG AN")
    signer_name: str = ""
    annex: list[Table] = field(default_factory=list)
    issuer_name: str = ""  # the issuer in running text ("Công an phường B'Lao"), for the annex caption

    # --- derived texts shared by the renderers -------------------------------------------------
    @property
    def number_line(self) -> str:
        n = nfc(self.number.strip())
        return n if n.lower().startswith("số") else f"Số: {n}"

    @property
    def number_only(self) -> str:
        """The bare number: "12/BC-CAP" from "Số: 12/BC-CAP"."""
        n = self.number_line
        return n.split(":", 1)[1].strip() if ":" in n else n[2:].strip()

    @property
    def date_line(self) -> str:
        return vn_date_line(self.place, self.date)

    @property
    def signer_lines(self) -> list[str]:
        return [nfc(line.strip()).upper() for line in self.signer_title.splitlines() if line.strip()]

    @property
    def full_title(self) -> str:
        return nfc(f"{self.title} {self.subtitle}".strip())

    def recipient_lines(self) -> list[str]:
        """ "- Công an thị xã Bảo Lộc;" … "- Lưu: VT." — dashes and end punctuation added when missing."""
        out: list[str] = []
        items = [nfc(r.strip()) for r in self.recipients if r.strip()]
        for i, item in enumerate(items):
            text = item.lstrip("-–• ").strip()
            last = i == len(items) - 1
            if text and text[-1] not in ";.,":
                text += "." if last else ";"
            out.append(f"- {text}")
        return out

    def annex_caption(self) -> str:
        """The annex's subtitle.

        "(Kèm theo Báo cáo số 12/BC-CAP ngày 15 tháng 6 năm 2021 của Công an phường B'Lao)"
        """
        kind = nfc(self.title.strip().capitalize()) or "Văn bản"
        when = vn_date_line("", self.date).removeprefix(", ")
        of = f" của {nfc(self.issuer_name.strip())}" if self.issuer_name.strip() else ""
        return f"(Kèm theo {kind} số {self.number_only} {when}{of})"

    def all_tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)] + list(self.annex)
