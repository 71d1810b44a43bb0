"""REST API for tips and the signed inbound webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from binhyen.audit.models import AuditEvent
from binhyen.tips import domain
from binhyen.tips.models import Category, InboundChannel, Reporter, Tip
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

BODY = {
    "category": "trom-cap",
    "description": "Hai thanh niên đi xe máy giật túi xách của người đi chợ sáng.",
    "commune": DUC_TRONG,
}


def post(client: Any, body: dict[str, Any], **headers: Any) -> Any:
    return client.post("/api/v1/tips", json.dumps(body), content_type="application/json", **headers)


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_anonymous_post_is_201_and_trackable(client: Any) -> None:
    r = post(client, BODY)
    assert r.status_code == 201, r.content
    code = r.json()["tracking_code"]
    tip = Tip.objects.get(tracking_code=code)
    assert tip.channel == "api" and tip.anonymous and tip.entered_by is None
    r = client.get(f"/api/v1/tips/track/{code.lower()}")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "received" and "description" not in body
    assert client.get("/api/v1/tips/track/AAAA-BBBB-CCCC").status_code == 404


def test_idempotency_key_returns_the_first_answer(client: Any) -> None:
    first = post(client, BODY, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, BODY, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert Tip.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "khong-co"}, "category"),
        ({"commune": "99999"}, "commune"),
        ({"commune": "68"}, "commune"),
        ({"description": "ngắn"}, "description"),
        ({"latitude": 123.0, "longitude": 10.0}, "lat"),
        ({"anonymous": True, "reporter": {"phone": "0912345678"}}, "anonymous"),
        ({"anonymous": False, "reporter": {"phone": "12ab"}}, "reporter_phone"),
        ({"channel": "phone"}, "channel"),
    ],
)
def test_bad_input_is_a_problem(client: Any, change: dict[str, Any], field: str) -> None:
    r = post(client, {**BODY, **change})
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["detail"] and (problem.get("field") == field or problem["errors"][0]["field"] == field)
    assert Tip.objects.count() == 0


def test_malformed_json_is_a_problem(client: Any) -> None:
    r = client.post("/api/v1/tips", "{not json", content_type="application/json")
    assert r.status_code in (400, 422) and r["Content-Type"] == "application/problem+json"


def test_flood_is_rate_limited(client: Any, settings: Any) -> None:
    settings.TIP_RATE_LIMIT = 2
    assert post(client, BODY).status_code == 201
    assert post(client, BODY).status_code == 201
    r = post(client, BODY)
    assert r.status_code == 429 and "quá nhiều" in r.json()["detail"]
    assert Tip.objects.count() == 2


def test_staff_entry_records_channel_and_officer(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    token = api_token(officer)
    r = post(
        client,
        {
            **BODY,
            "channel": "phone",
            "anonymous": False,
            "reporter": {"name": "Lê Văn Cường", "phone": "0987654321"},
        },
        **auth(token),
    )
    assert r.status_code == 201, r.content
    tip = Tip.objects.get(pk=r.json()["id"])
    assert tip.channel == "phone" and tip.entered_by == officer
    assert Reporter.objects.filter(tip=tip).exists()
    # Outside the officer's commune: refused.
    r = post(client, {**BODY, "commune": HIEP_THANH, "channel": "phone"}, **auth(token))
    assert r.status_code == 403


def test_staff_list_read_update_and_reporter(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    outsider = make_user("commune_officer", HIEP_THANH)
    token = api_token(officer)
    tip = domain.submit(
        domain.NewTip(
            **BODY, anonymous=False, reporter_name="Phạm Thị Dung", reporter_email="dung@example.vn"
        )
    )
    domain.submit(domain.NewTip(**{**BODY, "commune": HIEP_THANH}))
    r = client.get("/api/v1/tips?q=giat tui xach", **auth(token))
    assert r.status_code == 200 and r.json()["count"] == 1
    item = r.json()["items"][0]
    assert "reporter" not in json.dumps(item).lower().replace("has_reporter", "")
    assert "Dung" not in json.dumps(item)
    assert client.get(f"/api/v1/tips/{tip.pk}", **auth(api_token(outsider))).status_code == 404
    r = client.get(f"/api/v1/tips/{tip.pk}/reporter", **auth(token))
    assert r.status_code == 403  # not claimed yet
    r = client.patch(
        f"/api/v1/tips/{tip.pk}",
        json.dumps(
            {"claim": True, "status": "checking", "valuable": True, "valuable_reason": "Đúng đối tượng"}
        ),
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["status"] == "checking"
        and r.json()["valuable"]
        and r.json()["claimed_by"] == officer.username
    )
    r = client.get(f"/api/v1/tips/{tip.pk}/reporter", **auth(token))
    assert r.status_code == 200 and r.json()["name"] == "Phạm Thị Dung"
    assert AuditEvent.objects.filter(action="read", object_type="tips.reporter").count() == 1
    r = client.patch(
        f"/api/v1/tips/{tip.pk}",
        json.dumps({"status": "forwarded", "reason": "Có dấu hiệu tội phạm"}),
        content_type="application/json",
        **auth(token),
    )
    assert r.json()["status"] == "forwarded" and r.json()["decided_by"] == officer.username
    r = client.patch(
        f"/api/v1/tips/{tip.pk}",
        json.dumps({"status": "unfounded", "reason": "lại lần nữa"}),
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 409
    r = client.post(
        f"/api/v1/tips/{tip.pk}/notes",
        json.dumps({"body": "Đã chuyển hồ sơ cho Công an tỉnh.", "public": True}),
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 201
    track = client.get(f"/api/v1/tips/track/{tip.tracking_code}").json()
    assert any(e["text"] == "Đã chuyển hồ sơ cho Công an tỉnh." for e in track["events"])


def test_reporter_is_emailed_about_the_decision(client: Any, make_user: Any, mailoutbox: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    tip = domain.submit(domain.NewTip(**BODY, anonymous=False, reporter_email="dan@example.vn"))
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            domain.decide(officer, tip, "administrative", "Xử phạt hành chính")
    assert len(mailoutbox) == 1 and tip.tracking_code in mailoutbox[0].body
    assert mailoutbox[0].to == ["dan@example.vn"]
    assert tip.notifications.get().status == "sent"


def _signed(secret: str, body: dict[str, Any], ts: int | None = None) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    stamp = str(ts or int(time.time()))
    sig = hmac.new(secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    return {
        "data": raw,
        "content_type": "application/json",
        "HTTP_X_BINHYEN_TIMESTAMP": stamp,
        "HTTP_X_BINHYEN_SIGNATURE": f"sha256={sig}",
    }


@pytest.fixture
def sms_channel() -> InboundChannel:
    from binhyen.areas.models import Area

    return InboundChannel.objects.create(
        slug="sms-duc-trong",
        name="Tổng đài SMS Đức Trọng",
        kind="sms",
        secret="s3cret-key",
        commune=Area.objects.get(code=DUC_TRONG),
        category=Category.objects.get(code="khac"),
    )


def test_webhook_turns_signed_messages_into_tips(client: Any, sms_channel: InboundChannel) -> None:
    msg = {"message_id": "m-1", "from": "+84912345678", "text": "Có đánh bạc ở quán nước đầu thôn, co bac"}
    r = client.post("/api/v1/webhooks/tips/sms-duc-trong", **_signed("s3cret-key", msg))
    assert r.status_code == 201, r.content
    tip = Tip.objects.get(tracking_code=r.json()["tracking_code"])
    assert tip.channel == "sms" and tip.category.code == "co-bac" and not tip.anonymous
    assert tip.tracking_code in r.json()["reply"]
    # The gateway retries: same tip, 200.
    r = client.post("/api/v1/webhooks/tips/sms-duc-trong", **_signed("s3cret-key", msg))
    assert r.status_code == 200 and Tip.objects.count() == 1
    anon = {
        "message_id": "m-2",
        "from": "+84912345678",
        "text": "An danh: có người bán ma tuý ở bãi đất trống",
    }
    r = client.post("/api/v1/webhooks/tips/sms-duc-trong", **_signed("s3cret-key", anon))
    assert r.status_code == 201
    assert not Reporter.objects.filter(tip__tracking_code=r.json()["tracking_code"]).exists()


def test_webhook_refuses_bad_signatures(client: Any, sms_channel: InboundChannel) -> None:
    msg = {"message_id": "m-9", "from": "+84912345678", "text": "Nội dung thử chữ ký sai"}
    bad = _signed("wrong", msg)
    assert client.post("/api/v1/webhooks/tips/sms-duc-trong", **bad).status_code == 401
    old = _signed("s3cret-key", msg, ts=int(time.time()) - 3600)
    assert client.post("/api/v1/webhooks/tips/sms-duc-trong", **old).status_code == 401
    assert client.post("/api/v1/webhooks/tips/nope", **_signed("s3cret-key", msg)).status_code == 404
    broken = _signed("s3cret-key", {"text": "thiếu message_id"})
    r = client.post("/api/v1/webhooks/tips/sms-duc-trong", **broken)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert Tip.objects.count() == 0


def test_same_key_from_another_anonymous_address_is_not_replayed(client: Any) -> None:
    first = post(client, BODY, HTTP_IDEMPOTENCY_KEY="shared-key", REMOTE_ADDR="10.0.0.1")
    other = post(client, BODY, HTTP_IDEMPOTENCY_KEY="shared-key", REMOTE_ADDR="10.0.0.2")
    assert first.status_code == other.status_code == 201
    assert first.json()["tracking_code"] != other.json()["tracking_code"]


def test_cookieless_client_with_csrf_checks_can_send_a_tip() -> None:
    """A plain API client (no cookies) must not be refused for CSRF: there is no session to protect."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    r = post(strict, BODY)
    assert r.status_code == 201, r.content


def test_refusals_are_not_kept_for_replay(client: Any, settings: Any) -> None:
    settings.TIP_RATE_LIMIT = 1
    assert post(client, BODY).status_code == 201
    limited = post(client, BODY, HTTP_IDEMPOTENCY_KEY="after-limit")
    assert limited.status_code == 429
    settings.TIP_RATE_LIMIT = 100
    # The same key, retried once the client is allowed again, is served, not replayed as 429.
    assert post(client, BODY, HTTP_IDEMPOTENCY_KEY="after-limit").status_code == 201


def test_rate_limit_counts_per_address() -> None:
    from binhyen.core import ratelimit

    assert all(ratelimit.hit("t", "10.1.1.1", 3, 600) for _ in range(3))
    assert not ratelimit.hit("t", "10.1.1.1", 3, 600)
    assert ratelimit.hit("t", "10.1.1.2", 3, 600)
