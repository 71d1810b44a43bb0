"""Demo alerts (the digital security gong) in Xã Đức Trọng, through the alerts domain.

- Subscriptions: the demo resident (nguoidan) follows Tổ dân phố 1 in the app, every kind, quiet from
  22:00 to 05:30 (urgent alerts ignore it); the group leader (totruong.tdp1) follows Tổ dân phố 1 and
  Tổ dân phố 2 in the app for security incidents, fires, missing persons and drills.
- Alerts, dated in the past and long expired except the last:
  1. a security alert (motorbike theft at the market) from the commune police to Tổ dân phố 1, sent;
     both recipients answered "đã nhận";
  2. a fire from the group leader to his residential group, sent; the resident has seen it;
  3. a commune-wide evacuation drill, composed by the police and approved by the commune leader (wide
     alerts need a second person), sent; the group leader answered;
  4. a commune-wide warning about phone scams, waiting for the commune leader's approval (in force for
     three more days, so the demo can approve it and watch it go out).

Deliveries exist when the seed ends: the fan-out runs here (outbox.fanout) rather than waiting for the
worker, which has not started yet when the demo is seeded; the task the domain queued finds the alert
already sent and adds nothing. Idempotent: subscriptions are skipped for users who have one, alerts
whose headline already exists are skipped.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from binhyen.accounts.models import User
from binhyen.alerts import domain, outbox
from binhyen.alerts.models import Alert, AlertStatus, Delivery, Subscription
from binhyen.areas.models import Area
from binhyen.audit import domain as audit

COMMUNE = "24958"  # Xã Đức Trọng
TDP1, TDP2 = "24958-0001", "24958-0002"
OFFICER, LEADER, GROUP_LEADER, RESIDENT = "congan.ductrong", "lanhdao.ductrong", "totruong.tdp1", "nguoidan"


@dataclass(frozen=True)
class DemoAlert:
    author: str
    kind: str
    severity: str
    headline: str
    text: str
    instruction: str
    areas: list[str]
    days_ago: float  # when it went out (the pending one: composed now, still in force)
    hours: int  # how long it was in force
    urgent: bool = False
    approver: str = ""  # wide alerts: who approved; "" and wide: left pending
    acknowledged_by: list[str] = field(default_factory=list)
    seen_by: list[str] = field(default_factory=list)


ALERTS = [
    DemoAlert(
        OFFICER,
        "security",
        "Severe",
        "Trộm xe máy tại cổng chợ Liên Nghĩa",
        "Hai đối tượng đi xe Wave màu đen không biển số vừa lấy trộm một xe máy Air Blade ở cổng chợ "
        "Liên Nghĩa rồi chạy về hướng đường 3 Tháng 4.",
        "Bà con khoá cổ xe, không để xe trước nhà qua đêm; ai thấy xe hoặc đối tượng báo ngay công an xã.",
        [TDP1],
        days_ago=3.2,
        hours=6,
        urgent=True,
        acknowledged_by=[RESIDENT, GROUP_LEADER],
    ),
    DemoAlert(
        GROUP_LEADER,
        "fire",
        "Moderate",
        "Cháy đống rơm sau dãy nhà trọ Tổ dân phố 1",
        "Đống rơm sau dãy nhà trọ cuối hẻm 12 đang cháy, khói nhiều; đội dân phòng đã có mặt.",
        "Tránh xa khu vực, đóng cửa sổ, nhường đường cho xe chữa cháy.",
        [TDP1],
        days_ago=1.4,
        hours=3,
        seen_by=[RESIDENT],
    ),
    DemoAlert(
        OFFICER,
        "drill",
        "Minor",
        "Diễn tập: báo động kẻng an ninh toàn xã",
        "Đây là buổi diễn tập. Lúc 8 giờ sáng Chủ nhật, kẻng an ninh kêu ở tất cả tổ dân phố và thôn; "
        "tổ bảo vệ an ninh trật tự tập trung tại nhà văn hoá.",
        "Không cần làm gì; bấm «Đã nhận» để xã biết tin đã đến.",
        [COMMUNE],
        days_ago=9.0,
        hours=12,
        approver=LEADER,
        acknowledged_by=[GROUP_LEADER],
    ),
    DemoAlert(
        OFFICER,
        "other",
        "Moderate",
        "Cảnh giác cuộc gọi giả danh công an yêu cầu chuyển tiền",
        "Nhiều hộ trong xã nhận cuộc gọi tự xưng công an, đòi chuyển tiền «để phục vụ điều tra» hoặc cài ứng "
        "dụng lạ. Công an không bao giờ làm việc qua điện thoại theo cách này.",
        "Không chuyển tiền, không cài ứng dụng theo hướng dẫn qua điện thoại; báo ngay công an xã.",
        [COMMUNE],
        days_ago=0,
        hours=72,
    ),
]


def _subscribe(users: dict[str, User]) -> int:
    made = 0
    wishes = {
        RESIDENT: domain.SubscriptionInput(
            area_codes=[TDP1],
            channels=["web"],
            quiet_start=datetime.time(22, 0),
            quiet_end=datetime.time(5, 30),
            consent=True,
            name="Hoàng Thị Lan",
        ),
        GROUP_LEADER: domain.SubscriptionInput(
            area_codes=[TDP1, TDP2],
            kinds=["security", "fire", "missing", "drill"],
            channels=["web"],
            consent=True,
            name="Lê Văn Tám",
        ),
    }
    for username, wish in wishes.items():
        user = users[username]
        if Subscription.objects.filter(user=user, active=True).exists():
            continue
        sub = domain.subscribe(user, wish)
        # Signed up when the accounts were made, not today.
        Subscription.objects.filter(pk=sub.pk).update(
            created_at=user.date_joined, consent_at=user.date_joined
        )
        made += 1
    return made


def _backdate(alert: Alert, spec: DemoAlert, now: datetime.datetime) -> None:
    sent = now - datetime.timedelta(days=spec.days_ago)
    composed = sent - datetime.timedelta(minutes=25 if spec.approver else 2)
    Alert.objects.filter(pk=alert.pk).update(
        created_at=composed,
        approved_at=sent if spec.approver else None,
        fanout_started_at=sent,
        fanout_done_at=sent,
        sent_at=sent,
        expires_at=sent + datetime.timedelta(hours=spec.hours),
    )
    Delivery.objects.filter(alert=alert).update(created_at=sent, sent_at=sent, next_attempt_at=sent)


def _answer(alert: Alert, spec: DemoAlert, users: dict[str, User], now: datetime.datetime) -> None:
    sent = now - datetime.timedelta(days=spec.days_ago)
    for minutes, username in enumerate(spec.acknowledged_by, start=3):
        for d in Delivery.objects.filter(alert=alert, user=users[username]):
            domain.acknowledge(users[username], d.pk)
            when = sent + datetime.timedelta(minutes=minutes)
            Delivery.objects.filter(pk=d.pk).update(acknowledged_at=when, delivered_at=when)
    for username in spec.seen_by:
        ids = list(Delivery.objects.filter(alert=alert, user=users[username]).values_list("pk", flat=True))
        domain.mark_seen(users[username], ids)
        Delivery.objects.filter(pk__in=ids).update(delivered_at=sent + datetime.timedelta(minutes=1))


def _alert(spec: DemoAlert, users: dict[str, User], now: datetime.datetime) -> bool:
    if Alert.objects.filter(headline=spec.headline).exists():
        return False
    expires = now + datetime.timedelta(hours=spec.hours)
    alert = domain.compose(
        users[spec.author],
        domain.AlertInput(
            kind=spec.kind,
            severity=spec.severity,
            headline=spec.headline,
            text=spec.text,
            instruction=spec.instruction,
            expires_at=expires,
            area_codes=list(spec.areas),
            urgent=spec.urgent,
        ),
    )
    if spec.approver:
        alert = domain.approve(users[spec.approver], alert)
    if alert.status == AlertStatus.PENDING:
        return True  # waits for the commune leader
    outbox.fanout(alert.pk)  # no-op if the queued task (immediate backend) already ran it
    _backdate(alert, spec, now)
    _answer(alert, spec, users, now)
    return True


def seed_alerts(progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> int:
    """Create the demo subscriptions and alerts; returns how many alerts were created (0 when the demo
    accounts or Tổ dân phố 1–2 are missing, or everything exists already)."""
    names = [OFFICER, LEADER, GROUP_LEADER, RESIDENT]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names) or Area.objects.filter(code__in=[TDP1, TDP2]).count() < 2:
        return 0
    now = timezone.now()
    made = 0
    with audit.acting_as("system: demo seed"):
        _subscribe(users)
        specs: Iterable[DemoAlert] = progress(ALERTS) if progress else ALERTS
        for spec in specs:
            made += _alert(spec, users, now)
    return made
