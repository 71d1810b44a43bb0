"""Menu entries for cameras: the commune police's registry, and an owner's own cameras."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.web.context import nav


def _owner_only(user: Any) -> bool:
    """Officers reach their own cameras from the registry; the menu shows one camera entry."""
    return not has_perm(user, Perm.VIEW_CAMERAS)


nav.register(
    "cameras", _("Cameras"), "cameras:list", perm=Perm.VIEW_CAMERAS, order=40, active_for=("cameras:",)
)
nav.register(
    "my_cameras",
    _("My cameras"),
    "cameras:mine",
    perm=Perm.REGISTER_CAMERAS,
    order=90,
    check=_owner_only,
    active_for=("cameras:",),
)
