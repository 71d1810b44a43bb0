"""Demo data for the three small registries, matching the figures the seeds quote:

- outreach (tuyên truyền): Bảo Lộc in 2021 held 90 sessions for 5,240 people and handed out 31,500
  leaflets (the seeds: «90 buổi, hơn 5.000 lượt người, hơn 30.000 tờ rơi»), plus a few sessions a year in
  the Đức Trọng communes and Bảo Lộc since 2022;
- weapons («đổi gạo lấy vũ khí», Đức Trọng 2022): items handed in in all 15 units of the former Đức Trọng
  district (14 communes and Liên Nghĩa town), recorded under today's communes with the former unit in the
  note (which former unit lies in which of today's communes is illustrative here), rice given in exchange;
- awards: 14 medals «Bảo vệ an ninh Tổ quốc» decided, certificates of merit of the Ministry of Public
  Security and of the province, commendations, emulation flags, and a few proposals still in the flow.

Deterministic (fixed random seeds and fixed lists) and idempotent: a registry that already has rows in
the demo communes is skipped. Rows are saved through the models (dates lie in the past), with the
commune's demo officer as the recorder when the demo accounts exist. Names are fictional.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.awards.models import AwardProposal
from binhyen.outreach.models import OutreachSession
from binhyen.weapons.models import WeaponSurrender

DUC_TRONG = ["24958", "24967", "24976", "24985"]
BAO_LOC = ["24823", "24820", "24829"]
COMMUNES = DUC_TRONG + BAO_LOC
OFFICERS = {
    "24958": "congan.ductrong", "24967": "congan.hiepthanh", "24976": "congan.tanhoi",
    "24985": "congan.ninhgia", "24823": "congan.phuong1", "24820": "congan.phuong2", "24829": "congan.blao",
}  # fmt: skip

# Bảo Lộc 2021 (the seeds' figures).
BAO_LOC_SESSIONS_2021 = {"24823": 32, "24820": 28, "24829": 30}  # 90 sessions
BAO_LOC_ATTENDEES_2021 = 5240
BAO_LOC_LEAFLETS_2021 = 31500
PLACES = ["Nhà văn hoá", "Hội trường UBND", "Trường THCS", "Trường tiểu học", "Chợ", "Nhà thờ giáo xứ",
          "Sân bóng", "Điểm sinh hoạt cộng đồng"]  # fmt: skip
ORGANISERS = ["Công an phường phối hợp Đoàn Thanh niên", "Công an xã", "Hội Phụ nữ", "Mặt trận Tổ quốc",
              "Công an phường phối hợp Hội Cựu chiến binh",
              "Ban Chỉ đạo phong trào toàn dân bảo vệ ANTQ"]  # fmt: skip
TOPIC_MIX = [("drugs", 5), ("fraud", 5), ("traffic", 4), ("law", 4), ("fire", 3), ("weapons", 2),
             ("domestic_violence", 2), ("trafficking", 1), ("other", 1)]  # fmt: skip

# Đổi gạo lấy vũ khí 2022: the 15 units of the former Đức Trọng district, under today's communes.
CAMPAIGN = "Đổi gạo lấy vũ khí 2022"
FORMER_UNITS = {
    "24958": ["Thị trấn Liên Nghĩa", "Xã Phú Hội", "Xã Liên Hiệp", "Xã N'Thôn Hạ"],
    "24967": ["Xã Hiệp Thạnh", "Xã Hiệp An", "Xã Bình Thạnh"],
    "24976": ["Xã Tân Hội", "Xã Tân Thành", "Xã Đà Loan", "Xã Tà Hine"],
    "24985": ["Xã Ninh Gia", "Xã Ninh Loan", "Xã Tà Năng", "Xã Đa Quyn"],
}
# item type: (quantity range, rice kg per unit)
ITEMS: dict[str, tuple[tuple[float, float], int]] = {
    "homemade_gun": ((1, 2), 20), "hunting_gun": ((1, 1), 20), "airgun": ((1, 3), 10),
    "ammunition": ((10, 120), 0), "explosives": ((0.5, 3), 10), "detonators": ((2, 15), 1),
    "grenades": ((1, 1), 20), "blades": ((1, 4), 5), "firecrackers": ((1, 5), 5),
}  # fmt: skip

# Awards: (kind, nominee kind, how many decided, authority, decision suffix)
AWARDS: list[tuple[str, str, int, str, str]] = [
    ("medal_1", "individual", 1, "Bộ trưởng Bộ Công an", "QĐ-BCA"),
    ("medal_2", "individual", 4, "Bộ trưởng Bộ Công an", "QĐ-BCA"),
    ("medal_3", "individual", 9, "Bộ trưởng Bộ Công an", "QĐ-BCA"),
    ("ministry_merit", "collective", 3, "Bộ trưởng Bộ Công an", "QĐ-BCA"),
    ("ministry_merit", "individual", 3, "Bộ trưởng Bộ Công an", "QĐ-BCA"),
    ("province_merit", "collective", 6, "Chủ tịch UBND tỉnh Lâm Đồng", "QĐ-UBND"),
    ("province_merit", "individual", 5, "Chủ tịch UBND tỉnh Lâm Đồng", "QĐ-UBND"),
    ("commendation", "collective", 5, "Giám đốc Công an tỉnh Lâm Đồng", "QĐ-CAT"),
    ("emulation_flag", "collective", 2, "Chủ tịch UBND tỉnh Lâm Đồng", "QĐ-UBND"),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "K'", "Ka"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lâm", "Long", "Mai", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vinh", "Yến"]  # fmt: skip
COLLECTIVES = ["Tổ bảo vệ ANTT {v}", "Tổ tự quản {v}", "Tổ dân vận {v}", "Chi hội Cựu chiến binh {v}",
               "Đội dân phòng {v}"]  # fmt: skip
ACHIEVEMENTS = [
    "Tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc; phát hiện, tố giác nhiều vụ việc.",
    "Vận động nhân dân giao nộp vũ khí, vật liệu nổ; duy trì tuần tra đêm suốt năm.",
    "Phối hợp lực lượng Công an bắt giữ đối tượng trộm cắp, giữ vững an ninh trật tự địa bàn.",
    "Xây dựng mô hình tự quản về an ninh trật tự hiệu quả, không phát sinh tội phạm trên địa bàn.",
]


def _officers() -> dict[str, Any]:
    users = get_user_model().objects.filter(username__in=OFFICERS.values())
    by_name = {u.username: u for u in users}
    return {code: by_name.get(name) for code, name in OFFICERS.items()}


def _spread(rng: random.Random, n: int, total: int, low: int, high: int) -> list[int]:
    """n whole numbers between about `low` and `high` adding up to exactly `total`."""
    values = [rng.randint(low, high) for _ in range(n)]
    diff = total - sum(values)
    for i in range(n):
        values[i] += diff // n + (1 if i < diff % n else 0)
    return values


def _topics(rng: random.Random) -> str:
    codes = [c for c, _ in TOPIC_MIX]
    weights = [w for _, w in TOPIC_MIX]
    chosen = set(rng.choices(codes, weights, k=rng.choice([1, 1, 2, 2, 3])))
    return ",".join(c for c in codes if c in chosen)


def _day(rng: random.Random, year: int, today: datetime.date) -> datetime.date:
    last = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
    first = datetime.date(year, 1, 1)
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def _outreach(communes: dict[str, Area], villages: dict[str, list[Area]], officers: dict[str, Any]) -> int:
    rng = random.Random(2021)
    today = timezone.localdate()
    plan: list[dict[str, Any]] = []
    counts = BAO_LOC_SESSIONS_2021
    n = sum(counts.values())
    attendees = _spread(rng, n, BAO_LOC_ATTENDEES_2021, 30, 90)
    leaflets = _spread(rng, n, BAO_LOC_LEAFLETS_2021, 200, 500)
    i = 0
    for code, how_many in counts.items():
        for _ in range(how_many):
            plan.append({"code": code, "date": _day(rng, 2021, today), "attendees": attendees[i],
                         "leaflets": leaflets[i]})  # fmt: skip
            i += 1
    for year in range(2022, today.year + 1):
        for code in COMMUNES:
            for _ in range(rng.randint(3, 8)):
                plan.append({"code": code, "date": _day(rng, year, today), "attendees": rng.randint(25, 120),
                             "leaflets": rng.choice([0, 100, 150, 200, 300, 500])})  # fmt: skip
    for p in plan:
        choices = villages[p["code"]]
        village = rng.choice(choices) if choices and rng.random() < 0.7 else None
        place = rng.choice(PLACES)
        OutreachSession(
            date=p["date"],
            commune=communes[p["code"]],
            village=village,
            place=f"{place} {village.name}" if village else f"{place} {communes[p['code']].name}",
            topics=_topics(rng),
            organiser=rng.choice(ORGANISERS),
            attendees=p["attendees"],
            leaflets=p["leaflets"],
            created_by=officers.get(p["code"]),
        ).save()
    return len(plan)


def _weapons(communes: dict[str, Area], villages: dict[str, list[Area]], officers: dict[str, Any]) -> int:
    rng = random.Random(2022)
    today = timezone.localdate()
    created = 0
    types = list(ITEMS)
    for code, units in FORMER_UNITS.items():
        for unit in units:
            for item in rng.sample(types, rng.randint(2, 4)):
                (low, high), rice_per_unit = ITEMS[item]
                if item in ("explosives", "firecrackers"):
                    quantity = Decimal(str(round(rng.uniform(low, high) * 2) / 2 or 0.5))
                else:
                    quantity = Decimal(rng.randint(int(low), int(high)))
                rice = (quantity * rice_per_unit).quantize(Decimal(1)) if rice_per_unit else Decimal(0)
                choices = villages[code]
                WeaponSurrender(
                    date=min(datetime.date(2022, rng.randint(4, 9), rng.randint(1, 28)), today),
                    commune=communes[code],
                    village=rng.choice(choices) if choices and rng.random() < 0.5 else None,
                    item_type=item,
                    quantity=quantity,
                    exchange=f"{rice} kg gạo" if rice else "Giấy khen của UBND xã",
                    rice_kg=rice if rice else None,
                    received_by=officers.get(code),
                    people=rng.choice([1, 1, 1, 2]),
                    campaign=CAMPAIGN,
                    note=f"Tại {unit} (đơn vị hành chính cũ).",
                    created_by=officers.get(code),
                ).save()
                created += 1
    return created


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if surname in ("K'", "Ka"):
        return f"{surname}{rng.choice(['Brơi', 'Điệp', 'Sơn', 'Hoa', 'Tiếp'])}"
    return f"{surname} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _awards(communes: dict[str, Area], villages: dict[str, list[Area]], officers: dict[str, Any]) -> int:
    rng = random.Random(2024)
    today = timezone.localdate()
    now = timezone.now()
    leader = get_user_model().objects.filter(username="lanhdao.ductrong").first()
    analyst = get_user_model().objects.filter(username="phongtrao.lamdong").first()
    number = 100
    rows: list[AwardProposal] = []

    def proposal(kind: str, nominee: str, code: str, year: int) -> AwardProposal:
        choices = villages[code]
        village = rng.choice(choices) if choices else None
        where = village.name if village else communes[code].name
        name = _name(rng) if nominee == "individual" else rng.choice(COLLECTIVES).format(v=where)
        return AwardProposal(
            nominee_kind=nominee,
            nominee_name=name,
            commune=communes[code],
            village=village,
            award_kind=kind,
            year=year,
            proposed_on=min(datetime.date(year, 12, rng.randint(1, 20)), today),
            achievement=rng.choice(ACHIEVEMENTS),
            proposed_by=officers.get(code),
        )

    for kind, nominee, how_many, authority, suffix in AWARDS:
        for _ in range(how_many):
            code = rng.choice(COMMUNES)
            year = rng.choice([y for y in (2021, 2022, 2023, 2024) if y < today.year] or [today.year])
            p = proposal(kind, nominee, code, year)
            decided_on = min(p.proposed_on + datetime.timedelta(days=rng.randint(30, 90)), today)
            number += rng.randint(3, 40)
            p.status = "decided"
            p.submitted_at = p.approved_at = p.decided_at = now
            p.approved_by, p.decided_by = leader, analyst
            p.decision_number, p.decision_date, p.issuing_authority = (
                f"{number}/{suffix}",
                decided_on,
                authority,
            )
            rows.append(p)
    # Still in the flow: drafts, submitted, approved, one rejected.
    year = today.year - 1
    for status, kind, nominee, code in [
        ("draft", "commendation", "collective", "24958"),
        ("draft", "province_merit", "individual", "24967"),
        ("draft", "medal_3", "individual", "24823"),
        ("submitted", "province_merit", "collective", "24958"),
        ("submitted", "commendation", "collective", "24976"),
        ("approved", "ministry_merit", "collective", "24958"),
        ("approved", "medal_3", "individual", "24829"),
        ("rejected", "province_merit", "individual", "24985"),
    ]:
        p = proposal(kind, nominee, code, year)
        p.status = status
        if status != "draft":
            p.submitted_at = now
        if status in ("approved", "rejected"):
            p.approved_by, p.approved_at = leader, now
        if status == "rejected":
            p.rejected_by, p.rejected_at, p.rejected_stage = analyst, now, "approved"
            p.rejection_reason = "Thành tích đã được khen thưởng ở hình thức khác trong cùng năm."
        rows.append(p)
    for p in rows:
        p.save()
    return len(rows)


def seed(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, int]:
    """Seed the three registries for the demo communes; a registry already seeded is skipped.
    Returns how many rows each registry got (0: skipped)."""
    communes = {a.code: a for a in Area.objects.filter(code__in=COMMUNES, level=Level.COMMUNE)}
    if len(communes) < len(COMMUNES):
        return {"outreach": 0, "weapons": 0, "awards": 0}
    villages = {code: list(a.children.order_by("path")) for code, a in communes.items()}
    officers = _officers()
    ids = [a.pk for a in communes.values()]
    steps: list[tuple[str, Any, Any]] = [
        ("outreach", OutreachSession, _outreach),
        ("weapons", WeaponSurrender, _weapons),
        ("awards", AwardProposal, _awards),
    ]
    result = {name: 0 for name, _, _ in steps}
    items: Iterable[tuple[str, Any, Any]] = progress(steps) if progress else steps
    with audit.acting_as("system: demo seed"):
        for name, model, run in items:
            if model.objects.filter(commune_id__in=ids).exists():
                continue
            with transaction.atomic():
                result[name] = run(communes, villages, officers)
    return result
