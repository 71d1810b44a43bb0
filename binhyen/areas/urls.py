from django.urls import path

from binhyen.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list, name="list"),
    path("import-template.csv", views.import_template, name="import_template"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/villages/", views.village_create, name="village_create"),
    path("<str:code>/import/", views.import_upload, name="import_upload"),
    path("<str:code>/edit/", views.village_edit, name="village_edit"),
    path("<str:code>/row/", views.village_row, name="village_row"),
    path("<str:code>/delete/", views.village_delete, name="village_delete"),
]
