from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "binhyen.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from binhyen.awards import nav  # noqa: F401  (registers menu entries)
