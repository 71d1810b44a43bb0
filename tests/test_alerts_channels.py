"""Channels against real local servers: SMTP (aiosmtpd), and one HTTP server recording what SMS, Zalo,
webhook and Web Push requests it received. A failing channel does not block the others; retries back
off; quiet hours hold non-urgent messages; fan-out twice writes nothing new; a dead worker's lease is
taken over."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone

from binhyen.alerts import domain, outbox
from binhyen.alerts.channels import push
from binhyen.alerts.channels.webhook import sign
from binhyen.alerts.models import Alert, Delivery, DeliveryStatus
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from tests.conftest import DUC_TRONG

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status: dict[str, int] = {}  # path prefix -> forced HTTP status
        self.lock = threading.Lock()


@pytest.fixture
def sink() -> Iterator[tuple[str, Recorder]]:
    rec = Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with rec.lock:
                rec.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = next((s for p, s in rec.status.items() if self.path.startswith(p)), 200)
            answer = (
                b'{"error": 0, "data": {"message_id": "z-1"}}'
                if self.path.startswith("/zalo")
                else b'{"id": "g-1"}'
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def village() -> Area:
    return areas.create_village(
        Area.objects.get(code=DUC_TRONG), areas.VillageInput("Thôn Tân Hiệp", "village")
    )


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def configured(settings: Any, sink: tuple[str, Recorder]) -> tuple[str, Recorder]:
    url, _ = sink
    settings.SMS_GATEWAY_URL = f"{url}/sms"
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    settings.ZALO_OA_ACCESS_TOKEN = "zalo-token"
    settings.ZALO_OA_API_URL = f"{url}/zalo"
    settings.ALERTS_WEBHOOK_SECRET = "hook-secret"
    private, _public = push.generate_vapid_key()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:canhbao@binhyen.local"
    settings.ALERTS_RATE_SMS = 0
    return sink


def compose(officer: Any, village: Area, **kw: Any) -> Alert:
    values: dict[str, Any] = {
        "kind": "fire",
        "severity": "Extreme",
        "headline": "Cháy kho ở thôn Tân Hiệp",
        "text": "Mọi người tránh xa khu vực kho phân bón.",
        "expires_at": timezone.now() + datetime.timedelta(hours=3),
        "area_codes": [village.code],
    }
    values.update(kw)
    return domain.compose(officer, domain.AlertInput(**values))


def sub(village: Area, **kw: Any) -> Any:
    return domain.subscribe(None, domain.SubscriptionInput([village.code], consent=True, **kw))


def run(alert: Alert) -> None:
    outbox.fanout(alert.pk)
    for channel in outbox.SENDING_CHANNELS:
        outbox.drain(channel)


def test_http_channels_reach_the_gateway_signed_and_with_the_idempotency_key(
    configured: tuple[str, Recorder], officer: Any, village: Area
) -> None:
    url, rec = configured
    browser = ec.generate_private_key(ec.SECP256R1())
    auth = push.b64u(b"0123456789abcdef")
    p256dh = push.b64u(push._raw_public(browser.public_key()))
    sub(village, channels=["sms"], phone="0912345678")
    sub(village, channels=["zalo"], zalo="8412345")
    sub(village, channels=["webhook"], webhook_url=f"{url}/hook/1")
    sub(
        village,
        channels=["push"],
        push={"endpoint": f"{url}/push/abc", "keys": {"p256dh": p256dh, "auth": auth}},
    )
    alert = compose(officer, village)
    run(alert)
    assert domain.counts(alert)["sent"] == 4, list(Delivery.objects.values("channel", "status", "last_error"))
    by_path = {r["path"].split("/")[1]: r for r in rec.requests}
    ids = {d.channel: str(d.pk) for d in Delivery.objects.filter(alert=alert)}

    sms = json.loads(by_path["sms"]["body"])
    assert sms["to"] == "0912345678" and sms["id"] == ids["sms"] and "Cháy kho" in sms["text"]
    assert "/canh-bao/huy/" in sms["text"]  # one-click unsubscribe in every message
    assert by_path["sms"]["headers"]["Authorization"] == "Bearer sms-token"

    zalo = json.loads(by_path["zalo"]["body"])
    assert (
        zalo["recipient"] == {"user_id": "8412345"}
        and by_path["zalo"]["headers"]["access_token"] == "zalo-token"
    )

    hook = by_path["hook"]
    ts = hook["headers"]["X-Binhyen-Timestamp"]
    expected = (
        "sha256=" + hmac.new(b"hook-secret", ts.encode() + b"." + hook["body"], hashlib.sha256).hexdigest()
    )
    assert hook["headers"]["X-Binhyen-Signature"] == expected == sign(hook["body"], ts, "hook-secret")
    assert json.loads(hook["body"])["id"] == ids["webhook"] == hook["headers"]["Idempotency-Key"]

    p = by_path["push"]
    assert p["headers"]["Content-Encoding"] == "aes128gcm"
    message = json.loads(push.decrypt(p["body"], browser, auth))  # the browser can read it
    assert message["title"] == "Cháy kho ở thôn Tân Hiệp" and message["id"] == ids["push"]
    # The VAPID JWT verifies with the public key it carries, for the push service's origin.
    vapid = p["headers"]["Authorization"]
    jwt = vapid.split("t=")[1].split(",")[0]
    head, claims, signature = jwt.split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), push.unb64u(vapid.split("k=")[1]))
    raw = push.unb64u(signature)
    key.verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{head}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(push.unb64u(claims))["aud"] == url
    assert not Delivery.objects.exclude(address_enc="").exists()  # addresses are blanked once sent


def test_email_through_a_real_smtp_server(settings: Any, officer: Any, village: Area) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    received: list[Any] = []

    class Handler(MessageHandler):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(message_class=None), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        assert domain.channel_status()["email"] == []
        s = sub(village, channels=["email"], email="an@example.vn")
        alert = compose(officer, village)
        run(alert)
    finally:
        controller.stop()
    assert len(received) == 1
    mail = received[0]
    assert mail["To"] == "an@example.vn"
    assert "".join(str(mail["List-Unsubscribe"]).split()) == f"<{outbox.site_url()}/canh-bao/huy/{s.token}/>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message_from_bytes(mail.as_bytes()).get_payload(decode=True).decode()
    assert "kho phân bón" in body
    assert Delivery.objects.get(alert=alert).status == DeliveryStatus.SENT
    # An unreachable server is reported to the sender.
    settings.EMAIL_PORT = 1
    assert domain.channel_status()["email"]


def test_a_failing_or_broken_channel_does_not_block_the_others_and_retries_back_off(
    configured: tuple[str, Recorder], settings: Any, officer: Any, village: Area
) -> None:
    url, rec = configured
    rec.status["/sms"] = 503
    settings.ZALO_OA_ACCESS_TOKEN = ""  # broken credentials: shown to the sender, rows fail with the reason
    settings.ALERTS_MAX_ATTEMPTS = 3
    assert domain.channel_status()["zalo"] == ["Chưa có mã truy cập Zalo OA (ZALO_OA_ACCESS_TOKEN)."]
    sub(
        village,
        channels=["sms", "webhook", "zalo"],
        phone="0912345678",
        zalo="123",
        webhook_url=f"{url}/hook/1",
    )
    alert = compose(officer, village)
    run(alert)
    rows = {d.channel: d for d in Delivery.objects.filter(alert=alert)}
    assert rows["webhook"].status == DeliveryStatus.SENT
    assert rows["zalo"].status == DeliveryStatus.FAILED and "ZALO_OA_ACCESS_TOKEN" in rows["zalo"].last_error
    sms = rows["sms"]
    assert sms.status == DeliveryStatus.QUEUED and sms.attempts == 1 and "503" in sms.last_error
    first_wait = (sms.next_attempt_at - timezone.now()).total_seconds()
    assert 10 <= first_wait <= 31  # 30 s base, jittered to 50–100 %
    # Second and third attempts (time travels by moving the row's due time), then failed with the reason.
    waits = []
    for _ in range(2):
        Delivery.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
        outbox.drain("sms")
        sms.refresh_from_db()
        waits.append((sms.next_attempt_at - timezone.now()).total_seconds())
    assert sms.status == DeliveryStatus.FAILED and sms.attempts == 3 and "503" in sms.last_error
    assert len([r for r in rec.requests if r["path"] == "/sms"]) == 3
    # A permanent refusal (4xx) fails at once.
    rec.status["/sms"] = 400
    second = compose(officer, village, headline="Diễn tập")
    run(second)
    assert Delivery.objects.get(alert=second, channel="sms").status == DeliveryStatus.FAILED


def test_quiet_hours_hold_non_urgent_messages(
    configured: tuple[str, Recorder], officer: Any, village: Area
) -> None:
    url, rec = configured
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).time().replace(microsecond=0)
    end = (now + datetime.timedelta(hours=1)).time().replace(microsecond=0)
    sub(village, channels=["webhook"], webhook_url=f"{url}/hook/q", quiet_start=start, quiet_end=end)
    calm = compose(officer, village)
    run(calm)
    d = Delivery.objects.get(alert=calm)
    assert d.status == DeliveryStatus.QUEUED
    assert abs((d.next_attempt_at - (now + datetime.timedelta(hours=1))).total_seconds()) < 2
    urgent = compose(officer, village, urgent=True, headline="Khẩn")
    run(urgent)
    assert Delivery.objects.get(alert=urgent).status == DeliveryStatus.SENT
    assert outbox.quiet_until(
        timezone.make_aware(datetime.datetime(2025, 1, 1, 23, 30)), datetime.time(22), datetime.time(6)
    ) == timezone.make_aware(datetime.datetime(2025, 1, 2, 6, 0))
    assert (
        outbox.quiet_until(
            timezone.make_aware(datetime.datetime(2025, 1, 1, 12, 0)), datetime.time(22), datetime.time(6)
        )
        is None
    )


def test_fanout_twice_adds_nothing_and_a_lapsed_lease_is_taken_over(
    configured: tuple[str, Recorder], officer: Any, village: Area, make_user: Any
) -> None:
    url, rec = configured
    for i in range(5):
        sub(village, channels=["webhook"], webhook_url=f"{url}/hook/{i}")
    resident = make_user("resident", DUC_TRONG)
    domain.subscribe(
        resident,
        domain.SubscriptionInput(
            [village.code], channels=["web", "webhook"], webhook_url=f"{url}/hook/0", consent=True
        ),
    )
    alert = compose(officer, village)
    outbox.fanout(alert.pk)
    assert Delivery.objects.filter(alert=alert).count() == 6  # same webhook URL twice: one delivery
    # A second fan-out (a worker died before marking it done) writes no second row.
    Alert.objects.filter(pk=alert.pk).update(status="sending", fanout_done_at=None, fanout_lease_until=None)
    outbox.fanout(alert.pk)
    assert Delivery.objects.filter(alert=alert).count() == 6
    # A worker claims rows and dies: nobody else may take them until the lease runs out.
    taken = outbox.claim("webhook", 3)
    others = outbox.claim("webhook", 10)
    assert len(taken) == 3 and len(others) == 2 and not set(taken) & set(others)
    assert outbox.claim("webhook", 10) == []
    Delivery.objects.filter(pk__in=taken + others).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    outbox.drain("webhook")
    assert Delivery.objects.filter(alert=alert, channel="webhook", status=DeliveryStatus.SENT).count() == 5
    keys = [json.loads(r["body"])["id"] for r in rec.requests]
    assert len(set(keys)) == 5


def test_rate_limit_spreads_sms_over_seconds(
    configured: tuple[str, Recorder], settings: Any, officer: Any, village: Area
) -> None:
    import time

    settings.ALERTS_RATE_SMS = 3
    for i in range(7):
        sub(village, channels=["sms"], phone=f"091234567{i}")
    alert = compose(officer, village)
    outbox.fanout(alert.pk)
    start = time.monotonic()
    outbox.drain("sms")
    assert time.monotonic() - start >= 1.0  # 7 messages at 3/s need at least a third window
    assert domain.counts(alert)["sent"] == 7


def test_subscriber_given_addresses_must_be_public_in_production(
    configured: tuple[str, Recorder], settings: Any, officer: Any, village: Area, monkeypatch: Any
) -> None:
    """A webhook or push endpoint comes from whoever subscribes: in production it may not point into
    the server's own network, neither as written nor after resolving its name."""
    from binhyen.alerts.channels import http

    url, rec = configured
    hook = sub(village, channels=["webhook"], webhook_url=f"{url}/hook/ok")  # allowed at first (tests)
    settings.ALERTS_ALLOW_PRIVATE_DESTINATIONS = False
    for bad in (
        "http://127.0.0.1:6379/",
        "http://10.0.0.5/x",
        "http://[::1]/x",
        "http://169.254.169.254/",
        "http://localhost:8000/x",
        "http://[::ffff:192.168.1.1]/x",
    ):
        with pytest.raises(domain.AlertError) as e:
            sub(village, channels=["webhook"], webhook_url=bad)
        assert e.value.field == "webhook_url" and "nội bộ" in e.value.message
    # A name that resolves to a private address passes the form, and is refused when sending.
    monkeypatch.setattr(
        http.socket, "getaddrinfo", lambda host, port, **kw: [(2, 1, 6, "", ("192.168.1.20", port))]
    )
    named = sub(village, channels=["webhook"], webhook_url="http://hook.example.vn/in")
    alert = compose(officer, village, urgent=True)
    run(alert)
    by_sub = {d.subscription_id: d for d in Delivery.objects.filter(alert=alert)}
    for s in (hook, named):  # the loopback sink written earlier is refused now too
        d = by_sub[s.pk]
        assert d.status == DeliveryStatus.FAILED and "nội bộ" in d.last_error
    assert not [r for r in rec.requests if r["path"].startswith("/hook")]
    # Public addresses go through, to the address that was checked.
    assert http._is_public("203.113.130.1") and not http._is_public("100.64.0.1")


