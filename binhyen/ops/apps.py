from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the platform: health and readiness, structured logs, the production server, backups."""

    name = "binhyen.ops"
    label = "ops"
    verbose_name = _("Operations")
