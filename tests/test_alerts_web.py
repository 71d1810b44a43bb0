"""Alert pages and API: compose (with the live estimate and Vietnamese errors next to the fields, nothing
half-sent), approval of wide alerts by a second person, the alert page and its live counts (SSE), cancel,
the inbox and its live stream, "đã nhận" / "đang đến", subscriptions with consent, one-click
unsubscribe."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import DUC_TRONG, HOAN_KIEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commit_at_once(monkeypatch: Any) -> None:
    """Tests run inside one transaction that is rolled back, so nothing ever commits: run the work queued
    for "after commit" (the fan-out) at once, as a committed request would (tasks are immediate here)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def w(make_user: Any) -> dict[str, Any]:
    """Đức Trọng with two villages; an officer and a leader; a resident of V1 subscribed in the app; a
    security team member with an account."""
    from binhyen.alerts import domain
    from binhyen.areas import domain as areas
    from binhyen.organisations import domain as orgs

    commune = areas.get_area(DUC_TRONG)
    v1, v2 = areas.create_villages(
        commune, [areas.VillageInput("Thôn Đa Thọ", "thôn"), areas.VillageInput("Thôn Quảng Hiệp", "thôn")]
    )
    officer = make_user("commune_officer", DUC_TRONG, username="congan", full_name="Lê Văn Công")
    leader = make_user("commune_leader", DUC_TRONG, username="truongcongan", full_name="Trần Văn Trưởng")
    resident = make_user("resident", v1.code, username="dan", full_name="Nguyễn Thị Dân")
    member_user = make_user("resident", v1.code, username="thanhvien", full_name="Phạm Văn Tổ")
    domain.subscribe(resident, domain.SubscriptionInput(area_codes=[v1.code], channels=["web"], consent=True))
    team = orgs.create_organisation(
        officer,
        orgs.OrganisationInput(type="to-bao-ve-antt", name="Tổ bảo vệ ANTT Đa Thọ", commune=DUC_TRONG),
    )
    person = orgs.find_or_create_person(
        officer,
        orgs.PersonInput(full_name="Phạm Văn Tổ", commune=DUC_TRONG, birth_date=datetime.date(1985, 1, 1)),
    )
    orgs.add_membership(officer, team, person, orgs.MembershipInput(joined_on=datetime.date(2024, 1, 1)))
    person.user = member_user
    person.save(update_fields=["user"])
    return {
        "commune": commune,
        "v1": v1,
        "v2": v2,
        "officer": officer,
        "leader": leader,
        "resident": resident,
        "member": member_user,
        "team": team,
    }


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")
    return client


