"""CSV / Excel imports for villages and predecessor mappings: all or nothing, every bad row named."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from binhyen.areas import domain
from binhyen.areas.models import Area, Level, Predecessor
from binhyen.core.text import fold, nfc


@dataclass
class RowError:
    row: int  # 1-based line number in the file, header being row 1
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValueError):
    pass


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX file, keyed by folded header."""
    if len(content) > settings.AREA_IMPORT_MAX_BYTES:
        raise ImportFileError("Tệp quá lớn (tối đa 5 MB).")
    if not content.strip():
        raise ImportFileError("Tệp rỗng.")
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    rows = [r for r in rows if any(c.strip() for c in r)] if rows else rows
    if len(rows) < 2:
        raise ImportFileError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    header = [fold(h).replace("_", " ") for h in rows[0]]
    table = []
    for raw in rows[1:]:
        table.append({h: nfc(raw[i]) if i < len(raw) else "" for i, h in enumerate(header) if h})
    return table


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("Tệp CSV phải mã hoá UTF-8 (trong Excel: Lưu thành «CSV UTF-8»).") from None
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError("Không đọc được tệp Excel (.xlsx).") from None
    ws = wb.worksheets[0]
    rows = [["" if v is None else _cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _pick(row: dict[str, str], *names: str) -> str:
    for n in names:
        if n in row:
            return row[n]
    return ""


# --- villages ---------------------------------------------------------------------------------------

VILLAGE_COLUMNS = "ten | loai | dan so (name | type | population)"


def import_villages(commune: Area, table: list[dict[str, str]]) -> ImportReport:
    """Create every row as a village of `commune`, or nothing if any row is bad."""
    report = ImportReport()
    if table and not ({"ten", "name"} & set(table[0])):
        report.errors.append(RowError(1, "ten", f"Thiếu cột «Tên». Các cột: {VILLAGE_COLUMNS}."))
        return report
    taken = set(commune.children.values_list("search_key", flat=True))
    first_seen: dict[str, int] = {}
    items: list[domain.VillageInput] = []
    for number, row in enumerate(table, start=2):
        name = _pick(row, "ten", "name")
        pop_text = _pick(row, "dan so", "population").replace(".", "").replace(",", "").replace(" ", "")
        population: int | None = None
        if pop_text:
            if not pop_text.isdigit():
                report.errors.append(RowError(number, "dan so", f"Dân số «{pop_text}» không phải số."))
                continue
            population = int(pop_text)
        item = domain.VillageInput(name=name, type=_pick(row, "loai", "type"), population=population)
        key = fold(name)
        if key and key in first_seen:
            report.errors.append(
                RowError(number, "ten", f"«{name}» trùng với dòng {first_seen[key]} trong tệp.")
            )
            continue
        try:
            cleaned = domain.clean_village(commune, item, taken)
        except domain.AreaError as e:
            report.errors.append(RowError(number, e.field or "ten", e.message))
            continue
        first_seen[key] = number
        items.append(cleaned)
    if report.errors:
        return report
    try:
        created = domain.create_villages(commune, items)
    except domain.AreaError as e:
        report.errors.append(RowError(0, e.field, e.message))
        return report
    report.created = len(created)
    return report


# --- predecessors -----------------------------------------------------------------------------------

PREDECESSOR_COLUMNS = "ma cu | ten cu | loai cu | ma moi | ngay hieu luc | ghi chu"


def import_predecessors(table: list[dict[str, str]]) -> ImportReport:
    """Rows: old code, old name, old type, successor code, effective date (YYYY-MM-DD or DD/MM/YYYY)."""
    report = ImportReport()
    codes = {_pick(r, "ma moi", "successor code") for r in table}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    seen: dict[tuple[str, str], int] = {}
    pending: list[Predecessor] = []
    for number, row in enumerate(table, start=2):
        old_code = _pick(row, "ma cu", "old code")
        old_name = _pick(row, "ten cu", "old name")
        new_code = _pick(row, "ma moi", "successor code")
        if not old_code:
            report.errors.append(RowError(number, "ma cu", "Thiếu mã đơn vị cũ."))
            continue
        if not old_name:
            report.errors.append(RowError(number, "ten cu", "Thiếu tên đơn vị cũ."))
            continue
        successor = areas.get(new_code)
        if successor is None:
            report.errors.append(RowError(number, "ma moi", f"Không có đơn vị hiện hành mã «{new_code}»."))
            continue
        if successor.level == Level.VILLAGE:
            report.errors.append(RowError(number, "ma moi", "Đơn vị kế thừa phải là tỉnh hoặc xã."))
            continue
        date_text = _pick(row, "ngay hieu luc", "effective date")
        try:
            effective = _parse_date(date_text) if date_text else datetime.date(2025, 7, 1)
        except ValueError:
            report.errors.append(RowError(number, "ngay hieu luc", f"Ngày «{date_text}» không hợp lệ."))
            continue
        key = (old_code, new_code)
        if key in seen:
            report.errors.append(RowError(number, "ma cu", f"Trùng với dòng {seen[key]}."))
            continue
        seen[key] = number
        pending.append(
            Predecessor(
                old_code=old_code,
                old_name=old_name,
                old_type=_pick(row, "loai cu", "old type"),
                successor=successor,
                effective_date=effective,
                note=_pick(row, "ghi chu", "note")[:300],
            )
        )
    if report.errors:
        return report
    with transaction.atomic():
        for p in pending:
            Predecessor.objects.update_or_create(
                old_code=p.old_code,
                successor=p.successor,
                defaults={
                    "old_name": p.old_name,
                    "old_type": p.old_type,
                    "effective_date": p.effective_date,
                    "note": p.note,
                },
            )
    report.created = len(pending)
    return report


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)
