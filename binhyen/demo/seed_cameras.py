"""Demo cameras: community cameras around the demo communes, so that the registry, the coverage tables, the
map and footage requests have something to show.

About 1,000 cameras in the four communes of the old Đức Trọng district ("over 1,000 eyes") and about 300 in
the three wards of Bảo Lộc, clustered along the main roads and around village centres; every village has a
camera except one in Ninh Gia (so "with and without a camera" shows both). A realistic mix of owners
(households, shops, enterprises, schools, the commune), funding, recording and retention (7–30 days);
most active, some offline, some not confirmed for more than 90 days (stale), a few removed. Owners'
contacts have plausible Vietnamese names and phone numbers; a few cameras belong to the demo resident
account «nguoidan», so the owner pages show cameras.

Every camera's values come from `cameras.domain.clean` (the same checks and encryption as a registration);
they are then written with bulk_create, with dates in the past. Deterministic (fixed random seed) and
skipped when the demo communes already have cameras.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import Role, RoleGrant, User
from binhyen.areas.models import Area
from binhyen.cameras import domain, geo
from binhyen.cameras.models import Camera, CameraStatus, Confirmation, Funding, OwnerKind, Recording

# code: (centre latitude, centre longitude, cameras, spread of the commune in km)
COMMUNES: dict[str, tuple[float, float, int, float]] = {
    "24958": (11.735, 108.373, 520, 2.6),  # Đức Trọng (former Liên Nghĩa town): the densest
    "24967": (11.790, 108.385, 190, 3.2),  # Hiệp Thạnh, north
    "24976": (11.705, 108.305, 150, 3.2),  # Tân Hội, west
    "24985": (11.675, 108.420, 140, 3.5),  # Ninh Gia, south-east
    "24823": (11.548, 107.807, 110, 1.2),  # Bảo Lộc, Phường 1
    "24820": (11.538, 107.793, 100, 1.2),  # Bảo Lộc, Phường 2
    "24829": (11.560, 107.822, 90, 1.3),  # Bảo Lộc, Phường B'Lao
}
UNCOVERED = {("24985", "Thôn Bắc Hội")}  # one village still without any camera
ROADS = ["Quốc lộ 20", "Quốc lộ 27", "đường Thống Nhất", "đường Trần Phú", "đường Hùng Vương",
         "đường Nguyễn Văn Cừ", "đường Lê Hồng Phong", "đường liên thôn", "đường Ngô Quyền"]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Thu", "Kim"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Hải", "Long", "Nam", "Phúc", "Sơn", "Thắng", "Bình", "Tài", "Khoa"]
GIVEN_F = ["Lan", "Hoa", "Mai", "Hương", "Linh", "Nga", "Trang", "Yến", "Hạnh", "Thảo", "Vân"]
K_HO = ["K'Brơi", "K'Điệp", "Ka Sim", "Ka Hơ", "K'Thuận", "Ka Nhung"]  # K'Ho names around Đức Trọng
SHOPS = ["tạp hoá", "quán cà phê", "tiệm vàng", "cửa hàng điện thoại", "đại lý phân bón", "nhà thuốc",
         "quán cơm", "tiệm sửa xe"]  # fmt: skip
ENTERPRISES = ["Công ty chè Tâm Châu", "Xưởng sấy cà phê Phúc Lộc", "Công ty rau Đà Lạt Xanh",
               "Kho nông sản Minh Phát", "Cây xăng Hiệp Thành", "Nhà máy tơ tằm Bảo Lộc"]  # fmt: skip
AGENCIES = ["Trường Tiểu học", "Trường THCS", "Trạm y tế", "Nhà văn hoá", "Chợ", "Bưu điện"]
COVERS_ROAD = ["{road}, hai chiều", "ngã ba {road}", "lề đường {road}", "ngã tư {road}", "dốc {road}"]
COVERS_HOME = ["cổng nhà, hẻm trước nhà", "sân và cổng", "hẻm cụt, lối vào xóm", "đường đất vào rẫy"]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "032", "033", "035", "036",
                  "037", "038", "039", "070", "077", "081", "083", "085"]  # fmt: skip
OWNERS = [(OwnerKind.HOUSEHOLD, 55), (OwnerKind.SHOP, 20), (OwnerKind.ENTERPRISE, 9),
          (OwnerKind.AGENCY, 8), (OwnerKind.COMMUNE, 8)]  # fmt: skip
FUNDING: dict[str, list[tuple[str, int]]] = {
    OwnerKind.HOUSEHOLD: [(Funding.RESIDENTS, 80), (Funding.SOCIALISED, 20)],
    OwnerKind.SHOP: [(Funding.RESIDENTS, 85), (Funding.SOCIALISED, 15)],
    OwnerKind.ENTERPRISE: [(Funding.ENTERPRISE, 90), (Funding.SOCIALISED, 10)],
    OwnerKind.AGENCY: [(Funding.BUDGET, 70), (Funding.SOCIALISED, 30)],
    OwnerKind.COMMUNE: [(Funding.BUDGET, 45), (Funding.SOCIALISED, 55)],
}
RECORDING: dict[str, list[tuple[str, int]]] = {
    OwnerKind.HOUSEHOLD: [(Recording.LOCAL, 70), (Recording.CLOUD, 25), (Recording.LINKED, 5)],
    OwnerKind.SHOP: [(Recording.LOCAL, 55), (Recording.CLOUD, 40), (Recording.LINKED, 5)],
    OwnerKind.ENTERPRISE: [(Recording.LOCAL, 60), (Recording.CLOUD, 30), (Recording.LINKED, 10)],
    OwnerKind.AGENCY: [(Recording.LOCAL, 50), (Recording.CLOUD, 20), (Recording.LINKED, 30)],
    OwnerKind.COMMUNE: [(Recording.LOCAL, 20), (Recording.CLOUD, 10), (Recording.LINKED, 70)],
}
RETENTION = [(7, 30), (10, 12), (14, 20), (15, 15), (20, 8), (30, 15)]
DEMO_OWNER = "nguoidan"
RESIDENT_VILLAGE = "24958-0001"  # where the demo resident lives (Tổ dân phố 1)
PURPOSE = "Phục vụ bảo đảm an ninh, trật tự tại địa bàn"


def _pick(rng: random.Random, pairs: Iterable[tuple[Any, int]]) -> Any:
    items = list(pairs)
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = north_m / 111_320
    dlon = east_m / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _person(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.08:
        name = rng.choice(K_HO)
    elif rng.random() < 0.5:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    else:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return name, f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(1_000_000, 9_999_999)}"


def _officers() -> dict[str, User]:
    grants = RoleGrant.objects.filter(role=Role.COMMUNE_OFFICER, area__code__in=COMMUNES).select_related(
        "user", "area"
    )
    return {g.area.code: g.user for g in grants if g.area is not None}


def seed(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, Any]:
    """Create the demo cameras; returns {"created": n, "by_commune": {code: n}} (created 0 if they exist)."""
    if Camera.objects.filter(commune__code__in=COMMUNES).exists():
        return {"created": 0, "by_commune": {}}
    rng = random.Random(1000)
    now = timezone.now()
    communes = {a.code: a for a in Area.objects.filter(code__in=COMMUNES)}
    officers = _officers()
    resident = User.objects.filter(username=DEMO_OWNER).first()
    by_commune: dict[str, int] = {}
    steps: Iterable[Any] = progress(list(COMMUNES)) if progress else list(COMMUNES)
    for code in steps:
        commune = communes.get(code)
        if commune is None:
            continue
        with transaction.atomic():
            by_commune[code] = _commune(rng, commune, now, officers.get(code), resident)
    return {"created": sum(by_commune.values()), "by_commune": by_commune}


def _commune(
    rng: random.Random, commune: Area, now: datetime.datetime, officer: User | None, resident: User | None
) -> int:
    lat0, lon0, count, spread_km = COMMUNES[commune.code]
    villages = [v for v in Area.objects.filter(parent=commune).order_by("path")]
    covered = [v for v in villages if (commune.code, v.name) not in UNCOVERED]
    # Village centres spread around the commune centre; roads cross it at random bearings.
    centres = {}
    for i, v in enumerate(covered):
        angle = 2 * math.pi * i / max(len(covered), 1) + rng.uniform(-0.3, 0.3)
        dist = spread_km * 1000 * (0.25 + 0.75 * rng.random())
        centres[v.pk] = _offset(lat0, lon0, dist * math.cos(angle), dist * math.sin(angle))
    roads = [(rng.choice(ROADS), rng.uniform(0, 180)) for _ in range(2 if spread_km < 2 else 3)]
    plan: list[tuple[float, float, Area | None, str, int | None]] = []
    # Every covered village first gets one camera at its centre (the village's own, at the cultural house).
    for v in covered:
        lat, lon = centres[v.pk]
        plan.append((lat, lon, v, "centre", None))
    home = next((v for v in covered if v.code == RESIDENT_VILLAGE), None)
    if resident is not None and home is not None:
        # The demo resident's house: three cameras a few metres apart, looking different ways.
        clat, clon = centres[home.pk]
        for (north, east), way in zip(((60, 20), (68, 26), (55, 30)), (0, 180, 90), strict=True):
            lat, lon = _offset(clat, clon, north, east)
            plan.append((lat, lon, home, "resident", way))
    while len(plan) < count:
        if rng.random() < 0.55 and roads:
            name, bearing = rng.choice(roads)
            along = rng.uniform(-spread_km, spread_km) * 1000
            lat, lon = _offset(
                lat0, lon0, along * math.cos(math.radians(bearing)), along * math.sin(math.radians(bearing))
            )
            lat, lon = _offset(lat, lon, rng.gauss(0, 25), rng.gauss(0, 25))
            heading = int((bearing + rng.choice([0, 180]) + rng.gauss(0, 15)) % 360)
            plan.append((lat, lon, None, name, heading))
        elif covered:
            v = rng.choice(covered)
            clat, clon = centres[v.pk]
            lat, lon = _offset(clat, clon, rng.gauss(0, 280), rng.gauss(0, 280))
            plan.append((lat, lon, v, "home", None))
    cameras: list[Camera] = []
    confirmations: list[tuple[int, datetime.datetime, bool]] = []
    owned = 0
    for lat, lon, village, where, facing in plan:
        if where == "resident":
            pass
        elif village is None and covered:  # along a road: the nearest village centre
            village = min(covered, key=lambda v: geo.haversine_m(lat, lon, *centres[v.pk]))
        if where not in ("centre", "resident") and rng.random() < 0.03:
            village = None  # entered without its village
        kind = OwnerKind.COMMUNE if where == "centre" else _pick(rng, OWNERS)
        label, covers, name, phone = _describe(rng, kind, where, village)
        owner = None
        if where == "resident" and resident is not None:
            owner, owned = resident, owned + 1
            kind, name, phone = OwnerKind.HOUSEHOLD, resident.full_name, resident.phone or phone
            label = ["Camera cổng nhà", "Camera sân sau", "Camera hẻm bên hông"][(owned - 1) % 3]
            covers = "cổng nhà, hẻm trước nhà"
        values = domain.clean(
            domain.CameraInput(
                label=label,
                commune=commune.code,
                latitude=lat,
                longitude=lon,
                consent=True,
                consent_purpose=PURPOSE,
                village=village.code if village else "",
                address=f"{village.name}, {commune.name}" if village else commune.name,
                owner_kind=kind,
                contact_name=name,
                contact_phone=phone,
                direction_deg=facing if facing is not None else rng.randrange(0, 360),
                fov_deg=rng.choice([60, 90, 90, 90, 110, 120]),
                range_m=rng.choice([15, 20, 25, 30, 30, 40, 50]),
                covers=covers,
                retention_days=_pick(rng, RETENTION),
                recording=_pick(rng, RECORDING[kind]),
                funding=_pick(rng, FUNDING[kind]),
            )
        )
        created = now - datetime.timedelta(days=rng.uniform(30, 720))
        roll = rng.random()
        status = CameraStatus.ACTIVE
        if owner is None and where != "centre" and roll < 0.03:
            status = CameraStatus.REMOVED
        elif roll < 0.12:
            status = CameraStatus.OFFLINE
        if rng.random() < 0.08 and status != CameraStatus.REMOVED and owner is None:
            confirmed = now - datetime.timedelta(days=rng.uniform(92, 400))  # stale
        else:
            confirmed = now - datetime.timedelta(days=rng.uniform(0, 80))
        confirmed = max(confirmed, created)
        camera = Camera(
            **values,
            owner=owner,
            consent_at=created,
            status=status,
            status_changed_at=confirmed,
            last_confirmed_at=confirmed,
            created_by=owner or officer,
            created_at=created,
        )
        if status == CameraStatus.REMOVED:
            _strip(camera, rng)
        cameras.append(camera)
    Camera.objects.bulk_create(cameras, batch_size=500)
    saved = list(Camera.objects.filter(commune=commune).order_by("id"))
    for camera in saved:
        if camera.status != CameraStatus.REMOVED:
            confirmations.append((camera.pk, camera.last_confirmed_at, camera.status == CameraStatus.ACTIVE))
    Confirmation.objects.bulk_create(
        [Confirmation(camera_id=pk, at=at, working=working, by=officer) for pk, at, working in confirmations],
        batch_size=1000,
    )
    return len(saved)


def _describe(rng: random.Random, kind: str, where: str, village: Area | None) -> tuple[str, str, str, str]:
    """(label, what it covers, contact name, contact phone)."""
    name, phone = _person(rng)
    place = village.name if village else ""
    if where == "centre":
        return f"Camera nhà văn hoá {place}".strip(), "sân nhà văn hoá, đường trước nhà văn hoá", name, phone
    road = where if where not in ("home", "resident") else "đường liên thôn"
    if kind == OwnerKind.SHOP:
        shop = rng.choice(SHOPS)
        return f"Camera {shop} {name.split()[-1]}", f"trước cửa hàng, {road}", name, phone
    if kind == OwnerKind.ENTERPRISE:
        return f"Camera {rng.choice(ENTERPRISES)}", f"cổng xưởng, {road}", name, phone
    if kind == OwnerKind.AGENCY:
        return f"Camera {rng.choice(AGENCIES)} {place}".strip(), f"cổng chính, {road}", name, phone
    if kind == OwnerKind.COMMUNE:
        covers = rng.choice(COVERS_ROAD).format(road=road)
        return f"Camera an ninh {covers}", covers, "Công an xã (trực ban)", phone
    if where != "home":
        return f"Camera nhà {name}", rng.choice(COVERS_ROAD).format(road=road), name, phone
    return f"Camera nhà {name}", rng.choice(COVERS_HOME), name, phone


def _strip(camera: Camera, rng: random.Random) -> None:
    """What `domain.remove` keeps of a removed camera: anonymous counts only."""
    camera.owner = None
    camera.contact_name_enc = camera.contact_phone_enc = camera.contact_key = ""
    camera.label = "—"
    camera.address = camera.covers = ""
    camera.latitude = camera.longitude = None
    camera.lat_band = None
    camera.direction_deg = None
    if rng.random() < 0.4:
        camera.consent_withdrawn_at = camera.status_changed_at
