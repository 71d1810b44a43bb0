"""Demo incidents: deterministic, idempotent, in the past, a plausible mix."""

from __future__ import annotations

import datetime
import random
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from binhyen.demo import seed, seed_incidents
from binhyen.incidents import domain
from binhyen.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _signature() -> list[tuple[str, str, str, bool]]:
    return [
        (i.commune.code, i.category.code, i.occurred_at.isoformat(), i.cleared)
        for i in Incident.objects.select_related("commune", "category").order_by(
            "occurred_at", "commune__code"
        )
    ]


def test_demo_incidents() -> None:
    seed._villages(random.Random(1))
    result = seed_incidents.seed()
    assert result["created"] == Incident.objects.count() > 300
    assert 0 < result["cleared"] < result["created"]
    assert seed_incidents.seed() == {"created": 0, "cleared": 0, "skipped": 1}  # second run adds nothing
    now = timezone.now()
    assert not Incident.objects.filter(occurred_at__gt=now).exists()
    assert not Incident.objects.filter(cleared_at__lt=F("occurred_at")).exists()
    assert not Incident.objects.filter(cleared=True, cleared_at=None).exists()
    first = timezone.localtime(Incident.objects.order_by("occurred_at").first().occurred_at)  # type: ignore[union-attr]
    assert first.date() >= datetime.date(2024, 11, 1)
    assert set(Incident.objects.values_list("commune__code", flat=True)) == set(seed_incidents.COMMUNES)
    mix = Counter(Incident.objects.values_list("category__code", flat=True))
    assert mix.most_common(1)[0][0] == "trom-cap"
    assert {"danh-nhau", "ma-tuy", "co-bac", "lua-dao-mang", "giao-thong"} <= set(mix)
    # The same-period comparison has both years to compare.
    today = timezone.localdate()
    stats = domain.counts(None, domain.start_of_year(today), today)
    assert stats.current.total > 0 and stats.previous.total > 0
    # Deterministic: the same incidents again after starting over.
    before = _signature()
    Incident.objects.all().delete()
    seed_incidents.seed()
    assert _signature() == before
