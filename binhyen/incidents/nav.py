"""Menu entries for incidents."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register(
    "incidents",
    _("Incidents"),
    "incidents:list",
    perm=Perm.VIEW_INCIDENTS,
    order=35,
    active_for=("incidents:",),
)
