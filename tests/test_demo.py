"""Demo data: the tips seed is deterministic, idempotent, dated in the past and goes through the domain."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from binhyen.demo import seed, seed_tips
from binhyen.tips.models import Reporter, Status, Tip

pytestmark = pytest.mark.django_db


def test_demo_tips_look_like_a_commune_queue(make_user: Any) -> None:
    seed._villages(__import__("random").Random(1))
    officers = {code: make_user("commune_officer", code) for code in seed_tips.COMMUNES}
    created = seed_tips.seed(officers, months=3)
    assert created == Tip.objects.count() > 50
    assert seed_tips.seed(officers, months=3) == 0  # second run adds nothing
    assert not Tip.objects.filter(received_at__gt=timezone.now()).exists()
    statuses = set(Tip.objects.values_list("status", flat=True))
    assert Status.RECEIVED in statuses or Status.CHECKING in statuses
    assert Status.FORWARDED in statuses and Tip.objects.filter(valuable=True).exists()
    assert Reporter.objects.exists() and Tip.objects.filter(anonymous=True).exists()
    decided = Tip.objects.exclude(decided_at=None)
    assert all(t.decided_at >= t.received_at for t in decided)
    # Nothing was sent to reporters for past tips.
    assert not Tip.objects.filter(notifications__isnull=False).exists()
