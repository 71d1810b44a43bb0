"""Bulk import of cameras from a CSV / Excel file, entered by a commune officer for owners without accounts.

Like the villages import (areas.imports): the file is read by `areas.imports.read_table`, every row is
checked by `cameras.domain.clean` and the duplicate rule, and the file is imported whole or not at all;
every rejected row is reported with its row number, its column and the reason (in Vietnamese).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from binhyen.areas.imports import ImportFileError, RowError, read_table
from binhyen.areas.models import Area, Level
from binhyen.cameras import domain, geo
from binhyen.cameras.models import Camera, CameraStatus, Funding, OwnerKind, Recording
from binhyen.core.text import fold

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024  # 5,000 rows of a camera file are well under 2 MB

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportFileError", "Report", "RowError", "import_cameras",
           "read", "template_csv"]  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str  # the CameraInput field (or "village", "consent", "consent_purpose")
    header: str  # the Vietnamese header of the template, also how errors name the column
    aliases: tuple[str, ...]  # other accepted headers (folded, English included)
    required: bool = False
    help: str = ""


COLUMNS: list[Column] = [
    Column("label", "Tên camera", ("ten camera", "ten", "label", "name"), True,
           "Tên ngắn, ví dụ «Camera cổng nhà văn hoá»"),
    Column("latitude", "Vĩ độ", ("vi do", "latitude", "lat"), True, "Ví dụ 11.7352"),
    Column("longitude", "Kinh độ", ("kinh do", "longitude", "lon", "lng"), True, "Ví dụ 108.3731"),
    Column("address", "Địa chỉ", ("dia chi", "address")),
    Column("village", "Thôn/tổ", ("thon to", "thon", "to dan pho", "thon to dan pho", "village"),
           help="Mã hoặc tên thôn, tổ dân phố của xã"),
    Column("direction_deg", "Hướng", ("huong", "huong nhin", "direction", "direction deg"),
           help="Số độ (0 = Bắc) hoặc Bắc, Đông Bắc, Đông, … / N, NE, E, …"),
    Column("fov_deg", "Góc nhìn", ("goc nhin", "goc nhin do", "fov", "fov deg", "field of view"),
           help="Độ, mặc định 90"),
    Column("range_m", "Tầm nhìn (m)", ("tam nhin m", "tam nhin", "range", "range m"),
           help="Mét, mặc định 30"),
    Column("covers", "Nhìn thấy", ("nhin thay", "covers"), help="Đường, cổng, ngã ba camera nhìn thấy"),
    Column("retention_days", "Số ngày lưu",
           ("so ngay luu", "so ngay luu hinh", "retention", "retention days"),
           help="Từ 1 đến 365, mặc định 7"),
    Column("recording", "Cách lưu", ("cach luu", "cach luu hinh", "recording"),
           help="đầu ghi, đám mây, kết nối công an"),
    Column("funding", "Nguồn kinh phí", ("nguon kinh phi", "kinh phi", "funding"),
           help="Nhân dân, Doanh nghiệp, Ngân sách, Xã hội hóa"),
    Column("owner_kind", "Loại chủ", ("loai chu", "loai chu camera", "owner kind", "owner type"),
           help="hộ gia đình, cửa hàng, doanh nghiệp, cơ quan, xã"),
    Column("contact_name", "Người liên hệ", ("nguoi lien he", "contact name", "contact")),
    Column("contact_phone", "Điện thoại liên hệ",
           ("dien thoai lien he", "dien thoai", "so dien thoai", "contact phone", "phone")),
    Column("consent", "Đồng ý", ("dong y", "chu camera dong y", "consent"), True,
           "có / yes / x; để trống là chưa đồng ý và dòng bị từ chối"),
    Column("consent_purpose", "Mục đích", ("muc dich", "muc dich su dung", "purpose", "consent purpose")),
]  # fmt: skip
HEADER = {c.key: c.header for c in COLUMNS}
# The column a domain error names (CameraError.field → the file's column).
FIELD_COLUMN = {**HEADER, "commune": "Xã/phường", "lat": HEADER["latitude"]}

YES = {"co", "yes", "y", "x", "dong y", "da dong y", "co dong y", "true", "1"}
COMPASS = {
    "n": 0, "ne": 45, "e": 90, "se": 135, "s": 180, "sw": 225, "w": 270, "nw": 315,
    "north": 0, "north east": 45, "northeast": 45, "east": 90, "south east": 135, "southeast": 135,
    "south": 180, "south west": 225, "southwest": 225, "west": 270, "north west": 315, "northwest": 315,
    "bac": 0, "dong bac": 45, "dong": 90, "dong nam": 135, "nam": 180, "tay nam": 225, "tay": 270,
    "tay bac": 315,
}  # fmt: skip
RECORDING = {
    **{v: v for v in Recording.values},
    "dau ghi": Recording.LOCAL, "dau ghi tai cho": Recording.LOCAL, "the nho": Recording.LOCAL,
    "tai cho": Recording.LOCAL, "local recorder": Recording.LOCAL,
    "dam may": Recording.CLOUD, "luu dam may": Recording.CLOUD,
    "ket noi cong an": Recording.LINKED, "ket noi cong an xa": Recording.LINKED, "cong an": Recording.LINKED,
    "linked to the commune police": Recording.LINKED,
}  # fmt: skip
FUNDING = {
    **{v: v for v in Funding.values},
    "nhan dan": Funding.RESIDENTS, "nguoi dan": Funding.RESIDENTS, "dan": Funding.RESIDENTS,
    "doanh nghiep": Funding.ENTERPRISE,
    "ngan sach": Funding.BUDGET, "ngan sach nha nuoc": Funding.BUDGET, "state budget": Funding.BUDGET,
    "xa hoi hoa": Funding.SOCIALISED, "xa hoi hoa (xa hoi hoa)": Funding.SOCIALISED,
    "socialized": Funding.SOCIALISED,
}  # fmt: skip
OWNER_KIND = {
    **{v: v for v in OwnerKind.values},
    "ho gia dinh": OwnerKind.HOUSEHOLD, "gia dinh": OwnerKind.HOUSEHOLD, "ho dan": OwnerKind.HOUSEHOLD,
    "cua hang": OwnerKind.SHOP, "quan": OwnerKind.SHOP,
    "doanh nghiep": OwnerKind.ENTERPRISE, "cong ty": OwnerKind.ENTERPRISE,
    "co quan": OwnerKind.AGENCY, "truong hoc": OwnerKind.AGENCY, "co quan, truong hoc": OwnerKind.AGENCY,
    "agency or school": OwnerKind.AGENCY,
    "xa": OwnerKind.COMMUNE, "phuong": OwnerKind.COMMUNE, "ubnd xa": OwnerKind.COMMUNE,
    "the commune": OwnerKind.COMMUNE,
}  # fmt: skip
CHOICES: dict[str, tuple[dict[str, str], str]] = {
    "recording": (RECORDING, "đầu ghi, đám mây, kết nối công an"),
    "funding": (FUNDING, "Nhân dân, Doanh nghiệp, Ngân sách, Xã hội hóa"),
    "owner_kind": (OWNER_KIND, "hộ gia đình, cửa hàng, doanh nghiệp, cơ quan, xã"),
}
_INT_RE = re.compile(r"^(-?\d+)(?:[.,]0+)?\s*(?:°|do|m|met|ngay|days?)?$")

TEMPLATE_EXAMPLE = [
    "Camera cổng nhà văn hoá", "11.7352", "108.3731", "12 Trần Phú", "Tổ dân phố 1", "Đông Bắc", "90", "30",
    "Ngã ba Trần Phú – Hùng Vương", "15", "đầu ghi", "Xã hội hóa", "hộ gia đình", "Nguyễn Văn Bình",
    "0912345678", "có", "Phục vụ bảo đảm an ninh, trật tự tại địa bàn",
]  # fmt: skip


def template_csv() -> str:
    """The CSV template (without BOM): the Vietnamese headers and one example row."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


