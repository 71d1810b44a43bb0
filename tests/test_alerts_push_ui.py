"""The user side of alerts: Web Push sign-up on the subscriptions page (the service worker, the button
that only shows when the server has a VAPID key, the view that stores the browser's PushSubscription with
consent), the public sign-up by email or SMS without an account (consent never pre-ticked, honeypot,
rate limits per network address and per address, the one-click unsubscribe link on the confirmation),
a resident opening an alert's link lands on their own copy, and the demo seed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, DUC_TRONG

pytestmark = pytest.mark.django_db

PUSH = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
    "expirationTime": None,
    "keys": {
        "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg",
    },
}


@pytest.fixture
def vapid(settings: Any) -> str:
    from binhyen.alerts.channels import push

    private, public = push.generate_vapid_key()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:canhbao@example.vn"
    return public


@pytest.fixture
def w(make_user: Any) -> dict[str, Any]:
    from binhyen.areas import domain as areas

    commune = areas.get_area(DUC_TRONG)
    v1, v2 = areas.create_villages(
        commune, [areas.VillageInput("Thôn Đa Thọ", "thôn"), areas.VillageInput("Thôn Quảng Hiệp", "thôn")]
    )
    resident = make_user("resident", v1.code, username="dan", full_name="Nguyễn Thị Dân")
    officer = make_user("commune_officer", DUC_TRONG, username="congan", full_name="Lê Văn Công")
    return {"commune": commune, "v1": v1, "v2": v2, "resident": resident, "officer": officer}


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")
    return client


# --- the service worker -----------------------------------------------------------------------------


def test_service_worker_is_served_as_javascript_from_its_scope_without_login(client: Any) -> None:
    r = client.get("/canh-bao/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/javascript; charset=utf-8"
    assert r["Service-Worker-Allowed"] == "/canh-bao/"
    assert r["Cache-Control"] == "no-cache"
    assert r["X-Content-Type-Options"] == "nosniff"
    body = r.content.decode()
    for needle in ('addEventListener("push"', 'addEventListener("notificationclick"', "showNotification"):
        assert needle in body
    assert "fetch" not in body.replace(
        "no fetch handler", ""
    )  # it never stands between a page and the server
    assert client.post("/canh-bao/sw.js").status_code == 405


# --- the push button on the subscriptions page ------------------------------------------------------


def test_without_vapid_the_button_is_hidden_and_the_page_says_why(client: Any, w: dict[str, Any]) -> None:
    html = login(client, w["resident"]).get("/canh-bao/dang-ky/").content.decode()
    assert 'data-testid="push-unavailable"' in html
    assert 'data-testid="push-subscribe"' not in html and "alerts/push.js" not in html


def test_with_vapid_the_button_carries_the_public_key(client: Any, w: dict[str, Any], vapid: str) -> None:
    html = login(client, w["resident"]).get("/canh-bao/dang-ky/").content.decode()
    assert 'data-testid="push-subscribe"' in html and "alerts/push.js" in html
    assert f'data-key="{vapid}"' in html
    assert 'data-sw="/canh-bao/sw.js"' in html and 'data-scope="/canh-bao/"' in html
    assert 'data-url="/canh-bao/dang-ky/thong-bao-day/"' in html
    assert 'data-testid="push-unavailable"' not in html


def _push_post(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {
        "areas": [w["v1"].code],
        "kinds": ["security", "fire"],
        "quiet_start": "22:00",
        "quiet_end": "06:00",
        "channels": ["web", "email"],  # the form's other channels are ignored: this is the push sign-up
        "push": json.dumps(PUSH),
        "consent": "1",
    }
    data.update(extra)
    return data


def test_push_sign_up_stores_the_browser_subscription_with_consent(
    client: Any, w: dict[str, Any], vapid: str
) -> None:
    from binhyen.alerts import domain
    from binhyen.alerts.models import Subscription

    login(client, w["resident"])
    url = "/canh-bao/dang-ky/thong-bao-day/"
    before = Subscription.objects.filter(user=w["resident"]).count()

    r = client.post(url, _push_post(w, consent=""))
    assert r.status_code == 422 and r.json()["field"] == "consent"
    r = client.post(url, _push_post(w, push="không phải JSON"))
    assert r.status_code == 422 and r.json()["field"] == "push"
    r = client.post(url, _push_post(w, push=json.dumps({"endpoint": "https://x.example/1"})))
    assert r.status_code == 422 and r.json()["field"] == "push"
    r = client.post(url, _push_post(w, areas=[]))
    assert r.status_code == 422 and r.json()["field"] == "areas"
    assert Subscription.objects.filter(user=w["resident"]).count() == before

    r = client.post(url, _push_post(w))
    assert r.status_code == 201, r.content
    sub = Subscription.objects.get(pk=r.json()["id"])
    assert sub.user == w["resident"] and sub.active and sub.channels == "push"
    assert sub.push == {"endpoint": PUSH["endpoint"], "keys": PUSH["keys"]}
    assert sub.kinds == "fire,security" and str(sub.quiet_start) == "22:00:00"
    assert sub.consent_text == domain.CONSENT_TEXT
    assert [a.area_path for a in sub.areas.all()] == [w["v1"].path]
    assert r.json()["unsubscribe_url"] == f"/canh-bao/huy/{sub.token}/"

    # The same device again (another area): its subscription is updated, not doubled.
    r = client.post(url, _push_post(w, areas=[w["v2"].code], kinds=[]))
    assert r.status_code == 200 and r.json()["id"] == sub.pk and r.json()["updated"]
    sub.refresh_from_db()
    assert [a.area_path for a in sub.areas.all()] == [w["v2"].path] and sub.kinds == ""
    assert Subscription.objects.filter(user=w["resident"], channels="push").count() == 1

    # The list shows it; editing it keeps the device (ticked, as "Web Push").
    html = client.get("/canh-bao/dang-ky/").content.decode()
    assert f'data-subscription="{sub.pk}"' in html
    html = client.get(f"/canh-bao/dang-ky/{sub.pk}/").content.decode()
    assert 'name="channels" value="push" checked' in html
    r = client.post(
        f"/canh-bao/dang-ky/{sub.pk}/",
        {"areas": [w["v1"].code], "channels": ["push", "web"], "consent": "1"},
    )
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.channels == "web,push" and sub.push["endpoint"] == PUSH["endpoint"]

    # Anonymous: the login page; GET: not allowed.
    client.logout()
    r = client.post(url, _push_post(w))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert login(client, w["resident"]).get(url).status_code == 405


def test_a_push_subscription_receives_the_alert(client: Any, w: dict[str, Any], vapid: str) -> None:
    """The stored subscription is in the audience: composing an alert writes a push delivery for it."""
    import datetime

    from django.utils import timezone

    from binhyen.alerts import domain, outbox
    from binhyen.alerts.models import Delivery

    login(client, w["resident"]).post("/canh-bao/dang-ky/thong-bao-day/", _push_post(w, kinds=[]))
    alert = domain.compose(
        w["officer"],
        domain.AlertInput(
            kind="security",
            severity="Severe",
            headline="Trộm xe máy ở chợ Đa Thọ",
            text="Hai đối tượng lạ.",
            expires_at=timezone.now() + datetime.timedelta(hours=3),
            area_codes=[w["v1"].code],
        ),
    )
    outbox.fanout(alert.pk)
    d = Delivery.objects.get(alert=alert, channel="push")
    assert d.subscription is not None and d.subscription.user == w["resident"]


# --- a recipient following an alert's link ----------------------------------------------------------


def test_a_resident_opening_the_alert_link_lands_on_their_copy(client: Any, w: dict[str, Any]) -> None:
    import datetime

    from django.utils import timezone

    from binhyen.alerts.models import Alert, AlertArea, Delivery

    alert = Alert.objects.create(
        kind="security",
        severity="Severe",
        headline="Trộm xe máy",
        text="Hai đối tượng lạ.",
        expires_at=timezone.now() + datetime.timedelta(hours=3),
        status="sent",
        created_by=w["officer"],
    )
    AlertArea.objects.create(alert=alert, area=w["v1"], area_path=w["v1"].path)
    d = Delivery.objects.create(
        alert=alert, channel="web", recipient=f"user:{w['resident'].pk}", user=w["resident"], status="sent"
    )
    r = login(client, w["resident"]).get(f"/canh-bao/{alert.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/canh-bao/hop-thu/#delivery-{d.pk}"
    # Someone the alert did not reach: still not found.
    other = Alert.objects.create(
        kind="fire",
        severity="Minor",
        headline="Khác",
        text="…",
        expires_at=alert.expires_at,
        created_by=w["officer"],
    )
    assert client.get(f"/canh-bao/{other.pk}/").status_code in (403, 404)
    # The officer sees the page itself.
    assert login(client, w["officer"]).get(f"/canh-bao/{alert.pk}/").status_code == 200


# --- subscribing without an account -----------------------------------------------------------------

PUBLIC = "/canh-bao/dang-ky-nhan/"


def _public_post(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {
        "commune": DUC_TRONG,
        "areas": [w["v1"].code],
        "kinds": ["security"],
        "channels": ["sms"],
        "phone": "0912 345 678",
        "quiet_start": "22:00",
        "quiet_end": "05:30",
        "consent": "1",
        "website": "",
    }
    data.update(extra)
    return data


def test_public_sign_up_page_offers_email_and_sms_and_never_pre_ticks_consent(
    client: Any, w: dict[str, Any]
) -> None:
    from binhyen.alerts import domain

    r = client.get(PUBLIC)
    assert r.status_code == 200
    html = r.content.decode()
    assert domain.CONSENT_TEXT in html
    assert 'name="consent" value="1" aria-describedby="consent-text">' in html  # not checked
    assert 'name="channels" value="sms"' in html and 'name="channels" value="email"' in html
    for hidden in ('value="web"', 'value="zalo"', 'value="webhook"', 'name="zalo"', 'name="webhook_url"'):
        assert hidden not in html
    assert 'name="website"' in html and 'data-commune-search data-api="/api/v1/areas"' in html
    assert "Choose your commune first" in html or "Hãy chọn xã" in html or 'name="areas"' not in html
    html = client.get(PUBLIC + f"?commune={DUC_TRONG}").content.decode()
    assert f'name="areas" value="{w["v1"].code}"' in html and f'name="areas" value="{DUC_TRONG}"' in html


def test_public_sign_up_by_sms_confirms_with_the_unsubscribe_link(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts import domain
    from binhyen.alerts.models import Subscription
    from binhyen.core import crypto

    r = client.post(PUBLIC, _public_post(w, consent=""))
    assert r.status_code == 422 and 'id="err-consent"' in r.content.decode()
    r = client.post(PUBLIC, _public_post(w, phone="12"))
    assert r.status_code == 422 and 'id="err-phone"' in r.content.decode()
    r = client.post(PUBLIC, _public_post(w, channels=["web"]))  # not offered here: refused, not stored
    assert r.status_code == 422 and 'id="err-channels"' in r.content.decode()
    assert not Subscription.objects.exists()

    r = client.post(PUBLIC, _public_post(w))
    assert r.status_code == 303 and r["Location"] == PUBLIC
    sub = Subscription.objects.get()
    assert sub.user is None and sub.channels == "sms" and sub.kinds == "security"
    assert crypto.decrypt(sub.phone_enc) == "0912345678" and "0912345678" not in sub.phone_enc
    assert sub.consent_text == domain.CONSENT_TEXT and str(sub.quiet_end) == "05:30:00"

    r = client.get(PUBLIC)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="subscribed"' in html and "Thôn Đa Thọ" in html
    assert f"http://testserver/canh-bao/huy/{sub.token}/" in html
    assert r["Cache-Control"] == "private, no-store"
    # Shown once; the link works without an account.
    assert 'data-testid="subscribed"' not in client.get(PUBLIC).content.decode()
    assert client.post(f"/canh-bao/huy/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert not sub.active

    # By email too.
    r = client.post(PUBLIC, _public_post(w, channels=["email"], email="Dan@Example.VN", phone=""))
    assert r.status_code == 303
    assert crypto.decrypt(Subscription.objects.get(channels="email").email_enc) == "dan@example.vn"


def test_public_sign_up_honeypot_and_rate_limits(client: Any, w: dict[str, Any], settings: Any) -> None:
    from binhyen.alerts.models import Subscription

    r = client.post(PUBLIC, _public_post(w, website="http://spam.example"))
    assert r.status_code == 400 and not Subscription.objects.exists()

    # Per address: the same phone three times in the window, then refused.
    settings.ALERTS_SIGNUP_ADDRESS_LIMIT = 3
    settings.ALERTS_SIGNUP_RATE_LIMIT = 6
    for _ in range(3):
        assert client.post(PUBLIC, _public_post(w, phone="0987654321")).status_code == 303
    r = client.post(PUBLIC, _public_post(w, phone="+84 987 654 321"))  # the same number, written otherwise
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert "quá nhiều" in r.content.decode()
    assert Subscription.objects.count() == 3
    # Another number passes, until the network address has used its six.
    assert client.post(PUBLIC, _public_post(w, phone="0911111111")).status_code == 303
    assert client.post(PUBLIC, _public_post(w, phone="0922222222")).status_code == 303
    assert client.post(PUBLIC, _public_post(w, phone="0933333333")).status_code == 429
    assert Subscription.objects.count() == 5


def test_a_logged_in_resident_may_use_the_public_page_for_themselves(client: Any, w: dict[str, Any]) -> None:
    from binhyen.alerts.models import Subscription

    r = login(client, w["resident"]).post(PUBLIC, _public_post(w))
    assert r.status_code == 303
    assert Subscription.objects.get(channels="sms").user == w["resident"]


# --- demo data --------------------------------------------------------------------------------------


def test_demo_seed_alerts_is_idempotent_and_goes_through_the_domain() -> None:
    import random

    from binhyen.alerts.models import Alert, Delivery, Subscription
    from binhyen.demo import seed, seed_alerts

    assert seed_alerts.seed_alerts() == 0  # no demo accounts yet: nothing
    seed._villages(random.Random(1))
    seed._accounts(DEMO_PASSWORD, random.Random(1))
    seen: list[Any] = []

    def progress(items: Any) -> Any:
        seen.extend(items)
        return items

    assert seed_alerts.seed_alerts(progress) == 4
    assert len(seen) == 4
    assert (
        Subscription.objects.filter(user__username__in=["nguoidan", "totruong.tdp1"], active=True).count()
        == 2
    )
    alerts = {a.headline: a for a in Alert.objects.all()}
    statuses = sorted(a.status for a in alerts.values())
    assert statuses == ["pending", "sent", "sent", "sent"]
    theft = alerts["Trộm xe máy tại cổng chợ Liên Nghĩa"]
    rows = Delivery.objects.filter(alert=theft)
    assert rows.count() == 2 and all(d.acknowledged_at for d in rows)
    assert theft.expires_at < theft.created_at + __import__("datetime").timedelta(hours=7)
    drill = next(a for a in alerts.values() if a.kind == "drill")
    assert drill.wide and drill.approved_by.username == "lanhdao.ductrong" and drill.status == "sent"
    assert Delivery.objects.filter(alert=drill, acknowledged_at__isnull=False).count() == 1
    pending = next(a for a in alerts.values() if a.status == "pending")
    assert pending.wide and not pending.deliveries.exists()
    fire = next(a for a in alerts.values() if a.kind == "fire")
    assert fire.created_by.username == "totruong.tdp1"
    assert Delivery.objects.filter(alert=fire, status="delivered").count() == 1

    total = Delivery.objects.count()
    assert seed_alerts.seed_alerts() == 0  # again: nothing new
    assert Alert.objects.count() == 4 and Delivery.objects.count() == total
    assert Subscription.objects.count() == 2
