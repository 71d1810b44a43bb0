"""Menu entry for period data sets."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "datasets", _("Data sets"), "datasets:index", perm=Perm.VIEW_STATS, order=62, active_for=("datasets:",)
)
