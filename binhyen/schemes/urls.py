"""Web pages for movement schemes (mô hình), included at /mo-hinh/."""

from django.urls import path

from binhyen.schemes import views

app_name = "schemes"

urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("moi/", views.scheme_create, name="create"),
    path("xuat.xlsx", views.scheme_export, name="export"),
    path("nhap/", views.scheme_import, name="import"),
    path("nhap/mau.csv", views.import_template, name="import_template"),
    path("loai/", views.types, name="types"),
    path("loai/<slug:code>/sua/", views.type_edit, name="type_edit"),
    path("<int:pk>/", views.scheme_detail, name="detail"),
    path("<int:pk>/sua/", views.scheme_edit, name="edit"),
    path("<int:pk>/trang-thai/", views.scheme_status, name="status"),
    path("<int:pk>/noi-thuc-hien/", views.site_add, name="site_add"),
    path("<int:pk>/noi-thuc-hien/<int:site_id>/thoi/", views.site_remove, name="site_remove"),
    path("<int:pk>/ra-soat/", views.review_add, name="review_add"),
    path("<int:pk>/nhan-rong/", views.scheme_replicate, name="replicate"),
]
