from django.urls import path

from binhyen.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
]
