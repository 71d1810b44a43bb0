from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "binhyen.patrols"
    label = "patrols"
    verbose_name = _("Patrols")

    def ready(self) -> None:
        from binhyen.patrols import nav  # noqa: F401  (registers menu entries)
