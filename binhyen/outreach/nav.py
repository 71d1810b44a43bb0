"""Menu entry for outreach sessions."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "outreach", _("Outreach"), "outreach:list", perm=Perm.VIEW_MOVEMENT, order=47, active_for=("outreach:",)
)