def test_a_checked_name_is_connected_to_at_the_address_that_was_checked(
    sink: tuple[str, Recorder], settings: Any, monkeypatch: Any
) -> None:
    from binhyen.alerts.channels import http

    url, rec = sink
    port = int(url.rsplit(":", 1)[1])
    settings.ALERTS_ALLOW_PRIVATE_DESTINATIONS = False
    looked_up: list[str] = []

    real = http.socket.getaddrinfo

    def resolve(host: str, p: int, *args: Any, **kw: Any) -> list[Any]:
        looked_up.append(host)
        return [(2, 1, 6, "", ("127.0.0.1", p))] if host == "hook.example.vn" else real(host, p, *args, **kw)

    monkeypatch.setattr(http.socket, "getaddrinfo", resolve)
    monkeypatch.setattr(http, "_is_public", lambda ip: ip == "127.0.0.1")  # stand-in for a public host
    http._local.pool = {}
    r = http.post(f"http://hook.example.vn:{port}/hook/pinned", b"{}", {}, public_only=True)
    # The name was looked up once; the connection went to the checked address, not to a second lookup.
    assert r.status == 200 and looked_up == ["hook.example.vn", "127.0.0.1"]
    assert rec.requests[-1]["path"] == "/hook/pinned"
    assert rec.requests[-1]["headers"]["Host"] == f"hook.example.vn:{port}"
    http._local.pool = {}


