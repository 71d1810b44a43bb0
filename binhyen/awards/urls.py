"""Web pages for award proposals (included at /khen-thuong/)."""

from django.urls import path

from binhyen.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("moi/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/sua/", views.proposal_edit, name="edit"),
    path("<int:pk>/xoa/", views.proposal_delete, name="delete"),
    path("<int:pk>/trinh/", views.proposal_submit, name="submit"),
    path("<int:pk>/duyet/", views.proposal_approve, name="approve"),
    path("<int:pk>/tu-choi/", views.proposal_reject, name="reject"),
    path("<int:pk>/quyet-dinh/", views.proposal_decide, name="decide"),
    path("xuat.xlsx", views.export_xlsx, name="export"),
    path("nhap/<str:commune_code>/", views.import_proposals, name="import"),
    path("mau-nhap.csv", views.import_template, name="import_template"),
]