@dataclass
class Report:
    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    cameras: list[Camera] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def read(content: bytes, filename: str) -> list[dict[str, str]]:
    """The file's rows (areas.imports.read_table) after the camera import's own size limit."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    return read_table(content, filename)


def _key(header: str) -> str:
    """A header as read_table left it (folded), without punctuation: "tầm nhìn (m)" → "tam nhin m"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(header)).split())


def _columns(header: list[str]) -> dict[str, str]:
    """Map each column key to the header it has in this file."""
    found: dict[str, str] = {}
    by_alias = {_key(a): c.key for c in COLUMNS for a in (c.header, *c.aliases)}
    for h in header:
        key = by_alias.get(_key(h))
        if key and key not in found:
            found[key] = h
    return found


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _int(value: str, key: str, default: int | None) -> int | None:
    text = fold(value)
    if not text:
        return default
    m = _INT_RE.match(text)
    if not m:
        raise _Bad(HEADER[key], f"«{value}» không phải số nguyên.")
    return int(m.group(1))


def _float(value: str, key: str) -> float | None:
    text = value.strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 11,7352 (decimal comma)
    try:
        number = float(text)
    except ValueError:
        raise _Bad(HEADER[key], f"«{value}» không phải số (ví dụ 11.7352).") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _Bad(HEADER[key], f"«{value}» không phải số (ví dụ 11.7352).")
    return number