def test_a_push_subscription_the_service_says_is_gone_is_not_tried_again(
    configured: tuple[str, Recorder], officer: Any, village: Area
) -> None:
    url, rec = configured
    browser = ec.generate_private_key(ec.SECP256R1())
    keys = {
        "p256dh": push.b64u(push._raw_public(browser.public_key())),
        "auth": push.b64u(b"0123456789abcdef"),
    }
    rec.status["/push/gone"] = 410
    both = sub(
        village, channels=["push", "webhook"], webhook_url=f"{url}/hook/2",
        push={"endpoint": f"{url}/push/gone", "keys": keys},
    )  # fmt: skip
    run(compose(officer, village))
    failed = Delivery.objects.get(subscription=both, channel="push")
    assert failed.status == DeliveryStatus.FAILED and "410" in failed.last_error and failed.attempts == 1
    both.refresh_from_db()
    assert both.push == {} and both.channels == "webhook"  # the other channel stays
    pushes = len([r for r in rec.requests if r["path"].startswith("/push")])
    second = compose(officer, village, headline="Lần hai")
    run(second)
    assert list(Delivery.objects.filter(alert=second).values_list("channel", "status")) == [
        ("webhook", "sent")
    ]
    assert len([r for r in rec.requests if r["path"].startswith("/push")]) == pushes
