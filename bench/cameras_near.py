"""Cameras within R metres of a point, nearest first, over 1,000,000 cameras, on SQLite and PostgreSQL.

Methods, timed side by side in the same process, interleaved per query point (the order rotates each query):

ours         the SQL that cameras.domain._box() builds (one `lat_band = b AND longitude BETWEEN` range per
             0.01° band over the camera_band_lon index, plus the latitude range and `status <> removed`),
             taken from the domain's queryset before timing, executed through Django's cursor, then the
             exact haversine filter and the (distance, id) sort in Python: ids and distances, as near() has.
near()       the whole cameras.domain.near(admin, lat, lon, r): queryset, Camera objects with commune and
             village (select_related), haversine, sort.
brute        exact haversine over all rows, in SQL (a full scan computing the distance expression; SQLite's
             built-in math functions, PostgreSQL's), filtered and ordered in SQL. Run on fewer queries.
postgis      PostgreSQL with PostGIS only: a geography(Point, 4326) column with a GiST index and
             `ST_DWithin(geog, ST_MakePoint(lon, lat)::geography, r, false)
             ORDER BY ST_Distance(.., false), id`
             (false: on the sphere, as our haversine; PostGIS's sphere radius is 6,371,008.77 m, ours
             6,371,008.8 m). Skipped with a message when the extension is not installed.
cell         (an alternative, not in the domain) an integer cell column = lat_band * 100000 + floor(lon*100)
             with a B-tree index, `cell IN (...)` over the cells the box touches, then the same Python
             haversine. Shown to compare with ours; skipped when BENCH_CAMERAS_ALTERNATIVES=0.

Every method's answer for every query is checked against a reference computed in Python from the same
coordinates (a bisect on latitude over all cameras sorted by latitude, then the exact haversine over the
strip): the same ids in the same order, or it counts as a mismatch.

Data: 1,000,000 cameras "spread like Vietnam's population": a weighted mixture of Gaussian clusters around
the 63 pre-2025 provincial centres, weighted by the 2019 census population, each province a tight urban core,
a town ring and a wide rural spread (the five centrally-run cities and Bình Dương, Đồng Nai are more urban);
every point inside geo.in_vietnam (others are redrawn). 95% active, 5% offline. Query points come from the
same distribution (another seed), so most fall in dense places.

The SQLite database is the runner's (migrated by it); the PostgreSQL one is the bench's own, dropped and
recreated (BENCH_CAMERAS_POSTGRES, default postgres://postgres@127.0.0.1:5432/binhyen_bench_cameras), with
`binhyen migrate` and `binhyen areas load` run on it; cameras go in with executemany (SQLite) and COPY
(PostgreSQL), then ANALYZE. After SQLite, this process's default database connection is switched to the
PostgreSQL one so domain.near() runs there too. In the runner's --postgres pass the bench is skipped.

Knobs (environment): BENCH_CAMERAS_N (default 1000000), BENCH_CAMERAS_QUERIES (query points per radius,
default 2000), BENCH_CAMERAS_BRUTE (of those, how many brute force also runs, default 20),
BENCH_CAMERAS_KEEP_PG=1 keeps the PostgreSQL database. `--rounds` splits the queries into that many rounds.
"""

from __future__ import annotations

import bisect
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench import BenchDatabase, print_table

N_CAMERAS = int(os.environ.get("BENCH_CAMERAS_N", "1000000"))
N_QUERIES = int(os.environ.get("BENCH_CAMERAS_QUERIES", "2000"))
N_BRUTE = int(os.environ.get("BENCH_CAMERAS_BRUTE", "20"))
ALTERNATIVES = os.environ.get("BENCH_CAMERAS_ALTERNATIVES", "1") != "0"
KEEP_PG = os.environ.get("BENCH_CAMERAS_KEEP_PG", "") == "1"
POSTGRES_URL = os.environ.get(
    "BENCH_CAMERAS_POSTGRES", "postgres://postgres@127.0.0.1:5432/binhyen_bench_cameras"
)
RADII = (500.0, 2000.0)
TARGET_P50_MS = 1.0
TARGET_RADIUS = 500.0
SEED_CAMERAS, SEED_QUERIES = 20251122, 20251123
COMMUNE = "24958"
ADMIN_PASSWORD = "Mat-khau-bench-cameras-2025"
ROOT = Path(__file__).resolve().parent.parent
KM_PER_DEG = 111.195

# --- where people live --------------------------------------------------------------------------------

