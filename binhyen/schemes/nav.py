"""Menu entry for movement schemes."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "schemes", _("Schemes"), "schemes:list", perm=Perm.VIEW_MOVEMENT, order=45, active_for=("schemes:",)
)
