from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "binhyen.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from binhyen.outreach import nav  # noqa: F401  (registers menu entries)
