"""Reading what people type: dates in the ways Vietnamese offices write them.

Domain modules wrap the ValueError in their own error type, with the form field it belongs to.
"""

from __future__ import annotations

import datetime

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str, label: str = "Ngày") -> datetime.date | None:
    """A date, or None for an empty text; ValueError with a Vietnamese message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if " " in text:  # "2024-01-05 00:00:00" from a spreadsheet cell
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{label} «{text[:20]}» không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 25/12/2025.")
