"""What a generation contains: the communes it covers, their weights, how many rows of each kind, and when.

Everything here is a plain function of the seed and the database's official units, so the same seed and
scale give the same plan. The weights and the calendar are shared with the benchmarks (bench/stats_report
and bench/cameras_near use the same population proxy, seasonality and point clusters).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

SCALES = ("commune", "province", "nation")
DEFAULT_PROVINCE = "68"  # Lâm Đồng, where the demo lives
DEFAULT_COMMUNE = "24958"  # Xã Đức Trọng (Lâm Đồng), a demo commune
DEFAULT_LAST_DAY = datetime.date(2025, 12, 31)
YEARS = 3
UTC_OFFSET = datetime.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no DST

# Rows at the nation scale; a province gets 1/34 of them, a commune 1/3,321 (never fewer than MINIMUM).
NATION: dict[str, int] = {
    "incidents": 10_000_000,
    "tips": 1_000_000,
    "cameras": 1_000_000,
    "alerts": 30_000,
    "subscriptions": 300_000,
}
SHARE = {"nation": 1.0, "province": 1 / 34, "commune": 1 / 3321}
MINIMUM = {"incidents": 300, "tips": 40, "cameras": 40, "alerts": 6, "subscriptions": 60}

# Merged provinces (2025), population about 2024 in millions: a proxy, not official figures.
PROVINCE_POPULATION: dict[str, float] = {
    "01": 8.7, "04": 0.56, "08": 1.87, "11": 0.65, "12": 0.49, "14": 1.3, "15": 1.78, "19": 1.8,
    "20": 0.8, "22": 1.4, "24": 3.6, "25": 4.0, "31": 4.7, "33": 3.6, "37": 4.4, "38": 3.8,
    "40": 3.5, "42": 1.3, "44": 1.9, "46": 1.2, "48": 3.1, "51": 2.2, "52": 3.6, "56": 2.2,
    "66": 3.4, "68": 3.9, "75": 4.5, "79": 14.0, "80": 3.3, "82": 4.4, "86": 4.3, "91": 4.9,
    "92": 4.2, "96": 2.6,
}  # fmt: skip
TYPE_FACTOR = {"ward": 2.0, "commune": 1.0, "special_zone": 0.4}

# Centres (lat, lon) of the provinces before the 2025 merger, grouped under today's province: a commune's
# centre is drawn near one of them, so points cluster where people live.
OLD_CENTRES: dict[str, list[tuple[float, float, int]]] = {
    "01": [(21.0285, 105.8542, 8054)],
    "04": [(22.6657, 106.2576, 531)],
    "08": [(21.8236, 105.2140, 785), (22.8233, 104.9836, 855)],
    "11": [(21.3860, 103.0230, 599)],
    "12": [(22.3964, 103.4582, 461)],
    "14": [(21.3270, 103.9141, 1249)],
    "15": [(22.4856, 103.9707, 731), (21.7229, 104.9113, 822)],
    "19": [(21.5942, 105.8482, 1287), (22.1470, 105.8348, 314)],
    "20": [(21.8537, 106.7615, 782)],
    "22": [(20.9599, 107.0425, 1321)],
    "24": [(21.1861, 106.0763, 1369), (21.2731, 106.1946, 1804)],
    "25": [(21.3227, 105.4020, 1464), (21.3089, 105.6049, 1152), (20.8133, 105.3383, 855)],
    "31": [(20.8449, 106.6881, 2029), (20.9373, 106.3146, 1893)],
    "33": [(20.6464, 106.0511, 1253), (20.4463, 106.3366, 1861)],
    "37": [(20.2506, 105.9745, 983), (20.5835, 105.9230, 853), (20.4200, 106.1683, 1781)],
    "38": [(19.8067, 105.7852, 3640)],
    "40": [(18.6796, 105.6813, 3327)],
    "42": [(18.3428, 105.9057, 1289)],
    "44": [(17.4689, 106.6223, 896), (16.8163, 107.1003, 633)],
    "46": [(16.4637, 107.5909, 1129)],
    "48": [(16.0544, 108.2022, 1135), (15.5736, 108.4740, 1496)],
    "51": [(15.1214, 108.8044, 1232), (14.3545, 108.0076, 541)],
    "52": [(13.9833, 108.0000, 1514), (13.7820, 109.2197, 1487)],
    "56": [(12.2388, 109.1967, 1232), (11.5643, 108.9886, 591)],
    "66": [(12.6667, 108.0500, 1870), (13.0882, 109.0929, 873)],
    "68": [(11.9404, 108.4583, 1297), (12.0045, 107.6907, 622), (10.9289, 108.1021, 1231)],
    "75": [(10.9574, 106.8427, 3097), (11.5349, 106.8823, 995)],
    "79": [(10.7769, 106.7009, 8993), (10.9804, 106.6519, 2456), (10.4114, 107.1362, 1149)],
    "80": [(11.3100, 106.0983, 1169), (10.5360, 106.4131, 1689)],
    "82": [(10.4938, 105.6882, 1600), (10.3600, 106.3600, 1765)],
    "86": [(10.2537, 105.9722, 1023), (10.2434, 106.3756, 1289), (9.9347, 106.3453, 1010)],
    "91": [(10.3866, 105.4352, 1909), (10.0125, 105.0809, 1724)],
    "92": [(10.0452, 105.7469, 1236), (9.7579, 105.6413, 734), (9.6025, 105.9739, 1200)],
    "96": [(9.1769, 105.1524, 1194), (9.2940, 105.7216, 908)],
}
KM_PER_DEG = 111.195

# Incident category code -> (share of incidents, share cleared before scaling to CLEARED_SHARE overall).
CATEGORY_MIX: dict[str, tuple[float, float]] = {
    "trom-cap": (30, 0.17), "cuop-giat": (5, 0.40), "danh-nhau": (10, 0.50), "ma-tuy": (9, 0.95),
    "co-bac": (5, 0.85), "tin-dung-den": (3, 0.50), "lua-dao-mang": (11, 0.10), "xam-hai-tre-em": (1.5, 0.70),
    "vu-khi": (1.5, 0.90), "chay-no": (3, 0.20), "giao-thong": (9, 0.35), "xuat-nhap-canh": (1, 0.80),
    "bao-luc-hoc-duong": (1, 0.75), "bao-luc-gia-dinh": (3, 0.70), "buon-lau-hang-gia": (3, 0.75),
    "moi-truong": (2, 0.75), "khac": (2, 0.20),
}  # fmt: skip
CLEARED_SHARE = 0.40
INJURY_CATEGORIES = {"danh-nhau", "cuop-giat", "giao-thong", "bao-luc-gia-dinh", "bao-luc-hoc-duong"}
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 6, 7, 7, 6, 5, 4]
TET = {
    2019: datetime.date(2019, 2, 5), 2020: datetime.date(2020, 1, 25), 2021: datetime.date(2021, 2, 12),
    2022: datetime.date(2022, 2, 1), 2023: datetime.date(2023, 1, 22), 2024: datetime.date(2024, 2, 10),
    2025: datetime.date(2025, 1, 29), 2026: datetime.date(2026, 2, 17), 2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26), 2029: datetime.date(2029, 2, 13), 2030: datetime.date(2030, 2, 3),
    2031: datetime.date(2031, 1, 23),
}  # fmt: skip
YEAR_TREND = {2023: 1.0, 2024: 0.96, 2025: 0.93, 2026: 0.9}


def accumulate(values: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


def largest_remainder(n: int, weights: Sequence[float]) -> list[int]:
    """Split n into integers proportional to weights, summing to exactly n."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [n * w / total for w in weights]
    counts = [math.floor(x) for x in exact]
    short = n - sum(counts)
    for i in sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))[:short]:
        counts[i] += 1
    return counts


