from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "binhyen.cameras"
    label = "cameras"
    verbose_name = _("Security cameras")

    def ready(self) -> None:
        from binhyen.cameras import nav  # noqa: F401  (registers menu entries)
