"""Public feeds of alerts, no login (included at /alerts/): the CAP index feed of a province (Atom whose
entries link to CAP documents, see alerts.cap for why), each alert's CAP 1.2 document, an Atom feed for
people, and a public page per alert (the CAP <web> link)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from binhyen.alerts import cap, domain
from binhyen.alerts.models import Alert
from binhyen.areas.models import Area, Level

FEED_LIMIT = 100


def _province(request: HttpRequest) -> Area | None:
    code = (request.GET.get("province") or "").strip()
    if not code:
        return None
    area = Area.objects.filter(code=code[:16], level=Level.PROVINCE).first()
    if area is None:
        raise Http404("Không có tỉnh, thành phố với mã này.")
    return area


def _published(identifier: str) -> Alert:
    alert = Alert.objects.filter(identifier=identifier).first()
    if alert is None or not cap.is_published(alert):
        raise Http404("Không có cảnh báo công khai với mã này.")
    return alert


def _alerts(province: Area | None) -> list[Alert]:
    rows = domain.public_alerts(province.path if province is not None else None)
    return list(rows[:FEED_LIMIT])


def _xml(body: bytes, content_type: str) -> HttpResponse:
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=60)
def cap_feed(request: HttpRequest) -> HttpResponse:
    province = _province(request)
    title = "Cảnh báo an ninh (CAP)" + (f" · {province.name}" if province else "")
    self_url = cap._site() + request.get_full_path()
    feed_id = cap._site() + request.path + (f"?province={province.code}" if province else "")
    body = cap.atom_xml(_alerts(province), title=title, self_url=self_url, feed_id=feed_id, cap=True)
    return _xml(body, cap.ATOM_MIME)


@require_GET
@cache_control(public=True, max_age=60)
def atom_feed(request: HttpRequest) -> HttpResponse:
    province = _province(request)
    title = "Cảnh báo an ninh" + (f" · {province.name}" if province else "")
    self_url = cap._site() + request.get_full_path()
    feed_id = cap._site() + request.path + (f"?province={province.code}" if province else "")
    body = cap.atom_xml(_alerts(province), title=title, self_url=self_url, feed_id=feed_id, cap=False)
    return _xml(body, cap.ATOM_MIME)


@require_GET
@cache_control(public=True, max_age=60)
def cap_alert(request: HttpRequest, identifier: str) -> HttpResponse:
    return _xml(cap.alert_xml(_published(identifier)), cap.CAP_MIME)


@require_GET
def public_page(request: HttpRequest, identifier: str) -> HttpResponse:
    alert = _published(identifier)
    areas = cap.area_rows(alert)
    return render(
        request,
        "alerts/public.html",
        {
            "alert": alert,
            "area_desc": cap.area_desc(alert, areas),
            "sender_name": cap.sender_name(alert, areas),
            "sent": cap.sent_time(alert),
            "cap_url": cap.cap_url(alert),
        },
    )
