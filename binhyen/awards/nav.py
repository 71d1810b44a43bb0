"""Menu entry for awards."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register("awards", _("Awards"), "awards:list", perm=Perm.VIEW_MOVEMENT, order=49, active_for=("awards:",))
