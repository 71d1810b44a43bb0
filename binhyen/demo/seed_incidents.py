"""Demo incidents: about two years (from November 2024 to today) of incidents for the demo communes, so
that the register, the charts and the same-period comparison have something to show.

A plausible mix: theft by far the most common, then fights, online fraud, drugs, gambling, traffic; most
drug and gambling cases cleared (they are found by the police), online fraud rarely. Slightly fewer
incidents in the second year, except online fraud. Counts only, never names.

Deterministic (fixed random seed) and skipped when the demo communes already have incidents. Incidents
are saved through the model (dates lie in the past, which the domain stamps as "now" for cleared_at and
created_at), with the commune's officer as the recorder when the demo accounts exist.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import Role, RoleGrant
from binhyen.areas.models import Area
from binhyen.audit import domain as audit
from binhyen.incidents.models import CrimeCategory, Incident

COMMUNES = ["24958", "24967", "24976", "24985", "24823", "24820", "24829"]
START = datetime.date(2024, 11, 1)
# Incidents per commune per month at the start (the wards of Bảo Lộc are busier).
MONTHLY = {"24958": 5.0, "24967": 2.2, "24976": 1.6, "24985": 1.6, "24823": 6.5, "24820": 5.5, "24829": 4.5}
YEARLY_CHANGE = -0.12  # the movement's effect: about 12 % fewer incidents a year later

# code: (weight, share cleared, stories)
MIX: dict[str, tuple[float, float, list[str]]] = {
    "trom-cap": (
        34,
        0.55,
        [
            "Mất trộm xe máy đậu trước nhà lúc rạng sáng.",
            "Kẻ gian cạy cửa kho lấy trộm phân bón, máy bơm nước.",
            "Trộm cắp điện thoại, ví tiền tại quán tạp hoá.",
            "Mất trộm bò thả ở rẫy cà phê gần suối.",
            "Trộm cà phê nhân phơi ngoài sân.",
        ],
    ),
    "danh-nhau": (
        12,
        0.92,
        [
            "Nhóm thanh niên uống rượu rồi ẩu đả tại quán nhậu, một người bị thương.",
            "Xô xát giữa hai gia đình vì tranh chấp ranh giới đất.",
            "Tụ tập gây rối trật tự công cộng trước khu vui chơi.",
        ],
    ),
    "lua-dao-mang": (
        10,
        0.18,
        [
            "Bị hại bị đối tượng giả danh công an gọi điện yêu cầu chuyển tiền «xác minh tài khoản».",
            "Lừa đảo tuyển cộng tác viên «làm nhiệm vụ» trên mạng xã hội.",
            "Tin nhắn giả danh ngân hàng, bị hại bấm đường link và mất tiền trong tài khoản.",
        ],
    ),
    "ma-tuy": (
        9,
        0.97,
        [
            "Phát hiện đối tượng tàng trữ trái phép chất ma tuý.",
            "Bắt quả tang nhóm đối tượng tổ chức sử dụng trái phép chất ma tuý tại nhà trọ.",
        ],
    ),
    "co-bac": (
        8,
        0.95,
        [
            "Bắt quả tang nhóm đối tượng đánh bạc bằng hình thức xóc đĩa trong vườn cà phê.",
            "Triệt xoá điểm cá độ bóng đá tại quán nước.",
        ],
    ),
    "giao-thong": (
        7,
        0.85,
        [
            "Va chạm giao thông giữa xe máy và ô tô tải trên quốc lộ 20.",
            "Nhóm thanh niên tụ tập đua xe, lạng lách trên đường tránh.",
        ],
    ),
    "cuop-giat": (
        4,
        0.72,
        [
            "Hai đối tượng đi xe máy giật dây chuyền của phụ nữ đi chợ sớm.",
            "Cướp giật điện thoại của học sinh trước cổng trường.",
        ],
    ),
    "tin-dung-den": (3, 0.6, ["Nhóm đối tượng cho vay lãi nặng, đòi nợ bằng cách tạt sơn vào nhà bị hại."]),
    "chay-no": (
        3,
        0.9,
        [
            "Cháy xưởng sấy cà phê, không có thiệt hại về người.",
            "Cháy nhà dân do chập điện.",
        ],
    ),
    "bao-luc-gia-dinh": (2, 0.9, ["Người chồng say rượu đánh vợ gây thương tích."]),
    "buon-lau-hang-gia": (1.5, 0.9, ["Phát hiện cơ sở kinh doanh thuốc lá điếu nhập lậu."]),
    "moi-truong": (1.5, 0.8, ["Khai thác đất, cát trái phép ven suối."]),
    "bao-luc-hoc-duong": (1, 0.95, ["Nhóm học sinh chặn đường đánh bạn sau giờ tan học."]),
    "vu-khi": (1, 0.95, ["Thu giữ súng tự chế dùng để săn bắn."]),
    "xam-hai-tre-em": (0.6, 0.9, ["Vụ xâm hại trẻ em, đã chuyển cơ quan điều tra."]),
    "xuat-nhap-canh": (0.3, 0.9, ["Người nước ngoài cư trú không khai báo tạm trú."]),
    "khac": (3, 0.7, ["Vụ việc khác về an ninh, trật tự."]),
}
GROWING = {"lua-dao-mang": 0.15}  # online fraud still grows year on year


def _people(rng: random.Random, code: str, cleared: bool) -> dict[str, Any]:
    """Counts of people and damage, by the kind of incident."""
    suspects = victims = deaths = injuries = 0
    damage: int | None = None
    if code in ("trom-cap", "cuop-giat"):
        victims = 1
        suspects = rng.choice([1, 1, 1, 2]) if cleared else 0
        damage = rng.randrange(1_500_000, 45_000_000, 500_000)
    elif code == "lua-dao-mang":
        victims = rng.choice([1, 1, 1, 2, 3])
        suspects = rng.choice([1, 2, 3]) if cleared else 0
        damage = rng.randrange(5_000_000, 350_000_000, 1_000_000)
    elif code == "danh-nhau":
        suspects = rng.randrange(2, 9)
        injuries = rng.choice([0, 1, 1, 2, 3])
        victims = injuries
    elif code in ("ma-tuy", "vu-khi", "buon-lau-hang-gia", "moi-truong"):
        suspects = rng.choice([1, 1, 2, 3])
    elif code == "co-bac":
        suspects = rng.randrange(4, 15)
    elif code == "giao-thong":
        deaths = 1 if rng.random() < 0.15 else 0
        injuries = rng.choice([0, 1, 1, 2])
        suspects = 1
        damage = rng.randrange(2_000_000, 80_000_000, 1_000_000)
    elif code == "chay-no":
        injuries = 1 if rng.random() < 0.2 else 0
        damage = rng.randrange(20_000_000, 600_000_000, 5_000_000)
    elif code in ("bao-luc-gia-dinh", "bao-luc-hoc-duong", "xam-hai-tre-em", "tin-dung-den"):
        suspects = rng.choice([1, 1, 2])
        victims = 1
        injuries = 1 if code != "tin-dung-den" and rng.random() < 0.5 else 0
    else:
        suspects = rng.choice([0, 1])
    return {
        "suspects": suspects,
        "victims": victims,
        "deaths": deaths,
        "injuries": injuries,
        "property_damage_vnd": damage,
    }


def _hour(rng: random.Random) -> int:
    # Evenings and nights more than mornings.
    return rng.choices(range(24), weights=[3, 3, 3, 2, 2, 2, 2, 3, 3, 3, 3, 3,
                                           3, 3, 3, 3, 4, 5, 6, 7, 7, 6, 5, 4])[0]  # fmt: skip


def _officers() -> dict[str, Any]:
    grants = RoleGrant.objects.filter(role=Role.COMMUNE_OFFICER, area__code__in=COMMUNES).select_related(
        "user", "area"
    )
    found: dict[str, Any] = {}
    for g in grants.order_by("pk"):
        if g.area is not None:
            found.setdefault(g.area.code, g.user)
    return found


def seed(stdout_progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, int]:
    """Create the demo incidents; returns {"created", "cleared", "skipped"}."""
    if Incident.objects.filter(commune__code__in=COMMUNES).exists():
        return {"created": 0, "cleared": 0, "skipped": 1}
    rng = random.Random(2411)
    now = timezone.now()
    today = timezone.localdate()
    categories = {c.code: c for c in CrimeCategory.objects.filter(code__in=MIX)}
    codes = [c for c in MIX if c in categories]
    communes = {a.code: a for a in Area.objects.filter(code__in=COMMUNES)}
    villages = {code: list(Area.objects.filter(parent__code=code).order_by("path")) for code in COMMUNES}
    officers = _officers()

    plan: list[tuple[str, str, datetime.datetime]] = []
    day = START
    while day <= today:
        years = (day - START).days / 365
        for place in COMMUNES:
            if place not in communes:
                continue
            rate = MONTHLY[place] / 30.4 * (1 + YEARLY_CHANGE * years)
            for code in codes:
                share = MIX[code][0] / sum(MIX[c][0] for c in codes)
                expected = rate * share * (1 + GROWING.get(code, 0.0) * years)
                if rng.random() < expected:
                    moment = timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(_hour(rng), rng.randrange(60)))
                    )
                    if moment < now - datetime.timedelta(hours=1):
                        plan.append((place, code, moment))
        day += datetime.timedelta(days=1)

    steps: Iterable[Any] = stdout_progress(plan) if stdout_progress else plan
    created = cleared_count = 0
    with audit.acting_as("system: demo seed"), transaction.atomic():
        for commune_code, code, occurred in steps:
            commune = communes[commune_code]
            choices = villages[commune_code]
            village = rng.choice(choices) if choices and rng.random() < 0.85 else None
            age = now - occurred
            share_cleared = MIX[code][1] * (0.4 if age < datetime.timedelta(days=30) else 1.0)
            cleared = rng.random() < share_cleared
            cleared_at = None
            if cleared:
                cleared_at = min(now, occurred + datetime.timedelta(days=rng.uniform(0.2, 45)))
            lat = lon = None
            if rng.random() < 0.6:
                base = (11.735, 108.373) if commune_code.startswith("249") else (11.548, 107.807)
                lat = round(base[0] + rng.uniform(-0.03, 0.03), 6)
                lon = round(base[1] + rng.uniform(-0.03, 0.03), 6)
            incident = Incident(
                category=categories[code],
                occurred_at=occurred,
                commune=commune,
                village=village,
                address=f"{village.name}, {commune.name}" if village else commune.name,
                latitude=lat,
                longitude=lon,
                summary=rng.choice(MIX[code][2]),
                cleared=cleared,
                cleared_at=cleared_at,
                created_by=officers.get(commune_code),
                **_people(rng, code, cleared),
            )
            incident.save()
            recorded = min(now, occurred + datetime.timedelta(hours=rng.uniform(1, 72)))
            Incident.objects.filter(pk=incident.pk).update(
                created_at=recorded, updated_at=cleared_at or recorded
            )
            created += 1
            cleared_count += int(cleared)
    return {"created": created, "cleared": cleared_count, "skipped": 0}
