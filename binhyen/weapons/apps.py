from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeaponsConfig(AppConfig):
    name = "binhyen.weapons"
    label = "weapons"
    verbose_name = _("Weapons collection")

    def ready(self) -> None:
        from binhyen.weapons import nav  # noqa: F401  (registers menu entries)
