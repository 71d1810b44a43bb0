"""Menu entries for tips."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav

nav.register("tips", _("Tips"), "tips:queue", perm=Perm.VIEW_TIPS, order=30, active_for=("tips:",))