# --- the calendar ------------------------------------------------------------------------------------


def day_weight(day: datetime.date, rng: random.Random) -> float:
    """Seasonality: the four weeks before Tết (x1.35), Tết itself (x0.8), summer (x1.12), weekends
    (x1.08), a yearly decline, and a little noise."""
    w = YEAR_TREND.get(day.year, 0.9)
    tet = TET[day.year] if day < TET[day.year] + datetime.timedelta(days=5) else TET[day.year + 1]
    before = (tet - day).days
    if 1 <= before <= 28:
        w *= 1.35
    elif -4 <= before <= 0:
        w *= 0.8
    if day.month in (6, 7, 8):
        w *= 1.12
    if day.weekday() >= 5:
        w *= 1.08
    return w * (0.95 + 0.1 * rng.random())


def days_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def schedule(n: int, first: datetime.date, last: datetime.date, seed: int) -> list[tuple[datetime.date, int]]:
    """How many events each day gets: exactly n in all (largest remainders)."""
    rng = random.Random(seed)
    days = days_between(first, last)
    weights = [day_weight(d, rng) for d in days]
    return list(zip(days, largest_remainder(n, weights), strict=True))


# --- the places ----------------------------------------------------------------------------------------


@dataclass
class Commune:
    id: int
    code: str
    name: str
    path: str
    type: str
    weight: float = 0.0
    lat: float = 0.0
    lon: float = 0.0
    # Filled by the villages pass: (id, name, path) of the commune's villages, generated or not.
    villages: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Plan:
    scale: str
    seed: int
    area_code: str
    first_day: datetime.date
    last_day: datetime.date
    communes: list[Commune]
    volumes: dict[str, int]
    # rows of each volume table per commune, in the order of `communes`
    per_commune: dict[str, list[int]]
    day_cum: list[float]
    days: list[datetime.date]


