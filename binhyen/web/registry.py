"""What the movement registries' pages (outreach, weapons, awards) share: the area filter's choices, the
communes a user may record in, the village groups of the form, the list's area and period filters, and
the import page's commune check.

Each registry keeps its own rules and its own (Vietnamese) messages; they are passed in already
translated, with `%(area)s` where the area's name goes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from binhyen.accounts.permissions import Perm, scope
from binhyen.areas.models import Area, Level
from binhyen.web.views import area_or_404

MAX_COMMUNE_CHOICES = 400
MAX_VILLAGE_GROUPS = 30


class PeriodFilters(Protocol):
    area: Area | None
    start: datetime.date | None
    end: datetime.date | None


class DomainError(Protocol):
    message: str


def area_choices(user: Any) -> list[tuple[str, str]]:
    """The areas the user may view, each followed by its communes (or villages), for the area filter."""
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if not roots:
        return []
    choices: list[tuple[str, str]] = []
    for root in roots:
        choices.append((root.code, root.name))
        children = Area.objects.filter(parent=root).order_by("path")
        if root.level == Level.PROVINCE:
            children = children.filter(level=Level.COMMUNE)
        choices += [(a.code, f"— {a.name}") for a in children[:MAX_COMMUNE_CHOICES]]
    return choices


def communes_in_scope(user: Any, perm: Perm) -> list[Area] | None:
    """Communes where the user holds `perm`; None: anywhere (the form asks for a code)."""
    roots = scope(user, perm)
    if roots is None:
        return None
    found: dict[int, Area] = {}
    for root in roots:
        if root.level == Level.COMMUNE:
            found[root.pk] = root
        elif root.level == Level.PROVINCE:
            for a in Area.objects.filter(parent=root, level=Level.COMMUNE)[:MAX_COMMUNE_CHOICES]:
                found[a.pk] = a
    return sorted(found.values(), key=lambda a: a.path)


def village_groups(communes: list[Area] | None, selected: str) -> list[tuple[Area, list[Area]]]:
    """The villages of each commune for the form; only the selected commune's when there are too many."""
    if communes is None or len(communes) > MAX_VILLAGE_GROUPS:
        chosen = Area.objects.filter(code=selected.strip(), level=Level.COMMUNE).first() if selected else None
        communes = [chosen] if chosen else []
    return [(c, list(c.children.all())) for c in communes]


def filter_values(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: (request.GET.get(k) or "").strip()[:100] for k in keys}


def area_and_period(
    request: HttpRequest,
    values: dict[str, str],
    f: PeriodFilters,
    *,
    can_view: Callable[[Any, Area], bool],
    denied: str,
    parse_date: Callable[[str, str], datetime.date | None],
    error: type[Exception],
) -> dict[str, str]:
    """Set f.area, f.start and f.end from values["area"], ["from"], ["to"]; returns the date errors.

    An area the user may not view is refused (`denied`, with %(area)s); a bad date is a message, never a 500.
    """
    errors: dict[str, str] = {}
    if values["area"]:
        area = area_or_404(values["area"])
        if not can_view(request.user, area):
            raise PermissionDenied(denied % {"area": area.name})
        f.area = area
    for key, attr in (("from", "start"), ("to", "end")):
        if values[key]:
            try:
                setattr(f, attr, parse_date(values[key], key))
            except error as e:
                errors[key] = getattr(e, "message", str(e))
    if f.start and f.end and f.start > f.end:
        errors["to"] = _("The end date must not be before the start date.")
        f.end = None
    return errors


def import_commune(
    user: Any, area: Area | None, communes: list[Area] | None, can_manage: Callable[..., bool]
) -> Area | None:
    """The commune the list's import link points at: the filtered commune, or the user's only one."""
    commune = area if area is not None and area.level == Level.COMMUNE else None
    if commune is None and communes and len(communes) == 1:
        commune = communes[0]
    return commune if commune and can_manage(user, commune=commune) else None


def initial_commune(
    request: HttpRequest,
    communes: Callable[[], list[Area] | None],
    can_manage: Callable[..., bool],
    denied: str,
) -> str:
    """The commune a new record's form starts with: ?commune=, or the user's only commune, or none."""
    code = (request.GET.get("commune") or "").strip()
    if code:
        commune = area_or_404(code)
        if not can_manage(request.user, commune=commune):
            raise PermissionDenied(denied % {"area": commune.name})
        return commune.code
    found = communes()
    if found and len(found) == 1:
        return found[0].code
    return ""


def commune_for_import(
    request: HttpRequest, commune_code: str, *, can_manage: Callable[..., bool], wrong_level: str, denied: str
) -> Area:
    """The commune of an import page: 404 if the code is not a commune, 403 if the user may not import."""
    commune = area_or_404(commune_code)
    if commune.level != Level.COMMUNE:
        raise Http404(wrong_level)
    if not can_manage(request.user, commune=commune):
        raise PermissionDenied(denied % {"area": commune.name})
    return commune
