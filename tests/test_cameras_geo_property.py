"""Property tests of the camera radius search (cameras.geo, cameras.domain.near) against brute force.

`domain.near` (bounding box over the (lat_band, longitude) index, then exact haversine) must return exactly
what a haversine over every camera in the database returns: the same ids in the same order (distance, then
id) and the same distances. Cameras are random clusters inside Vietnam with points on band edges (latitude
exactly k/100, and a hair either side of it), near-duplicates, far-away ones, offline and removed ones.

Runs on whichever database the settings point at: SQLite by default, PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from binhyen.areas.models import Area
from binhyen.cameras import domain, geo
from binhyen.cameras.models import Camera, CameraStatus

COMMUNE = "24958"  # Xã Đức Trọng (Lâm Đồng), loaded with the official units
EPS_M = 1e-6

# Inside geo's Vietnam box with room for clusters (query points are clamped into the box anyway).
centres = st.tuples(st.floats(8.6, 23.2), st.floats(102.6, 117.4))


# --- helpers ----------------------------------------------------------------------------------------


def destination(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lat, lon) along the initial bearing, on the same sphere as geo."""
    d = distance_m / geo.EARTH_RADIUS_M
    p1, l1, t = math.radians(lat), math.radians(lon), math.radians(bearing)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(t))
    l2 = l1 + math.atan2(math.sin(t) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def clamp(lat: float, lon: float) -> tuple[float, float]:
    return min(max(lat, geo.LAT_MIN), geo.LAT_MAX), min(max(lon, geo.LON_MIN), geo.LON_MAX)


@dataclass
class Spot:
    lat: float
    lon: float
    direction: int | None
    fov: int
    status: str


def scatter(rng: random.Random, centre: tuple[float, float], n: int, spread_m: float) -> list[Spot]:
    """n cameras around `centre`: a Gaussian cluster, band edges, near-duplicates, a few far away."""
    spots: list[Spot] = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.55 or not spots:
            lat, lon = destination(*centre, rng.uniform(0, 360), abs(rng.gauss(0, spread_m)))
        elif kind < 0.75:
            # On a band edge: latitude exactly k/100, or within a rounding hair of it (clean() stores the
            # latitude rounded to 7 decimals but computes lat_band from the value it was given).
            lat, lon = destination(*centre, rng.uniform(0, 360), abs(rng.gauss(0, spread_m)))
            edge = round(lat * 100) / 100
            lat = edge + rng.choice([0.0, 0.0, -1e-9, 1e-9, -4e-8, 4e-8, -1e-7, 1e-7])
        elif kind < 0.92:
            # Next to (or exactly on top of) another camera.
            other = rng.choice(spots)
            lat, lon = destination(other.lat, other.lon, rng.uniform(0, 360), rng.choice([0.0, 0.3, 2.0]))
        else:
            lat, lon = rng.uniform(geo.LAT_MIN, geo.LAT_MAX), rng.uniform(geo.LON_MIN, geo.LON_MAX)
        lat, lon = clamp(lat, lon)
        spots.append(
            Spot(
                lat=lat,
                lon=lon,
                direction=None if rng.random() < 0.2 else rng.randrange(0, 360),
                fov=rng.choice([1, 30, 90, 90, 120, 359, 360]),
                status=rng.choices(
                    [CameraStatus.ACTIVE, CameraStatus.OFFLINE, CameraStatus.REMOVED], [8, 1, 1]
                )[0],
            )
        )
    return spots


def create_cameras(spots: list[Spot]) -> list[int]:
    """The rows domain.clean()/register() would write (encryption and audit aside), in one bulk insert."""
    commune = Area.objects.get(code=COMMUNE)
    now = timezone.now()
    rows = []
    for i, s in enumerate(spots):
        removed = s.status == CameraStatus.REMOVED
        rows.append(
            Camera(
                label=f"Camera {i}",
                commune=commune,
                village=None,
                area_path=commune.path,
                # As clean(): the latitude is stored rounded to 7 decimals, lat_band from the value given.
                latitude=None if removed else round(s.lat, 7),
                longitude=None if removed else round(s.lon, 7),
                lat_band=None if removed else geo.band(s.lat),
                direction_deg=None if removed else s.direction,
                fov_deg=s.fov,
                consent_purpose="Phục vụ bảo đảm an ninh, trật tự tại địa bàn",
                consent_at=now,
                status=s.status,
                status_changed_at=now,
                last_confirmed_at=now,
            )
        )
    return [c.pk for c in Camera.objects.bulk_create(rows)]


def brute_force(lat: float, lon: float, radius_m: float, facing: bool) -> list[tuple[float, int]]:
    """Every camera in the database, exact haversine: (distance, id), nearest first."""
    found = []
    rows = Camera.objects.exclude(status=CameraStatus.REMOVED).values_list(
        "pk", "latitude", "longitude", "direction_deg", "fov_deg"
    )
    for pk, lat_or_none, lon_or_none, direction, fov in rows:
        assert lat_or_none is not None and lon_or_none is not None, f"camera {pk} has no place"
        cam_lat, cam_lon = lat_or_none, lon_or_none
        d = geo.haversine_m(lat, lon, cam_lat, cam_lon)
        if d > radius_m:
            continue
        if facing and not geo.looks_towards(direction, fov, cam_lat, cam_lon, lat, lon):
            continue
        found.append((d, pk))
    found.sort()
    return found


def queries(rng: random.Random, spots: list[Spot], centre: tuple[float, float], how_many: int) -> list[Any]:
    """Query points near the cameras, radii from 1 m to 20 km (some exactly a camera's distance)."""
    out = []
    for _ in range(how_many):
        kind = rng.random()
        target = rng.choice(spots)
        if kind < 0.25:
            lat, lon = target.lat, target.lon  # right on a camera
        elif kind < 0.5:
            lat, lon = destination(target.lat, target.lon, rng.uniform(0, 360), rng.uniform(0, 3000))
        elif kind < 0.7:
            lat, lon = destination(*centre, rng.uniform(0, 360), rng.uniform(0, 5000))
            lat = round(lat * 100) / 100 + rng.choice([0.0, -1e-9, 1e-9])  # on a band edge
        else:
            lat, lon = destination(*centre, rng.uniform(0, 360), rng.uniform(0, 30000))
        lat, lon = clamp(lat, lon)
        choice = rng.random()
        if choice < 0.25:
            # Exactly the distance to some camera: the boundary is inclusive (d <= radius).
            other = rng.choice([s for s in spots if s.status != CameraStatus.REMOVED] or spots)
            radius = geo.haversine_m(lat, lon, round(other.lat, 7), round(other.lon, 7))
            if not 1 <= radius <= domain.MAX_RADIUS_M:
                radius = rng.uniform(1, 2000)
        elif choice < 0.35:
            radius = rng.choice([1.0, 500.0, 2000.0, float(domain.MAX_RADIUS_M)])
        else:
            radius = math.exp(rng.uniform(0, math.log(domain.MAX_RADIUS_M)))
        out.append((lat, lon, radius))
    return out


def check_against_brute_force(
    admin: Any, centre: tuple[float, float], seed: int, n: int, spread_m: float, facing: bool
) -> None:
    rng = random.Random(seed)
    spots = scatter(rng, centre, n, spread_m)
    ids = create_cameras(spots)
    try:
        for lat, lon, radius in queries(rng, spots, centre, 8):
            got = [(x.distance_m, x.camera.pk) for x in domain.near(admin, lat, lon, radius, facing=facing)]
            want = brute_force(lat, lon, radius, facing)
            event(f"cameras found: {'0' if not want else '1-9' if len(want) < 10 else '10+'}")
            context = f"query ({lat!r}, {lon!r}) radius {radius!r} m, facing={facing}"
            assert [pk for _, pk in got] == [pk for _, pk in want], (
                f"{context}: near() returned {len(got)} cameras, brute force {len(want)}; "
                f"missing {sorted({p for _, p in want} - {p for _, p in got})[:10]}, "
                f"extra {sorted({p for _, p in got} - {p for _, p in want})[:10]}"
            )
            for (d_got, pk), (d_want, _) in zip(got, want, strict=True):
                assert abs(d_got - d_want) <= EPS_M, (
                    f"{context}: camera {pk} at {d_got} m, brute force {d_want} m"
                )
    finally:
        Camera.objects.filter(pk__in=ids).delete()


PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
spreads = st.sampled_from([20.0, 300.0, 1500.0, 8000.0])


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin")


@pytest.mark.django_db
@PROPERTY
@given(centre=centres, seed=st.integers(0, 2**32 - 1), n=st.integers(50, 300), spread_m=spreads)
def test_near_equals_brute_force(
    admin: Any, centre: tuple[float, float], seed: int, n: int, spread_m: float
) -> None:
    check_against_brute_force(admin, centre, seed, n, spread_m, facing=False)


@pytest.mark.django_db
@PROPERTY
@given(centre=centres, seed=st.integers(0, 2**32 - 1), n=st.integers(50, 300), spread_m=spreads)
def test_near_facing_equals_brute_force(
    admin: Any, centre: tuple[float, float], seed: int, n: int, spread_m: float
) -> None:
    check_against_brute_force(admin, centre, seed, n, spread_m, facing=True)


# --- geo units --------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-179, 179),
    radius=st.floats(0.5, 50_000),
    shrink=st.sampled_from([1.0, 0.999999, 0.5]),
)
def test_bounding_box_contains_the_circle(lat: float, lon: float, radius: float, shrink: float) -> None:
    lat_min, lat_max, lon_min, lon_max = geo.bounding_box(lat, lon, radius)
    assert lat_min < lat < lat_max and lon_min < lon < lon_max
    for step in range(720):
        p_lat, p_lon = destination(lat, lon, step / 2, radius * shrink)
        assert geo.haversine_m(lat, lon, p_lat, p_lon) <= radius * shrink * (1 + 1e-9) + 1e-6
        assert lat_min <= p_lat <= lat_max, (step / 2, p_lat)
        assert lon_min <= p_lon <= lon_max, (step / 2, p_lon)
    # Not wildly generous either: the latitude span is the diameter, to within 0.1%.
    span_m = math.radians(lat_max - lat_min) * geo.EARTH_RADIUS_M
    assert 2 * radius <= span_m <= 2 * radius * 1.001


