"""Rollups: the incremental job agrees with a full rebuild and with counting the records directly, after
any sequence of creates, updates (moving place, day, category) and deletes; ranges mix months and days."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db.models import Sum

from binhyen.areas import domain as areas
from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.stats import query, registry, rollup
from binhyen.stats.models import Count, Dirty
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@pytest.fixture
def places() -> dict[str, Any]:
    duc = areas.get_area(DUC_TRONG)
    return {
        "duc": duc,
        "hiep": areas.get_area(HIEP_THANH),
        "hoan": areas.get_area(HOAN_KIEM),
        "village": areas.create_village(duc, areas.VillageInput("Thôn Phú Thạnh", "thôn")),
    }


def _cells() -> dict[tuple[str, str, int, str, str, datetime.date], int]:
    return {
        (c.indicator, c.grain, c.depth, c.path, c.subgroup, c.day): c.value
        for c in Count.objects.filter(indicator__startswith="incidents")
        if c.value
    }


def _raw(path: str, start: datetime.date, end: datetime.date, **filters: Any) -> int:
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=TZ)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=TZ)
    qs = Incident.objects.filter(occurred_at__gte=lo, occurred_at__lt=hi, **filters)
    if path:
        qs = qs.filter(area_path__startswith=path)
    return qs.count()


def test_incremental_equals_rebuild_equals_raw(places: dict[str, Any]) -> None:
    rng = random.Random(7)
    cats = list(CrimeCategory.objects.all()[:4])
    spots = [
        (places["duc"], None),
        (places["duc"], places["village"]),
        (places["hiep"], None),
        (places["hoan"], None),
    ]
    base = datetime.date(2024, 12, 20)
    made: list[Incident] = []
    for step in range(120):
        action = rng.random()
        if action < 0.6 or not made:
            commune, village = rng.choice(spots)
            made.append(
                Incident.objects.create(
                    category=rng.choice(cats),
                    commune=commune,
                    village=village,
                    summary="x",
                    occurred_at=at(base + datetime.timedelta(days=rng.randrange(80)), rng.choice([0, 6, 23])),
                    cleared=rng.random() < 0.4,
                    suspects=rng.randrange(3),
                )
            )
        elif action < 0.85:
            inc = rng.choice(made)
            commune, village = rng.choice(spots)
            inc.commune, inc.village = commune, village
            inc.occurred_at = at(base + datetime.timedelta(days=rng.randrange(80)), 12)
            inc.category = rng.choice(cats)
            inc.cleared = not inc.cleared
            inc.save()
        else:
            made.pop(rng.randrange(len(made))).delete()
        if step % 25 == 0:
            rollup.run()  # interleaved passes must not double count
    assert Dirty.objects.exists()
    rollup.run()
    assert not Dirty.objects.exists()
    incremental = _cells()
    rollup.rebuild([registry.source("incidents")])
    assert _cells() == incremental

    for path in ("", places["duc"].path[:2], places["duc"].path, places["village"].path, places["hoan"].path):
        for start, end in [
            (base, base + datetime.timedelta(days=79)),
            (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)),  # one whole month
            (datetime.date(2024, 12, 15), datetime.date(2025, 1, 14)),  # a police month
            (datetime.date(2025, 1, 10), datetime.date(2025, 2, 20)),  # days + no whole month... + days
            (datetime.date(2025, 1, 3), datetime.date(2025, 1, 3)),
        ]:
            assert query.value("incidents", path, start, end) == _raw(path, start, end)
            assert query.value("incidents_cleared", path, start, end) == _raw(path, start, end, cleared=True)
            by_cat = query.breakdown("incidents", path, start, end)
            assert sum(by_cat.values()) == _raw(path, start, end)


def test_local_day_boundaries_and_province_ranking(places: dict[str, Any]) -> None:
    cat = CrimeCategory.objects.get(code="trom-cap")
    day = datetime.date(2025, 3, 10)
    # 23:30 local on the 10th is the 10th, although it is 16:30 UTC; 00:10 local on the 11th is the 11th.
    Incident.objects.create(category=cat, commune=places["duc"], summary="a", occurred_at=at(day, 23))
    Incident.objects.create(
        category=cat, commune=places["hiep"], summary="b", occurred_at=at(day + datetime.timedelta(days=1), 0)
    )
    rollup.run()
    province = places["duc"].path[:2]
    assert query.value("incidents", province, day, day) == 1
    assert query.children("incidents", province, day, day + datetime.timedelta(days=1)) == {
        places["duc"].path: 1.0,
        places["hiep"].path: 1.0,
    }
    assert query.children("incidents", "", day, day) == {province: 1.0}


def test_stock_counts_until_the_end_date(places: dict[str, Any]) -> None:
    from binhyen.organisations.models import Organisation, OrganisationType

    kind = OrganisationType.objects.order_by("id").first()
    assert kind is not None
    org = Organisation.objects.create(
        type=kind, commune=places["duc"], name="Tổ tự quản 1", founded_on=datetime.date(2024, 5, 1)
    )
    rollup.run()
    path = places["duc"].path
    assert query.value("organisations", path, datetime.date(2024, 1, 1), datetime.date(2024, 4, 30)) == 0
    assert query.value("organisations", path, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)) == 1
    org.dissolved_on = datetime.date(2025, 2, 3)
    org.save()
    rollup.run()
    assert query.value("organisations", path, datetime.date(2025, 1, 1), datetime.date(2025, 2, 2)) == 1
    assert query.value("organisations", path, datetime.date(2025, 1, 1), datetime.date(2025, 2, 3)) == 0
    assert query.value("organisations", "", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)) == 0
    total = Count.objects.filter(indicator="organisations", grain="d", depth=0).aggregate(s=Sum("value"))["s"]
    assert total == 0  # +1 and -1


def test_marks_added_during_a_pass_survive(places: dict[str, Any]) -> None:
    cat = CrimeCategory.objects.get(code="trom-cap")
    Incident.objects.create(
        category=cat, commune=places["duc"], summary="a", occurred_at=at(datetime.date(2025, 5, 5), 9)
    )
    seen = rollup.max_dirty_id()
    # A mark written after the pass read the queue has a larger id and is kept for the next pass.
    original = rollup.recompute

    def recompute_then_write(source: Any, cells: Any) -> int:
        done = original(source, cells)
        rollup.mark([("incidents", places["hiep"].path, datetime.date(2025, 5, 6))])
        return done

    rollup.recompute = recompute_then_write  # type: ignore[assignment]
    try:
        rollup.run(limit=1)
    finally:
        rollup.recompute = original  # type: ignore[assignment]
    assert list(Dirty.objects.values_list("commune_path", flat=True)) == [places["hiep"].path]
    assert Dirty.objects.get().id > seen


def test_every_registered_indicator_rebuilds() -> None:
    # Every app's declaration must be valid against its model (fields, joins, date types).
    assert rollup.rebuild() >= 0
    codes = {i.code for i in registry.indicators()}
    assert {
        "tips",
        "incidents",
        "cameras",
        "schemes",
        "organisations",
        "members",
        "outreach_sessions",
        "weapons_surrenders",
        "awards",
        "mediation_cases",
        "patrols",
    } <= codes
    for src in registry.sources():
        rollup.recompute(src, [(DUC_TRONG_PATH(), datetime.date(2025, 1, 1))])


def DUC_TRONG_PATH() -> str:
    return areas.get_area(DUC_TRONG).path


def test_stats_command(places: dict[str, Any], capsys: Any) -> None:
    from django.core.management import call_command

    cat = CrimeCategory.objects.get(code="trom-cap")
    Incident.objects.create(
        category=cat, commune=places["duc"], summary="a", occurred_at=at(datetime.date(2025, 5, 5), 9)
    )
    call_command("stats", "status", verbosity=0)
    assert "Đang chờ tổng hợp: 1 thay đổi" in capsys.readouterr().out
    call_command("stats", "run", verbosity=0)
    assert not Dirty.objects.exists()
    call_command("stats", "rebuild", "--source", "incidents", verbosity=0)
    assert query.value("incidents", "", datetime.date(2025, 5, 1), datetime.date(2025, 5, 31)) == 1
    with pytest.raises(SystemExit):
        call_command("stats", "rebuild", "--source", "nope", verbosity=0)
