"""Alerts domain: composing (validation, scope, wide alerts and approval), audience, the recipient's side,
subscriptions."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

import pytest
from django.utils import timezone

from binhyen.alerts import domain, outbox
from binhyen.alerts.models import Alert, AlertStatus, Delivery, DeliveryStatus, Subscription
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db


@pytest.fixture
def village() -> Area:
    return areas.create_village(
        Area.objects.get(code=DUC_TRONG), areas.VillageInput("Thôn Tân Hiệp", "village")
    )


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


def later(hours: float = 6) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def alert_input(codes: list[str], **kw: Any) -> domain.AlertInput:
    values: dict[str, Any] = {
        "kind": "security",
        "severity": "Severe",
        "headline": "Trộm xe máy ở thôn Tân Hiệp",
        "text": "Đối tượng đi xe Wave màu đỏ, hướng về quốc lộ 20.",
        "expires_at": later(),
        "area_codes": codes,
    }
    values.update(kw)
    return domain.AlertInput(**values)


def subscribe(user: Any, codes: list[str], **kw: Any) -> Subscription:
    return domain.subscribe(user, domain.SubscriptionInput(area_codes=codes, consent=True, **kw))


def send(alert: Alert) -> None:
    """What the worker does once compose's transaction commits (tests run inside one)."""
    outbox.fanout(alert.pk)
    for channel in outbox.SENDING_CHANNELS:
        outbox.drain(channel)


def test_bad_input_is_refused_with_the_field(officer: Any, village: Area, make_user: Any) -> None:
    subscribe(make_user("resident", DUC_TRONG), [village.code])
    cases = [
        (alert_input([village.code], text="   "), "text"),
        (alert_input([village.code], headline=""), "headline"),
        (alert_input(["99999"]), "area_codes"),
        (alert_input([]), "area_codes"),
        (alert_input([village.code], radius_m=500), "radius_m"),
        (alert_input([village.code], send_at=timezone.now() - datetime.timedelta(hours=1)), "send_at"),
        (alert_input([village.code], send_at=later(8), expires_at=later(7)), "expires_at"),
        (alert_input([village.code], kind="gossip"), "kind"),
        (alert_input([village.code], to_subscribers=False, to_camera_owners=True), "audience"),  # nobody
    ]
    for data, field in cases:
        with pytest.raises(domain.AlertError) as e:
            domain.compose(officer, data)
        assert e.value.field == field, (field, e.value.message)
        assert e.value.status == 422
    with pytest.raises(domain.AlertError) as e:
        domain.compose(officer, alert_input([HIEP_THANH]))  # another commune
    assert e.value.status == 403
    with pytest.raises(domain.AlertError) as e:
        domain.compose(make_user("resident", DUC_TRONG), alert_input([village.code]))
    assert e.value.status == 403
    assert not Alert.objects.exists() and not Delivery.objects.exists()  # nothing half-sent