# The 63 provinces before the 2025 merger: centre (lat, lon), population in thousands (2019 census, rounded).
PROVINCES: list[tuple[str, float, float, int]] = [
    ("Hà Nội", 21.0285, 105.8542, 8054), ("TP Hồ Chí Minh", 10.7769, 106.7009, 8993),
    ("Hải Phòng", 20.8449, 106.6881, 2029), ("Đà Nẵng", 16.0544, 108.2022, 1135),
    ("Cần Thơ", 10.0452, 105.7469, 1236), ("Hà Giang", 22.8233, 104.9836, 855),
    ("Cao Bằng", 22.6657, 106.2576, 531), ("Bắc Kạn", 22.1470, 105.8348, 314),
    ("Tuyên Quang", 21.8236, 105.2140, 785), ("Lào Cai", 22.4856, 103.9707, 731),
    ("Điện Biên", 21.3860, 103.0230, 599), ("Lai Châu", 22.3964, 103.4582, 461),
    ("Sơn La", 21.3270, 103.9141, 1249), ("Yên Bái", 21.7229, 104.9113, 822),
    ("Hòa Bình", 20.8133, 105.3383, 855), ("Thái Nguyên", 21.5942, 105.8482, 1287),
    ("Lạng Sơn", 21.8537, 106.7615, 782), ("Quảng Ninh", 20.9599, 107.0425, 1321),
    ("Bắc Giang", 21.2731, 106.1946, 1804), ("Phú Thọ", 21.3227, 105.4020, 1464),
    ("Vĩnh Phúc", 21.3089, 105.6049, 1152), ("Bắc Ninh", 21.1861, 106.0763, 1369),
    ("Hải Dương", 20.9373, 106.3146, 1893), ("Hưng Yên", 20.6464, 106.0511, 1253),
    ("Thái Bình", 20.4463, 106.3366, 1861), ("Hà Nam", 20.5835, 105.9230, 853),
    ("Nam Định", 20.4200, 106.1683, 1781), ("Ninh Bình", 20.2506, 105.9745, 983),
    ("Thanh Hóa", 19.8067, 105.7852, 3640), ("Nghệ An", 18.6796, 105.6813, 3327),
    ("Hà Tĩnh", 18.3428, 105.9057, 1289), ("Quảng Bình", 17.4689, 106.6223, 896),
    ("Quảng Trị", 16.8163, 107.1003, 633), ("Thừa Thiên Huế", 16.4637, 107.5909, 1129),
    ("Quảng Nam", 15.5736, 108.4740, 1496), ("Quảng Ngãi", 15.1214, 108.8044, 1232),
    ("Bình Định", 13.7820, 109.2197, 1487), ("Phú Yên", 13.0882, 109.0929, 873),
    ("Khánh Hòa", 12.2388, 109.1967, 1232), ("Ninh Thuận", 11.5643, 108.9886, 591),
    ("Bình Thuận", 10.9289, 108.1021, 1231), ("Kon Tum", 14.3545, 108.0076, 541),
    ("Gia Lai", 13.9833, 108.0000, 1514), ("Đắk Lắk", 12.6667, 108.0500, 1870),
    ("Đắk Nông", 12.0045, 107.6907, 622), ("Lâm Đồng", 11.9404, 108.4583, 1297),
    ("Bình Phước", 11.5349, 106.8823, 995), ("Tây Ninh", 11.3100, 106.0983, 1169),
    ("Bình Dương", 10.9804, 106.6519, 2456), ("Đồng Nai", 10.9574, 106.8427, 3097),
    ("Bà Rịa - Vũng Tàu", 10.4114, 107.1362, 1149), ("Long An", 10.5360, 106.4131, 1689),
    ("Tiền Giang", 10.3600, 106.3600, 1765), ("Bến Tre", 10.2434, 106.3756, 1289),
    ("Trà Vinh", 9.9347, 106.3453, 1010), ("Vĩnh Long", 10.2537, 105.9722, 1023),
    ("Đồng Tháp", 10.4938, 105.6882, 1600), ("An Giang", 10.3866, 105.4352, 1909),
    ("Kiên Giang", 10.0125, 105.0809, 1724), ("Hậu Giang", 9.7579, 105.6413, 734),
    ("Sóc Trăng", 9.6025, 105.9739, 1200), ("Bạc Liêu", 9.2940, 105.7216, 908),
    ("Cà Mau", 9.1769, 105.1524, 1194),
]  # fmt: skip
BIG_CITIES = {"Hà Nội", "TP Hồ Chí Minh"}
URBAN = {"Hải Phòng", "Đà Nẵng", "Cần Thơ", "Bình Dương", "Đồng Nai"}
# (share, sigma km) of the core, the town ring and the rural spread.
SHAPES: dict[str, list[tuple[float, float]]] = {
    "big": [(0.45, 4.0), (0.35, 12.0), (0.20, 30.0)],
    "urban": [(0.40, 3.0), (0.35, 10.0), (0.25, 25.0)],
    "province": [(0.20, 2.0), (0.25, 8.0), (0.55, 30.0)],
}


@dataclass(frozen=True)
class Cluster:
    lat: float
    lon: float
    sigma_lat: float  # degrees
    sigma_lon: float


def clusters() -> tuple[list[Cluster], list[float]]:
    found, weights = [], []
    for name, lat, lon, people in PROVINCES:
        shape = SHAPES["big" if name in BIG_CITIES else "urban" if name in URBAN else "province"]
        for share, sigma_km in shape:
            sigma_lat = sigma_km / KM_PER_DEG
            found.append(Cluster(lat, lon, sigma_lat, sigma_lat / math.cos(math.radians(lat))))
            weights.append(people * share)
    return found, weights


