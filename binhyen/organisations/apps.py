from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "binhyen.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from binhyen.organisations import nav  # noqa: F401  (registers menu entries)
