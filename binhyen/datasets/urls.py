"""Data set pages (included at /bieu-mau/)."""

from django.urls import path

from binhyen.datasets import views

app_name = "datasets"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/tien-do/", views.completeness_view, name="completeness"),
    path("<str:code>/<str:area>/<str:period>/", views.form_view, name="form"),
    path("<str:code>/<str:area>/<str:period>/duyet/", views.approve_view, name="approve"),
    path("<str:code>/<str:area>/<str:period>/tra-lai/", views.return_view, name="return"),
]
