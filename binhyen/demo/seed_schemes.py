"""Demo schemes (mô hình) matching the seeds' figures.

- Bảo Lộc, 2021 (seed 002): 31 schemes at 48 sites, 23 run by the wards, 8 by the city. Bảo Lộc city no
  longer exists (July 2025), so "the city" becomes the province (68, Lâm Đồng): 8 province-managed schemes
  whose sites all lie in the three Bảo Lộc wards (24823, 24820, 24829). Counting the three wards together
  gives 31 schemes, 48 sites, 23 commune-level and 8 province-level.
- Đức Trọng (seed 000): security gong, rice for weapons, cameras, patrol and fire teams, "safe alley" and
  "crime-free club" in the four demo communes, with some reviews, one under review and one retired
  ("no longer fits"), and one scheme replicated from Xã Đức Trọng to Xã Hiệp Thạnh.
- Runners: each scheme is run by the demo organisations (seed_organisations, seeded before) of the kind
  that runs such a scheme (a patrol scheme by a patrol team, a mediation scheme by a mediation group, the
  rest by the grassroots security team) covering its sites' villages, at most three; `run_by` keeps a
  mass organisation's branch as the other runner.

Deterministic (fixed random seed) and skipped when the demo communes already have schemes. Rows are saved
through the models (the domain's permission checks need a user; the demo runs as the system).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import Role, RoleGrant
from binhyen.areas.models import Area, Level
from binhyen.organisations.models import Organisation
from binhyen.schemes.models import (
    Effectiveness,
    ManagingLevel,
    Scheme,
    SchemeOrganisation,
    SchemeReview,
    SchemeSite,
    SchemeStatus,
    SchemeType,
)

PROVINCE = "68"
BAO_LOC = ["24823", "24820", "24829"]
DUC_TRONG = ["24958", "24967", "24976", "24985"]
COMMUNES = DUC_TRONG + BAO_LOC

# Bảo Lộc: (type code, name) per ward; sites per scheme come from BAO_LOC_SITES.
BAO_LOC_WARD_SCHEMES: dict[str, list[tuple[str, str]]] = {
    "24823": [
        ("camera-an-ninh", "Camera an ninh khu dân cư"),
        ("tuan-tra-tu-quan", "Tổ tuần tra tự quản"),
        ("chuong-canh-bao", "Tiếng chuông cảnh báo"),
        ("hem-an-toan", "Hẻm an toàn về an ninh, trật tự"),
        ("nha-tro-tu-quan", "Khu nhà trọ công nhân tự quản"),
        ("ket-noi-gia-dinh", "Nhóm Zalo kết nối gia đình học sinh"),
        ("to-hoa-giai", "Tổ hoà giải ở cơ sở"),
        ("dan-phong-pccc", "Đội dân phòng"),
    ],
    "24820": [
        ("camera-an-ninh", "Camera an ninh khu dân cư"),
        ("tuan-tra-tu-quan", "Tổ tuần tra an ninh nhân dân"),
        ("clb-khong-toi-pham", "Câu lạc bộ «không tội phạm»"),
        ("tieng-keng-an-ninh", "Tiếng kẻng an ninh"),
        ("to-lien-gia-tu-quan", "Tổ liên gia tự quản"),
        ("cam-hoa-giao-duc", "Cảm hoá, giáo dục người lầm lỗi"),
        ("hem-an-toan", "Ngõ phố an toàn"),
        ("dan-phong-pccc", "Đội PCCC và CNCH khu dân cư"),
    ],
    "24829": [
        ("camera-an-ninh", "Camera an ninh khu dân cư"),
        ("tuan-tra-tu-quan", "Tổ tuần tra tự quản"),
        ("doi-gao-lay-vu-khi", "Đổi gạo lấy vũ khí"),
        ("tieng-keng-an-ninh", "Tiếng kẻng an ninh"),
        ("xa-khong-ma-tuy", "Khu dân cư không ma tuý"),
        ("to-hoa-giai", "Tổ hoà giải ở cơ sở"),
        ("chuong-canh-bao", "Tiếng chuông cảnh báo"),
    ],
}
# The city's (now the province's) schemes in Bảo Lộc: (type, name, sites in the wards).
BAO_LOC_CITY_SCHEMES: list[tuple[str, str, int]] = [
    ("bon-an-toan", "Cơ quan, trường học «4 an toàn» Bảo Lộc", 3),
    ("ket-noi-gia-dinh", "Mạng xã hội kết nối nhà trường – gia đình – công an", 2),
    ("xa-khong-ma-tuy", "Phường không ma tuý", 2),
    ("camera-an-ninh", "Camera giám sát các tuyến đường trung tâm", 2),
    ("dan-phong-pccc", "Đội PCCC và CNCH chợ Bảo Lộc", 2),
    ("nha-tro-tu-quan", "Khu nhà trọ công nhân tự quản khu công nghiệp", 2),
    ("cam-hoa-giao-duc", "Giúp đỡ người chấp hành xong án phạt tù hoà nhập cộng đồng", 2),
    ("to-bao-ve-antt", "Tổ bảo vệ an ninh, trật tự ở cơ sở điểm", 2),
]  # 17 sites
# Ward schemes with two sites (the others have one): 8 of 23, so 31 ward sites; 31 + 17 = 48.
TWO_SITES = 8

# Đức Trọng: (commune, type, name, status, sites)
DUC_TRONG_SCHEMES: list[tuple[str, str, str, str, int]] = [
    ("24958", "chuong-canh-bao", "Tiếng chuông cảnh báo Liên Nghĩa", SchemeStatus.ACTIVE, 4),
    ("24958", "camera-an-ninh", "Camera an ninh tổ dân phố", SchemeStatus.ACTIVE, 6),
    ("24958", "hem-an-toan", "Hẻm an toàn", SchemeStatus.ACTIVE, 2),
    ("24958", "clb-khong-toi-pham", "Câu lạc bộ «không tội phạm»", SchemeStatus.UNDER_REVIEW, 1),
    ("24958", "dan-phong-pccc", "Đội dân phòng, PCCC và CNCH", SchemeStatus.ACTIVE, 1),
    ("24958", "tieng-keng-an-ninh", "Tiếng kẻng an ninh", SchemeStatus.ACTIVE, 3),
    ("24958", "doi-gao-lay-vu-khi", "Đổi gạo lấy vũ khí", SchemeStatus.ACTIVE, 1),
    ("24967", "tieng-keng-an-ninh", "Tiếng kẻng an ninh", SchemeStatus.ACTIVE, 4),
    ("24967", "doi-gao-lay-vu-khi", "Đổi gạo lấy vũ khí", SchemeStatus.ACTIVE, 1),
    ("24967", "tuan-tra-tu-quan", "Tổ tuần tra tự quản", SchemeStatus.ACTIVE, 3),
    ("24967", "to-lien-gia-tu-quan", "Tổ liên gia tự quản", SchemeStatus.RETIRED, 1),
    ("24976", "tieng-keng-an-ninh", "Tiếng kẻng an ninh", SchemeStatus.ACTIVE, 3),
    ("24976", "doi-gao-lay-vu-khi", "Đổi gạo lấy vũ khí", SchemeStatus.ACTIVE, 1),
    ("24976", "camera-an-ninh", "Camera an ninh thôn", SchemeStatus.PROPOSED, 1),
    ("24985", "tieng-keng-an-ninh", "Tiếng kẻng an ninh", SchemeStatus.ACTIVE, 2),
    ("24985", "doi-gao-lay-vu-khi", "Đổi gạo lấy vũ khí", SchemeStatus.ACTIVE, 1),
    ("24985", "tuan-tra-tu-quan", "Tổ tuần tra tự quản", SchemeStatus.ACTIVE, 2),
]
RUN_BY = [
    "Chi hội Cựu chiến binh",
    "Chi đoàn Thanh niên",
    "Chi hội Phụ nữ",
    "Chi hội Nông dân",
    "Ban công tác Mặt trận khu dân cư",
    "Hội Người cao tuổi",
]
# Scheme type → the kind of organisation (organisations.data codes) that runs it; any other type: the
# grassroots security team.
RUNNER_KIND = {
    "tuan-tra-tu-quan": "doi-tuan-tra",
    "dan-phong-pccc": "doi-pccc",
    "to-hoa-giai": "to-hoa-giai",
    "to-lien-gia-tu-quan": "to-lien-gia",
    "clb-khong-toi-pham": "cau-lac-bo",
    "nha-tro-tu-quan": "to-tu-quan",
    "hem-an-toan": "to-tu-quan",
}
SECURITY_TEAM = "to-bao-ve-antt"
MAX_RUNNERS = 3
REVIEW_NOTES = {
    Effectiveness.GOOD: "Duy trì tốt; người dân tích cực hưởng ứng, góp phần giảm trộm cắp.",
    Effectiveness.FAIR: "Hoạt động đều; cần bổ sung kinh phí và thành viên.",
    Effectiveness.POOR: "Hoạt động cầm chừng, ít hiệu quả.",
}


def _officers() -> dict[str, Any]:
    grants = RoleGrant.objects.filter(role=Role.COMMUNE_OFFICER, area__code__in=COMMUNES).select_related(
        "area", "user"
    )
    found: dict[str, Any] = {}
    for g in grants.order_by("pk"):
        if g.area is not None:
            found.setdefault(g.area.code, g.user)
    return found


def _organisations() -> dict[tuple[int, str], list[tuple[Organisation, set[int]]]]:
    """The demo communes' organisations by (commune, kind), each with the villages it covers."""
    found: dict[tuple[int, str], list[tuple[Organisation, set[int]]]] = {}
    orgs = Organisation.objects.filter(commune__code__in=COMMUNES, dissolved_on__isnull=True)
    for org in orgs.select_related("type").prefetch_related("villages").order_by("pk"):
        villages = {v.pk for v in org.villages.all()}
        found.setdefault((org.commune_id, org.type.code), []).append((org, villages))
    return found


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def seed(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, int]:
    """Create the demo schemes; returns {"schemes", "sites", "reviews", "runners", "skipped"}."""
    if Scheme.objects.filter(managing_area__code__in=COMMUNES).exists():
        return {"schemes": 0, "sites": 0, "reviews": 0, "runners": 0, "skipped": 1}
    rng = random.Random(2021)
    types = {t.code: t for t in SchemeType.objects.all()}
    areas = {a.code: a for a in Area.objects.filter(code__in=[*COMMUNES, PROVINCE])}
    if len(areas) < len(COMMUNES) + 1 or not types:
        return {"schemes": 0, "sites": 0, "reviews": 0, "runners": 0, "skipped": 1}
    places = {
        code: [areas[code], *Area.objects.filter(parent__code=code).order_by("path")] for code in COMMUNES
    }
    officers = _officers()
    organisations = _organisations()
    counts = {"schemes": 0, "sites": 0, "reviews": 0, "runners": 0, "skipped": 0}

    def scheme(
        code: str,
        type_code: str,
        name: str,
        level: str,
        managing: Area,
        status: str,
        start: datetime.date,
        creator: Any,
    ) -> Scheme:
        s = Scheme(
            name=name,
            type=types.get(type_code) or types["khac"],
            level=level,
            managing_area=managing,
            start_date=start,
            status=status,
            status_changed_at=_at(start),
            run_by=rng.choice(RUN_BY),
            description=f"{name} tại {areas[code].name}.",
            created_by=creator,
        )
        if status == SchemeStatus.RETIRED:
            s.status_reason = "Không còn phù hợp"
            s.retired_at = s.status_changed_at = _at(datetime.date(2025, 6, 20))
        s.save()
        counts["schemes"] += 1
        return s

    def sites(s: Scheme, code: str, n: int, start: datetime.date) -> list[Area]:
        pool = places[code]
        chosen = rng.sample(pool[1:], min(n, len(pool) - 1))
        if len(chosen) < n:
            chosen.append(pool[0])  # fewer villages than sites: the commune itself is one more
        for area in chosen:
            SchemeSite.objects.create(scheme=s, area=area, started_on=start)
            counts["sites"] += 1
        return chosen

    def runners(s: Scheme, type_code: str, where: list[Area]) -> None:
        """The organisations of the right kind covering each site's village (else the commune's first)."""
        kind = RUNNER_KIND.get(type_code, SECURITY_TEAM)
        chosen: list[Organisation] = []
        for area in where:
            commune = area.parent_id if area.level == Level.VILLAGE and area.parent_id else area.pk
            candidates = organisations.get((commune, kind), [])
            covering = [o for o, villages in candidates if area.pk in villages]
            for org in covering[:1] or [o for o, _villages in candidates[:1]]:
                if org not in chosen and len(chosen) < MAX_RUNNERS:
                    chosen.append(org)
        for org in chosen:
            SchemeOrganisation.objects.create(scheme=s, organisation=org)
            counts["runners"] += 1

    def review(s: Scheme, day: datetime.date, effectiveness: str, reviewer: Any) -> None:
        SchemeReview.objects.create(
            scheme=s,
            reviewed_on=day,
            effectiveness=effectiveness,
            notes=REVIEW_NOTES[Effectiveness(effectiveness)],
            evidence="Biên bản sơ kết 6 tháng",
            reviewer=reviewer,
        )
        counts["reviews"] += 1

    plan: list[Callable[[], None]] = []
    # Bảo Lộc wards: 23 schemes, 8 of them at two sites.
    ward_rows = [(ward, t, n) for ward, rows in BAO_LOC_WARD_SCHEMES.items() for t, n in rows]
    for i, (ward, type_code, name) in enumerate(ward_rows):

        def ward_scheme(ward: str = ward, type_code: str = type_code, name: str = name, i: int = i) -> None:
            start = datetime.date(2019 + i % 3, 1 + i % 12, 1 + i % 27)
            s = scheme(
                ward,
                type_code,
                name,
                ManagingLevel.COMMUNE,
                areas[ward],
                SchemeStatus.ACTIVE,
                start,
                officers.get(ward),
            )
            where = sites(s, ward, 2 if i % 3 == 0 and i // 3 < TWO_SITES else 1, start)
            runners(s, type_code, where)
            review(
                s,
                datetime.date(2021, 12, 15),
                rng.choice([Effectiveness.GOOD] * 3 + [Effectiveness.FAIR]),
                officers.get(ward),
            )

        plan.append(ward_scheme)
    # The city's schemes (now the province's), at 17 sites in the wards.
    for j, (type_code, name, n) in enumerate(BAO_LOC_CITY_SCHEMES):

        def city_scheme(type_code: str = type_code, name: str = name, n: int = n, j: int = j) -> None:
            start = datetime.date(2020, 3 + j, 10)
            s = scheme(
                BAO_LOC[0],
                type_code,
                name,
                ManagingLevel.PROVINCE,
                areas[PROVINCE],
                SchemeStatus.ACTIVE,
                start,
                None,
            )
            s.description = f"{name}: mô hình do thành phố Bảo Lộc (nay do tỉnh) quản lý."
            s.save()
            wards = [BAO_LOC[(j + k) % len(BAO_LOC)] for k in range(n)]
            for ward in wards:
                SchemeSite.objects.create(scheme=s, area=areas[ward], started_on=start)
                counts["sites"] += 1
            runners(s, type_code, [areas[ward] for ward in wards])

        plan.append(city_scheme)
    # Đức Trọng.
    for k, (code, type_code, name, status, n) in enumerate(DUC_TRONG_SCHEMES):

        def dt_scheme(
            code: str = code,
            type_code: str = type_code,
            name: str = name,
            status: str = status,
            n: int = n,
            k: int = k,
        ) -> None:
            start = datetime.date(2020 + k % 3, 1 + (k * 5) % 12, 5)
            s = scheme(
                code, type_code, name, ManagingLevel.COMMUNE, areas[code], status, start, officers.get(code)
            )
            runners(s, type_code, sites(s, code, n, start))
            if status != SchemeStatus.PROPOSED:
                review(s, datetime.date(2024, 12, 20), Effectiveness.GOOD, officers.get(code))
            if status in (SchemeStatus.UNDER_REVIEW, SchemeStatus.RETIRED):
                review(s, datetime.date(2025, 6, 15), Effectiveness.POOR, officers.get(code))
            if status == SchemeStatus.UNDER_REVIEW:
                s.status_changed_at = _at(datetime.date(2025, 6, 15))
                s.save()

        plan.append(dt_scheme)

    steps: Iterable[Callable[[], None]] = progress(plan) if progress else plan
    with transaction.atomic():
        for step in steps:
            step()
        # Replicated: Xã Đức Trọng's security gong copied to Xã Hiệp Thạnh is the one already there.
        original = Scheme.objects.get(managing_area__code="24958", type__code="tieng-keng-an-ninh")
        Scheme.objects.filter(managing_area__code="24967", type__code="tieng-keng-an-ninh").update(
            replicated_from=original
        )
    return counts
