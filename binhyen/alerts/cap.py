"""CAP 1.2 documents and the feeds of public alerts.

Each public alert is one CAP 1.2 `<alert>` at /alerts/<identifier>.xml, valid against the official OASIS
schema (vendored in data/CAP-v1.2.xsd, checked by the tests). CAP has no collection element, so the feed
of a province (/alerts/cap.xml?province=<code>) is an Atom 1.0 index whose entries link to each alert's
CAP document (`rel="alternate" type="application/cap+xml"`), as Google Public Alerts, the WMO alert hub
and the OASIS "CAP feeds" note do: aggregators already read that shape, every document in it validates
on its own, and an Atom reader can follow it too. /alerts/atom.xml is the same list for people (entries
link to the public alert page, with the text as content).

Only the standard library writes XML here; lxml is used by the tests alone.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from binhyen.alerts.models import Alert, AlertStatus, Kind

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MIME = "application/cap+xml"
ATOM_MIME = "application/atom+xml"
GEOCODE_NAME = "VN-ADMIN"  # valueName of the official unit codes (province, commune, village) in <geocode>

# CAP <category> for each kind.
CATEGORY = {
    Kind.SECURITY: "Security",
    Kind.FIRE: "Fire",
    Kind.MISSING: "Rescue",
    Kind.DISASTER: "Env",
    Kind.DRILL: "Safety",
    Kind.OTHER: "Safety",
}
# CAP <event>, in Vietnamese whatever the catalogue holds (the documents are vi-VN).
EVENT = {
    Kind.SECURITY: "Sự cố an ninh, trật tự",
    Kind.FIRE: "Cháy",
    Kind.MISSING: "Người mất tích",
    Kind.DISASTER: "Thiên tai",
    Kind.DRILL: "Diễn tập",
    Kind.OTHER: "Cảnh báo khác",
}
# Statuses whose alerts have gone out (or were called back after going out): the only ones published.
PUBLISHED = (AlertStatus.SENDING, AlertStatus.SENT, AlertStatus.CANCELLED)


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def sender() -> str:
    """The CAP <sender>: stable for this installation, from its host name (CAP: "ideally a domain")."""
    host = urlsplit(_site()).hostname or "localhost"
    return f"binhyen@{host}"


def cap_time(value: datetime.datetime) -> str:
    """CAP's date-time: local (Vietnam, +07:00), whole seconds, never "Z" (the schema's pattern)."""
    local = timezone.localtime(value)
    return local.replace(microsecond=0).isoformat()


def sent_time(alert: Alert) -> datetime.datetime:
    return alert.sent_at or alert.approved_at or alert.send_at or alert.created_at


def cap_url(alert: Alert) -> str:
    return _site() + reverse("alert_feeds:cap_alert", args=[alert.identifier])


def page_url(alert: Alert) -> str:
    return _site() + reverse("alert_feeds:public", args=[alert.identifier])


def is_published(alert: Alert) -> bool:
    return bool(alert.public) and alert.status in PUBLISHED


def kind_label(alert: Alert) -> str:
    return EVENT.get(Kind(alert.kind), "Cảnh báo") if alert.kind in Kind.values else "Cảnh báo"


def area_rows(alert: Alert) -> list[Any]:
    return [a.area for a in alert.areas.select_related("area", "area__parent", "area__parent__parent")]


def _area_name(area: Any) -> str:
    names = [area.name]
    parent = area.parent
    while parent is not None:
        names.append(parent.name)
        parent = parent.parent
    return ", ".join(names)


def area_desc(alert: Alert, areas: list[Any] | None = None) -> str:
    areas = area_rows(alert) if areas is None else areas
    parts = [_area_name(a) for a in areas]
    if alert.latitude is not None and alert.longitude is not None and alert.radius_m:
        parts.append(f"bán kính {alert.radius_m} m quanh điểm {alert.latitude:.5f}, {alert.longitude:.5f}")
    return "; ".join(parts) or "Việt Nam"


def sender_name(alert: Alert, areas: list[Any] | None = None) -> str:
    """The unit that sent it: the commune (or province) of its first area."""
    areas = area_rows(alert) if areas is None else areas
    for area in areas:
        unit = area if area.level <= 2 else area.parent
        if unit is not None:
            return f"Bình Yên · {unit.name}"
    return "Bình Yên"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def alert_element(alert: Alert, *, now: datetime.datetime | None = None) -> ET.Element:
    """The CAP 1.2 <alert> of one alert (msgType Cancel, referring to the original, once cancelled)."""
    areas = area_rows(alert)
    sent = sent_time(alert)
    cancelled = alert.status == AlertStatus.CANCELLED
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", f"{alert.identifier}-cancel" if cancelled else alert.identifier)
    _sub(root, "sender", sender())
    cancelled_at = getattr(alert, "cancelled_at", None) or now or timezone.now()
    _sub(root, "sent", cap_time(cancelled_at if cancelled else sent))
    _sub(root, "status", "Exercise" if alert.kind == Kind.DRILL else "Actual")
    _sub(root, "msgType", "Cancel" if cancelled else "Alert")
    _sub(root, "scope", "Public")
    if cancelled:
        _sub(root, "note", "Cảnh báo đã được huỷ.")
        _sub(root, "references", f"{sender()},{alert.identifier},{cap_time(sent)}")
    info = _sub(root, "info")
    _sub(info, "language", "vi-VN")
    _sub(info, "category", CATEGORY.get(Kind(alert.kind), "Other"))
    _sub(info, "event", kind_label(alert))
    if cancelled:
        _sub(info, "responseType", "AllClear")
    _sub(info, "urgency", "Immediate" if alert.urgent else "Expected")
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", "Unknown" if alert.kind == Kind.DRILL else "Observed")
    _sub(info, "effective", cap_time(alert.send_at or sent))
    _sub(info, "expires", cap_time(alert.expires_at))
    _sub(info, "senderName", sender_name(alert, areas))
    _sub(info, "headline", alert.headline)
    _sub(info, "description", alert.text)
    if alert.instruction:
        _sub(info, "instruction", alert.instruction)
    _sub(info, "web", page_url(alert))
    area = _sub(info, "area")
    _sub(area, "areaDesc", area_desc(alert, areas))
    if alert.latitude is not None and alert.longitude is not None and alert.radius_m:
        # "lat,lon radius" with the radius in kilometres (WGS 84).
        _sub(area, "circle", f"{alert.latitude:.6f},{alert.longitude:.6f} {alert.radius_m / 1000:g}")
    for a in areas:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", GEOCODE_NAME)
        _sub(geocode, "value", a.code)
    return root


def _serialise(root: ET.Element, default_ns: str) -> bytes:
    ET.register_namespace("", default_ns)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def alert_xml(alert: Alert) -> bytes:
    return _serialise(alert_element(alert), CAP_NS)


# --- Atom ---------------------------------------------------------------------------------------------


def _a(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _updated(alert: Alert) -> datetime.datetime:
    return max(t for t in (sent_time(alert), getattr(alert, "cancelled_at", None), alert.approved_at) if t)


def atom_xml(alerts: Iterable[Alert], *, title: str, self_url: str, feed_id: str, cap: bool) -> bytes:
    """An Atom 1.0 feed of alerts. cap=True: the entries link to CAP documents (the CAP index feed)."""
    alerts = list(alerts)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _a(feed, "id", feed_id)
    _a(feed, "title", title)
    _a(feed, "subtitle", "Cảnh báo công khai của phong trào Toàn dân bảo vệ an ninh Tổ quốc")
    newest = max((_updated(a) for a in alerts), default=None)
    _a(feed, "updated", cap_time(newest or timezone.now()))
    author = _a(feed, "author")
    _a(author, "name", "Bình Yên")
    _a(author, "uri", _site() + "/")
    _a(feed, "link", rel="self", href=self_url, type=ATOM_MIME)
    _a(feed, "link", rel="alternate", href=_site() + "/", type="text/html")
    _a(feed, "generator", "Bình Yên")
    for alert in alerts:
        entry = _a(feed, "entry")
        _a(entry, "id", f"{cap_url(alert)}" if cap else page_url(alert))
        cancelled = alert.status == AlertStatus.CANCELLED
        _a(entry, "title", ("[Đã huỷ] " if cancelled else "") + alert.headline)
        _a(entry, "updated", cap_time(_updated(alert)))
        _a(entry, "published", cap_time(sent_time(alert)))
        entry_author = _a(entry, "author")
        _a(entry_author, "name", sender_name(alert))
        _a(entry, "category", term=CATEGORY.get(Kind(alert.kind), "Other"), label=kind_label(alert))
        if cap:
            _a(entry, "link", rel="alternate", href=cap_url(alert), type=CAP_MIME)
            _a(entry, "link", rel="related", href=page_url(alert), type="text/html")
            _a(entry, "summary", alert.text)
        else:
            _a(entry, "link", rel="alternate", href=page_url(alert), type="text/html")
            _a(entry, "link", rel="related", href=cap_url(alert), type=CAP_MIME)
            content = alert.text + (f"\n\n{alert.instruction}" if alert.instruction else "")
            _a(entry, "content", content, type="text")
    return _serialise(feed, ATOM_NS)
