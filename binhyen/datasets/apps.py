from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "binhyen.datasets"
    label = "datasets"
    verbose_name = _("Datasets")

    def ready(self) -> None:
        from binhyen.datasets import nav  # noqa: F401  (registers the menu entry)
