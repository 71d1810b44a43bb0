"""Menu entry for weapons collection."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "weapons",
    _("Weapons collection"),
    "weapons:list",
    perm=Perm.VIEW_MOVEMENT,
    order=48,
    active_for=("weapons:",),
)
