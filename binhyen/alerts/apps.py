from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "binhyen.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        import datetime

        from binhyen.alerts import nav, tasks  # noqa: F401  (nav registers the menu entries)
        from binhyen.alerts.channels.base import setting
        from binhyen.core import periodic

        # Scheduled alerts, retries after backoff, leases of dead workers, the end of quiet hours.
        every = datetime.timedelta(seconds=int(setting("ALERTS_TICK_SECONDS", 60)))
        periodic.register("alerts.tick", every, tasks.tick_task)
