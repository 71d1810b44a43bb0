from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "binhyen.web"
    label = "web"
    verbose_name = "Giao diện"