def volumes_for(scale: str) -> dict[str, int]:
    share = SHARE[scale]
    return {
        k: max(MINIMUM[k], round(v * share)) if scale == "commune" else round(v * share)
        for k, v in NATION.items()
    }


def commune_weights(communes: list[Commune], seed: int) -> None:
    """A population proxy per commune: the province's population shared among its communes, a ward
    counting 2, a commune 1, a special zone 0.4, times a log-normal factor (sigma 0.5). Also places each
    commune's centre near one of its province's former capitals (the points cameras cluster around)."""
    by_province: dict[str, list[Commune]] = {}
    for c in communes:
        by_province.setdefault(c.path[:2], []).append(c)
    for province, members in sorted(by_province.items()):
        rng = random.Random(f"weights:{seed}:{province}")
        raw = [TYPE_FACTOR.get(c.type, 1.0) * rng.lognormvariate(0, 0.5) for c in members]
        population = PROVINCE_POPULATION.get(province, len(members) / 100)
        centres = OLD_CENTRES.get(province) or [(16.0, 107.0, 1)]
        cum = accumulate(p for _, _, p in centres)
        for c, r in zip(members, raw, strict=True):
            c.weight = population * r / sum(raw)
            lat, lon, _ = rng.choices(centres, cum_weights=cum)[0]
            # Wards sit near the centre, rural communes spread out (sigma in km).
            sigma = (4.0 if c.type == "ward" else 25.0) / KM_PER_DEG
            c.lat = clamp(rng.gauss(lat, sigma), 8.6, 23.3)
            c.lon = clamp(rng.gauss(lon, sigma / math.cos(math.radians(lat))), 102.2, 109.4)


def clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def load_communes(scale: str, area_code: str) -> list[Commune]:
    """The communes a scale covers, in path order, with ids from this database."""
    from binhyen.areas.models import Area, Level

    qs = Area.objects.filter(level=Level.COMMUNE)
    if scale == "province":
        qs = qs.filter(path__startswith=area_code)
    elif scale == "commune":
        qs = qs.filter(code=area_code)
    return [
        Commune(pk, code, name, path, kind)
        for pk, code, name, path, kind in qs.order_by("path").values_list(
            "pk", "code", "name", "path", "type"
        )
    ]


def make_plan(scale: str, seed: int, area_code: str, last_day: datetime.date) -> Plan:
    from binhyen.areas.models import Area, Level

    # Weights are computed over the whole province (or nation) so a commune's share is the same whatever
    # the scale; then restricted to the communes generated.
    province = area_code[:0]
    if scale == "commune":
        province = Area.objects.filter(code=area_code, level=Level.COMMUNE).values_list("path", flat=True)[0][
            :2
        ]
    elif scale == "province":
        province = area_code
    universe = load_communes("province" if province else "nation", province)
    commune_weights(universe, seed)
    communes = [c for c in universe if c.code == area_code] if scale == "commune" else universe
    first_day = last_day.replace(year=last_day.year - YEARS) + datetime.timedelta(days=1)
    volumes = volumes_for(scale)
    weights = [c.weight for c in communes]
    per_commune = {k: largest_remainder(n, weights) for k, n in volumes.items()}
    rng = random.Random(f"calendar:{seed}")
    days = days_between(first_day, last_day)
    day_cum = accumulate(day_weight(d, rng) for d in days)
    return Plan(scale, seed, area_code, first_day, last_day, communes, volumes, per_commune, day_cum, days)


def chunks(items: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    block: list[tuple] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block
