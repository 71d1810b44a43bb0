"""The outbox's cheap paths: tuples instead of model instances, a small first chunk, no outbox copy of
Web Push subscriptions, no audit snapshot of outbox rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from binhyen.alerts import audience, domain, outbox
from binhyen.alerts.models import Alert, Delivery
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.audit.models import AuditEvent
from tests.conftest import DUC_TRONG

pytestmark = pytest.mark.django_db


@pytest.fixture
def village() -> Area:
    return areas.create_village(
        Area.objects.get(code=DUC_TRONG), areas.VillageInput("Thôn Tân Hiệp", "village")
    )


def compose(make_user: Any, village: Area) -> Alert:
    return domain.compose(
        make_user("commune_officer", DUC_TRONG),
        domain.AlertInput(
            kind="fire",
            severity="Extreme",
            headline="Cháy kho ở thôn Tân Hiệp",
            text="Mọi người tránh xa khu vực kho phân bón.",
            expires_at=timezone.now() + datetime.timedelta(hours=3),
            area_codes=[village.code],
        ),
    )


def test_first_chunk_is_small_then_full_chunks(settings: Any, make_user: Any, village: Area) -> None:
    settings.ALERTS_FANOUT_CHUNK = 5
    settings.ALERTS_FANOUT_FIRST_CHUNK = 2
    for i in range(12):
        domain.subscribe(
            None,
            domain.SubscriptionInput(
                [village.code], channels=["webhook"], webhook_url=f"http://127.0.0.1:9/{i}", consent=True
            ),
        )
    alert = compose(make_user, village)
    sizes = [len(c) for c in audience.targets(outbox.spec_of(alert))]
    assert sizes == [2, 5, 5]
    assert outbox.fanout(alert.pk) == 12
    assert outbox.fanout(alert.pk) == 0  # done: a second fan-out writes nothing
    assert Delivery.objects.filter(alert=alert).count() == 12


def test_push_rows_carry_no_address_and_outbox_rows_are_not_audited(make_user: Any, village: Area) -> None:
    push = {"endpoint": "http://127.0.0.1:9/push/abc", "keys": {"p256dh": "p", "auth": "a"}}
    domain.subscribe(
        None, domain.SubscriptionInput([village.code], channels=["push"], push=push, consent=True)
    )
    alert = compose(make_user, village)
    before = AuditEvent.objects.filter(object_type="alerts.delivery").count()
    outbox.fanout(alert.pk)
    d = Delivery.objects.get(alert=alert)
    assert d.channel == "push" and d.address_enc == ""
    # The sender reads the browser's subscription where it lives.
    (row,) = outbox.claim_rows("push", 10)
    assert outbox.address_of(row) and outbox.Template.of(alert).message(row).address.startswith("{")
    assert AuditEvent.objects.filter(object_type="alerts.delivery").count() == before == 0
