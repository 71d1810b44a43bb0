from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "binhyen.tips"
    label = "tips"
    verbose_name = _("Tips")

    def ready(self) -> None:
        from binhyen.tips import nav  # noqa: F401  (registers menu entries)
