from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "binhyen.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from binhyen.assessment import nav  # noqa: F401  (registers menu entries)
