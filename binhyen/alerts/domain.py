"""Alerts: compose, approve, send, follow, answer; subscriptions. Views and the API call only this.

Errors are `AlertError` with a message for the person, the field it concerns and an HTTP status.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.alerts import audience, outbox
from binhyen.alerts.channels import TRANSPORTS, http
from binhyen.alerts.channels.push import vapid_public_key
from binhyen.alerts.models import (
    Alert,
    AlertArea,
    AlertStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Severity,
    Subscription,
    SubscriptionArea,
)
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.core import crypto
from binhyen.core.text import nfc

WIDE_RADIUS_M = 2000
MAX_RADIUS_M = 20_000
CONSENT_TEXT = (
    "Tôi đồng ý nhận cảnh báo an ninh của Bình Yên cho các địa bàn và qua các kênh đã chọn, và biết có thể "
    "huỷ bất cứ lúc nào bằng đường dẫn trong mỗi tin."
)

__all__ = ["CONSENT_TEXT", "vapid_public_key"]


class AlertError(ValueError):
    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def _forbidden(message: str = "Bạn không có quyền với cảnh báo này.", field: str = "") -> AlertError:
    return AlertError(message, field, 403)


def _not_found(message: str = "Không tìm thấy cảnh báo.") -> AlertError:
    return AlertError(message, "", 404)


@dataclass
class AlertInput:
    kind: str
    severity: str
    headline: str
    text: str
    expires_at: datetime.datetime
    area_codes: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int | None = None
    urgent: bool = False
    instruction: str = ""
    to_members: bool = False
    organisation_ids: list[int] = field(default_factory=list)
    to_subscribers: bool = True
    to_camera_owners: bool = False
    public: bool = True
    send_at: datetime.datetime | None = None


@dataclass
class _Clean:
    values: dict[str, Any]
    areas: list[Area]
    spec: audience.Spec


def _clean(user: Any, data: AlertInput, now: datetime.datetime) -> _Clean:
    if not has_perm(user, Perm.SEND_ALERTS):
        raise _forbidden("Bạn không có quyền gửi cảnh báo.")
    if data.kind not in Kind.values:
        raise AlertError("Hãy chọn loại cảnh báo.", "kind")
    if data.severity not in Severity.values:
        raise AlertError("Hãy chọn mức độ nghiêm trọng.", "severity")
    headline, text, instruction = nfc(data.headline or ""), nfc(data.text or ""), nfc(data.instruction or "")
    if not headline:
        raise AlertError("Hãy nhập tiêu đề cảnh báo.", "headline")
    if len(headline) > 160:
        raise AlertError("Tiêu đề dài tối đa 160 ký tự.", "headline")
    if not text:
        raise AlertError("Hãy nhập nội dung cảnh báo.", "text")
    if len(text) > 2000:
        raise AlertError("Nội dung dài tối đa 2.000 ký tự.", "text")
    codes = [nfc(str(c)) for c in data.area_codes if str(c).strip()]
    if not codes:
        raise AlertError("Hãy chọn ít nhất một thôn, tổ dân phố hoặc xã.", "area_codes")
    areas = list(Area.objects.filter(code__in=codes).select_related("parent"))
    missing = sorted(set(codes) - {a.code for a in areas})
    if missing:
        raise AlertError(f"Không có địa bàn mã «{', '.join(missing)}».", "area_codes")
    for area in areas:
        if not has_perm(user, Perm.SEND_ALERTS, area):
            raise _forbidden(f"«{area.name}» nằm ngoài địa bàn bạn được gửi cảnh báo.", "area_codes")
    # Keep only the widest areas (a village under a chosen commune adds nothing).
    areas = [a for a in areas if not any(b is not a and b.contains(a) and b.path != a.path for b in areas)]
    lat, lon, radius = data.latitude, data.longitude, data.radius_m
    if radius is not None:
        if lat is None or lon is None:
            raise AlertError("Bán kính cần một điểm (vĩ độ, kinh độ).", "radius_m")
        if not 1 <= int(radius) <= MAX_RADIUS_M:
            raise AlertError("Bán kính phải từ 1 đến 20.000 mét.", "radius_m")
    if (lat is None) != (lon is None):
        raise AlertError("Hãy nhập cả vĩ độ và kinh độ.", "latitude")
    if lat is not None and lon is not None:
        from binhyen.cameras import geo

        if not geo.in_vietnam(lat, lon):
            raise AlertError("Điểm nằm ngoài lãnh thổ Việt Nam; hãy kiểm tra vĩ độ, kinh độ.", "latitude")
    send_at = data.send_at
    if send_at is not None and timezone.is_naive(send_at):
        raise AlertError("Giờ gửi cần có múi giờ.", "send_at")
    if send_at is not None and send_at < now - datetime.timedelta(minutes=1):
        raise AlertError("Giờ gửi đã qua; hãy chọn một thời điểm sắp tới hoặc gửi ngay.", "send_at")
    if send_at is not None and send_at <= now:
        send_at = None
    if data.expires_at is None or timezone.is_naive(data.expires_at):
        raise AlertError("Hãy chọn thời điểm hết hạn (có múi giờ).", "expires_at")
    if data.expires_at <= (send_at or now):
        raise AlertError("Thời điểm hết hạn phải sau thời điểm gửi.", "expires_at")
    org_ids = sorted({int(i) for i in data.organisation_ids})
    if not (data.to_members or data.to_subscribers or data.to_camera_owners):
        raise AlertError("Hãy chọn người nhận: thành viên, người đăng ký hoặc chủ camera.", "audience")
    spec = audience.Spec(
        kind=data.kind,
        paths=[a.path for a in areas],
        creator=user,
        latitude=lat,
        longitude=lon,
        radius_m=int(radius) if radius is not None else None,
        to_members=data.to_members,
        organisation_ids=org_ids if data.to_members else [],
        to_subscribers=data.to_subscribers,
        to_camera_owners=data.to_camera_owners,
    )
    if data.to_members and org_ids:
        found = {o.pk for o in audience.organisations(spec)}
        if set(org_ids) - found:
            raise AlertError(
                "Có tổ chức không tồn tại hoặc nằm ngoài địa bàn bạn được xem.", "organisation_ids"
            )
    wide = any(a.level <= Level.COMMUNE for a in areas) or (
        radius is not None and int(radius) > WIDE_RADIUS_M
    )
    values = {
        "kind": data.kind,
        "severity": data.severity,
        "urgent": bool(data.urgent),
        "headline": headline,
        "text": text,
        "instruction": instruction,
        "latitude": lat,
        "longitude": lon,
        "radius_m": spec.radius_m,
        "province_path": areas[0].path[:2],
        "to_members": data.to_members,
        "organisation_ids": spec.organisation_ids,
        "to_subscribers": data.to_subscribers,
        "to_camera_owners": data.to_camera_owners,
        "public": bool(data.public),
        "send_at": send_at,
        "expires_at": data.expires_at,
        "wide": wide,
    }
    return _Clean(values, areas, spec)


def estimate(user: Any, data: AlertInput) -> dict[str, Any]:
    """How many would receive it, per channel, without writing anything."""
    cleaned = _clean(user, data, timezone.now())
    return audience.estimate(cleaned.spec)


def compose(user: Any, data: AlertInput) -> Alert:
    now = timezone.now()
    cleaned = _clean(user, data, now)
    if audience.estimate(cleaned.spec)["total"] == 0:
        raise AlertError(
            "Không có ai nhận cảnh báo này ở địa bàn đã chọn; hãy chọn thêm người nhận.", "audience"
        )
    with transaction.atomic():
        alert = Alert.objects.create(
            created_by=user, created_at=now, status=AlertStatus.DRAFT, **cleaned.values
        )
        AlertArea.objects.bulk_create(
            [AlertArea(alert=alert, area=a, area_path=a.path) for a in cleaned.areas]
        )
        audit.record(
            "alert.compose",
            alert,
            area_path=cleaned.areas[0].path,
            detail={"areas": [a.code for a in cleaned.areas], "wide": alert.wide, "kind": alert.kind},
        )
        _release(alert, now)
    return alert


def _release(alert: Alert, now: datetime.datetime) -> None:
    """After compose (narrow) or approval (wide): wait for the time, or go now."""
    if alert.wide and alert.approved_by_id is None:
        alert.status = AlertStatus.PENDING
    elif alert.send_at is not None and alert.send_at > now:
        alert.status = AlertStatus.SCHEDULED
    else:
        outbox.start_sending(alert)
        return
    alert.save(update_fields=["status"])


def _alert_areas(alert: Alert) -> list[Area]:
    return [aa.area for aa in alert.areas.select_related("area")]


def _require_approver(user: Any, alert: Alert) -> None:
    areas = _alert_areas(alert)
    if not all(has_perm(user, Perm.APPROVE_ALERTS, a) for a in areas):
        raise _forbidden("Bạn không có quyền duyệt cảnh báo ở địa bàn này.")
    if alert.created_by_id == user.pk:
        raise _forbidden("Cảnh báo diện rộng cần một người khác duyệt.")


def approve(user: Any, alert: Alert) -> Alert:
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        _require_approver(user, alert)
        if alert.status != AlertStatus.PENDING:
            raise AlertError("Cảnh báo này không chờ duyệt.", "status", 409)
        now = timezone.now()
        if alert.expires_at <= now:
            raise AlertError("Cảnh báo đã hết hạn trước khi được duyệt.", "expires_at", 409)
        alert.approved_by, alert.approved_at = user, now
        alert.save(update_fields=["approved_by", "approved_at"])
        audit.record("alert.approve", alert, area_path=alert.province_path)
        _release(alert, now)
    return alert


def reject(user: Any, alert: Alert, note: str = "") -> Alert:
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        _require_approver(user, alert)
        if alert.status != AlertStatus.PENDING:
            raise AlertError("Cảnh báo này không chờ duyệt.", "status", 409)
        alert.status, alert.decision_note = AlertStatus.REJECTED, nfc(note or "")[:300]
        alert.approved_by, alert.approved_at = user, timezone.now()
        alert.save(update_fields=["status", "decision_note", "approved_by", "approved_at"])
        audit.record(
            "alert.reject", alert, area_path=alert.province_path, detail={"note": alert.decision_note}
        )
    return alert


def cancel(user: Any, alert: Alert) -> Alert:
    """Before it is sent (pending, scheduled, or still fanning out): nothing more leaves."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        areas = _alert_areas(alert)
        if alert.created_by_id != user.pk and not all(has_perm(user, Perm.APPROVE_ALERTS, a) for a in areas):
            raise _forbidden("Chỉ người soạn hoặc người duyệt mới huỷ được cảnh báo.")
        if alert.status not in (
            AlertStatus.DRAFT,
            AlertStatus.PENDING,
            AlertStatus.SCHEDULED,
            AlertStatus.SENDING,
        ):
            raise AlertError("Cảnh báo đã gửi xong hoặc đã đóng, không huỷ được nữa.", "status", 409)
        alert.status = AlertStatus.CANCELLED
        alert.save(update_fields=["status"])
        stopped = Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.FAILED, last_error="Cảnh báo đã bị huỷ.", address_enc=""
        )
        audit.record("alert.cancel", alert, area_path=alert.province_path, detail={"stopped": stopped})
    return alert


