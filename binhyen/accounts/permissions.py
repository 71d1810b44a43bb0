"""The one permission layer: who may read or change what, and where.

A permission is held through a role granted over an area; it applies to that area and everything under
it. Views and API handlers ask `has_perm` (or `scope` for lists) and never look at roles themselves.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from binhyen.accounts.models import Role

if TYPE_CHECKING:
    from binhyen.areas.models import Area


class Perm(StrEnum):
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_AREA_DETAILS = "areas.view_details"  # population, import history
    MANAGE_VILLAGES = "areas.manage_villages"
    MANAGE_PREDECESSORS = "areas.manage_predecessors"
    VIEW_USERS = "accounts.view"  # reads personal data: audited
    MANAGE_USERS = "accounts.manage"
    VIEW_AUDIT = "audit.view"
    VIEW_TIPS = "tips.view"  # the commune's queue and tip contents (never the reporter)
    HANDLE_TIPS = "tips.handle"  # enter, claim, decide, notes, attachments
    # Reporter identity: commune leaders; the officer handling a tip gets it through tips.domain.
    READ_REPORTERS = "tips.read_reporters"
    MANAGE_TIP_SETTINGS = "tips.manage_settings"  # categories (Open311 services), inbound channels
    VIEW_INCIDENTS = "incidents.view"
    MANAGE_INCIDENTS = "incidents.manage"
    MANAGE_CRIME_TAXONOMY = "incidents.manage_taxonomy"
    REGISTER_CAMERAS = "cameras.register"  # an owner registers their own cameras
    MANAGE_CAMERAS = "cameras.manage"  # enter, edit, import cameras for owners in the area
    CONFIRM_CAMERAS = "cameras.confirm"  # say a camera in the area still works
    VIEW_CAMERAS = "cameras.view"  # individual cameras, their contacts (audited), the map
    VIEW_CAMERA_COVERAGE = "cameras.coverage"  # counts only
    REQUEST_FOOTAGE = "cameras.request_footage"
    # The movement's registries: schemes, organisations and members, mediation, outreach, weapons, awards.
    VIEW_MOVEMENT = "movement.view"
    MANAGE_MOVEMENT = "movement.manage"
    MANAGE_MOVEMENT_TYPES = "movement.manage_types"  # catalogues: scheme and organisation types
    PROPOSE_AWARDS = "awards.propose"
    APPROVE_AWARDS = "awards.approve"  # the commune's approval step
    DECIDE_AWARDS = "awards.decide"  # the decision (number, date) by the competent level
    VIEW_STATS = "stats.view"  # figures, dashboards and reports of the area (counts only)
    MANAGE_REPORTS = "stats.manage_reports"  # issue official reports (number, signer)
    ENTER_DATA = "datasets.enter"  # fill in period data sets for the area
    APPROVE_DATA = "datasets.approve"  # approve data sets submitted by the units below
    MANAGE_DATASETS = "datasets.manage"  # define data sets, elements and validation rules
    SELF_ASSESS = "assessment.self"  # a unit's own assessment (self-scores, evidence)
    REVIEW_ASSESSMENT = "assessment.review"  # the commune's review (reviewer scores)
    APPROVE_ASSESSMENT = "assessment.approve"  # the province's approval
    MANAGE_RUBRICS = "assessment.manage_rubrics"
    SEND_ALERTS = "alerts.send"  # compose and send alerts (the security gong) to the area
    APPROVE_ALERTS = "alerts.approve"  # the second person for alerts to a whole commune or wider
    VIEW_ALERTS = "alerts.view"  # alerts of the area with their delivery counts
    SUBSCRIBE_ALERTS = "alerts.subscribe"  # receive alerts (everyone with an account)
    MANAGE_ALERT_CHANNELS = "alerts.manage_channels"


ALL_ROLES = frozenset(Role)
POLICY: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_DASHBOARD: ALL_ROLES,
    Perm.VIEW_AREA_DETAILS: frozenset(
        {Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.MANAGE_VILLAGES: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.MANAGE_PREDECESSORS: frozenset({Role.ADMIN}),
    Perm.VIEW_USERS: frozenset({Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.MANAGE_USERS: frozenset({Role.ADMIN}),
    Perm.VIEW_AUDIT: frozenset({Role.ADMIN}),
    Perm.VIEW_TIPS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.HANDLE_TIPS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    # Not ADMIN: running the system gives no right to know who reported what.
    Perm.READ_REPORTERS: frozenset({Role.COMMUNE_LEADER}),
    Perm.MANAGE_TIP_SETTINGS: frozenset({Role.ADMIN}),
    Perm.VIEW_INCIDENTS: frozenset(
        {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.MANAGE_INCIDENTS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.MANAGE_CRIME_TAXONOMY: frozenset({Role.ADMIN}),
    Perm.REGISTER_CAMERAS: ALL_ROLES,
    Perm.MANAGE_CAMERAS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.CONFIRM_CAMERAS: frozenset(
        {Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}
    ),
    Perm.VIEW_CAMERAS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.VIEW_CAMERA_COVERAGE: frozenset(
        {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.REQUEST_FOOTAGE: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.VIEW_MOVEMENT: frozenset(
        {Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.MANAGE_MOVEMENT: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.MANAGE_MOVEMENT_TYPES: frozenset({Role.ADMIN}),
    Perm.PROPOSE_AWARDS: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.APPROVE_AWARDS: frozenset({Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.DECIDE_AWARDS: frozenset({Role.PROVINCE_ANALYST, Role.ADMIN}),
    Perm.VIEW_STATS: frozenset(
        {Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.MANAGE_REPORTS: frozenset(
        {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.ENTER_DATA: frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.APPROVE_DATA: frozenset({Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}),
    Perm.MANAGE_DATASETS: frozenset({Role.ADMIN}),
    Perm.SELF_ASSESS: frozenset({Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.REVIEW_ASSESSMENT: frozenset({Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.APPROVE_ASSESSMENT: frozenset({Role.PROVINCE_ANALYST, Role.ADMIN}),
    Perm.MANAGE_RUBRICS: frozenset({Role.ADMIN}),
    Perm.SEND_ALERTS: frozenset({Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ADMIN}),
    Perm.APPROVE_ALERTS: frozenset({Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}),
    Perm.VIEW_ALERTS: frozenset(
        {Role.GROUP_LEADER, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.PROVINCE_ANALYST, Role.ADMIN}
    ),
    Perm.SUBSCRIBE_ALERTS: ALL_ROLES,
    Perm.MANAGE_ALERT_CHANNELS: frozenset({Role.ADMIN}),
}


def _grants(user: Any) -> list[Any]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_binhyen_grants", None)
    if cached is None:
        cached = list(user.grants.select_related("area"))
        user._binhyen_grants = cached
    return cached


class _Anywhere:
    pass


ANYWHERE: Any = _Anywhere()


def has_perm(user: Any, perm: Perm, area: Area | None = ANYWHERE) -> bool:
    """May `user` do `perm` in `area`?

    area=None is the whole nation (needs a grant without an area); leaving it out asks "anywhere at
    all", e.g. to decide whether to show a menu entry.
    """
    for grant in _grants(user):
        if grant.role not in POLICY[perm]:
            continue
        if area is ANYWHERE or grant.area is None:
            return True
        if area is not None and grant.area.contains(area):
            return True
    return False


def scope(user: Any, perm: Perm) -> list[Area] | None:
    """Roots of the areas where `user` holds `perm`: None means everywhere, [] means nowhere."""
    roots: list[Area] = []
    for grant in _grants(user):
        if grant.role in POLICY[perm]:
            if grant.area is None:
                return None
            roots.append(grant.area)
    return roots


def roles(user: Any) -> set[str]:
    return {g.role for g in _grants(user)}


def home_area(user: Any) -> Area | None:
    """The area a user's dashboard opens on: their widest grant (None: the nation)."""
    grants = _grants(user)
    if not grants or any(g.area is None for g in grants):
        return None
    return min((g.area for g in grants), key=lambda a: len(a.path))


def is_staff_role(user: Any) -> bool:
    return any(g.role != Role.RESIDENT for g in _grants(user))
