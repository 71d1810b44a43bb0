"""Web pages for the camera registry (included at /camera/)."""

from django.urls import path

from binhyen.cameras import views

app_name = "cameras"

urlpatterns = [
    # The owners' portal.
    path("", views.mine, name="mine"),
    path("dang-ky/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/lien-he/", views.contact, name="contact"),
    path("<int:pk>/xac-nhan/", views.confirm, name="confirm"),
    path("<int:pk>/go/", views.remove, name="remove"),
    # The commune police.
    path("danh-sach/", views.camera_list, name="list"),
    path("nhap/", views.create_for_owner, name="create_for_owner"),
    path("ban-do/", views.camera_map, name="map"),
    path("ban-do.json", views.map_data, name="map_data"),
    path("gan-day/", views.near, name="near"),
    path("yeu-cau/", views.requests, name="requests"),
    path("yeu-cau/moi/", views.request_create, name="request_create"),
    # Public: the owner's answer, by the link in the request (the token is the credential).
    path("yeu-cau/<str:token>/", views.answer, name="answer"),
]
