"""Background work for tips: telling reporters the outcome, warning officers before deadlines."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task

from binhyen.audit import domain as audit
from binhyen.core import crypto
from binhyen.tips import domain
from binhyen.tips.models import EventKind, NotificationStatus, Reporter, ReporterNotification, Tip

log = logging.getLogger(__name__)


def _send_sms(phone: str, text: str) -> None:
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL,
        data=json.dumps({"to": phone, "text": text}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310  (configured URL)
        if response.status >= 300:
            raise OSError(f"SMS gateway answered {response.status}")


@task()
def notify_reporter(tip_id: int, text: str) -> None:
    """Send `text` to each contact the reporter left. The address is decrypted here and never stored."""
    tip = Tip.objects.filter(pk=tip_id).first()
    reporter = Reporter.objects.filter(tip_id=tip_id).first()
    if tip is None or reporter is None:
        return
    with audit.acting_as("task: notify reporter"), translation.override("vi"):
        phone = crypto.decrypt(reporter.phone_enc)
        email = crypto.decrypt(reporter.email_enc)
        audit.record_read(
            reporter,
            [f for f, v in (("phone", phone), ("email", email)) if v],
            tip.area_path,
            "notify reporter",
        )
        for medium, address in (("email", email), ("sms", phone)):
            if not address:
                continue
            note = ReporterNotification.objects.create(tip=tip, medium=medium, body=text, attempts=1)
            try:
                if medium == "email":
                    send_mail(f"[Bình Yên] Tin báo {tip.tracking_code}", text, None, [address])
                elif settings.SMS_GATEWAY_URL:
                    _send_sms(address, text)
                else:
                    # No SMS gateway configured: the reporter still sees it on the tracking page.
                    note.status = NotificationStatus.NO_CHANNEL
                    note.save(update_fields=["status"])
                    continue
                note.status = NotificationStatus.SENT
                note.sent_at = timezone.now()
                note.save(update_fields=["status", "sent_at"])
                domain._event(tip, None, EventKind.NOTIFIED, data={"medium": medium})
            except Exception as e:  # the gateway or mail server failed: keep the record, show it to staff
                log.warning("notifying reporter of tip %s by %s failed: %s", tip.pk, medium, e)
                note.status = NotificationStatus.FAILED
                note.error = str(e)[:300]
                note.save(update_fields=["status", "error"])


@task()
def warn_deadlines_task() -> int:
    with audit.acting_as("task: deadline warnings"):
        return domain.warn_deadlines()
