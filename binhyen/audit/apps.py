from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "binhyen.audit"
    label = "audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        from binhyen.audit import signals

        signals.connect()
