"""Camera panels for other apps' pages: "cameras near here" (tips, incidents) and an incident's footage
requests. They render nothing for users who may not see cameras, and never an owner's contact.

    {% load cameras %}{% cameras_near_panel tip.latitude tip.longitude %}
    {% load cameras %}{% cameras_near_panel incident.latitude incident.longitude incident.pk %}
    {% load cameras %}{% incident_footage_requests incident %}
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.cameras import domain, forms
from binhyen.cameras.models import RequestStatus

register = template.Library()
_DUE_SOON = datetime.timedelta(days=2)


def _user(context: Any) -> Any:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("cameras/_near_panel.html", takes_context=True)
def cameras_near_panel(context: Any, lat: Any, lon: Any, incident_id: Any = None) -> dict[str, Any]:
    """An htmx-loaded list and map of the cameras within 300 m of the point."""
    user = _user(context)
    lat_f, lon_f = _number(lat), _number(lon)
    show = lat_f is not None and lon_f is not None and has_perm(user, Perm.VIEW_CAMERAS)
    if not show:
        return {"show": False}
    query: dict[str, Any] = {"lat": f"{lat_f:.6f}", "lon": f"{lon_f:.6f}", "radius_m": forms.DEFAULT_RADIUS}
    if incident_id:
        query["incident"] = incident_id
    can_request = bool(incident_id) and has_perm(user, Perm.REQUEST_FOOTAGE)
    request_url = reverse("cameras:request_create") + "?" + urlencode({"incident": incident_id})
    return {
        "show": True,
        "lat": query["lat"],
        "lon": query["lon"],
        "incident_id": incident_id,
        "near_url": reverse("cameras:near") + "?" + urlencode(query),
        "can_request": can_request,
        "request_url": request_url if can_request else "",
    }


@register.inclusion_tag("cameras/_incident_requests.html", takes_context=True)
def incident_footage_requests(context: Any, incident: Any) -> dict[str, Any]:
    """Every footage request made for an incident, with the owners' answers."""
    user = _user(context)
    if incident is None or not has_perm(user, Perm.VIEW_CAMERAS):
        return {"show": False}
    now = timezone.now()
    items = domain.visible_requests(user).filter(incident_id=incident.pk).order_by("requested_at", "id")
    rows = [
        {
            "r": r,
            "overdue": r.status == RequestStatus.PENDING and r.due_at < now,
            "due_soon": r.status == RequestStatus.PENDING and now <= r.due_at < now + _DUE_SOON,
        }
        for r in items
    ]
    can_request = has_perm(user, Perm.REQUEST_FOOTAGE)
    return {
        "show": True,
        "incident": incident,
        "rows": rows,
        "can_request": can_request,
        "request_url": reverse("cameras:request_create") + "?" + urlencode({"incident": incident.pk}),
    }


@register.filter
def direction_label(value: Any) -> str:
    """{{ camera.direction_deg|direction_label }} → "North-east (45°)"."""
    return forms.direction_label(None if value is None or value == "" else int(value))
