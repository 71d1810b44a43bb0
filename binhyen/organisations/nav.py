"""Menu entries for organisations of the movement."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "organisations",
    _("Organisations"),
    "organisations:list",
    perm=Perm.VIEW_MOVEMENT,
    order=46,
    active_for=("organisations:",),
)