@pytest.mark.parametrize("lat", [8.0, 10.7769, 16.0, 21.0285, 23.59])
def test_bounding_box_bands_cover_band_edges(lat: float) -> None:
    """A camera exactly on a band edge inside the box falls in one of the bands _box() asks for."""
    lat_min, lat_max, _, _ = geo.bounding_box(lat, 105.8, 500)
    bands = range(geo.band(lat_min), geo.band(lat_max) + 1)
    k = math.ceil(lat_min * 100)
    while k / 100 <= lat_max:
        assert geo.band(k / 100) in bands
        k += 1


def test_band() -> None:
    assert geo.band(21.0285) == 2102
    assert geo.band(10.0) == 1000
    assert geo.band(10.009999) == 1000
    assert geo.band(10.01) == 1001
    for k in range(600, 2361):
        assert geo.band(k / 100) in (k - 1, k)  # an edge belongs to one band or its neighbour, consistently


def test_bearing_deg_cardinal_points() -> None:
    lat, lon = 21.0285, 105.8542
    assert geo.bearing_deg(lat, lon, lat + 0.01, lon) == pytest.approx(0, abs=1e-9)
    assert geo.bearing_deg(lat, lon, lat - 0.01, lon) == pytest.approx(180, abs=1e-9)
    assert geo.bearing_deg(lat, lon, lat, lon + 0.01) == pytest.approx(90, abs=0.01)
    assert geo.bearing_deg(lat, lon, lat, lon - 0.01) == pytest.approx(270, abs=0.01)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(6, 23.6),
    lon=st.floats(102, 117.9),
    bearing=st.floats(0, 359.999),
    dist=st.floats(1, 20_000),
)
def test_bearing_deg_inverts_destination(lat: float, lon: float, bearing: float, dist: float) -> None:
    p_lat, p_lon = destination(lat, lon, bearing, dist)
    got = geo.bearing_deg(lat, lon, p_lat, p_lon)
    assert 0 <= got < 360
    assert abs((got - bearing + 180) % 360 - 180) < 1e-6


