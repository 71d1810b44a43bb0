"""Geometry without GDAL: a bounding box over indexed columns, then exact haversine.

Cameras carry `lat_band = floor(latitude × 100)` (bands of 0.01°, about 1.1 km) and an index on
(lat_band, longitude). A radius query asks for each band the box touches, with the box's longitude range:
a handful of tight B-tree range scans however many cameras the country has. The rows found are then
checked with the exact haversine distance.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
BAND = 100  # bands per degree of latitude

# Vietnam, mainland and islands (Hoàng Sa, Trường Sa), with a margin.
LAT_MIN, LAT_MAX = 6.0, 23.6
LON_MIN, LON_MAX = 102.0, 117.9


def in_vietnam(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def band(lat: float) -> int:
    return math.floor(lat * BAND)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) containing every point within radius_m (a little generous)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.0001
    # The widest longitude span is at the box's edge nearest the pole.
    far_lat = min(89.9, abs(lat) + dlat)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(far_lat)))) * 1.0001
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing from point 1 to point 2 (0 = north, clockwise)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def looks_towards(
    direction: int | None, fov: int, cam_lat: float, cam_lon: float, lat: float, lon: float
) -> bool:
    """Does a camera pointing `direction` with field of view `fov` see the point? Unknown direction: maybe,
    so yes; a point right under the camera: yes."""
    if direction is None or haversine_m(cam_lat, cam_lon, lat, lon) < 1:
        return True
    diff = abs((bearing_deg(cam_lat, cam_lon, lat, lon) - direction + 180) % 360 - 180)
    return diff <= max(fov, 1) / 2
