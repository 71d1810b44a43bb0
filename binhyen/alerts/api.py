"""/api/v1/alerts: compose, approve, cancel and follow alerts; a recipient's inbox and answers;
subscriptions; one-click unsubscribe (no login). Rules live in alerts.domain; its refusals become problem
details (422 with the field, 403, 404, 409)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.alerts import cap, domain
from binhyen.alerts.models import Alert, AlertStatus, Channel, Delivery, Kind, Severity, Subscription
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden

router = Router(tags=["alerts"])


def _problem(e: domain.AlertError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _may_view(user: Any) -> bool:
    return any(has_perm(user, p) for p in (Perm.VIEW_ALERTS, Perm.SEND_ALERTS, Perm.APPROVE_ALERTS))


def _require_subscriber(user: Any) -> None:
    if not has_perm(user, Perm.SUBSCRIBE_ALERTS):
        raise forbidden()


def _alert(request: HttpRequest, alert_id: int) -> Alert:
    try:
        return domain.get_alert(request.user, alert_id)
    except domain.AlertError as e:
        raise _problem(e) from None


# --- schemas ----------------------------------------------------------------------------------------


class AlertCountsOut(Schema):
    total: int
    queued: int
    sending: int
    sent: int
    delivered: int
    failed: int
    acknowledged: int
    responding: int
    by_channel: dict[str, dict[str, int]]


class AlertOut(Schema):
    id: int
    identifier: str
    kind: str
    severity: str
    urgent: bool
    headline: str
    text: str
    instruction: str
    areas: list[str]
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    to_members: bool
    organisation_ids: list[int]
    to_subscribers: bool
    to_camera_owners: bool
    public: bool
    send_at: datetime.datetime | None
    expires_at: datetime.datetime
    status: str
    wide: bool
    created_by: int
    created_at: datetime.datetime
    approved_by: int | None
    approved_at: datetime.datetime | None
    decision_note: str
    sent_at: datetime.datetime | None
    recipients: int
    cap_url: str | None


def alert_out(a: Alert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "identifier": a.identifier,
        "kind": a.kind,
        "severity": a.severity,
        "urgent": a.urgent,
        "headline": a.headline,
        "text": a.text,
        "instruction": a.instruction,
        "areas": [aa.area.code for aa in a.areas.select_related("area")],
        "latitude": a.latitude,
        "longitude": a.longitude,
        "radius_m": a.radius_m,
        "to_members": a.to_members,
        "organisation_ids": list(a.organisation_ids or []),
        "to_subscribers": a.to_subscribers,
        "to_camera_owners": a.to_camera_owners,
        "public": a.public,
        "send_at": a.send_at,
        "expires_at": a.expires_at,
        "status": a.status,
        "wide": a.wide,
        "created_by": a.created_by_id,
        "created_at": a.created_at,
        "approved_by": a.approved_by_id,
        "approved_at": a.approved_at,
        "decision_note": a.decision_note,
        "sent_at": a.sent_at,
        "recipients": a.recipients,
        "cap_url": cap.cap_url(a) if cap.is_published(a) else None,
    }


class AlertList(Schema):
    count: int
    limit: int
    offset: int
    items: list[AlertOut]


class AlertFilters(Schema):
    status: str | None = Field(None, description=", ".join(AlertStatus.values))


class AlertIn(Schema):
    kind: str = Field(..., description=", ".join(Kind.values))
    severity: str = Field(Severity.MODERATE, description=", ".join(Severity.values))
    headline: str
    text: str
    expires_at: datetime.datetime = Field(..., description="hết hiệu lực lúc (có múi giờ)")
    areas: list[str] = Field(default_factory=list, description="mã thôn, tổ dân phố, xã")
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int | None = Field(None, description="bán kính quanh điểm, mét")
    urgent: bool = Field(False, description="khẩn: bỏ qua giờ yên lặng")
    instruction: str = ""
    to_members: bool = False
    organisation_ids: list[int] = Field(default_factory=list)
    to_subscribers: bool = True
    to_camera_owners: bool = False
    public: bool = Field(True, description="đưa vào nguồn tin CAP, Atom công khai")
    send_at: datetime.datetime | None = Field(None, description="gửi lúc; bỏ trống: gửi ngay")


def alert_input(data: AlertIn) -> domain.AlertInput:
    return domain.AlertInput(
        kind=data.kind,
        severity=data.severity,
        headline=data.headline,
        text=data.text,
        expires_at=data.expires_at,
        area_codes=list(data.areas),
        latitude=data.latitude,
        longitude=data.longitude,
        radius_m=data.radius_m,
        urgent=data.urgent,
        instruction=data.instruction,
        to_members=data.to_members,
        organisation_ids=list(data.organisation_ids),
        to_subscribers=data.to_subscribers,
        to_camera_owners=data.to_camera_owners,
        public=data.public,
        send_at=data.send_at,
    )


class AlertEstimateOut(Schema):
    total: int
    by_channel: dict[str, int]
    channel_problems: dict[str, list[str]]


class AlertRejectIn(Schema):
    note: str = ""


class AlertDeliveryOut(Schema):
    id: int
    alert_id: int
    headline: str
    text: str
    instruction: str
    kind: str
    severity: str
    urgent: bool
    expires_at: datetime.datetime
    received_at: datetime.datetime
    member: bool
    seen: bool
    acknowledged_at: datetime.datetime | None
    responding_at: datetime.datetime | None


def delivery_out(d: Delivery) -> dict[str, Any]:
    a = d.alert
    return {
        "id": d.pk,
        "alert_id": a.pk,
        "headline": a.headline,
        "text": a.text,
        "instruction": a.instruction,
        "kind": a.kind,
        "severity": a.severity,
        "urgent": a.urgent,
        "expires_at": a.expires_at,
        "received_at": d.sent_at or d.created_at,
        "member": d.member,
        "seen": d.delivered_at is not None,
        "acknowledged_at": d.acknowledged_at,
        "responding_at": d.responding_at,
    }


class AlertInboxParams(Schema):
    since_id: int = Field(0, ge=0, description="chỉ những tin có id lớn hơn")


class AlertSeenIn(Schema):
    ids: list[int]


class AlertSeenOut(Schema):
    marked: int


class AlertSubscriptionOut(Schema):
    id: int
    name: str
    areas: list[str]
    kinds: list[str]
    channels: list[str]
    quiet_start: datetime.time | None
    quiet_end: datetime.time | None
    consent_at: datetime.datetime
    consent_text: str
    active: bool
    unsubscribe_token: str


def subscription_out(s: Subscription) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "areas": [a.area.code for a in s.areas.all()],
        "kinds": [k for k in s.kinds.split(",") if k],
        "channels": [c for c in s.channels.split(",") if c],
        "quiet_start": s.quiet_start,
        "quiet_end": s.quiet_end,
        "consent_at": s.consent_at,
        "consent_text": s.consent_text,
        "active": s.active,
        "unsubscribe_token": s.token,
    }


class AlertSubscriptionIn(Schema):
    areas: list[str] = Field(..., description="mã thôn, tổ dân phố, xã")
    kinds: list[str] = Field(
        default_factory=list, description="bỏ trống: mọi loại; " + ", ".join(Kind.values)
    )
    channels: list[str] = Field(
        default_factory=lambda: [Channel.WEB.value], description=", ".join(Channel.values)
    )
    email: str = ""
    phone: str = ""
    zalo: str = ""
    webhook_url: str = ""
    push: dict[str, Any] | None = Field(None, description="PushSubscription của trình duyệt (endpoint, keys)")
    quiet_start: datetime.time | None = None
    quiet_end: datetime.time | None = None
    consent: bool = Field(..., description="đồng ý với consent_text (GET /alerts/subscriptions/consent)")
    name: str = ""


def subscription_input(data: AlertSubscriptionIn) -> domain.SubscriptionInput:
    return domain.SubscriptionInput(
        area_codes=list(data.areas),
        kinds=list(data.kinds),
        channels=list(data.channels),
        email=data.email,
        phone=data.phone,
        zalo=data.zalo,
        webhook_url=data.webhook_url,
        push=data.push,
        quiet_start=data.quiet_start,
        quiet_end=data.quiet_end,
        consent=data.consent,
        name=data.name,
    )


class AlertConsentOut(Schema):
    consent_text: str


class AlertUnsubscribeOut(Schema):
    unsubscribed: bool


# --- alerts -----------------------------------------------------------------------------------------


@router.get("", response=AlertList, auth=STAFF_AUTH, summary="Danh sách cảnh báo trong địa bàn")
def list_alerts(
    request: HttpRequest, filters: Query[AlertFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    if not _may_view(request.user):
        raise forbidden()
    qs = domain.visible_alerts(request.user)
    if filters.status:
        if filters.status not in AlertStatus.values:
            raise ApiProblem(
                422, "Trạng thái không hợp lệ.", errors=[{"field": "status", "message": "không hợp lệ"}]
            )
        qs = qs.filter(status=filters.status)
    return page(qs, paging, alert_out)


@router.post("", response={201: AlertOut}, auth=STAFF_AUTH, summary="Soạn và gửi một cảnh báo")
def create_alert(request: HttpRequest, data: AlertIn) -> Status[dict[str, Any]]:
    try:
        alert = domain.compose(request.user, alert_input(data))
    except domain.AlertError as e:
        raise _problem(e) from None
    return Status(201, alert_out(alert))


@router.post("/estimate", response=AlertEstimateOut, auth=STAFF_AUTH, summary="Ước tính số người nhận")
def estimate_alert(request: HttpRequest, data: AlertIn) -> dict[str, Any]:
    try:
        result = domain.estimate(request.user, alert_input(data))
    except domain.AlertError as e:
        raise _problem(e) from None
    return {
        "total": result["total"],
        "by_channel": result["by_channel"],
        "channel_problems": domain.channel_status(),
    }


@router.get("/channels", response=dict[str, list[str]], auth=STAFF_AUTH, summary="Lỗi cấu hình từng kênh")
def channel_problems(request: HttpRequest) -> dict[str, list[str]]:
    if not has_perm(request.user, Perm.SEND_ALERTS):
        raise forbidden()
    return domain.channel_status()


@router.get("/{int:alert_id}", response=AlertOut, auth=STAFF_AUTH, summary="Một cảnh báo")
def get_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    return alert_out(_alert(request, alert_id))


@router.get(
    "/{int:alert_id}/counts", response=AlertCountsOut, auth=STAFF_AUTH, summary="Số tin theo trạng thái"
)
def alert_counts(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    return dict(domain.counts(_alert(request, alert_id)))


@router.post(
    "/{int:alert_id}/approve", response=AlertOut, auth=STAFF_AUTH, summary="Duyệt cảnh báo diện rộng"
)
def approve_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = _alert(request, alert_id)
    try:
        alert = domain.approve(request.user, alert)
    except domain.AlertError as e:
        raise _problem(e) from None
    return alert_out(alert)


@router.post(
    "/{int:alert_id}/reject", response=AlertOut, auth=STAFF_AUTH, summary="Từ chối cảnh báo diện rộng"
)
def reject_alert(request: HttpRequest, alert_id: int, data: AlertRejectIn) -> dict[str, Any]:
    alert = _alert(request, alert_id)
    try:
        alert = domain.reject(request.user, alert, data.note)
    except domain.AlertError as e:
        raise _problem(e) from None
    return alert_out(alert)


@router.post("/{int:alert_id}/cancel", response=AlertOut, auth=STAFF_AUTH, summary="Huỷ cảnh báo")
def cancel_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = _alert(request, alert_id)
    try:
        alert = domain.cancel(request.user, alert)
    except domain.AlertError as e:
        raise _problem(e) from None
    return alert_out(alert)


# --- a recipient's inbox ----------------------------------------------------------------------------


@router.get("/inbox", response=list[AlertDeliveryOut], auth=STAFF_AUTH, summary="Cảnh báo tôi nhận được")
def my_inbox(request: HttpRequest, params: Query[AlertInboxParams]) -> list[dict[str, Any]]:
    _require_subscriber(request.user)
    return [delivery_out(d) for d in domain.inbox(request.user, since_id=params.since_id)]


@router.post("/inbox/seen", response=AlertSeenOut, auth=STAFF_AUTH, summary="Đánh dấu đã xem")
def mark_alerts_seen(request: HttpRequest, data: AlertSeenIn) -> dict[str, Any]:
    _require_subscriber(request.user)
    return {"marked": domain.mark_seen(request.user, data.ids[:500])}


@router.post(
    "/inbox/{int:delivery_id}/acknowledge", response=AlertDeliveryOut, auth=STAFF_AUTH, summary="Đã nhận"
)
def acknowledge_alert(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    _require_subscriber(request.user)
    try:
        return delivery_out(domain.acknowledge(request.user, delivery_id))
    except domain.AlertError as e:
        raise _problem(e) from None


@router.post(
    "/inbox/{int:delivery_id}/respond", response=AlertDeliveryOut, auth=STAFF_AUTH, summary="Đang đến"
)
def respond_to_alert(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    _require_subscriber(request.user)
    try:
        return delivery_out(domain.respond(request.user, delivery_id))
    except domain.AlertError as e:
        raise _problem(e) from None


# --- subscriptions ----------------------------------------------------------------------------------


@router.get("/subscriptions", response=list[AlertSubscriptionOut], auth=STAFF_AUTH, summary="Đăng ký của tôi")
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    _require_subscriber(request.user)
    return [subscription_out(s) for s in domain.subscriptions_of(request.user)]


@router.get("/subscriptions/consent", response=AlertConsentOut, summary="Lời đồng ý khi đăng ký")
def subscription_consent(request: HttpRequest) -> dict[str, Any]:
    return {"consent_text": domain.CONSENT_TEXT}


def _own(request: HttpRequest, subscription_id: int) -> Subscription:
    _require_subscriber(request.user)
    sub = domain.subscriptions_of(request.user).filter(pk=subscription_id).first()
    if sub is None:
        raise ApiProblem(404, "Không tìm thấy đăng ký.")
    return sub


@router.post(
    "/subscriptions", response={201: AlertSubscriptionOut}, auth=STAFF_AUTH, summary="Đăng ký nhận cảnh báo"
)
def create_subscription(request: HttpRequest, data: AlertSubscriptionIn) -> Status[dict[str, Any]]:
    _require_subscriber(request.user)
    try:
        sub = domain.subscribe(request.user, subscription_input(data))
    except domain.AlertError as e:
        raise _problem(e) from None
    return Status(201, subscription_out(sub))


@router.get(
    "/subscriptions/{int:subscription_id}",
    response=AlertSubscriptionOut,
    auth=STAFF_AUTH,
    summary="Một đăng ký",
)
def get_subscription(request: HttpRequest, subscription_id: int) -> dict[str, Any]:
    return subscription_out(_own(request, subscription_id))


@router.put(
    "/subscriptions/{int:subscription_id}",
    response=AlertSubscriptionOut,
    auth=STAFF_AUTH,
    summary="Sửa đăng ký (đồng ý lại)",
)
def update_subscription(
    request: HttpRequest, subscription_id: int, data: AlertSubscriptionIn
) -> dict[str, Any]:
    sub = _own(request, subscription_id)
    try:
        sub = domain.update_subscription(request.user, sub, subscription_input(data))
    except domain.AlertError as e:
        raise _problem(e) from None
    return subscription_out(sub)


@router.delete(
    "/subscriptions/{int:subscription_id}", response={204: None}, auth=STAFF_AUTH, summary="Huỷ đăng ký"
)
def delete_subscription(request: HttpRequest, subscription_id: int) -> Status[None]:
    sub = _own(request, subscription_id)
    domain.unsubscribe(sub.token)
    return Status(204, None)


@router.post(
    "/unsubscribe/{token}",
    response=AlertUnsubscribeOut,
    summary="Huỷ đăng ký bằng mã trong tin (không cần đăng nhập)",
)
def unsubscribe(request: HttpRequest, token: str) -> dict[str, Any]:
    if domain.unsubscribe(token) is None:
        raise ApiProblem(404, "Mã huỷ đăng ký không đúng.")
    return {"unsubscribed": True}
