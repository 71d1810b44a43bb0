"""Web pages for the incidents register."""

from django.urls import path  # noqa: F401

app_name = "incidents"
urlpatterns: list = []
