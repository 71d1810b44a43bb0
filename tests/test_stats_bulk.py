"""The streaming rebuild (stats.bulk) writes exactly the rows of rollup.rebuild: incidents (flows by local
day, subgroups, filters through a join, sums), organisations (a stock with end dates), memberships (a stock
whose path is a joined field), records at province level and in villages, and a filter through a
multi-valued relation (its own query)."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db.models import Q

from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.organisations.models import Membership, Organisation, OrganisationType, Person
from binhyen.stats import bulk, registry, rollup
from binhyen.stats.models import Count, Dirty
from binhyen.stats.registry import STOCK, Indicator, Source
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=7))
BASE = datetime.date(2024, 12, 1)


def _rows(codes: list[str]) -> list[tuple[Any, ...]]:
    return sorted(
        Count.objects.filter(indicator__in=codes).values_list(
            "indicator", "grain", "depth", "path", "subgroup", "day", "value"
        )
    )


def _same_as_rebuild(source: Source) -> list[tuple[Any, ...]]:
    codes = [i.code for i in source.indicators]
    rollup.rebuild([source])
    expected = _rows(codes)
    assert expected, "the dataset should produce rollup rows"
    Count.objects.filter(indicator__in=codes).delete()
    batches: list[int] = []
    written = bulk.rebuild_source(source, progress=batches.append)
    got = _rows(codes)
    assert got == expected
    assert written == len(expected) == sum(batches)
    assert not Dirty.objects.filter(source=source.key).exists()
    return got


@pytest.fixture
def data() -> dict[str, Any]:
    rng = random.Random(20251122)
    duc = areas.get_area(DUC_TRONG)
    hiep = areas.get_area(HIEP_THANH)
    hoan = areas.get_area(HOAN_KIEM)
    others = list(Area.objects.filter(level=Level.COMMUNE).order_by("path")[:40:7])
    village = areas.create_village(duc, areas.VillageInput("Thôn Phú Thạnh", "thôn"))
    village2 = areas.create_village(hiep, areas.VillageInput("Thôn Một", "thôn"))
    spots = [(duc, None), (duc, village), (hiep, village2), (hiep, None), (hoan, None)]
    spots += [(c, None) for c in others]
    cats = list(CrimeCategory.objects.all())
    incidents = []
    for _ in range(400):
        commune, vill = rng.choice(spots)
        day = BASE + datetime.timedelta(days=rng.randrange(75))
        # Hours around local midnight: 00:00-06:59 local is the previous day in UTC.
        at = datetime.datetime.combine(
            day, datetime.time(rng.choice([0, 1, 6, 7, 12, 23]), rng.randrange(60)), tzinfo=TZ
        )
        incidents.append(
            Incident.objects.create(
                category=rng.choice(cats), commune=commune, village=vill, summary="x", occurred_at=at,
                cleared=rng.random() < 0.4, suspects=rng.choice([0, 0, 1, 2, 5]),
                deaths=rng.choice([0] * 9 + [1]),
            )
        )  # fmt: skip
    types = list(OrganisationType.objects.all())
    orgs = []
    for i in range(30):
        founded = BASE + datetime.timedelta(days=rng.randrange(-400, 60))
        dissolved = founded + datetime.timedelta(days=rng.randrange(0, 90)) if rng.random() < 0.4 else None
        commune = rng.choice(spots)[0]
        orgs.append(
            Organisation.objects.create(
                type=rng.choice(types), name=f"Tổ {i}", commune=commune, founded_on=founded,
                dissolved_on=dissolved,
            )
        )  # fmt: skip
    # Records kept above communes (a province's own organisation) and at a village.
    Organisation.objects.filter(pk=orgs[0].pk).update(area_path=duc.path[:2])
    Organisation.objects.filter(pk=orgs[1].pk).update(area_path=village.path)
    Organisation.objects.filter(pk=orgs[2].pk).update(founded_on=None)
    for i in range(120):
        org = rng.choice(orgs)
        person = Person.objects.create(full_name=f"Người {i}", commune=org.commune)
        joined = BASE + datetime.timedelta(days=rng.randrange(-200, 60))
        left = joined + datetime.timedelta(days=rng.randrange(0, 60)) if rng.random() < 0.3 else None
        Membership.objects.create(
            organisation=org, person=person, joined_on=joined, left_on=left,
            role=rng.choice(["leader", "member", "member"]),
        )  # fmt: skip
    return {"incidents": incidents, "orgs": orgs}


def test_incidents(data: dict[str, Any]) -> None:
    rows = _same_as_rebuild(registry.source("incidents"))
    depths = {r[2] for r in rows}
    assert depths == {0, 1, 2, 3}
    assert any(r[0] == "incidents_social_order" for r in rows)
    # The national total of the day rows equals the number of incidents.
    total = sum(r[6] for r in rows if r[:3] == ("incidents", "d", 0) and r[4] == "")
    assert total == len(data["incidents"])


def test_local_day_on_this_database(data: dict[str, Any]) -> None:
    # 23:30 local on 1 March is 16:30 UTC the same day; 00:10 local on 2 March is 17:10 UTC on 1 March.
    cat = CrimeCategory.objects.get(code="trom-cap")
    duc = areas.get_area(DUC_TRONG)
    Incident.objects.all().delete()
    for hour, minute, day in [(23, 30, 1), (0, 10, 2), (6, 59, 2), (7, 0, 2)]:
        at = datetime.datetime(2025, 3, day, hour, minute, tzinfo=TZ)
        Incident.objects.create(category=cat, commune=duc, summary="x", occurred_at=at)
    bulk.rebuild_source(registry.source("incidents"))
    national = Count.objects.filter(indicator="incidents", grain="d", depth=0, subgroup="")
    days = dict(national.values_list("day", "value"))
    assert days == {datetime.date(2025, 3, 1): 1, datetime.date(2025, 3, 2): 3}


def test_organisations_stock(data: dict[str, Any]) -> None:
    rows = _same_as_rebuild(registry.source("organisations"))
    assert any(r[6] < 0 for r in rows)  # dissolutions subtract
    assert any(r[2] == 2 and r[3] == areas.get_area(DUC_TRONG).path[:2] for r in rows)  # province's own


def test_memberships_joined_path(data: dict[str, Any]) -> None:
    _same_as_rebuild(registry.source("memberships"))


def test_multi_valued_filter_and_scale(data: dict[str, Any]) -> None:
    source = Source(
        key="test_bulk",
        model=Organisation,
        date_field="founded_on",
        indicators=[
            Indicator("test_bulk_led", "led", filter=Q(memberships__role="leader"), subgroup="type__code"),
            Indicator("test_bulk_all", "all", kind=STOCK, end_field="dissolved_on", subgroup="type__code"),
            Indicator("test_bulk_members", "members", value_field="memberships__id", scale=1000),
        ],
    )
    assert not bulk._single_valued(Organisation, Q(memberships__role="leader"))
    assert bulk._single_valued(Incident, Q(category__group="x") & Q(cleared=True))
    _same_as_rebuild(source)


def test_rebuild_replaces_previous_rows(data: dict[str, Any]) -> None:
    source = registry.source("incidents")
    bulk.rebuild_source(source)
    first = _rows([i.code for i in source.indicators])
    Incident.objects.filter(pk=data["incidents"][0].pk).delete()
    bulk.rebuild_source(source)
    second = _rows([i.code for i in source.indicators])
    assert first != second
    rollup.rebuild([source])
    assert _rows([i.code for i in source.indicators]) == second


def test_subgroups_sql_cannot_spell(data: dict[str, Any]) -> None:
    # A boolean subgroup ("True" in Python, "true"/"1" in SQL) goes through Python; an integer subgroup is
    # cast to text in SQL ("2" either way).
    source = Source(
        key="test_bulk_py",
        model=Incident,
        date_field="occurred_at",
        indicators=[
            Indicator("test_bulk_py_cleared", "by cleared", subgroup="cleared"),
            Indicator("test_bulk_py_deaths", "deaths by cleared", value_field="deaths", subgroup="cleared"),
            Indicator("test_bulk_py_suspects", "by suspects", subgroup="suspects"),
        ],
    )
    assert not bulk._sub_sql_ok(Incident, "cleared")
    assert bulk._sub_sql_ok(Incident, "suspects")
    rows = _same_as_rebuild(source)
    assert {r[4] for r in rows if r[0] == "test_bulk_py_cleared"} == {"", "True", "False"}
    assert "2" in {r[4] for r in rows if r[0] == "test_bulk_py_suspects"}
