"""Filtering and CSV export, shared by the web page and the API."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from binhyen.audit import domain
from binhyen.audit.models import Action, AuditEvent

COLUMNS = [
    "id",
    "thoi_gian",
    "nguoi_thuc_hien",
    "hanh_dong",
    "doi_tuong",
    "ma_doi_tuong",
    "ip",
    "duong_dan",
    "chi_tiet",
]


def filtered(
    action: str | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=datetime.datetime.combine(since, datetime.time.min, tz))
    if until:
        qs = qs.filter(
            at__lt=datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tz)
        )
    return qs


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(qs: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8 and shows Vietnamese correctly
    yield writer.writerow(COLUMNS)
    for e in qs.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                e.pk,
                timezone.localtime(e.at).isoformat(),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_id,
                e.ip or "",
                e.path,
                json.dumps(e.detail, ensure_ascii=False),
            ]
        )


def csv_response(qs: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    domain.record(Action.EXPORT, object_type_label="audit.auditevent", detail={"rows": qs.count()})
    response = StreamingHttpResponse(_rows(qs), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
    return response
