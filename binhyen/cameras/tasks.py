"""Background work for cameras: telling an owner that the police ask for footage."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from binhyen.audit import domain as audit
from binhyen.cameras.models import FootageRequest

log = logging.getLogger(__name__)


def owner_link(request: FootageRequest) -> str:
    return f"{settings.SITE_URL}/camera/yeu-cau/{request.token}/"


@task()
def notify_owner(request_id: int) -> None:
    """Mail the link to the owner's account address if they have one. The link always appears in the
    owner's portal and on the officer's page (to give by phone); alert channels arrive with issue 7."""
    request = FootageRequest.objects.select_related("camera", "camera__owner").filter(pk=request_id).first()
    if request is None or request.camera is None or request.camera.owner is None:
        return
    email = request.camera.owner.email
    if not email:
        return
    with audit.acting_as("task: notify camera owner"):
        send_mail(
            f"[Bình Yên] Công an đề nghị trích xuất hình ảnh camera «{request.camera.label}»",
            f"Công an xã đề nghị trích xuất hình ảnh camera «{request.camera.label}» từ "
            f"{request.window_start:%H:%M %d/%m/%Y} đến {request.window_end:%H:%M %d/%m/%Y} "
            f"(hồ sơ {request.case_reference}). Trả lời tại: {owner_link(request)}",
            None,
            [email],
            fail_silently=True,
        )
