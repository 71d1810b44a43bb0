from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "binhyen.tips"
    label = "tips"
    verbose_name = _("Tips")

    def ready(self) -> None:
        import datetime

        from binhyen.core import periodic
        from binhyen.tips import nav, tasks  # noqa: F401  (nav registers menu entries)

        # Officers are warned once when a tip enters its last 5 days; hourly is soon enough.
        periodic.register("tips.warn_deadlines", datetime.timedelta(hours=1), tasks.warn_deadlines_task)