def form(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {
        "kind": "security",
        "severity": "Severe",
        "headline": "Trộm xe máy ở chợ Đa Thọ",
        "text": "Hai đối tượng đi xe Wave không biển số vừa lấy trộm xe máy ở cổng chợ.",
        "instruction": "Khoá xe, báo ngay cho công an xã.",
        "areas": [w["v1"].code],
        "to_subscribers": "1",
        "public": "1",
        "send": "now",
        "expires_in": "6",
        "commune": DUC_TRONG,
    }
    data.update(extra)
    return data


def compose(user: Any, w: dict[str, Any], **extra: Any) -> Any:
    from binhyen.alerts import domain

    data: dict[str, Any] = {
        "kind": "security",
        "severity": "Severe",
        "headline": "Cháy kho ở thôn Đa Thọ",
        "text": "Đang cháy kho phân bón cạnh trường, tránh xa khu vực.",
        "expires_at": timezone.now() + datetime.timedelta(hours=3),
        "area_codes": [w["v1"].code],
    }
    data.update(extra)
    return domain.compose(user, domain.AlertInput(**data))


def sse_events(response: Any) -> list[tuple[str, dict[str, Any], str | None]]:
    body = b"".join(response.streaming_content).decode()
    events = []
    for block in body.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if ":" in line and not line.startswith(":"):
                k, v = line.split(":", 1)
                fields[k] = v.strip()
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"]), fields.get("id")))
    return events


@pytest.fixture
def short_streams(monkeypatch: Any) -> None:
    from binhyen.alerts import views

    monkeypatch.setattr(views, "STREAM_SECONDS", 0)
    monkeypatch.setattr(views, "POLL_SECONDS", 0)


# --- compose ----------------------------------------------------------------------------------------


def test_compose_page_lists_the_villages_and_the_audience_choices(client: Any, w: dict[str, Any]) -> None:
    r = login(client, w["officer"]).get("/canh-bao/moi/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f'name="areas" value="{w["v1"].code}"' in html
    assert f'name="areas" value="{DUC_TRONG}"' in html  # the whole commune (wide: needs approval)
    assert "Tổ bảo vệ ANTT Đa Thọ" in html
    assert 'hx-post="/canh-bao/moi/uoc-tinh/"' in html
    assert "data-alert-map" in html


def test_compose_sends_to_the_village_and_the_resident_gets_it(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts import domain
    from binhyen.alerts.models import Alert, AlertStatus, Delivery

    r = login(client, w["officer"]).post("/canh-bao/moi/", form(w))
    assert r.status_code == 302, r.content.decode()[:2000]
    alert = Alert.objects.get()
    assert r["Location"] == f"/canh-bao/{alert.pk}/"
    assert alert.status in (AlertStatus.SENDING, AlertStatus.SENT)
    assert not alert.wide and alert.public and alert.to_subscribers
    assert alert.expires_at - alert.created_at >= datetime.timedelta(hours=5, minutes=59)
    assert [a.area.code for a in alert.areas.all()] == [w["v1"].code]
    web = Delivery.objects.get(alert=alert, user=w["resident"])
    assert web.channel == "web"
    assert [d.pk for d in domain.inbox(w["resident"])] == [web.pk]

    page = client.get(f"/canh-bao/{alert.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trộm xe máy ở chợ Đa Thọ" in html
    assert f'data-stream="/canh-bao/{alert.pk}/truc-tiep/"' in html
    assert 'data-count="total">1<' in html


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"text": "  "}, "text", "nội dung"),
        ({"headline": ""}, "headline", "tiêu đề"),
        ({"areas": []}, "areas", "ít nhất một"),
        ({"areas": ["99999999"]}, "areas", "Không có địa bàn"),
        ({"send": "later", "send_at": "2020-01-01T08:00"}, "send_at", "đã qua"),
        ({"send": "later", "send_at": "hôm qua"}, "send_at", "không hợp lệ"),
        ({"to_subscribers": ""}, "audience", "người nhận"),
        ({"latitude": "11,7", "longitude": "", "radius_m": "500"}, "latitude", "kinh độ"),
        ({"latitude": "48.85", "longitude": "2.35", "radius_m": "500"}, "latitude", "ngoài lãnh thổ"),
        ({"expires_in": "custom", "expires_at": ""}, "expires_at", "hết hiệu lực"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_sent(
    client: Any, w: dict[str, Any], extra: dict[str, Any], field: str, words: str
) -> None:
    from binhyen.alerts.models import Alert, Delivery

    r = login(client, w["officer"]).post("/canh-bao/moi/", form(w, **extra))
    assert r.status_code == 422
    html = r.content.decode()
    assert f'id="err-{field}"' in html, html[:3000]
    assert words.lower() in html.lower()
    assert Alert.objects.count() == 0 and Delivery.objects.count() == 0
    # What was typed is kept.
    if extra.get("headline") != "":
        assert "Trộm xe máy ở chợ Đa Thọ" in html


def test_an_audience_of_zero_is_refused(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Alert

    r = login(client, w["officer"]).post("/canh-bao/moi/", form(w, areas=[w["v2"].code]))
    assert r.status_code == 422
    assert "Không có ai nhận" in r.content.decode()
    assert Alert.objects.count() == 0


def test_an_area_outside_the_senders_scope_is_refused(client: Any, w: dict[str, Any], make_user: Any) -> None:
    from binhyen.alerts.models import Alert

    leader = make_user("group_leader", w["v2"].code, username="totruong")
    r = login(client, leader).post("/canh-bao/moi/", form(w, areas=[w["v1"].code]))
    assert r.status_code == 403 and "nằm ngoài địa bàn" in r.content.decode()
    assert Alert.objects.count() == 0
    # Without the right at all: 403.
    resident = w["resident"]
    assert login(client, resident).post("/canh-bao/moi/", form(w)).status_code == 403


def test_estimate_counts_the_audience_and_shows_channel_problems(client: Any, w: dict[str, Any]) -> None:
    r = login(client, w["officer"]).post("/canh-bao/moi/uoc-tinh/", form(w))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="estimate-total">1<' in html
    r = client.post(
        "/canh-bao/moi/uoc-tinh/",
        form(w, areas=[w["v1"].code], to_members="1", organisations=[str(w["team"].pk)]),
    )
    assert 'data-testid="estimate-total">2<' in r.content.decode()
    r = client.post("/canh-bao/moi/uoc-tinh/", form(w, areas=[]))
    assert r.status_code == 200 and "estimate-error" in r.content.decode()


def test_channel_problems_are_shown_per_channel(client: Any, w: dict[str, Any], monkeypatch: Any) -> None:
    from binhyen.alerts import domain

    monkeypatch.setattr(domain, "channel_status", lambda: {"sms": ["Chưa cấu hình cổng SMS."], "web": []})
    r = login(client, w["officer"]).get("/canh-bao/moi/")
    html = r.content.decode()
    assert 'data-testid="channel-problems"' in html and "Chưa cấu hình cổng SMS." in html


def test_scheduled_alert_waits_and_can_be_cancelled(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Alert, AlertStatus, Delivery

    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = login(client, w["officer"]).post("/canh-bao/moi/", form(w, send="later", send_at=later))
    assert r.status_code == 302
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.SCHEDULED and Delivery.objects.count() == 0
    assert 'data-testid="cancel-alert"' in client.get(f"/canh-bao/{alert.pk}/").content.decode()
    r = client.post(f"/canh-bao/{alert.pk}/huy/")
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED


# --- wide alerts: a second person approves -----------------------------------------------------------


def test_a_whole_commune_needs_a_second_person(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Alert, AlertStatus, Delivery

    r = login(client, w["officer"]).post("/canh-bao/moi/", form(w, areas=[DUC_TRONG]))
    assert r.status_code == 302
    alert = Alert.objects.get()
    assert alert.wide and alert.status == AlertStatus.PENDING and Delivery.objects.count() == 0
    # The officer cannot approve (not an approver); the queue is the leader's.
    assert client.get("/canh-bao/cho-duyet/").status_code == 403
    assert client.post(f"/canh-bao/{alert.pk}/duyet/").status_code == 403

    login(client, w["leader"])
    queue = client.get("/canh-bao/cho-duyet/").content.decode()
    assert "Trộm xe máy ở chợ Đa Thọ" in queue
    page = client.get(f"/canh-bao/{alert.pk}/").content.decode()
    assert 'data-testid="approve"' in page
    r = client.post(f"/canh-bao/{alert.pk}/duyet/")
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status in (AlertStatus.SENDING, AlertStatus.SENT) and alert.approved_by == w["leader"]
    assert Delivery.objects.filter(alert=alert, user=w["resident"]).exists()


def test_the_creator_cannot_approve_their_own_wide_alert(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import AlertStatus

    alert = compose(w["leader"], w, area_codes=[DUC_TRONG])
    assert alert.status == AlertStatus.PENDING
    login(client, w["leader"])
    assert 'data-testid="approve"' not in client.get(f"/canh-bao/{alert.pk}/").content.decode()
    assert client.post(f"/canh-bao/{alert.pk}/duyet/").status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING


def test_reject_with_a_note(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import AlertStatus, Delivery

    alert = compose(w["officer"], w, area_codes=[DUC_TRONG])
    r = login(client, w["leader"]).post(f"/canh-bao/{alert.pk}/tu-choi/", {"note": "Chưa xác minh"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.REJECTED and alert.decision_note == "Chưa xác minh"
    assert Delivery.objects.count() == 0
    # Deciding twice is refused with a message, not a crash.
    r = client.post(f"/canh-bao/{alert.pk}/duyet/", follow=True)
    assert r.status_code == 200 and "không chờ duyệt" in r.content.decode()


def test_list_shows_alerts_of_the_area_only(client: Any, w: dict[str, Any], make_user: Any) -> None:
    compose(w["officer"], w)
    assert "Cháy kho ở thôn Đa Thọ" in login(client, w["leader"]).get("/canh-bao/").content.decode()
    outsider = make_user("commune_officer", HOAN_KIEM, username="hoankiem")
    html = login(client, outsider).get("/canh-bao/").content.decode()
    assert "Cháy kho ở thôn Đa Thọ" not in html
    assert login(client, w["resident"]).get("/canh-bao/").status_code == 403


# --- live counts ------------------------------------------------------------------------------------


def test_counts_stream_and_table(client: Any, w: dict[str, Any], short_streams: None) -> None:
    from binhyen.alerts import domain

    alert = compose(w["officer"], w)
    login(client, w["officer"])
    r = client.get(f"/canh-bao/{alert.pk}/truc-tiep/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/event-stream")
    events = sse_events(r)
    assert events[0][0] == "counts" and events[0][1]["total"] == 1 and events[0][1]["acknowledged"] == 0
    delivery = domain.inbox(w["resident"])[0]
    domain.acknowledge(w["resident"], delivery.pk)
    counts = sse_events(client.get(f"/canh-bao/{alert.pk}/truc-tiep/"))[0][1]
    assert counts["acknowledged"] == 1 and counts["by_channel"]["web"]["total"] == 1
    table = client.get(f"/canh-bao/{alert.pk}/so-lieu/").content.decode()
    assert 'data-testid="count-acknowledged">1<' in table


# --- the recipient's side ---------------------------------------------------------------------------


def test_live_stream_brings_unseen_alerts_then_only_newer_ones(
    client: Any, w: dict[str, Any], short_streams: None
) -> None:
    alert = compose(w["officer"], w)
    login(client, w["resident"])
    events = sse_events(client.get("/canh-bao/live/"))
    assert [(e[0], e[1]["alert_id"]) for e in events] == [("alert", alert.pk)]
    data, event_id = events[0][1], events[0][2]
    assert data["headline"] == "Cháy kho ở thôn Đa Thọ" and not data["member"] and not data["acknowledged"]
    # The page marks it seen: a fresh page does not show it again.
    assert client.post("/canh-bao/hop-thu/da-xem/", {"ids": [data["id"]]}).status_code == 204
    assert sse_events(client.get("/canh-bao/live/")) == []
    # After a reconnect, only what is newer than the last event.
    second = compose(w["officer"], w, headline="Người lạ lảng vảng")
    events = sse_events(client.get("/canh-bao/live/", HTTP_LAST_EVENT_ID=str(event_id)))
    assert [e[1]["alert_id"] for e in events] == [second.pk]


def test_inbox_acknowledge_and_respond(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Delivery

    alert = compose(w["officer"], w, to_members=True, organisation_ids=[w["team"].pk])
    login(client, w["resident"])
    html = client.get("/canh-bao/hop-thu/").content.decode()
    assert "Cháy kho ở thôn Đa Thọ" in html and 'data-testid="respond"' not in html
    mine = Delivery.objects.get(alert=alert, user=w["resident"])
    r = client.post(f"/canh-bao/hop-thu/{mine.pk}/da-nhan/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json()["acknowledged"] is True
    # A resident is not called out: "đang đến" is for members.
    r = client.post(f"/canh-bao/hop-thu/{mine.pk}/dang-den/", HTTP_ACCEPT="application/json")
    assert r.status_code == 403 and r.json()["detail"]

    login(client, w["member"])
    theirs = Delivery.objects.get(alert=alert, user=w["member"])
    assert theirs.member
    assert 'data-testid="respond"' in client.get("/canh-bao/hop-thu/").content.decode()
    r = client.post(f"/canh-bao/hop-thu/{theirs.pk}/dang-den/")  # the no-JS form
    assert r.status_code == 302 and r["Location"] == "/canh-bao/hop-thu/"
    theirs.refresh_from_db()
    assert theirs.responding_at and theirs.acknowledged_at
    # Someone else's delivery is not found.
    assert client.post(f"/canh-bao/hop-thu/{mine.pk}/da-nhan/").status_code == 404


# --- subscriptions ----------------------------------------------------------------------------------


def test_subscription_needs_consent_which_is_never_pre_ticked(
    client: Any, w: dict[str, Any], make_user: Any
) -> None:
    from binhyen.alerts import domain
    from binhyen.alerts.models import Subscription

    user = make_user("resident", w["v2"].code, username="moi")
    login(client, user)
    html = client.get("/canh-bao/dang-ky/").content.decode()
    assert domain.CONSENT_TEXT in html
    assert 'name="consent" value="1" aria-describedby="consent-text">' in html  # not checked
    assert f'name="areas" value="{w["v2"].code}"' in html  # their own commune's villages

    data = {
        "areas": [w["v2"].code],
        "channels": ["web", "email"],
        "email": "dan@example.vn",
        "kinds": ["fire", "security"],
        "quiet_start": "22:00",
        "quiet_end": "06:00",
        "commune": DUC_TRONG,
    }
    r = client.post("/canh-bao/dang-ky/", data)
    assert r.status_code == 422 and 'id="err-consent"' in r.content.decode()
    assert not Subscription.objects.filter(user=user).exists()
    r = client.post("/canh-bao/dang-ky/", {**data, "email": "không phải thư"})
    assert r.status_code == 422
    r = client.post("/canh-bao/dang-ky/", {**data, "consent": "1"})
    assert r.status_code == 302
    sub = Subscription.objects.get(user=user)
    assert sub.consent_text == domain.CONSENT_TEXT and sub.channels == "web,email"
    assert sub.kinds == "fire,security" and str(sub.quiet_start) == "22:00:00"
    assert "dan@example.vn" not in sub.email_enc  # encrypted

    # Edit: the addresses come back for their owner; consent is asked again.
    html = client.get(f"/canh-bao/dang-ky/{sub.pk}/").content.decode()
    assert "dan@example.vn" in html and 'value="1" aria-describedby="consent-text">' in html
    r = client.post(f"/canh-bao/dang-ky/{sub.pk}/", {**data, "channels": ["web"], "consent": "1"})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.channels == "web"
    # Someone else's subscription is not theirs to see.
    assert login(client, w["resident"]).get(f"/canh-bao/dang-ky/{sub.pk}/").status_code == 404


def test_one_click_unsubscribe_without_login(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Subscription

    sub = Subscription.objects.get(user=w["resident"])
    r = client.get(f"/canh-bao/huy/{sub.token}/")
    assert r.status_code == 200 and "Thôn Đa Thọ" in r.content.decode()
    assert 'data-testid="confirm-unsubscribe"' in r.content.decode()
    sub.refresh_from_db()
    assert sub.active  # a GET (a mail scanner) changes nothing
    r = client.post(f"/canh-bao/huy/{sub.token}/")
    assert r.status_code == 200 and 'data-testid="unsubscribed"' in r.content.decode()
    sub.refresh_from_db()
    assert not sub.active and sub.unsubscribed_at
    assert client.post(f"/canh-bao/huy/{sub.token}/").status_code == 200  # twice: still fine
    assert client.get("/canh-bao/huy/khong-co-ma-nay/").status_code == 404


def test_menu_entries(client: Any, w: dict[str, Any]) -> None:
    import binhyen.alerts.nav  # noqa: F401  (AlertsConfig.ready() imports it too; registering twice is harmless)

    html = login(client, w["officer"]).get("/canh-bao/").content.decode()
    assert 'href="/canh-bao/"' in html
    html = login(client, w["resident"]).get("/canh-bao/hop-thu/").content.decode()
    assert 'href="/canh-bao/hop-thu/" aria-current="page"' in html


# --- API --------------------------------------------------------------------------------------------


def _auth(client: Any, api_token: Any, user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_api_compose_approve_counts_inbox_acknowledge(client: Any, api_token: Any, w: dict[str, Any]) -> None:
    officer, leader, resident = (_auth(client, api_token, w[k]) for k in ("officer", "leader", "resident"))
    body = {
        "kind": "fire",
        "severity": "Extreme",
        "urgent": True,
        "headline": "Cháy rừng thông",
        "text": "Cháy rừng thông phía tây xã, gió mạnh.",
        "expires_at": (timezone.now() + datetime.timedelta(hours=4)).isoformat(),
        "areas": [DUC_TRONG],
    }
    r = client.post("/api/v1/alerts/estimate", body, content_type="application/json", **officer)
    assert r.status_code == 200 and r.json()["total"] == 1 and "channel_problems" in r.json()
    r = client.post("/api/v1/alerts", body, content_type="application/json", **officer)
    assert r.status_code == 201, r.content
    alert = r.json()
    assert alert["status"] == "pending" and alert["wide"] and alert["cap_url"] is None
    r = client.post(f"/api/v1/alerts/{alert['id']}/approve", **officer)
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    r = client.post(f"/api/v1/alerts/{alert['id']}/approve", **leader)
    assert r.status_code == 200 and r.json()["status"] in ("sending", "sent")
    assert r.json()["cap_url"].endswith(f"/alerts/{alert['identifier']}.xml")
    r = client.get(f"/api/v1/alerts/{alert['id']}/counts", **officer)
    assert r.status_code == 200 and r.json()["total"] == 1
    r = client.get("/api/v1/alerts", **leader)
    assert r.json()["count"] == 1

    inbox = client.get("/api/v1/alerts/inbox", **resident).json()
    assert [d["alert_id"] for d in inbox] == [alert["id"]] and inbox[0]["urgent"]
    r = client.post(
        "/api/v1/alerts/inbox/seen", {"ids": [inbox[0]["id"]]}, content_type="application/json", **resident
    )
    assert r.json() == {"marked": 1}
    r = client.post(f"/api/v1/alerts/inbox/{inbox[0]['id']}/acknowledge", **resident)
    assert r.status_code == 200 and r.json()["acknowledged_at"]
    r = client.post(f"/api/v1/alerts/inbox/{inbox[0]['id']}/respond", **resident)
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    assert client.get(f"/api/v1/alerts/{alert['id']}/counts", **officer).json()["acknowledged"] == 1
    # Sent already: no cancelling any more (409), as a problem.
    r = client.post(f"/api/v1/alerts/{alert['id']}/cancel", **officer)
    assert r.status_code == 409 and r.json()["detail"]


def test_api_errors_are_problems_with_the_field(client: Any, api_token: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Alert

    officer = _auth(client, api_token, w["officer"])
    body = {
        "kind": "security",
        "headline": "Tin",
        "text": "",
        "expires_at": (timezone.now() + datetime.timedelta(hours=1)).isoformat(),
        "areas": [w["v1"].code],
    }
    r = client.post("/api/v1/alerts", body, content_type="application/json", **officer)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "text"
    r = client.post(
        "/api/v1/alerts",
        {**body, "text": "Nội dung", "send_at": "2020-01-01T00:00:00+07:00"},
        content_type="application/json",
        **officer,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "send_at"
    assert Alert.objects.count() == 0
    assert client.get("/api/v1/alerts/999999", **officer).status_code == 404


def test_api_subscriptions_crud_and_unsubscribe(client: Any, api_token: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts import domain

    resident = _auth(client, api_token, w["resident"])
    assert client.get("/api/v1/alerts/subscriptions/consent").json()["consent_text"] == domain.CONSENT_TEXT
    body = {"areas": [w["v1"].code], "channels": ["web"], "consent": False}
    r = client.post("/api/v1/alerts/subscriptions", body, content_type="application/json", **resident)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "consent"
    r = client.post(
        "/api/v1/alerts/subscriptions",
        {**body, "consent": True, "kinds": ["fire"]},
        content_type="application/json",
        **resident,
    )
    assert r.status_code == 201
    sub = r.json()
    assert sub["kinds"] == ["fire"] and sub["consent_text"] == domain.CONSENT_TEXT
    assert len(client.get("/api/v1/alerts/subscriptions", **resident).json()) == 2
    r = client.put(
        f"/api/v1/alerts/subscriptions/{sub['id']}",
        {**body, "consent": True, "kinds": []},
        content_type="application/json",
        **resident,
    )
    assert r.status_code == 200 and r.json()["kinds"] == []
    assert client.delete(f"/api/v1/alerts/subscriptions/{sub['id']}", **resident).status_code == 204
    assert client.get(f"/api/v1/alerts/subscriptions/{sub['id']}", **resident).status_code == 404
    # One click from a message, no login.
    other = client.get("/api/v1/alerts/subscriptions", **resident).json()[0]
    r = client.post(f"/api/v1/alerts/unsubscribe/{other['unsubscribe_token']}")
    assert r.status_code == 200 and r.json() == {"unsubscribed": True}
    r = client.post("/api/v1/alerts/unsubscribe/khong-co")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
