import datetime

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "binhyen.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from binhyen.api import tasks
        from binhyen.core import periodic

        hourly = datetime.timedelta(hours=1)
        periodic.register("api.prune_idempotency", hourly, tasks.prune_idempotency_records)