def draw(n: int, seed: int, desc: str) -> list[tuple[float, float]]:
    """n points from the mixture, rounded as domain.clean() stores them, all inside geo.in_vietnam."""
    from binhyen.cameras import geo

    rng = random.Random(seed)
    found, weights = clusters()
    cum = list(_accumulate(weights))
    points: list[tuple[float, float]] = []
    with tqdm(total=n, desc=desc, unit="point", leave=False, mininterval=0.5) as bar:
        while len(points) < n:
            batch = min(50_000, n - len(points))
            for c in rng.choices(found, cum_weights=cum, k=batch):
                lat, lon = rng.gauss(c.lat, c.sigma_lat), rng.gauss(c.lon, c.sigma_lon)
                if geo.in_vietnam(lat, lon):
                    points.append((round(lat, 7), round(lon, 7)))
            bar.update(batch)
    return points[:n]


def _accumulate(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


# --- the reference: every camera, exact haversine -------------------------------------------------


class Reference:
    """All cameras sorted by latitude; a query bisects the latitude strip (2 x radius tall, the whole
    country wide) and runs the exact haversine over it. Independent of lat_band and the box's longitudes."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        order = sorted(range(len(points)), key=lambda i: points[i][0])
        self.lats = [points[i][0] for i in order]
        self.lons = [points[i][1] for i in order]
        self.ids = [i + 1 for i in order]  # ids are 1..n in insertion order on both databases

    def near(self, lat: float, lon: float, radius_m: float) -> list[int]:
        from binhyen.cameras import geo

        dlat = math.degrees(radius_m / geo.EARTH_RADIUS_M) * 1.01 + 1e-9
        lo, hi = bisect.bisect_left(self.lats, lat - dlat), bisect.bisect_right(self.lats, lat + dlat)
        found = []
        for i in range(lo, hi):
            d = geo.haversine_m(lat, lon, self.lats[i], self.lons[i])
            if d <= radius_m:
                found.append((d, self.ids[i]))
        found.sort()
        return [pk for _, pk in found]


# --- loading ---------------------------------------------------------------------------------------


def camera_columns(commune_id: int, area_path: str) -> tuple[list[str], dict[str, Any]]:
    """The camera table's columns (without id) and the constant values, as register() would store them."""
    from django.utils import timezone

    from binhyen.cameras.models import Camera, CameraStatus

    now = timezone.now()
    proto = Camera(
        label="Camera bench",
        commune_id=commune_id,
        area_path=area_path,
        consent_purpose="Phục vụ bảo đảm an ninh, trật tự tại địa bàn",
        consent_at=now,
        status=CameraStatus.ACTIVE,
        status_changed_at=now,
        last_confirmed_at=now,
        created_at=now,
        updated_at=now,
    )
    columns = [str(f.column) for f in Camera._meta.concrete_fields if f.column != "id"]
    return columns, {str(f.column): getattr(proto, f.attname) for f in Camera._meta.concrete_fields}


def camera_rows(
    points: list[tuple[float, float]],
    columns: list[str],
    constants: dict[str, Any],
    adapt: Callable[[str, Any], Any],
) -> Iterator[tuple[Any, ...]]:
    from binhyen.cameras import geo

    rng = random.Random(SEED_CAMERAS + 7)
    fixed = {c: adapt(c, v) for c, v in constants.items()}
    for lat, lon in points:
        values = dict(fixed)
        values["latitude"], values["longitude"], values["lat_band"] = lat, lon, geo.band(lat)
        values["direction_deg"] = None if rng.random() < 0.2 else rng.randrange(360)
        values["status"] = "offline" if rng.random() < 0.05 else "active"
        yield tuple(values[c] for c in columns)


def load_sqlite(points: list[tuple[float, float]]) -> float:
    from django.db import connection, transaction

    from binhyen.areas.models import Area
    from binhyen.cameras.models import Camera

    started = time.perf_counter()
    commune = Area.objects.get(code=COMMUNE)
    columns, constants = camera_columns(commune.pk, commune.path)
    fields = {f.column: f for f in Camera._meta.concrete_fields}

    def adapt(column: str, value: Any) -> Any:
        return fields[column].get_db_prep_save(value, connection)

    sql = f"INSERT INTO cameras_camera ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    rows = camera_rows(points, columns, constants, adapt)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        tqdm(total=len(points), desc="SQLite insert", unit="row", leave=False) as bar,
    ):
        while chunk := [row for _, row in zip(range(20_000), rows, strict=False)]:
            cursor.executemany(sql, chunk)
            bar.update(len(chunk))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _admin_conninfo(url: str) -> tuple[str, str]:
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "")
    if not name.startswith("binhyen_bench"):
        raise SystemExit(f"BENCH_CAMERAS_POSTGRES must name a database called binhyen_bench*: {url}")
    return psycopg.conninfo.make_conninfo(url, dbname="postgres"), name


