"""Web pages for outreach sessions (included at /tuyen-truyen/)."""

from django.urls import path

from binhyen.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("moi/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/sua/", views.session_edit, name="edit"),
    path("<int:pk>/xoa/", views.session_delete, name="delete"),
    path("xuat.xlsx", views.export_xlsx, name="export"),
    path("nhap/<str:commune_code>/", views.import_sessions, name="import"),
    path("mau-nhap.csv", views.import_template, name="import_template"),
]
