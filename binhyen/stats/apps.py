from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "binhyen.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        import datetime

        from django.utils.module_loading import autodiscover_modules

        from binhyen.core import periodic
        from binhyen.stats import nav, signals, tasks  # noqa: F401  (nav registers the menu entry)

        # Each app declares what it counts in its own indicators.py.
        autodiscover_modules("indicators")
        signals.connect()
        # Changes also enqueue the job on commit; the minute job is the safety net.
        periodic.register("stats.rollup", datetime.timedelta(minutes=1), tasks.rollup_task)
