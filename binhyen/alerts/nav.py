"""Menu entry for alerts (the security gong): senders and viewers see the alert list; everyone else
with an account sees their own alerts (the inbox)."""

from django.utils.translation import gettext_lazy as _

from binhyen.accounts.permissions import Perm
from binhyen.web.context import nav


def _staff(user: object) -> bool:
    from binhyen.alerts.views import can_view

    return can_view(user)


def _resident(user: object) -> bool:
    return not _staff(user)


nav.register("alerts", _("Alerts"), "alerts:list", icon="⚠", order=33, check=_staff, active_for=("alerts:",))
nav.register(
    "alerts_inbox",
    _("My alerts"),
    "alerts:inbox",
    perm=Perm.SUBSCRIBE_ALERTS,
    icon="⚠",
    order=34,
    check=_resident,
    active_for=("alerts:",),
)
