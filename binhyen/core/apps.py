from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "binhyen.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from binhyen.core.signals import normalise_text_fields

        pre_save.connect(normalise_text_fields, dispatch_uid="binhyen-nfc")

        import datetime

        from binhyen.core import periodic, tasks

        periodic.register("core.prune_throttle", datetime.timedelta(hours=1), tasks.prune_throttle)