def postgres_reachable(url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(_admin_conninfo(url)[0], connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        return str(e).strip()
    return ""


def recreate_postgres(url: str, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def binhyen(url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, BINHYEN_ENV="test")
    command = [str(Path(sys.executable).with_name("binhyen")), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def postgis_available(url: str) -> str:
    """'' when PostGIS can be used, else why not."""
    import psycopg

    with psycopg.connect(_admin_conninfo(url)[0]) as conn:
        row = conn.execute(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"
        ).fetchone()
    if row is None:
        return (
            "the postgis extension is not installed on this server "
            "(Debian: apt-get install postgresql-15-postgis-3)"
        )
    return ""


def load_postgres(url: str, points: list[tuple[float, float]], postgis: bool) -> dict[str, float]:
    import psycopg

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    recreate_postgres(url)
    binhyen(url, "migrate", "--verbosity", "0")
    binhyen(url, "areas", "load")
    seconds["create, migrate, areas load"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT id, path FROM areas_area WHERE code = %s", [COMMUNE]).fetchone()
        assert row is not None, "areas load did not load commune " + COMMUNE
        columns, constants = camera_columns(int(row[0]), str(row[1]))
        rows = camera_rows(points, columns, constants, lambda _c, v: v)
        with conn.cursor() as cur, cur.copy(f"COPY cameras_camera ({', '.join(columns)}) FROM STDIN") as copy:
            for values in tqdm(
                rows, total=len(points), desc="PostgreSQL COPY", unit="row", leave=False, mininterval=0.5
            ):
                copy.write_row(values)
        conn.commit()
    seconds["COPY 1 row per camera"] = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        if ALTERNATIVES:
            started = time.perf_counter()
            add_cell_column_postgres(conn)
            seconds["cell column + index"] = time.perf_counter() - started
        if postgis:
            started = time.perf_counter()
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute("ALTER TABLE cameras_camera ADD COLUMN geog geography(Point, 4326)")
            conn.execute(
                "UPDATE cameras_camera "
                "SET geog = ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography "
                "WHERE latitude IS NOT NULL"
            )
            conn.execute("CREATE INDEX camera_geog_gist ON cameras_camera USING gist (geog)")
            seconds["PostGIS column + GiST index"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE cameras_camera")
        seconds["VACUUM ANALYZE"] = time.perf_counter() - started
    return seconds


# --- the alternative: one integer cell per 0.01° x 0.01° -------------------------------------------

CELL_LON = 100_000  # cell = lat_band * CELL_LON + floor(longitude * 100)


def add_cell_column_sqlite() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cameras_camera ADD COLUMN cell integer")
        cursor.execute(
            f"UPDATE cameras_camera SET cell = lat_band * {CELL_LON} "
            "+ CAST(floor(longitude * 100) AS integer) "
            "WHERE latitude IS NOT NULL"
        )
        cursor.execute("CREATE INDEX camera_cell ON cameras_camera (cell)")
        cursor.execute("ANALYZE")


def add_cell_column_postgres(conn: Any) -> None:
    conn.execute("ALTER TABLE cameras_camera ADD COLUMN cell integer")
    conn.execute(
        f"UPDATE cameras_camera SET cell = lat_band * {CELL_LON} + floor(longitude * 100)::integer "
        "WHERE latitude IS NOT NULL"
    )
    conn.execute("CREATE INDEX camera_cell ON cameras_camera (cell)")


def cells(lat: float, lon: float, radius_m: float) -> list[int]:
    from binhyen.cameras import geo

    lat_min, lat_max, lon_min, lon_max = geo.bounding_box(lat, lon, radius_m)
    lons = range(math.floor(lon_min * 100), math.floor(lon_max * 100) + 1)
    return [b * CELL_LON + c for b in range(geo.band(lat_min), geo.band(lat_max) + 1) for c in lons]


# --- the methods ----------------------------------------------------------------------------------


@dataclass
class Query:
    lat: float
    lon: float
    radius_m: float
    ours_sql: str = ""
    ours_params: tuple[Any, ...] = ()


def prepare(q: Query) -> None:
    """The SQL the domain builds for this point (built before timing, as a prepared plan would be)."""
    from django.db import connection

    from binhyen.cameras import domain
    from binhyen.cameras.models import Camera, CameraStatus

    qs = (
        domain._box(Camera.objects.all(), q.lat, q.lon, q.radius_m)
        .exclude(status=CameraStatus.REMOVED)
        .order_by()
        .values_list("pk", "latitude", "longitude")
    )
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    q.ours_sql, q.ours_params = sql, tuple(params)


def _finish(q: Query, rows: Sequence[tuple[Any, ...]]) -> list[int]:
    from binhyen.cameras import geo

    found = []
    for pk, lat, lon in rows:
        d = geo.haversine_m(q.lat, q.lon, lat, lon)
        if d <= q.radius_m:
            found.append((d, pk))
    found.sort()
    return [pk for _, pk in found]


def ours(q: Query) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(q.ours_sql, q.ours_params)
        return _finish(q, cursor.fetchall())


def cell_method(q: Query) -> list[int]:
    from django.db import connection

    wanted = cells(q.lat, q.lon, q.radius_m)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, latitude, longitude FROM cameras_camera WHERE status <> 'removed' AND cell IN ("
            + ", ".join(["%s"] * len(wanted))
            + ")",
            wanted,
        )
        return _finish(q, cursor.fetchall())


def make_in(vendor: str, index: str) -> Callable[[Query], list[int]]:
    """`lat_band IN (...) AND longitude BETWEEN ..`: the same ranges as the per-band OR (every band has the
    same longitude range), one condition; on SQLite pinned to `index` with INDEXED BY."""
    from django.db import connection

    from binhyen.cameras import geo

    hint = f" INDEXED BY {index}" if vendor == "sqlite" else ""

    def in_bands(q: Query) -> list[int]:
        lat_min, lat_max, lon_min, lon_max = geo.bounding_box(q.lat, q.lon, q.radius_m)
        bands = list(range(geo.band(lat_min), geo.band(lat_max) + 1))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, latitude, longitude FROM cameras_camera{hint} WHERE lat_band IN ("
                + ", ".join(["%s"] * len(bands))
                + ") AND longitude >= %s AND longitude <= %s AND latitude >= %s AND latitude <= %s"
                " AND status <> 'removed'",
                [*bands, lon_min, lon_max, lat_min, lat_max],
            )
            return _finish(q, cursor.fetchall())

    return in_bands


def make_lean(admin: Any) -> Callable[[Query], list[int]]:
    """What near() could do: the same domain queryset (visible_cameras + _box), without select_related and
    the Meta ordering, as values_list of what the haversine and `facing` need; no Camera objects."""
    from binhyen.cameras import domain, geo
    from binhyen.cameras.models import CameraStatus

    def lean(q: Query) -> list[int]:
        qs = (
            domain._box(domain.visible_cameras(admin), q.lat, q.lon, q.radius_m)
            .exclude(status=CameraStatus.REMOVED)
            .select_related(None)
            .order_by()
            .values_list("pk", "latitude", "longitude", "direction_deg", "fov_deg")
        )
        found = []
        for pk, lat, lon, _direction, _fov in qs:
            d = geo.haversine_m(q.lat, q.lon, float(lat or 0), float(lon or 0))  # as near() does
            if d <= q.radius_m:
                found.append((d, pk))
        found.sort()
        return [pk for _, pk in found]

    return lean


def make_near(admin: Any) -> Callable[[Query], list[int]]:
    from binhyen.cameras import domain

    def near(q: Query) -> list[int]:
        return [n.camera.pk for n in domain.near(admin, q.lat, q.lon, q.radius_m)]

    return near


def brute_sql(vendor: str) -> str:
    from binhyen.cameras import geo

    smaller = "LEAST" if vendor == "postgresql" else "min"
    distance = (
        f"2 * {geo.EARTH_RADIUS_M!r} * asin({smaller}(1.0, sqrt("
        "power(sin((radians(latitude) - radians(%s)) / 2), 2) "
        "+ cos(radians(%s)) * cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2))))"
    )
    return (
        f"SELECT id FROM (SELECT id, {distance} AS d FROM cameras_camera "
        "WHERE status <> 'removed' AND latitude IS NOT NULL) AS t WHERE d <= %s ORDER BY d, id"
    )


def make_brute(vendor: str) -> Callable[[Query], list[int]]:
    from django.db import connection

    sql = brute_sql(vendor)

    def brute(q: Query) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [q.lat, q.lat, q.lon, q.radius_m])
            return [row[0] for row in cursor.fetchall()]

    return brute


POSTGIS_SQL = (
    "SELECT id FROM cameras_camera WHERE status <> 'removed' "
    "AND ST_DWithin(geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, false) "
    "ORDER BY ST_Distance(geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, false), id"
)


def postgis_method(q: Query) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(POSTGIS_SQL, [q.lon, q.lat, q.radius_m, q.lon, q.lat])
        return [row[0] for row in cursor.fetchall()]


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    samples: list[float] = field(default_factory=list)
    checked: int = 0
    wrong_set: int = 0
    wrong_order: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class DbRun:
    label: str
    setup: dict[str, float]
    results: dict[tuple[float, str], Outcome] = field(default_factory=dict)
    counts: dict[float, list[int]] = field(default_factory=dict)
    explain: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def admin_user() -> Any:
    from binhyen.accounts import domain as accounts
    from binhyen.accounts.models import User

    existing = User.objects.filter(username="bench-admin").first()
    if existing is not None:
        return existing
    return accounts.create_user(
        accounts.NewUser(
            username="bench-admin", password=ADMIN_PASSWORD, role="admin", area_code=None, full_name="Bench"
        )
    )


def measure(
    run: DbRun,
    methods: dict[str, Callable[[Query], list[int]]],
    brute: Callable[[Query], list[int]] | None,
    queries: dict[float, list[Query]],
    expected: dict[float, list[list[int]]],
    rounds: int,
    before: dict[str, Callable[[], None]] | None = None,
) -> None:
    """Each query point once per method, the order rotating; `before[name]()` runs untimed first."""
    names = list(methods)
    setup = before or {}
    for radius, qs in queries.items():
        for q in qs[:30]:  # warm-up: caches, plans (not recorded)
            for name, fn in methods.items():
                setup.get(name, _nothing)()
                fn(q)
        per_round = math.ceil(len(qs) / rounds)
        for name in [*names, "brute"] if brute else names:
            run.results[(radius, name)] = Outcome()
        run.counts.setdefault(radius, [len(e) for e in expected[radius]])
        bar = tqdm(total=len(qs), desc=f"{run.label} {radius:.0f} m", unit="query", leave=False)
        for i, q in enumerate(qs):
            r = i // per_round
            # Rotate which method goes first at every query; reverse the rotation in odd rounds.
            order = names[i % len(names) :] + names[: i % len(names)]
            if r % 2:
                order.reverse()
            todo = [(n, methods[n]) for n in order]
            if brute and i < N_BRUTE:
                todo.insert(i % (len(todo) + 1), ("brute", brute))
            for name, fn in todo:
                setup.get(name, _nothing)()
                started = time.perf_counter()
                got = fn(q)
                elapsed = time.perf_counter() - started
                out = run.results[(radius, name)]
                out.samples.append(elapsed)
                out.checked += 1
                want = expected[radius][i]
                if got != want:
                    if sorted(got) != sorted(want):
                        out.wrong_set += 1
                    else:
                        out.wrong_order += 1
                    if len(out.examples) < 3:
                        out.examples.append(
                            f"({q.lat}, {q.lon}) r={radius:.0f}: {len(got)} ids vs {len(want)}; "
                            f"missing {sorted(set(want) - set(got))[:5]}, "
                            f"extra {sorted(set(got) - set(want))[:5]}"
                        )
            bar.update(1)
        bar.close()


def percentile(values: Sequence[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _nothing() -> None:
    pass


def pct(samples: Sequence[float], p: int) -> float:
    """The p-th percentile of timings in seconds, in milliseconds."""
    return percentile(samples, p) * 1000


def typical(queries: list[Query], counts: list[int]) -> Query:
    """The query at the median result count (a typical dense one) for EXPLAIN."""
    order = sorted(range(len(queries)), key=lambda i: counts[i])
    return queries[order[len(order) // 2]]


def explain(vendor: str, q: Query, postgis: bool) -> list[str]:
    from django.db import connection

    lines = [f"-- median-count query at ({q.lat}, {q.lon}), r = {q.radius_m:.0f} m"]
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + q.ours_sql, q.ours_params)
            lines += ["ours (SQLite EXPLAIN QUERY PLAN):"] + [f"  {row[-1]}" for row in cursor.fetchall()]
            # SQLite has no EXPLAIN ANALYZE: time the statement alone, rows fetched, 50 runs.
            times = []
            for _ in range(50):
                started = time.perf_counter()
                cursor.execute(q.ours_sql, q.ours_params)
                n = len(cursor.fetchall())
                times.append(time.perf_counter() - started)
            lines.append(f"  statement alone: {statistics.median(times) * 1000:.3f} ms median, {n} rows")
            return lines
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q.ours_sql, q.ours_params)
        lines += ["ours (PostgreSQL EXPLAIN ANALYZE):"] + [f"  {row[0]}" for row in cursor.fetchall()]
        if postgis:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + POSTGIS_SQL, [q.lon, q.lat, q.radius_m, q.lon, q.lat]
            )
            lines += ["postgis (PostgreSQL EXPLAIN ANALYZE):"] + [f"  {row[0]}" for row in cursor.fetchall()]
    return lines


def run_database(
    label: str,
    vendor: str,
    setup: dict[str, float],
    queries: dict[float, list[Query]],
    expected: dict[float, list[list[int]]],
    rounds: int,
    postgis: bool,
    skipped: list[str],
) -> DbRun:
    run = DbRun(label=label, setup=setup, skipped=skipped)
    admin = admin_user()
    methods: dict[str, Callable[[Query], list[int]]] = {"ours": ours, "near()": make_near(admin)}
    if ALTERNATIVES:
        methods["near() lean"] = make_lean(admin)
        methods["IN"] = make_in(vendor, "camera_band_lon")
        methods["cell"] = cell_method
    if postgis:
        methods["postgis"] = postgis_method
    for qs in queries.values():
        for q in qs:
            prepare(q)
    measure(run, methods, make_brute(vendor), queries, expected, rounds)
    # The plans of the real schema, before the covering index exists.
    for radius, qs in queries.items():
        run.explain += explain(vendor, typical(qs, run.counts[radius]), postgis)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        methods["near()"](typical(queries[RADII[0]], run.counts[RADII[0]]))
    run.explain.append(f"SQL statements in one near() call: {len(captured.captured_queries)}")
    run.explain += [f"  {c['sql'][:200]}" for c in captured.captured_queries]
    if ALTERNATIVES:
        cover_phase(run, vendor, queries, expected, rounds)
    return run


COVER_QUERIES = 1000


def cover_phase(
    run: DbRun,
    vendor: str,
    queries: dict[float, list[Query]],
    expected: dict[float, list[list[int]]],
    rounds: int,
) -> None:
    """After the main timing: add a covering index and time the IN query answered from the index alone
    against the same query reading the table rows, interleaved. SQLite: INDEXED BY camera_band_lon (then
    the table) or camera_band_lon_cover. PostgreSQL: enable_indexonlyscan off (index scan + heap) or on
    (index-only scan), set before each call, untimed; the planner may pick either B-tree for the former."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "CREATE INDEX camera_band_lon_cover ON cameras_camera (lat_band, longitude, latitude, status)"
            )
        else:
            cursor.execute(
                "CREATE INDEX camera_band_lon_cover ON cameras_camera (lat_band, longitude) "
                "INCLUDE (latitude, status, id)"
            )
        cursor.execute("ANALYZE cameras_camera")
    run.setup["covering index (after the main timing)"] = time.perf_counter() - started

    def setting(on: bool) -> Callable[[], None]:
        def apply() -> None:
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET enable_indexonlyscan = {'on' if on else 'off'}")

        return apply

    methods = {
        "IN, index + table": make_in(vendor, "camera_band_lon"),
        "IN, covering index": make_in(vendor, "camera_band_lon_cover"),
    }
    before = {"IN, index + table": setting(False), "IN, covering index": setting(True)}
    subset = {r: qs[:COVER_QUERIES] for r, qs in queries.items()}
    sub_expected = {r: e[:COVER_QUERIES] for r, e in expected.items()}
    measure(run, methods, None, subset, sub_expected, rounds, before)
    q = typical(subset[RADII[0]], run.counts[RADII[0]][:COVER_QUERIES])
    lat_min, lat_max, lon_min, lon_max = _box_numbers(q)
    for name, on in (("IN, index + table", False), ("IN, covering index", True)):
        setting(on)()
        hint = (
            f" INDEXED BY {'camera_band_lon_cover' if on else 'camera_band_lon'}"
            if vendor == "sqlite"
            else ""
        )
        bands = list(range(_band(lat_min), _band(lat_max) + 1))
        sql = (
            f"SELECT id, latitude, longitude FROM cameras_camera{hint} WHERE lat_band IN ("
            + ", ".join(["%s"] * len(bands))
            + ") AND longitude >= %s AND longitude <= %s AND latitude >= %s AND latitude <= %s"
            " AND status <> 'removed'"
        )
        prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, [*bands, lon_min, lon_max, lat_min, lat_max])
            run.explain += [f"{name} (r = {q.radius_m:.0f} m):"] + [
                f"  {row[-1]}" for row in cursor.fetchall()
            ]
    setting(True)()


def _box_numbers(q: Query) -> tuple[float, float, float, float]:
    from binhyen.cameras import geo

    return geo.bounding_box(q.lat, q.lon, q.radius_m)


def _band(lat: float) -> int:
    from binhyen.cameras import geo

    return geo.band(lat)


def switch_default_database(url: str) -> None:
    """Point this process's default connection at `url` (settings are read once per process)."""
    import dj_database_url
    from django.db import connections

    connections["default"].close()
    conf = connections.configure_settings({"default": dj_database_url.parse(url, conn_max_age=0)})
    connections.settings["default"] = conf["default"]
    del connections["default"]


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import django

    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def database_versions(postgis: bool) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        extra = ""
        if postgis:
            cursor.execute("SELECT postgis_lib_version()")
            extra = f", PostGIS {cursor.fetchone()[0]}"
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem')")
        settings = ", ".join(f"{n}={s}" for n, s in cursor.fetchall())
    return f"PostgreSQL {version}{extra} ({settings})"


def report(runs: list[DbRun], method_names: list[str]) -> None:
    table(runs, [*method_names, "brute"], "ours")
    print("(ms: wall time per query in this process, through Django's cursor; ours, IN and cell include the")
    print(" Python haversine filter and sort; near() includes building the queryset and Camera objects)")
    if ALTERNATIVES:
        print()
        print(f"covering index, after the main timing, on the first {COVER_QUERIES:,} query points:")
        table(runs, ["IN, index + table", "IN, covering index"], "IN, index + table", counts=False)
    verdict(runs)


def table(runs: list[DbRun], names: list[str], baseline: str, counts: bool = True) -> None:
    rows: list[list[str]] = []
    for run in runs:
        for radius in RADII:
            ours_p50 = pct(run.results[(radius, baseline)].samples, 50)
            for name in names:
                out = run.results.get((radius, name))
                if out is None or not out.samples:
                    continue
                p50 = pct(out.samples, 50)
                rows.append(
                    [
                        f"{run.label} {radius:.0f} m {name}",
                        f"{len(out.samples):,}",
                        f"{p50:.3f}",
                        f"{pct(out.samples, 95):.3f}",
                        f"{p50 / ours_p50:.2f}x",
                        f"{out.wrong_set}/{out.wrong_order}",
                    ]
                )
            if counts:
                found = run.counts[radius]
                rows.append(
                    [
                        f"{run.label} {radius:.0f} m (results per query)",
                        "",
                        f"p50 {statistics.median(found):.0f}",
                        f"p95 {percentile([float(c) for c in found], 95):.0f}",
                        f"max {max(found)}",
                        "",
                    ]
                )
    print_table(
        ["database, radius, method", "queries", "p50 ms", "p95 ms", f"p50 / {baseline}", "wrong set/order"],
        rows,
    )


def verdict(runs: list[DbRun]) -> None:
    for run in runs:
        for (_radius, name), out in sorted(run.results.items()):
            for line in out.examples:
                print(f"!! {run.label} {name}: {line}")
    print()
    verdicts = []
    for run in runs:
        for name in ("ours", "near()"):
            p50 = pct(run.results[(TARGET_RADIUS, name)].samples, 50)
            ok = p50 <= TARGET_P50_MS
            verdicts.append(
                f"{run.label} {name} p50 at 500 m {p50:.3f} ms <= 1 ms: {'PASS' if ok else 'FAIL'}"
            )
        if (RADII[0], "postgis") in run.results:
            for radius in RADII:
                for name in ("ours", "near()"):
                    a = pct(run.results[(radius, name)].samples, 50)
                    b = pct(run.results[(radius, "postgis")].samples, 50)
                    verdicts.append(
                        f"{run.label} {name} vs PostGIS at {radius:.0f} m: p50 {a:.3f} vs {b:.3f} ms: "
                        + ("PASS (no slower)" if a <= b else f"FAIL ({a / b:.2f}x slower)")
                    )
        wrong = sum(o.wrong_set + o.wrong_order for o in run.results.values())
        checked = sum(o.checked for o in run.results.values())
        verdicts.append(
            f"{run.label}: {checked:,} answers checked against the reference, mismatches {wrong}: "
            + ("PASS" if wrong == 0 else "FAIL")
        )
    for line in verdicts:
        print(line)
    print()
    for run in runs:
        print(f"-- {run.label}: EXPLAIN --")
        for line in run.explain:
            print(line)


def run(db: BenchDatabase, rounds: int) -> None:
    if db.vendor != "sqlite":
        print("cameras_near: skipped in the --postgres pass (it loads its own PostgreSQL database)")
        return
    from binhyen.areas.domain import load_official_units

    load_started = os.getloadavg()
    print(f"== cameras_near: {N_CAMERAS:,} cameras, {N_QUERIES:,} query points per radius, radii {RADII} ==")
    print(f"machine: {machine()}; load average at start {', '.join(f'{x:.2f}' for x in load_started)}")
    started = time.perf_counter()
    points = draw(N_CAMERAS, SEED_CAMERAS, "cameras")
    query_points = draw(N_QUERIES, SEED_QUERIES, "query points")
    reference = Reference(points)
    expected = {
        r: [
            reference.near(lat, lon, r)
            for lat, lon in tqdm(query_points, desc=f"reference {r:.0f} m", leave=False)
        ]
        for r in RADII
    }
    print(f"data and reference answers: {time.perf_counter() - started:.1f} s")

    def fresh_queries() -> dict[float, list[Query]]:
        return {r: [Query(lat, lon, r) for lat, lon in query_points] for r in RADII}

    runs: list[DbRun] = []
    names = ["ours", "near()"] + (["near() lean", "IN", "cell"] if ALTERNATIVES else [])
    # SQLite: the runner's database, already migrated.
    setup: dict[str, float] = {}
    t = time.perf_counter()
    load_official_units()
    setup["areas load"] = time.perf_counter() - t
    setup["insert (executemany) + ANALYZE"] = load_sqlite(points)
    if ALTERNATIVES:
        t = time.perf_counter()
        add_cell_column_sqlite()
        setup["cell column + index"] = time.perf_counter() - t
    runs.append(
        run_database("SQLite", "sqlite", setup, fresh_queries(), expected, rounds, postgis=False, skipped=[])
    )
    print("SQLite setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in setup.items()))

    problem = postgres_reachable(POSTGRES_URL)
    if problem:
        print(f"PostgreSQL skipped: cannot reach {POSTGRES_URL}: {problem}")
    else:
        no_postgis = postgis_available(POSTGRES_URL)
        postgis = not no_postgis
        skipped = [] if postgis else [f"postgis skipped: {no_postgis}"]
        for line in skipped:
            print(line)
        pg_setup = load_postgres(POSTGRES_URL, points, postgis)
        switch_default_database(POSTGRES_URL)
        print(database_versions(postgis))
        print("PostgreSQL setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in pg_setup.items()))
        runs.append(
            run_database(
                "PostgreSQL", "postgresql", pg_setup, fresh_queries(), expected, rounds, postgis, skipped
            )
        )
        if postgis:
            names.append("postgis")
        from django.db import connection

        connection.close()
        if not KEEP_PG:
            recreate_postgres(POSTGRES_URL, drop_only=True)
    print(f"load average at end {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"timing: {rounds} rounds; per radius and database {N_QUERIES:,} query points, "
        "each method once per point,"
        f" the order rotating per point; brute force on the first {N_BRUTE}"
    )
    print("reference: all cameras sorted by latitude, exact haversine over the latitude strip, in Python")
    print()
    report(runs, names)
