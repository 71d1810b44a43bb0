"""Authorization matrix rows for alerts (API and web). See tests/authz.py.

Senders (SEND_ALERTS: group leaders for their village, commune staff, admins) compose for their own
areas; approvers (APPROVE_ALERTS: commune leaders, province analysts, admins) approve wide alerts in
theirs, never their own; viewers (VIEW_ALERTS: every role but residents) see the alerts that touch their
areas, and nobody sees the others (404). Everyone with an account has an inbox and subscriptions, and
only their own deliveries and subscriptions (404 for anyone else's). Feeds and the unsubscribe link are
public.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.authz import ALL, STAFF_NO_RESIDENT, Endpoint, Page, World, _json
from tests.conftest import DUC_TRONG, HOAN_KIEM

SENDERS = {"group_leader", "commune_officer", "commune_leader", "admin"}
APPROVERS = {"commune_leader", "province_analyst", "admin"}
VIEWERS = STAFF_NO_RESIDENT
NOBODY: set[str] = set()


def _village(w: World, where: str) -> Any:
    return w.inside_village if where == "inside" else w.outside_village


def _commune(where: str) -> str:
    return DUC_TRONG if where == "inside" else HOAN_KIEM


def _listener(w: World, where: str) -> None:
    """Someone subscribed to the village, so that an alert there reaches at least one person."""
    from binhyen.alerts import domain

    person = w.inside_person if where == "inside" else w.outside_person
    domain.subscribe(person, domain.SubscriptionInput(area_codes=[_village(w, where).code], consent=True))


def _alert(w: World, where: str, status: str = "sent", wide: bool = False) -> Any:
    """An alert by someone else (a resident of the place), on the village, or on the commune (wide)."""
    from django.utils import timezone

    from binhyen.alerts.models import Alert, AlertArea
    from binhyen.areas.models import Area

    area = Area.objects.get(code=_commune(where)) if wide else _village(w, where)
    now = timezone.now()
    alert = Alert.objects.create(
        kind="security",
        severity="Severe",
        headline="Trộm xe máy",
        text="Hai đối tượng lạ.",
        province_path=area.path[:2],
        expires_at=now + datetime.timedelta(hours=3),
        send_at=now + datetime.timedelta(hours=1) if status == "scheduled" else None,
        status=status,
        wide=wide,
        created_by=w.inside_person if where == "inside" else w.outside_person,
        sent_at=now if status == "sent" else None,
    )
    AlertArea.objects.create(alert=alert, area=area, area_path=area.path)
    return alert


def _alert_id(w: World, where: str, **kw: Any) -> int:
    return int(_alert(w, where, **kw).pk)


def _me(w: World) -> Any:
    """The user making the request (the anonymous checks have none: someone else then)."""
    return w.user if getattr(w.user, "pk", None) else w.inside_person


def _delivery(w: World, where: str, member: bool = False) -> int:
    """Inside: a delivery to the user making the request; outside: to someone else."""
    from binhyen.alerts.models import Delivery

    alert = _alert(w, "inside")
    user = _me(w) if where == "inside" else w.outside_person
    d = Delivery.objects.create(
        alert=alert, channel="web", recipient=f"user:{user.pk}", user=user, member=member, status="sent"
    )
    return int(d.pk)


def _subscription(w: World, where: str) -> int:
    from binhyen.alerts import domain

    owner = _me(w) if where == "inside" else w.outside_person
    sub = domain.subscribe(
        owner, domain.SubscriptionInput(area_codes=[_village(w, where).code], consent=True)
    )
    return int(sub.pk)


def _expires() -> str:
    from django.utils import timezone

    return (timezone.now() + datetime.timedelta(hours=3)).isoformat()


def _new(w: World, where: str) -> dict[str, Any]:
    return {
        "kind": "security",
        "severity": "Severe",
        "headline": "Trộm xe máy ở chợ",
        "text": "Hai đối tượng đi xe không biển số.",
        "expires_at": _expires(),
        "areas": [_village(w, where).code],
    }


def _form(w: World, where: str) -> dict[str, Any]:
    return {
        "kind": "security",
        "severity": "Severe",
        "headline": "Trộm xe máy ở chợ",
        "text": "Hai đối tượng đi xe không biển số.",
        "areas": [_village(w, where).code],
        "to_subscribers": "1",
        "send": "now",
        "expires_in": "6",
    }


def _create(w: World, where: str) -> dict[str, Any]:
    _listener(w, where)
    return _json(_new(w, where))


def _compose(w: World, where: str) -> dict[str, Any]:
    _listener(w, where)
    return {"data": _form(w, where)}


def _push_body(w: World, where: str) -> dict[str, Any]:
    """What static/alerts/push.js posts: the subscription form and this device's PushSubscription."""
    import json

    push = {
        "endpoint": f"https://push.example.net/send/{where}-{getattr(w.user, 'pk', 0)}",
        "keys": {
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u"
            "-Ts1XbjhazAkj7I99e8QcYP7DkM",
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    }
    return {"data": {"areas": [_village(w, where).code], "consent": "1", "push": json.dumps(push)}}


def _subscribe_body(w: World, where: str) -> dict[str, Any]:
    return {"areas": [_village(w, where).code], "channels": ["web"], "consent": True}


API: list[Endpoint] = [
    Endpoint(
        "api:list_alerts", "get", lambda w, where: ("/api/v1/alerts", {}), inside=VIEWERS, outside=VIEWERS
    ),
    Endpoint(
        "api:create_alert",
        "post",
        lambda w, where: ("/api/v1/alerts", _create(w, where)),
        inside=SENDERS,
        ok=(201,),
    ),
    Endpoint(
        "api:estimate_alert",
        "post",
        lambda w, where: ("/api/v1/alerts/estimate", _json(_new(w, where))),
        inside=SENDERS,
    ),
    Endpoint(
        "api:channel_problems",
        "get",
        lambda w, where: ("/api/v1/alerts/channels", {}),
        inside=SENDERS,
        outside=SENDERS,
    ),
    Endpoint(
        "api:get_alert",
        "get",
        lambda w, where: (f"/api/v1/alerts/{_alert_id(w, where)}", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:alert_counts",
        "get",
        lambda w, where: (f"/api/v1/alerts/{_alert_id(w, where)}/counts", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:approve_alert",
        "post",
        lambda w, where: (f"/api/v1/alerts/{_alert_id(w, where, status='pending', wide=True)}/approve", {}),
        inside=APPROVERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:reject_alert",
        "post",
        lambda w, where: (
            f"/api/v1/alerts/{_alert_id(w, where, status='pending', wide=True)}/reject",
            _json({"note": "Chưa xác minh"}),
        ),
        inside=APPROVERS,
        denied=(403, 404),
    ),
    Endpoint(
        "api:cancel_alert",
        "post",
        lambda w, where: (f"/api/v1/alerts/{_alert_id(w, where, status='scheduled')}/cancel", {}),
        inside=APPROVERS,
        denied=(403, 404),
    ),
    Endpoint("api:my_inbox", "get", lambda w, where: ("/api/v1/alerts/inbox", {}), inside=ALL, outside=ALL),
    Endpoint(
        "api:mark_alerts_seen",
        "post",
        lambda w, where: ("/api/v1/alerts/inbox/seen", _json({"ids": [_delivery(w, where)]})),
        inside=ALL,
        outside=ALL,  # someone else's ids are simply not marked
    ),
    Endpoint(
        "api:acknowledge_alert",
        "post",
        lambda w, where: (f"/api/v1/alerts/inbox/{_delivery(w, where)}/acknowledge", {}),
        inside=ALL,
        outside=NOBODY,
        denied=(404,),
    ),
    Endpoint(
        "api:respond_to_alert",
        "post",
        lambda w, where: (f"/api/v1/alerts/inbox/{_delivery(w, where, member=True)}/respond", {}),
        inside=ALL,
        outside=NOBODY,
        denied=(404,),
    ),
    Endpoint(
        "api:list_subscriptions",
        "get",
        lambda w, where: ("/api/v1/alerts/subscriptions", {}),
        inside=ALL,
        outside=ALL,
    ),
    Endpoint(
        "api:create_subscription",
        "post",
        lambda w, where: ("/api/v1/alerts/subscriptions", _json(_subscribe_body(w, where))),
        inside=ALL,
        outside=ALL,  # anyone may follow any place
        ok=(201,),
    ),
    Endpoint(
        "api:get_subscription",
        "get",
        lambda w, where: (f"/api/v1/alerts/subscriptions/{_subscription(w, where)}", {}),
        inside=ALL,
        outside=NOBODY,
        denied=(404,),
    ),
    Endpoint(
        "api:update_subscription",
        "put",
        lambda w, where: (
            f"/api/v1/alerts/subscriptions/{_subscription(w, where)}",
            _json(_subscribe_body(w, where)),
        ),
        inside=ALL,
        outside=NOBODY,
        denied=(404,),
    ),
    Endpoint(
        "api:delete_subscription",
        "delete",
        lambda w, where: (f"/api/v1/alerts/subscriptions/{_subscription(w, where)}", {}),
        inside=ALL,
        outside=NOBODY,
        ok=(204,),
        denied=(404,),
    ),
]
PUBLIC_API: dict[str, str] = {"api:subscription_consent": "/api/v1/alerts/subscriptions/consent"}
PUBLIC_API_POST: set[str] = {"api:unsubscribe"}  # the token is the key; tested in test_alerts_web

PAGES: list[Page] = [
    Page("alerts:list", "get", lambda w, where: ("/canh-bao/", {}), inside=VIEWERS, outside=VIEWERS),
    Page(
        "alerts:compose",
        "get",
        lambda w, where: (f"/canh-bao/moi/?commune={_commune(where)}", {}),
        inside=SENDERS,
        outside=SENDERS,  # the page opens on the sender's own communes
    ),
    Page(
        "alerts:compose",
        "post",
        lambda w, where: ("/canh-bao/moi/", _compose(w, where)),
        inside=SENDERS,
        ok=(302,),
    ),
    Page(
        "alerts:estimate",
        "post",
        lambda w, where: ("/canh-bao/moi/uoc-tinh/", {"data": _form(w, where)}),
        inside=SENDERS,
    ),
    Page(
        "alerts:queue",
        "get",
        lambda w, where: ("/canh-bao/cho-duyet/", {}),
        inside=APPROVERS,
        outside=APPROVERS,
    ),
    Page(
        "alerts:detail",
        "get",
        lambda w, where: (f"/canh-bao/{_alert_id(w, where)}/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "alerts:counts",
        "get",
        lambda w, where: (f"/canh-bao/{_alert_id(w, where)}/so-lieu/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "alerts:stream",
        "get",
        lambda w, where: (f"/canh-bao/{_alert_id(w, where)}/truc-tiep/", {}),
        inside=VIEWERS,
        denied=(403, 404),
    ),
    Page(
        "alerts:approve",
        "post",
        lambda w, where: (f"/canh-bao/{_alert_id(w, where, status='pending', wide=True)}/duyet/", {}),
        inside=APPROVERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "alerts:reject",
        "post",
        lambda w, where: (
            f"/canh-bao/{_alert_id(w, where, status='pending', wide=True)}/tu-choi/",
            {"data": {"note": "Chưa xác minh"}},
        ),
        inside=APPROVERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page(
        "alerts:cancel",
        "post",
        lambda w, where: (f"/canh-bao/{_alert_id(w, where, status='scheduled')}/huy/", {}),
        inside=APPROVERS,
        ok=(302,),
        denied=(403, 404),
    ),
    Page("alerts:inbox", "get", lambda w, where: ("/canh-bao/hop-thu/", {}), inside=ALL, outside=ALL),
    Page(
        "alerts:seen",
        "post",
        lambda w, where: ("/canh-bao/hop-thu/da-xem/", {"data": {"ids": [_delivery(w, where)]}}),
        inside=ALL,
        outside=ALL,
        ok=(204,),
    ),
    Page(
        "alerts:acknowledge",
        "post",
        lambda w, where: (f"/canh-bao/hop-thu/{_delivery(w, where)}/da-nhan/", {}),
        inside=ALL,
        outside=NOBODY,
        ok=(302,),
        denied=(404,),
    ),
    Page(
        "alerts:respond",
        "post",
        lambda w, where: (f"/canh-bao/hop-thu/{_delivery(w, where, member=True)}/dang-den/", {}),
        inside=ALL,
        outside=NOBODY,
        ok=(302,),
        denied=(404,),
    ),
    Page("alerts:live", "get", lambda w, where: ("/canh-bao/live/", {}), inside=ALL, outside=ALL),
    Page("alerts:subscriptions", "get", lambda w, where: ("/canh-bao/dang-ky/", {}), inside=ALL, outside=ALL),
    Page(
        "alerts:subscriptions",
        "post",
        lambda w, where: (
            "/canh-bao/dang-ky/",
            {"data": {"areas": [_village(w, where).code], "channels": ["web"], "consent": "1"}},
        ),
        inside=ALL,
        outside=ALL,
        ok=(302,),
    ),
    Page(
        "alerts:push_subscribe",
        "post",
        lambda w, where: ("/canh-bao/dang-ky/thong-bao-day/", _push_body(w, where)),
        inside=ALL,
        outside=ALL,  # anyone may follow any place, on their own device
        ok=(201,),
    ),
    Page(
        "alerts:subscription_edit",
        "get",
        lambda w, where: (f"/canh-bao/dang-ky/{_subscription(w, where)}/", {}),
        inside=ALL,
        outside=NOBODY,
        denied=(404,),
    ),
]
# No login: the one-click unsubscribe link in every message, the public sign-up (email / SMS), the Web
# Push service worker, and the public feeds (tests/test_alerts_*).
PUBLIC_PAGES: set[str] = {
    "alerts:unsubscribe",
    "alerts:public_subscribe",
    "alerts:service_worker",
    "alert_feeds:cap_feed",
    "alert_feeds:atom",
    "alert_feeds:cap_alert",
    "alert_feeds:public",
}