# --- reading ----------------------------------------------------------------------------------------


def visible_alerts(user: Any) -> QuerySet[Alert]:
    qs = Alert.objects.select_related("created_by", "approved_by")
    roots = scope(user, Perm.VIEW_ALERTS)
    if roots is None:
        return qs
    own = Q(created_by_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    if not roots:
        return qs.filter(own)
    inside = AlertArea.objects.filter(audience.overlap_down([r.path for r in roots])).values("alert_id")
    return qs.filter(own | Q(pk__in=inside))


def get_alert(user: Any, pk: int | str) -> Alert:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise _not_found() from None
    alert = visible_alerts(user).filter(pk=number).first()
    if alert is None:
        raise _not_found()
    return alert


def counts(alert: Alert) -> dict[str, Any]:
    return outbox.counts(alert)


def can_approve(user: Any, alert: Alert) -> bool:
    try:
        _require_approver(user, alert)
    except AlertError:
        return False
    return alert.status == AlertStatus.PENDING


def channel_status() -> dict[str, list[str]]:
    """Configuration problems per channel, shown to the sender; a broken channel never blocks others."""
    return {name: t.problems() for name, t in TRANSPORTS.items()}


def public_alerts(province_path: str | None = None) -> QuerySet[Alert]:
    """Sent public alerts for the CAP and Atom feeds: those still in force first, newest first."""
    now = timezone.now()
    qs = Alert.objects.filter(status=AlertStatus.SENT, public=True)
    if province_path:
        qs = qs.filter(province_path=province_path)
    return qs.annotate(
        in_force=Case(When(expires_at__gt=now, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("in_force", "-sent_at", "-id")


# --- a recipient's side -----------------------------------------------------------------------------


def inbox(user: Any, since_id: int = 0, limit: int = 50) -> list[Delivery]:
    """In-app deliveries of this user, newest first (since_id: only newer ones, for live pages)."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = (
        Delivery.objects.filter(
            user=user,
            channel=Channel.WEB,
            status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
            pk__gt=int(since_id or 0),
        )
        .exclude(alert__status=AlertStatus.CANCELLED)
        .select_related("alert")
        .order_by("-pk")
    )
    return list(qs[:limit])


def mark_seen(user: Any, ids: list[int]) -> int:
    if not getattr(user, "is_authenticated", False) or not ids:
        return 0
    return Delivery.objects.filter(
        user=user, channel=Channel.WEB, status=DeliveryStatus.SENT, pk__in=[int(i) for i in ids]
    ).update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())


def _own_delivery(user: Any, delivery_id: int | str) -> Delivery:
    try:
        number = int(delivery_id)
    except (TypeError, ValueError):
        raise _not_found("Không tìm thấy tin cảnh báo.") from None
    if not getattr(user, "is_authenticated", False):
        raise _not_found("Không tìm thấy tin cảnh báo.")
    d = Delivery.objects.filter(pk=number, user=user).select_related("alert").first()
    if d is None:
        raise _not_found("Không tìm thấy tin cảnh báo.")
    return d


def acknowledge(user: Any, delivery_id: int | str) -> Delivery:
    """ "Đã nhận": idempotent (the first time counts)."""
    d = _own_delivery(user, delivery_id)
    now = timezone.now()
    Delivery.objects.filter(pk=d.pk, acknowledged_at__isnull=True).update(acknowledged_at=now)
    if d.channel == Channel.WEB:
        Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now
        )
    d.refresh_from_db()
    return d


def respond(user: Any, delivery_id: int | str) -> Delivery:
    """ "Đang đến": members only; also acknowledges."""
    d = _own_delivery(user, delivery_id)
    if not d.member:
        raise _forbidden("Chỉ thành viên tổ chức được gọi mới báo «đang đến».")
    acknowledge(user, d.pk)
    Delivery.objects.filter(pk=d.pk, responding_at__isnull=True).update(responding_at=timezone.now())
    d.refresh_from_db()
    return d


# --- subscriptions ----------------------------------------------------------------------------------


@dataclass
class SubscriptionInput:
    area_codes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # empty: every kind
    channels: list[str] = field(default_factory=lambda: [Channel.WEB.value])
    email: str = ""
    phone: str = ""
    zalo: str = ""
    webhook_url: str = ""
    push: dict[str, Any] | str | None = None
    quiet_start: datetime.time | None = None
    quiet_end: datetime.time | None = None
    consent: bool = False
    name: str = ""


def normalise_phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not (digits.startswith("0") and len(digits) == 10 and digits.isdigit()):
        raise AlertError("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).", "phone")
    return digits


def _clean_subscription(user: Any, data: SubscriptionInput) -> dict[str, Any]:
    if not data.consent:
        raise AlertError("Hãy đánh dấu đồng ý nhận cảnh báo; chúng tôi không tự ghi danh ai.", "consent")
    codes = [nfc(str(c)) for c in data.area_codes if str(c).strip()]
    if not codes:
        raise AlertError("Hãy chọn ít nhất một địa bàn.", "area_codes")
    areas = list(Area.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {a.code for a in areas})
    if missing:
        raise AlertError(f"Không có địa bàn mã «{', '.join(missing)}».", "area_codes")
    kinds = sorted({k for k in data.kinds if k})
    if set(kinds) - set(Kind.values):
        raise AlertError("Loại cảnh báo không hợp lệ.", "kinds")
    channels = [c for c in Channel.values if c in set(data.channels)]
    if not channels or set(data.channels) - set(Channel.values):
        raise AlertError("Hãy chọn ít nhất một kênh nhận hợp lệ.", "channels")
    authenticated = getattr(user, "is_authenticated", False)
    if Channel.WEB in channels and not authenticated:
        raise AlertError(
            "Nhận trong ứng dụng cần đăng nhập; hãy chọn thư điện tử, SMS hoặc Zalo.", "channels"
        )
    values: dict[str, Any] = {"email_enc": "", "phone_enc": "", "zalo_enc": "", "webhook_url": "", "push": {}}
    if Channel.EMAIL in channels:
        email = nfc(data.email).lower()
        try:
            validate_email(email)
        except ValidationError:
            raise AlertError("Địa chỉ thư điện tử không hợp lệ.", "email") from None
        values["email_enc"] = crypto.encrypt(email)
    if Channel.SMS in channels:
        values["phone_enc"] = crypto.encrypt(normalise_phone(data.phone))
    if Channel.ZALO in channels:
        zalo = nfc(data.zalo)
        if not zalo or not zalo.isdigit() or len(zalo) > 32:
            raise AlertError("Mã người theo dõi Zalo OA không hợp lệ.", "zalo")
        values["zalo_enc"] = crypto.encrypt(zalo)
    if Channel.WEBHOOK in channels:
        url = nfc(data.webhook_url)
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise AlertError("Địa chỉ webhook không hợp lệ (https://…).", "webhook_url") from None
        if problem := http.literal_problem(url):
            raise AlertError(problem, "webhook_url")
        values["webhook_url"] = url
    if Channel.PUSH in channels:
        push = data.push
        try:
            if isinstance(push, str):
                push = json.loads(push)
            assert isinstance(push, dict)
            endpoint, keys = str(push["endpoint"]), push["keys"]
            URLValidator(schemes=["https", "http"])(endpoint)
            push = {"endpoint": endpoint, "keys": {"p256dh": str(keys["p256dh"]), "auth": str(keys["auth"])}}
            assert not http.literal_problem(endpoint)
        except (AssertionError, ValueError, KeyError, TypeError, ValidationError):
            raise AlertError(
                "Trình duyệt chưa cho phép nhận thông báo (đăng ký Web Push không hợp lệ).", "push"
            ) from None
        values["push"] = push
    if (data.quiet_start is None) != (data.quiet_end is None) or (
        data.quiet_start is not None and data.quiet_start == data.quiet_end
    ):
        raise AlertError("Giờ yên lặng cần giờ bắt đầu và giờ kết thúc khác nhau.", "quiet_start")
    values.update(
        name=nfc(data.name)[:120],
        kinds=",".join(kinds),
        channels=",".join(channels),
        quiet_start=data.quiet_start,
        quiet_end=data.quiet_end,
    )
    return {"values": values, "areas": areas}


def subscribe(user: Any, data: SubscriptionInput) -> Subscription:
    cleaned = _clean_subscription(user, data)
    owner = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        sub = Subscription.objects.create(
            user=owner, consent_at=timezone.now(), consent_text=CONSENT_TEXT, **cleaned["values"]
        )
        SubscriptionArea.objects.bulk_create(
            [SubscriptionArea(subscription=sub, area=a, area_path=a.path) for a in cleaned["areas"]]
        )
        audit.record(
            "alert.subscribe", sub, area_path=cleaned["areas"][0].path, detail={"channels": sub.channels}
        )
    return sub


def update_subscription(user: Any, sub: Subscription, data: SubscriptionInput) -> Subscription:
    if not getattr(user, "is_authenticated", False) or sub.user_id != user.pk or not sub.active:
        raise _not_found("Không tìm thấy đăng ký.")
    cleaned = _clean_subscription(user, data)
    with transaction.atomic():
        for name, value in cleaned["values"].items():
            setattr(sub, name, value)
        sub.consent_at, sub.consent_text = timezone.now(), CONSENT_TEXT
        sub.save()
        sub.areas.all().delete()
        SubscriptionArea.objects.bulk_create(
            [SubscriptionArea(subscription=sub, area=a, area_path=a.path) for a in cleaned["areas"]]
        )
        audit.record("alert.resubscribe", sub, area_path=cleaned["areas"][0].path)
    return sub


def unsubscribe(token: str) -> Subscription | None:
    """One click, no login: the token in every message is enough. Idempotent."""
    sub = Subscription.objects.filter(token=str(token or "")[:40]).first() if token else None
    if sub is None:
        return None
    if sub.active:
        with transaction.atomic():
            Subscription.objects.filter(pk=sub.pk).update(active=False, unsubscribed_at=timezone.now())
            Delivery.objects.filter(subscription=sub, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.FAILED, last_error="Người nhận đã huỷ đăng ký.", address_enc=""
            )
            audit.record("alert.unsubscribe", sub)
        sub.refresh_from_db()
    return sub


def subscriptions_of(user: Any) -> QuerySet[Subscription]:
    if not getattr(user, "is_authenticated", False):
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user=user, active=True)
        .prefetch_related("areas__area")
        .order_by("-created_at")
    )


def subscription_addresses(user: Any, sub: Subscription) -> dict[str, str]:
    """The owner's own addresses, decrypted for their settings page."""
    if not getattr(user, "is_authenticated", False) or sub.user_id != user.pk:
        raise _not_found("Không tìm thấy đăng ký.")
    return {
        "email": crypto.decrypt(sub.email_enc),
        "phone": crypto.decrypt(sub.phone_enc),
        "zalo": crypto.decrypt(sub.zalo_enc),
        "webhook_url": sub.webhook_url,
    }
