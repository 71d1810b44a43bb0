"""Statistics pages (included at /thong-ke/)."""

from django.urls import path

from binhyen.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
