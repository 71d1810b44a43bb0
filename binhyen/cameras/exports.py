"""GeoJSON and Excel exports of the camera registry, for officers.

Never the owner or the contact: an export leaves the system, and who to ask for footage is read one camera
at a time through `domain.contact` (audited). Removed cameras are left out. Rows are read with
`.values().iterator()`, so a commune's thousands of cameras are never all held as model instances; the
GeoJSON can be streamed piece by piece and the workbook is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from binhyen.areas.models import Area
from binhyen.cameras import domain
from binhyen.cameras.models import Camera, CameraStatus, Funding

FIELDS = (
    "id", "label", "status", "commune__name", "commune__code", "village__name", "village__code",
    "latitude", "longitude", "direction_deg", "fov_deg", "range_m", "covers", "retention_days",
    "recording", "funding", "last_confirmed_at",
)  # fmt: skip
STATUS_VI = {"active": "Đang hoạt động", "offline": "Không hoạt động", "removed": "Đã gỡ"}
RECORDING_VI = {"local": "Đầu ghi", "cloud": "Đám mây", "linked": "Kết nối công an"}
FUNDING_VI = {
    "residents": "Nhân dân",
    "enterprise": "Doanh nghiệp",
    "budget": "Ngân sách",
    "socialised": "Xã hội hóa",
}
XLSX_HEADERS = [
    "Mã", "Tên camera", "Trạng thái", "Xã/phường", "Thôn/tổ", "Vĩ độ", "Kinh độ", "Hướng (độ)",
    "Góc nhìn (độ)", "Tầm nhìn (m)", "Nhìn thấy", "Số ngày lưu", "Cách lưu", "Nguồn kinh phí",
    "Xác nhận lần cuối", "Lâu chưa xác nhận",
]  # fmt: skip
COVERAGE_HEADERS = [
    "Đơn vị", "Mã", "Đang hoạt động", "Không hoạt động", "Đã gỡ", "Lâu chưa xác nhận",
    *[FUNDING_VI[f] for f in Funding.values], "Thôn/tổ có camera", "Tổng số thôn/tổ", "Dân số",
    "Camera trên 1.000 dân",
]  # fmt: skip
CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(qs: QuerySet[Camera]) -> Iterator[dict[str, Any]]:
    live = qs.exclude(status=CameraStatus.REMOVED).order_by("area_path", "id")
    yield from live.values(*FIELDS).iterator(chunk_size=2000)


def _properties(row: dict[str, Any], cutoff: datetime.datetime) -> dict[str, Any]:
    return {
        "id": row["id"],
        "label": row["label"],
        "status": row["status"],
        "commune": row["commune__name"],
        "commune_code": row["commune__code"],
        "village": row["village__name"] or "",
        "village_code": row["village__code"] or "",
        "direction_deg": row["direction_deg"],
        "fov_deg": row["fov_deg"],
        "range_m": row["range_m"],
        "covers": row["covers"],
        "retention_days": row["retention_days"],
        "recording": row["recording"],
        "funding": row["funding"],
        "last_confirmed_at": timezone.localtime(row["last_confirmed_at"]).isoformat(),
        "stale": row["last_confirmed_at"] < cutoff,
    }


def features(qs: QuerySet[Camera]) -> Iterator[dict[str, Any]]:
    cutoff = timezone.now() - domain.stale_after()
    for row in _rows(qs):
        if row["latitude"] is None or row["longitude"] is None:
            continue
        yield {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": _properties(row, cutoff),
        }


def geojson(qs: QuerySet[Camera]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: [longitude, latitude], WGS 84)."""
    return {"type": "FeatureCollection", "features": list(features(qs))}


def geojson_stream(qs: QuerySet[Camera]) -> Iterator[str]:
    """The same FeatureCollection as text pieces, for a StreamingHttpResponse."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for feature in features(qs):
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    # Excel has no time zones: the local (Vietnam) time, naive.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def xlsx(qs: QuerySet[Camera], area: Area | None = None, *, coverage: dict[str, Any] | None = None) -> bytes:
    """The cameras (sheet «Camera») and the coverage table of `area` (sheet «Độ phủ»)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Camera")
    bold = Font(bold=True)

    def header(sheet: Any, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    ws.freeze_panes = "A2"
    header(ws, XLSX_HEADERS)
    cutoff = timezone.now() - domain.stale_after()
    for row in _rows(qs):
        ws.append(
            [
                row["id"],
                row["label"],
                STATUS_VI.get(row["status"], row["status"]),
                row["commune__name"],
                row["village__name"] or "",
                row["latitude"],
                row["longitude"],
                row["direction_deg"],
                row["fov_deg"],
                row["range_m"],
                row["covers"],
                row["retention_days"],
                RECORDING_VI.get(row["recording"], row["recording"]),
                FUNDING_VI.get(row["funding"], row["funding"]),
                _local(row["last_confirmed_at"]),
                "có" if row["last_confirmed_at"] < cutoff else "",
            ]
        )
    if coverage is None and area is not None:
        from binhyen.cameras.coverage import for_display

        coverage = for_display(area)
    if coverage is not None:
        _coverage_sheet(wb.create_sheet("Độ phủ"), coverage, header)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _coverage_sheet(ws: Any, result: dict[str, Any], header: Any) -> None:
    from binhyen.cameras.coverage import summary

    header(ws, COVERAGE_HEADERS)
    for r in result["rows"]:
        child = r["area"]
        ws.append(
            [
                child.name if child else "Chưa gắn thôn/tổ",
                child.code if child else "",
                r["active"],
                r["offline"],
                r["removed"],
                r["stale"],
                *[r["by_funding"][f] for f in Funding.values],
                r["villages_covered"],
                r["villages"],
                child.population if child else None,
                r["per_1000"],
            ]
        )
    total, extra = result["total"], summary(result)
    area = result["area"]
    ws.append(
        [
            f"Tổng cộng — {area.name}" if area is not None else "Tổng cộng — toàn quốc",
            area.code if area is not None else "",
            total["active"],
            total["offline"],
            total["removed"],
            total["stale"],
            *[extra["by_funding"][f] for f in Funding.values],
            total["villages_covered"],
            total["villages"],
            extra["population"],
            extra["per_1000"],
        ]
    )
