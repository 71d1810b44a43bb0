"""Web pages for tips: the public form and tracking page, the commune police's queue."""

from django.urls import path  # noqa: F401

app_name = "tips"
urlpatterns: list = []
