"""Menu entry for statistics."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "stats",
    _("Statistics"),
    "stats:dashboard",
    perm=Perm.VIEW_STATS,
    order=15,
    active_for=("stats:", "reports:"),
)
