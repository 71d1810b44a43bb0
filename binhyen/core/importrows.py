"""The row handling the movement registries' imports (outreach, weapons, awards) share.

Each registry's `imports` module declares its columns, turns one row into its domain's input and decides
what a duplicate is; this module matches the header to the columns, finds villages, checks the file as a
whole (commune, permission, size, required columns) and keeps the report. Messages are Vietnamese.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from binhyen.areas.imports import ImportFileError, RowError, read_table
from binhyen.areas.models import Area, Level
from binhyen.core.text import fold

COMMUNE_COLUMN = "Xã/phường"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Vietnamese header of the template, also how errors name the column
    aliases: tuple[str, ...]  # other accepted headers (folded, English included)
    required: bool = False
    help: str = ""


@dataclass
class Report:
    """What an import did; a registry's report adds the list of the records it created."""

    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


class BadCell(Exception):
    """One cell is wrong: `column` is its header, `message` says why."""

    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def template_csv(columns: list[Column], example: list[str]) -> str:
    """The CSV template (without BOM): the Vietnamese headers and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    writer.writerow(example)
    return out.getvalue()


def read(content: bytes, filename: str, max_bytes: int) -> list[dict[str, str]]:
    if len(content) > max_bytes:
        raise ImportFileError(f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).")
    return read_table(content, filename)


def header_key(header: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(header)).split())


def match_columns(columns: list[Column], header: list[str]) -> dict[str, str]:
    """Column key -> the file's header for it (the first header matching its header or an alias)."""
    found: dict[str, str] = {}
    by_alias = {header_key(a): c.key for c in columns for a in (c.header, *c.aliases)}
    for h in header:
        key = by_alias.get(header_key(h))
        if key and key not in found:
            found[key] = h
    return found


def village_lookup(commune: Area, column: str) -> Callable[[str], Area | None]:
    """A finder of the commune's villages by code (full or last part) or name; raises BadCell if unknown."""
    villages = list(Area.objects.filter(parent=commune, level=Level.VILLAGE))
    by_code = {v.code: v for v in villages}
    by_code.update({v.code.rsplit("-", 1)[-1]: v for v in villages})
    by_name = {v.search_key: v for v in villages}

    def find(value: str) -> Area | None:
        text = value.strip()
        if not text:
            return None
        village = by_code.get(text) or by_name.get(fold(text))
        if village is None:
            raise BadCell(column, f"Không có thôn/tổ dân phố «{text}» trong {commune.name}.")
        return village

    return find


def check_file(
    report: Report,
    commune: Area,
    table: list[dict[str, str]],
    *,
    allowed: Callable[[], bool],
    denied: str,
    columns: list[Column],
    max_rows: int,
) -> dict[str, str] | None:
    """The checks of the file as a whole: the matched columns, or None with the reason in `report`.

    `allowed()` says whether the user may record in `commune` (asked once it is known to be a commune);
    `denied` is the message when not.
    """
    if commune.level != Level.COMMUNE:
        report.errors.append(RowError(0, COMMUNE_COLUMN, "Chỉ nhập vào một xã, phường hoặc đặc khu."))
        return None
    if not allowed():
        report.errors.append(RowError(0, COMMUNE_COLUMN, denied))
        return None
    if len(table) > max_rows:
        message = f"Tệp có {len(table):,} dòng; tối đa {max_rows:,} dòng một lần.".replace(",", ".")
        report.errors.append(RowError(0, "—", message))
        return None
    cols = match_columns(columns, list(table[0]) if table else [])
    missing = [c.header for c in columns if c.required and c.key not in cols]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        report.errors.append(
            RowError(1, missing[0], f"Thiếu cột {names}. Hãy dùng tệp mẫu (dòng tiêu đề tiếng Việt).")
        )
        return None
    return cols


def cell_reader(row: dict[str, str], cols: dict[str, str]) -> Callable[[str], str]:
    """get(key): the row's value in the column `key`, "" if the file has no such column."""

    def get(key: str) -> str:
        return row.get(cols[key], "") if key in cols else ""

    return get


def parsed_cell(header: dict[str, str], error: type[Exception]) -> Callable[[str, Callable[[], Any]], Any]:
    """parsed(key, parse): parse(), with the registry's `error` turned into a BadCell of column `key`."""

    def parsed(key: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except error as e:
            raise BadCell(header[key], getattr(e, "message", str(e))) from None

    return parsed


def row_error(number: int, e: Exception, field_column: dict[str, str]) -> RowError:
    """A rejected row: a BadCell names its column; a domain error names its field's column."""
    if isinstance(e, BadCell):
        return RowError(number, e.column, e.message)
    name = getattr(e, "field", "")
    return RowError(number, field_column.get(name, name or "—"), getattr(e, "message", str(e)))
