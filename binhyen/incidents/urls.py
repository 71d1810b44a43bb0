"""Web pages for the incidents register."""

from django.urls import path

from binhyen.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/edit/", views.incident_edit, name="edit"),
    path("<int:pk>/delete/", views.incident_delete, name="delete"),
    path("<int:pk>/cleared/", views.incident_cleared, name="cleared"),
    path("categories/", views.categories, name="categories"),
    path("categories/<slug:code>/edit/", views.category_edit, name="category_edit"),
    path("categories/<slug:code>/deactivate/", views.category_deactivate, name="category_deactivate"),
]
