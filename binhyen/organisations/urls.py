"""Web pages for organisations, members and mediation."""

from django.urls import path

from binhyen.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("export.xlsx", views.organisation_export, name="export"),
    path("new/", views.organisation_create, name="create"),
    path("import/", views.organisation_import, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/mediation/", views.mediation_add, name="mediation_add"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("people/<int:pk>/phone/", views.person_phone, name="person_phone"),
    path("types/", views.type_list, name="types"),
    path("types/<slug:code>/edit/", views.type_edit, name="type_edit"),
]