def test_estimate_writes_nothing_and_a_village_alert_goes_at_once(
    officer: Any, village: Area, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    residents = [make_user("resident", DUC_TRONG) for _ in range(3)]
    for r in residents:
        subscribe(r, [village.code])
    subscribe(residents[0], [DUC_TRONG], kinds=["fire"])  # fire only: not this one
    data = alert_input(
        [village.code], text=unicodedata.normalize("NFD", "Cửa hàng bị phá")
    )  # typed on a phone
    assert domain.estimate(officer, data) == {"total": 3, "by_channel": {"web": 3}}
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        alert = domain.compose(officer, data)
    alert.refresh_from_db()
    assert alert.text == "Cửa hàng bị phá" and not alert.wide
    assert alert.status == AlertStatus.SENT and alert.recipients == 3  # immediate task backend in tests
    counts = domain.counts(alert)
    assert (counts["total"], counts["sent"], counts["by_channel"]["web"]["total"]) == (3, 3, 3)
    # The recipient's side: inbox, seen, acknowledged (idempotent), no "responding" for non-members.
    items = domain.inbox(residents[1])
    assert [d.alert_id for d in items] == [alert.pk]
    assert domain.inbox(residents[1], since_id=items[0].pk) == []
    assert domain.mark_seen(residents[1], [items[0].pk]) == 1
    first = domain.acknowledge(residents[1], items[0].pk).acknowledged_at
    assert domain.acknowledge(residents[1], items[0].pk).acknowledged_at == first
    with pytest.raises(domain.AlertError) as e:
        domain.respond(residents[1], items[0].pk)
    assert e.value.status == 403
    with pytest.raises(domain.AlertError) as e:
        domain.acknowledge(residents[2], items[0].pk)  # someone else's
    assert e.value.status == 404
    counts = domain.counts(alert)
    assert (counts["delivered"], counts["acknowledged"], counts["responding"]) == (1, 1, 0)


def test_wide_alert_needs_someone_else_to_approve(
    officer: Any, village: Area, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resident = make_user("resident", DUC_TRONG)
    subscribe(resident, [village.code])  # a village subscriber hears a commune-wide alert
    alert = domain.compose(officer, alert_input([DUC_TRONG]))
    assert alert.wide and alert.status == AlertStatus.PENDING
    assert not Delivery.objects.exists()
    leader = make_user("commune_leader", DUC_TRONG)
    with pytest.raises(domain.AlertError) as e:
        domain.approve(officer, alert)  # not an approver
    assert e.value.status == 403
    self_approver = make_user("commune_leader", DUC_TRONG)
    own = domain.compose(self_approver, alert_input([DUC_TRONG]))
    with pytest.raises(domain.AlertError, match="người khác"):
        domain.approve(self_approver, own)
    with pytest.raises(domain.AlertError) as e:
        domain.approve(make_user("commune_leader", HIEP_THANH), alert)
    assert e.value.status == 403
    with django_capture_on_commit_callbacks(execute=True):
        domain.approve(leader, alert)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT and alert.approved_by == leader
    assert [d.alert_id for d in domain.inbox(resident)] == [alert.pk]
    with pytest.raises(domain.AlertError) as e:
        domain.approve(leader, alert)
    assert e.value.status == 409
    domain.reject(leader, own, "Chưa đủ thông tin")
    own.refresh_from_db()
    assert own.status == AlertStatus.REJECTED
    # A radius over 2 km is wide too.
    big = domain.compose(
        officer, alert_input([village.code], latitude=11.73, longitude=108.37, radius_m=3000)
    )
    assert big.wide and big.status == AlertStatus.PENDING


def test_areas_overlap_both_ways_and_kinds_filter(officer: Any, village: Area, make_user: Any) -> None:
    commune_sub = make_user("resident", DUC_TRONG)
    subscribe(commune_sub, [DUC_TRONG])
    other_village = areas.create_village(
        Area.objects.get(code=DUC_TRONG), areas.VillageInput("Thôn Tân Lập", "village")
    )
    other = make_user("resident", DUC_TRONG)
    subscribe(other, [other_village.code])
    elsewhere = make_user("resident", HIEP_THANH)
    subscribe(elsewhere, [HIEP_THANH])
    drill_only = make_user("resident", DUC_TRONG)
    subscribe(drill_only, [village.code], kinds=["drill"])
    alert = domain.compose(officer, alert_input([village.code]))
    send(alert)
    got = set(Delivery.objects.filter(alert=alert).values_list("user_id", flat=True))
    assert got == {commune_sub.pk}


def test_members_are_called_and_may_answer_responding(officer: Any, village: Area, make_user: Any) -> None:
    from binhyen.organisations import domain as orgs

    team = orgs.create_organisation(
        officer, orgs.OrganisationInput(type="to-bao-ve-antt", name="Tổ ANTT Tân Hiệp", commune=DUC_TRONG)
    )
    member_user = make_user("resident", DUC_TRONG)
    person = orgs.find_or_create_person(
        officer, orgs.PersonInput(full_name="Lê Văn Tuần", commune=DUC_TRONG, birth_year=1985)
    )
    person.user = member_user
    person.save()
    orgs.add_membership(officer, team, person, orgs.MembershipInput(joined_on=datetime.date(2024, 1, 1)))
    subscribe(member_user, [village.code])  # also a subscriber: still one in-app delivery, as a member
    data = alert_input([village.code], to_members=True, organisation_ids=[team.pk], to_subscribers=True)
    assert domain.estimate(officer, data)["total"] == 1
    alert = domain.compose(officer, data)
    send(alert)
    (d,) = Delivery.objects.filter(alert=alert)
    assert d.member and d.user == member_user
    domain.respond(member_user, d.pk)
    domain.respond(member_user, d.pk)
    counts = domain.counts(alert)
    assert (counts["acknowledged"], counts["responding"]) == (1, 1)
    with pytest.raises(domain.AlertError) as e:
        domain.compose(officer, alert_input([village.code], to_members=True, organisation_ids=[999999]))
    assert e.value.field == "organisation_ids"


def test_scheduled_alert_waits_for_the_tick_and_can_be_cancelled(
    officer: Any, village: Area, make_user: Any
) -> None:
    subscribe(make_user("resident", DUC_TRONG), [village.code])
    at = later(1)
    alert = domain.compose(officer, alert_input([village.code], send_at=at))
    assert alert.status == AlertStatus.SCHEDULED
    assert outbox.tick(now=timezone.now())["started"] == 0
    assert outbox.tick(now=at + datetime.timedelta(seconds=1))["started"] == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT  # the tick also runs the fan-out (immediate task backend here)
    assert alert.recipients == 1
    other = domain.compose(officer, alert_input([village.code], send_at=at))
    domain.cancel(officer, other)
    other.refresh_from_db()
    assert other.status == AlertStatus.CANCELLED
    with pytest.raises(domain.AlertError) as e:
        domain.cancel(officer, other)
    assert e.value.status == 409


def test_cancel_stops_queued_deliveries(officer: Any, village: Area, settings: Any) -> None:
    settings.SMS_GATEWAY_URL = ""
    domain.subscribe(
        None, domain.SubscriptionInput([village.code], channels=["sms"], phone="0912 345 678", consent=True)
    )
    alert = domain.compose(officer, alert_input([village.code]))
    outbox.fanout(alert.pk)
    assert Delivery.objects.get(alert=alert).status == DeliveryStatus.QUEUED
    # Fan-out finished, so the alert is "sent"; the rows still queued can be stopped by an approver.
    leader_alert = Alert.objects.get(pk=alert.pk)
    assert leader_alert.status == AlertStatus.SENT
    with pytest.raises(domain.AlertError):
        domain.cancel(officer, alert)
    pending = domain.compose(officer, alert_input([village.code], send_at=later(2)))
    Alert.objects.filter(pk=pending.pk).update(status=AlertStatus.SENDING)
    outbox.fanout(pending.pk)
    Alert.objects.filter(pk=pending.pk).update(status=AlertStatus.SENDING)
    domain.cancel(officer, pending)
    d = Delivery.objects.get(alert=pending)
    assert d.status == DeliveryStatus.FAILED and "huỷ" in d.last_error


def test_subscriptions_need_consent_valid_addresses_and_unsubscribe_in_one_click(
    make_user: Any, village: Area
) -> None:
    resident = make_user("resident", DUC_TRONG)
    with pytest.raises(domain.AlertError) as e:
        domain.subscribe(resident, domain.SubscriptionInput([village.code], channels=["web"]))
    assert e.value.field == "consent"
    for kw, field in [
        ({"channels": ["email"], "email": "not-an-email"}, "email"),
        ({"channels": ["sms"], "phone": "12345"}, "phone"),
        ({"channels": ["webhook"], "webhook_url": "ftp://x"}, "webhook_url"),
        ({"channels": ["push"], "push": {"endpoint": "https://push.example"}}, "push"),
        ({"channels": ["carrier-pigeon"]}, "channels"),
        ({"channels": ["web"], "quiet_start": datetime.time(22)}, "quiet_start"),
    ]:
        with pytest.raises(domain.AlertError) as e:
            subscribe(resident, [village.code], **kw)
        assert e.value.field == field
    with pytest.raises(domain.AlertError) as e:
        domain.subscribe(None, domain.SubscriptionInput([village.code], channels=["web"], consent=True))
    assert e.value.field == "channels"  # in-app needs an account
    sub = subscribe(
        resident,
        [village.code],
        channels=["web", "email", "sms"],
        email="An@Example.vn",
        phone="+84 912 345 678",
    )
    assert "example" not in sub.email_enc and "912" not in sub.phone_enc  # encrypted at rest
    assert domain.subscription_addresses(resident, sub)["email"] == "an@example.vn"
    assert domain.subscription_addresses(resident, sub)["phone"] == "0912345678"
    assert sub.consent_text and sub.consent_at
    assert list(domain.subscriptions_of(resident)) == [sub]
    domain.update_subscription(
        resident, sub, domain.SubscriptionInput([DUC_TRONG], channels=["web"], consent=True)
    )
    sub.refresh_from_db()
    assert sub.channels == "web" and [a.area_path for a in sub.areas.all()] == [
        Area.objects.get(code=DUC_TRONG).path
    ]
    with pytest.raises(domain.AlertError) as e:
        domain.update_subscription(
            make_user("resident", DUC_TRONG), sub, domain.SubscriptionInput([DUC_TRONG], consent=True)
        )
    assert e.value.status == 404
    assert domain.unsubscribe(sub.token).active is False  # type: ignore[union-attr]
    assert domain.unsubscribe(sub.token).active is False  # type: ignore[union-attr]
    assert domain.unsubscribe("nope") is None
    assert list(domain.subscriptions_of(resident)) == []


def test_visibility_and_public_feed(officer: Any, village: Area, make_user: Any) -> None:
    subscribe(make_user("resident", DUC_TRONG), [village.code])
    alert = domain.compose(officer, alert_input([village.code]))
    send(alert)
    assert domain.get_alert(make_user("group_leader", DUC_TRONG), alert.pk) == alert
    with pytest.raises(domain.AlertError) as e:
        domain.get_alert(make_user("commune_officer", HIEP_THANH), alert.pk)
    assert e.value.status == 404
    assert list(domain.public_alerts(Area.objects.get(code=DUC_TRONG).path[:2])) == [alert]
    assert list(domain.public_alerts("01")) == []
    assert set(domain.channel_status()) == {"web", "push", "email", "sms", "zalo", "webhook"}
