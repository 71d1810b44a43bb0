"""Web pages for weapons collection (included at /vu-khi/)."""

from django.urls import path

from binhyen.weapons import views

app_name = "weapons"

urlpatterns = [
    path("", views.surrender_list, name="list"),
    path("moi/", views.surrender_create, name="create"),
    path("<int:pk>/", views.surrender_detail, name="detail"),
    path("<int:pk>/sua/", views.surrender_edit, name="edit"),
    path("<int:pk>/xoa/", views.surrender_delete, name="delete"),
    path("xuat.xlsx", views.export_xlsx, name="export"),
    path("nhap/<str:commune_code>/", views.import_surrenders, name="import"),
    path("mau-nhap.csv", views.import_template, name="import_template"),
]
