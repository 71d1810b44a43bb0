"""Demo data: Lâm Đồng with the communes the seeds talk about (old Đức Trọng district, Bảo Lộc), their
villages and residential groups, predecessor mappings from the July 2025 reorganisation, and one account
per role. Deterministic and safe to run again.

Village names follow local naming; populations are illustrative, not official figures.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import Role, RoleGrant, User
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, AreaType, Predecessor
from binhyen.audit import domain as audit
from binhyen.core.text import fold

PROVINCE = "68"  # Lâm Đồng

# Today's communes (code) with the villages / residential groups each has created.
VILLAGES: dict[str, list[tuple[str, str]]] = {
    "24958": [  # Xã Đức Trọng: former Liên Nghĩa town and neighbours (seed 000: warning bell in Liên Nghĩa)
        *[(f"Tổ dân phố {n}", AreaType.RESIDENTIAL_GROUP) for n in range(1, 9)],
        ("Thôn Phú Thạnh", AreaType.VILLAGE),
        ("Thôn Phú Trung", AreaType.VILLAGE),
        ("Thôn Hiệp Thuận", AreaType.VILLAGE),
    ],
    "24967": [  # Xã Hiệp Thạnh
        ("Thôn Bồng Lai", AreaType.VILLAGE),
        ("Thôn Phú Thạnh", AreaType.VILLAGE),
        ("Thôn Thạnh Nghĩa", AreaType.VILLAGE),
        ("Thôn Quảng Hiệp", AreaType.VILLAGE),
        ("Thôn Liên Hiệp", AreaType.VILLAGE),
        ("Thôn Phi Nôm", AreaType.VILLAGE),
        ("Thôn K'Rèn", AreaType.VILLAGE),
    ],
    "24976": [  # Xã Tân Hội
        ("Thôn Tân Hiệp", AreaType.VILLAGE),
        ("Thôn Tân Lập", AreaType.VILLAGE),
        ("Thôn Tân Hòa", AreaType.VILLAGE),
        ("Thôn Tân Phú", AreaType.VILLAGE),
        ("Thôn Tân Trung", AreaType.VILLAGE),
        ("Thôn Tân Thuận", AreaType.VILLAGE),
    ],
    "24985": [  # Xã Ninh Gia
        ("Thôn Phú Thuận", AreaType.VILLAGE),
        ("Thôn Đa Thọ", AreaType.VILLAGE),
        ("Thôn Bắc Hội", AreaType.VILLAGE),
        ("Thôn Ninh Hòa", AreaType.VILLAGE),
        ("Thôn Tân Phú", AreaType.VILLAGE),
    ],
    "24823": [(f"Tổ dân phố {n}", AreaType.RESIDENTIAL_GROUP) for n in range(1, 13)],  # Phường 1 Bảo Lộc
    "24820": [(f"Tổ dân phố {n}", AreaType.RESIDENTIAL_GROUP) for n in range(1, 11)],  # Phường 2 Bảo Lộc
    "24829": [  # Phường B'Lao
        *[(f"Tổ dân phố {n}", AreaType.RESIDENTIAL_GROUP) for n in range(1, 7)],
        ("Khu phố Nguyễn Văn Cừ", AreaType.QUARTER),
    ],
}

# Old units (before 1 July 2025) and where their figures are counted today. Old codes are the
# pre-2025 statistical codes as commonly published; names as in the seeds.
PREDECESSORS: list[tuple[str, str, str, str]] = [
    ("672", "Huyện Đức Trọng", "huyện", "24958"),
    ("672", "Huyện Đức Trọng", "huyện", "24967"),
    ("672", "Huyện Đức Trọng", "huyện", "24976"),
    ("672", "Huyện Đức Trọng", "huyện", "24985"),
    ("24958", "Thị trấn Liên Nghĩa", "thị trấn", "24958"),
    ("24967", "Xã Hiệp Thạnh (cũ)", "xã", "24967"),
    ("24976", "Xã Tân Hội (cũ)", "xã", "24976"),
    ("24985", "Xã Ninh Gia (cũ)", "xã", "24985"),
    ("669", "Thành phố Bảo Lộc", "thành phố thuộc tỉnh", "24823"),
    ("669", "Thành phố Bảo Lộc", "thành phố thuộc tỉnh", "24820"),
    ("669", "Thành phố Bảo Lộc", "thành phố thuộc tỉnh", "24829"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    area: str | None
    full_name: str


ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, None, "Quản trị hệ thống"),
    DemoAccount("phongtrao.lamdong", Role.PROVINCE_ANALYST, PROVINCE, "Trần Thị Hồng Nhung"),
    DemoAccount("lanhdao.ductrong", Role.COMMUNE_LEADER, "24958", "Phạm Văn Hùng"),
    DemoAccount("congan.ductrong", Role.COMMUNE_OFFICER, "24958", "Nguyễn Văn Minh"),
    DemoAccount("congan.hiepthanh", Role.COMMUNE_OFFICER, "24967", "Đinh Quang Huy"),
    DemoAccount("congan.tanhoi", Role.COMMUNE_OFFICER, "24976", "Bùi Thị Ngọc"),
    DemoAccount("congan.ninhgia", Role.COMMUNE_OFFICER, "24985", "K'Brơi"),
    DemoAccount("congan.phuong1", Role.COMMUNE_OFFICER, "24823", "Vũ Đức Thắng"),
    DemoAccount("congan.phuong2", Role.COMMUNE_OFFICER, "24820", "Lý Thanh Tâm"),
    DemoAccount("congan.blao", Role.COMMUNE_OFFICER, "24829", "Hồ Văn Nam"),
    DemoAccount("totruong.tdp1", Role.GROUP_LEADER, "24958-0001", "Lê Văn Tám"),
    DemoAccount("nguoidan", Role.RESIDENT, "24958-0001", "Hoàng Thị Lan"),
]


def seed(password: str, progress: Callable[..., Any] | None = None) -> list[DemoAccount]:
    """Create (or bring back to the demo state) everything the demo shows."""
    from binhyen.demo import (
        seed_cameras,
        seed_incidents,
        seed_organisations,
        seed_registries,
        seed_schemes,
        seed_tips,
    )

    rng = random.Random(2025)  # same figures every run
    with audit.acting_as("system: demo seed"), transaction.atomic():
        _villages(rng)
        _predecessors()
        _accounts(password, rng)
    officers = {
        acc.area: User.objects.get(username=acc.username)
        for acc in ACCOUNTS
        if acc.role == Role.COMMUNE_OFFICER and acc.area
    }
    tips_bar = (lambda items: progress(items, "Tin báo mẫu")) if progress else None
    with audit.acting_as("system: demo seed"):
        seed_tips.seed(officers, progress=tips_bar)
    seed_incidents.seed((lambda items: progress(items, "Vụ việc mẫu")) if progress else None)
    with audit.acting_as("system: demo seed"):
        seed_cameras.seed((lambda items: progress(items, "Camera mẫu")) if progress else None)
        seed_organisations.seed((lambda items: progress(items, "Tổ chức mẫu")) if progress else None)
        seed_schemes.seed((lambda items: progress(items, "Mô hình mẫu")) if progress else None)
        seed_registries.seed((lambda items: progress(items, "Sổ đăng ký mẫu")) if progress else None)
        from binhyen.demo.seed_assessment import seed_assessment

        seed_assessment((lambda items: progress(items, "Đánh giá mẫu")) if progress else None)
        from binhyen.demo.seed_datasets import seed_datasets

        seed_datasets((lambda items: progress(items, "Biểu mẫu số liệu mẫu")) if progress else None)
        from binhyen.demo.seed_alerts import seed_alerts

        seed_alerts((lambda items: progress(items, "Cảnh báo mẫu")) if progress else None)
    _rollups(progress)
    return ACCOUNTS


def _rollups(progress: Callable[..., Any] | None) -> None:
    """Recount the statistics from the records (seeds use bulk inserts, which bypass the change marks)."""
    from binhyen.stats import registry, rollup

    sources = registry.sources()
    with audit.acting_as("system: demo seed"):
        for source in progress(sources, "Tổng hợp số liệu") if progress else sources:
            rollup.rebuild([source])


def _villages(rng: random.Random) -> None:
    start = timezone.now() - datetime.timedelta(days=730)
    for code, names in VILLAGES.items():
        commune = Area.objects.get(code=code)
        existing = set(commune.children.values_list("search_key", flat=True))
        todo = [areas.VillageInput(name=n, type=t, population=rng.randrange(900, 4200, 10)) for n, t in names]
        todo = [v for v in todo if fold(v.name) not in existing]
        if todo:
            created = areas.create_villages(commune, todo)
            # Spread creation over two years, as communes built their lists gradually.
            for v in created:
                when = start + datetime.timedelta(days=rng.randrange(0, 700))
                Area.objects.filter(pk=v.pk).update(created_at=when)


def _predecessors() -> None:
    for old_code, old_name, old_type, new_code in PREDECESSORS:
        Predecessor.objects.update_or_create(
            old_code=old_code,
            successor=Area.objects.get(code=new_code),
            defaults={
                "old_name": old_name,
                "old_type": old_type,
                "effective_date": datetime.date(2025, 7, 1),
                "note": "Sắp xếp đơn vị hành chính 2025 (dữ liệu mẫu)",
            },
        )


def _accounts(password: str, rng: random.Random) -> None:
    for acc in ACCOUNTS:
        user, created = User.objects.get_or_create(username=acc.username)
        user.full_name = acc.full_name
        user.is_active = True
        user.is_staff = user.is_superuser = acc.role == Role.ADMIN
        # The demo password is set as given, even if it would fail the production password rules.
        user.set_password(password)
        if created:
            user.date_joined = timezone.now() - datetime.timedelta(days=rng.randrange(30, 700))
        user.save()
        area = Area.objects.get(code=acc.area) if acc.area else None
        RoleGrant.objects.get_or_create(user=user, role=acc.role, area=area)


def describe(accounts: list[DemoAccount]) -> str:
    labels = dict(Role.choices)
    width = max(len(a.username) for a in accounts)
    lines = []
    for a in accounts:
        area = Area.objects.get(code=a.area).name if a.area else "Toàn quốc"
        lines.append(f"  {a.username:<{width}}  {labels[a.role]} — {area}")
    return "\n".join(lines)