def _direction(value: str) -> int | None:
    text = " ".join(re.sub(r"[^0-9a-z°.,-]+", " ", fold(value)).split())
    if not text:
        return None
    if text in COMPASS:
        return COMPASS[text]
    if text.replace(" ", "") in COMPASS:
        return COMPASS[text.replace(" ", "")]
    try:
        return _int(value, "direction_deg", None)
    except _Bad:
        raise _Bad(
            HEADER["direction_deg"],
            f"Hướng «{value}» không hợp lệ; ghi số độ (0 = Bắc, 90 = Đông) hoặc Bắc, Đông Bắc, Đông, …",
        ) from None


def _choice(value: str, key: str) -> str | None:
    mapping, allowed = CHOICES[key]
    text = fold(value)
    if not text:
        return None
    found = mapping.get(text) or mapping.get(text.replace("-", " "))
    if found is None:
        raise _Bad(HEADER[key], f"{HEADER[key]} «{value}» không hợp lệ; dùng: {allowed}.")
    return str(found)


def _village_lookup(commune: Area) -> Callable[[str], Area | None]:
    villages = list(Area.objects.filter(parent=commune, level=Level.VILLAGE))
    by_code = {v.code: v for v in villages}
    by_code.update({v.code.rsplit("-", 1)[-1]: v for v in villages})  # "0003" for "24958-0003"
    by_name = {v.search_key: v for v in villages}

    def find(value: str) -> Area | None:
        text = value.strip()
        if not text:
            return None
        village = by_code.get(text) or by_name.get(fold(text))
        if village is None:
            raise _Bad(HEADER["village"], f"Không có thôn/tổ dân phố «{text}» trong {commune.name}.")
        return village

    return find


def _input(commune: Area, row: dict[str, str], cols: dict[str, str], village_of: Any) -> domain.CameraInput:
    def get(key: str) -> str:
        return row.get(cols[key], "") if key in cols else ""

    village = village_of(get("village"))
    data = domain.CameraInput(
        label=get("label"),
        commune=commune.code,
        latitude=_float(get("latitude"), "latitude"),
        longitude=_float(get("longitude"), "longitude"),
        consent=fold(get("consent")) in YES,
        consent_purpose=get("consent_purpose"),
        village=village.code if village else "",
        address=get("address"),
        contact_name=get("contact_name"),
        contact_phone=get("contact_phone"),
        direction_deg=_direction(get("direction_deg")),
        covers=get("covers"),
    )
    for key in ("fov_deg", "range_m", "retention_days"):
        number = _int(get(key), key, getattr(data, key))
        setattr(data, key, number)
    for key in ("recording", "funding", "owner_kind"):
        chosen = _choice(get(key), key)
        if chosen is not None:
            setattr(data, key, chosen)
    return data


def _domain_column(error: domain.CameraError, data: domain.CameraInput) -> str:
    if error.field in ("latitude", "lat") and data.latitude is not None and data.longitude is not None:
        lat_ok = geo.LAT_MIN <= data.latitude <= geo.LAT_MAX
        lon_ok = geo.LON_MIN <= data.longitude <= geo.LON_MAX
        if lat_ok and not lon_ok:
            return HEADER["longitude"]
    if error.field in ("latitude", "lat") and data.latitude is not None and data.longitude is None:
        return HEADER["longitude"]
    return FIELD_COLUMN.get(error.field, error.field or "—")


