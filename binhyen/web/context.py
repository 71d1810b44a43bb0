"""Navigation: a small registry of menu entries, filtered by permission for each request.

Apps add their own entries from `AppConfig.ready()`:

    from binhyen.web.context import nav
    nav.register("tips", _("Tips"), "tips:list", perm=Perm.VIEW_TIPS, order=30)

An entry is shown only when the user is logged in and, if it names a permission, holds that permission
(anywhere by default, or in the given area; area=None means the whole nation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import ANYWHERE, Perm, has_perm


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    perm: Perm | None = None
    area: Any = ANYWHERE
    icon: str = ""
    order: int = 100
    check: Callable[[Any], bool] | None = None  # extra rule, e.g. permissions.is_staff_role
    # URL names (or "namespace:" prefixes) that mark this entry as the current page.
    active_for: tuple[str, ...] = field(default_factory=tuple)

    def allowed(self, user: Any) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.perm is not None and not has_perm(user, self.perm, self.area):
            return False
        return self.check is None or self.check(user)


class NavRegistry:
    def __init__(self) -> None:
        self._entries: dict[str, NavEntry] = {}

    def register(self, key: str, label: Any, url_name: str, *, perm: Perm | None = None, area: Any = ANYWHERE,
                 icon: str = "", order: int = 100, check: Callable[[Any], bool] | None = None,
                 active_for: tuple[str, ...] = ()) -> NavEntry:
        """Add (or replace, by key) a menu entry."""
        entry = NavEntry(key, label, url_name, perm, area, icon, order, check, active_for or (url_name,))
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def entries(self) -> list[NavEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))

    def for_request(self, request: Any) -> list[dict[str, Any]]:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        current = match.view_name if match is not None else ""
        items = []
        for entry in self.entries():
            if not entry.allowed(user):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            active = any(current == name or (name.endswith(":") and current.startswith(name))
                         for name in entry.active_for)
            items.append({"key": entry.key, "label": entry.label, "url": url, "icon": entry.icon,
                          "active": active})
        return items


nav = NavRegistry()


def _is_staff(user: Any) -> bool:
    from binhyen.accounts.permissions import is_staff_role

    return is_staff_role(user)


nav.register("dashboard", _("Dashboard"), "home", perm=Perm.VIEW_DASHBOARD, icon="▦", order=10)
nav.register("areas", _("Areas"), "areas:list", icon="⌂", order=20, active_for=("areas:",))
nav.register("users", _("Users"), "users:list", perm=Perm.VIEW_USERS, icon="☺", order=80,
             active_for=("users:",))
nav.register("audit", _("Audit log"), "audit:list", perm=Perm.VIEW_AUDIT, area=None, icon="☰", order=90)
nav.register("api", _("API docs"), "api:openapi-view", icon="⚙", order=95, check=_is_staff)


def _grant_labels(user: Any) -> list[str]:
    from binhyen.accounts.models import Role

    labels = []
    for grant in user.grants.select_related("area"):
        where = grant.area.name if grant.area else _("Whole country")
        labels.append(f"{Role(grant.role).label} · {where}")
    return labels


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "nav_items": nav.for_request(request),
        "user_grants": _grant_labels(user) if authenticated else [],
    }
