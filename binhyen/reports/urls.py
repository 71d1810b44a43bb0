"""Official reports (included at /thong-ke/bao-cao/)."""

from django.urls import path

from binhyen.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.new, name="new"),
]
