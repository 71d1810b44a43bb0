"""Demo organisations of the movement for the demo communes: grassroots security teams (with leader,
deputy and members, ages within Law 30/2023, one older member approved by the chairman), self-managed
and inter-household groups, mediation groups with cases, civil-defence teams, patrol teams and clubs.

The proportions follow a province's figures (29 street-security boards, 161 teams, 788 civil-defence
teams, 12,375 self-managed groups, 1,100 inter-household groups, 130 mediation groups), scaled down to a
handful per commune: roughly one security team, one self-managed group and one inter-household group per
village, a mediation group for every few villages. Deterministic (fixed random seed); skipped when the
demo communes already have organisations. Members are invented names with birth years only, no phones.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.organisations import data
from binhyen.organisations.models import MediationCase, Membership, Organisation, OrganisationType, Person

COMMUNES = ["24958", "24967", "24976", "24985", "24823", "24820", "24829"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "K'"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Quang", "Ngọc"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Tuấn",
    "Vinh",
    "Yến",
    "Brông",
    "Điểu",
]
# type code → (one per how many villages, members)
PLAN = {
    data.SECURITY_TEAM: (1, 7),
    "to-tu-quan": (1, 6),
    "to-lien-gia": (2, 5),
    data.MEDIATION: (3, 5),
    "doi-pccc": (4, 8),
    "doi-tuan-tra": (6, 6),
    "cau-lac-bo": (8, 10),
}
START = datetime.date(2024, 7, 1)  # Law 30/2023 in force


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}".replace("K' ", "K'")


def seed(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, int]:
    communes = list(Area.objects.filter(code__in=COMMUNES, level=Level.COMMUNE).order_by("path"))
    result = {"organisations": 0, "members": 0, "mediation_cases": 0}
    if not communes or Organisation.objects.filter(commune__in=communes).exists():
        return result
    data.install(OrganisationType)
    types = {t.code: t for t in OrganisationType.objects.filter(code__in=PLAN)}
    rng = random.Random(30_2023)
    today = datetime.date.today()
    items: Iterable[Area] = progress(communes) if progress else communes
    with audit.acting_as("demo seed"), transaction.atomic():
        for commune in items:
            villages = list(Area.objects.filter(parent=commune, level=Level.VILLAGE).order_by("path"))
            groups = [[v] for v in villages] or [[]]
            for code, (per, size) in PLAN.items():
                kind = types.get(code)
                if kind is None:
                    continue
                for n, start in enumerate(range(0, len(groups), per), start=1):
                    covered = [v for g in groups[start : start + per] for v in g]
                    label = covered[0].name if len(covered) == 1 else f"số {n}"
                    org = Organisation(
                        type=kind,
                        name=f"{kind.name} {label}",
                        commune=commune,
                        founded_on=START + datetime.timedelta(days=rng.randint(0, 120)),
                    )
                    org.save()
                    org.villages.set(covered)
                    result["organisations"] += 1
                    roles = kind.role_list
                    for i in range(size):
                        role = (
                            "leader" if i == 0 else ("deputy" if i == 1 and "deputy" in roles else "member")
                        )
                        if role not in roles:
                            role = "member"
                        age = (
                            rng.randint(25, 66)
                            if not (kind.has_age_rule and i == size - 1 and n == 1)
                            else 72
                        )
                        joined = org.founded_on or START
                        person = Person(
                            full_name=_name(rng),
                            birth_year=joined.year - age,
                            commune=commune,
                            village=covered[0] if covered else None,
                            gender=rng.choice(["male", "female", ""]),
                        )
                        person.save()
                        Membership.objects.create(
                            organisation=org,
                            person=person,
                            role=role,
                            joined_on=joined,
                            age_exception=age > kind.max_age and kind.has_age_rule,
                            age_exception_note="Quyết định của Chủ tịch UBND xã"
                            if age > kind.max_age
                            else "",
                        )
                        result["members"] += 1
                    if kind.is_mediation:
                        for _ in range(rng.randint(3, 9)):
                            day = START + datetime.timedelta(
                                days=rng.randint(0, max(1, (today - START).days))
                            )
                            MediationCase.objects.create(
                                organisation=org,
                                case_type=rng.choices(
                                    ["land", "family", "neighbours", "debt", "other"], [4, 3, 3, 2, 1]
                                )[0],
                                received_on=min(day, today),
                                outcome=rng.choices(["successful", "unsuccessful", "transferred"], [8, 1, 1])[
                                    0
                                ],
                                parties_count=rng.choice([2, 2, 2, 3, 4]),
                            )
                            result["mediation_cases"] += 1
    return result