def test_looks_towards() -> None:
    lat, lon = 11.94, 108.44
    north = destination(lat, lon, 0, 50)
    east = destination(lat, lon, 90, 50)
    nne = destination(lat, lon, 10, 50)
    assert geo.looks_towards(None, 90, lat, lon, *east)  # unknown direction: maybe
    assert geo.looks_towards(180, 10, lat, lon, *destination(lat, lon, 0, 0.5))  # right under it
    assert geo.looks_towards(0, 90, lat, lon, *north)
    assert not geo.looks_towards(0, 90, lat, lon, *east)
    assert geo.looks_towards(350, 40, lat, lon, *nne)  # across north: 350 ± 20 includes 10
    assert not geo.looks_towards(350, 30, lat, lon, *nne)  # 350 ± 15 stops at 5
    assert geo.looks_towards(90, 360, lat, lon, *destination(lat, lon, 270, 50))  # all round
    assert geo.looks_towards(90, 1, lat, lon, *east)  # a 1° view still sees straight ahead


@settings(max_examples=300, deadline=None)
@given(
    direction=st.integers(0, 359),
    fov=st.integers(1, 360),
    bearing=st.floats(0, 359.999),
    dist=st.floats(2, 500),
)
def test_looks_towards_matches_the_angle(direction: int, fov: int, bearing: float, dist: float) -> None:
    lat, lon = 16.05, 108.2
    p_lat, p_lon = destination(lat, lon, bearing, dist)
    off = abs((bearing - direction + 180) % 360 - 180)
    if abs(off - fov / 2) < 1e-4:
        return  # on the edge of the view: rounding decides
    assert geo.looks_towards(direction, fov, lat, lon, p_lat, p_lon) == (off <= fov / 2)


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (21.0285, 105.8542, True),  # Hà Nội
        (10.7769, 106.7009, True),  # TP Hồ Chí Minh
        (23.36, 105.32, True),  # Lũng Cú
        (8.6, 104.72, True),  # Mũi Cà Mau
        (16.5, 111.6, True),  # Hoàng Sa
        (8.64, 111.92, True),  # Trường Sa
        (6.0, 102.0, True),  # the box's corners are inside
        (23.6, 117.9, True),
        (5.999, 105.0, False),
        (23.601, 105.0, False),
        (15.0, 101.999, False),
        (15.0, 117.901, False),
        (13.7563, 100.5018, False),  # Bangkok
        (14.5995, 120.9842, False),  # Manila
        (39.9042, 116.4074, False),  # Beijing
        (0.0, 0.0, False),
    ],
)
def test_in_vietnam(lat: float, lon: float, inside: bool) -> None:
    assert geo.in_vietnam(lat, lon) is inside
