from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "binhyen.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
