"""Menu entry for patrol rosters and logs."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "patrols", _("Patrols"), "patrols:list", perm=Perm.VIEW_MOVEMENT, order=50, active_for=("patrols:",)
)