def _same_camera(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The domain's duplicate rule between two rows of the file: same owner (contact phone; without a
    phone, the same name of camera), within 5 m, looking the same way (±20°)."""
    if a["contact_key"] or b["contact_key"]:
        if a["contact_key"] != b["contact_key"]:
            return False
    elif fold(a["label"]) != fold(b["label"]):
        return False
    if (
        geo.haversine_m(a["latitude"], a["longitude"], b["latitude"], b["longitude"])
        > domain.DUPLICATE_DISTANCE_M
    ):
        return False
    x, y = a["direction_deg"], b["direction_deg"]
    return x is None or y is None or abs((x - y + 180) % 360 - 180) <= 20


def _same_unowned(values: dict[str, Any]) -> Camera | None:
    """A camera entered earlier without an owner or a phone (the domain's duplicate rule cannot see those),
    at the same place, looking the same way, with the same name: the same file imported twice."""
    if values["contact_key"]:
        return None
    lat, lon = values["latitude"], values["longitude"]
    nearby = domain._box(
        Camera.objects.filter(owner=None, contact_key=""), lat, lon, domain.DUPLICATE_DISTANCE_M
    ).exclude(status=CameraStatus.REMOVED)
    for camera in nearby:
        other = {
            "contact_key": "",
            "label": camera.label,
            "latitude": camera.latitude,
            "longitude": camera.longitude,
            "direction_deg": camera.direction_deg,
        }
        if _same_camera(values, other):
            return camera
    return None


def import_cameras(user: Any, commune: Area, table: list[dict[str, str]]) -> Report:
    """Register every row as a camera of `commune` (entered by `user` for its owner), or nothing if any
    row is rejected. `table` comes from `read` / `areas.imports.read_table`."""
    report = Report(rows=len(table))
    if commune.level != Level.COMMUNE:
        report.errors.append(RowError(0, "Xã/phường", "Chỉ nhập camera vào một xã, phường hoặc đặc khu."))
        return report
    if len(table) > MAX_ROWS:
        report.errors.append(
            RowError(
                0, "—", f"Tệp có {len(table):,} dòng; tối đa {MAX_ROWS:,} dòng một lần.".replace(",", ".")
            ),
        )
        return report
    cols = _columns(list(table[0]) if table else [])
    missing = [c.header for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        report.errors.append(
            RowError(1, missing[0], f"Thiếu cột {names}. Hãy dùng tệp mẫu (dòng tiêu đề tiếng Việt).")
        )
        return report
    village_of = _village_lookup(commune)
    accepted: list[tuple[int, domain.CameraInput, dict[str, Any]]] = []
    for number, row in enumerate(table, start=2):
        try:
            data = _input(commune, row, cols, village_of)
        except _Bad as bad:
            report.errors.append(RowError(number, bad.column, bad.message))
            continue
        try:
            values = domain.clean(data)
        except domain.CameraError as e:
            report.errors.append(RowError(number, _domain_column(e, data), e.message))
            continue
        existing = domain._duplicate(values, None) or _same_unowned(values)
        if existing is not None:
            report.errors.append(
                RowError(
                    number,
                    HEADER["latitude"],
                    f"Camera này đã được đăng ký (mã {existing.pk}, «{existing.label}»): "
                    "cùng chủ, cùng vị trí, cùng hướng.",
                )
            )
            continue
        twin = next((n for n, _, v in accepted if _same_camera(values, v)), None)
        if twin is not None:
            report.errors.append(
                RowError(number, HEADER["latitude"], f"Trùng với dòng {twin} trong tệp (cùng camera).")
            )
            continue
        accepted.append((number, data, values))
    if report.errors:
        return report
    at = {"row": 0}
    try:
        with transaction.atomic():
            for number, data, _values in accepted:
                at["row"] = number
                report.cameras.append(domain.register(user, data))
    except domain.CameraError as e:  # e.g. the same camera registered meanwhile: nothing is kept
        report.cameras = []
        report.errors.append(RowError(at["row"], _domain_column(e, data), e.message))
        return report
    report.created = len(report.cameras)
    return report
