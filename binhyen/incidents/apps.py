from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "binhyen.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from binhyen.incidents import nav  # noqa: F401  (registers menu entries)
