"""Web pages for patrol rosters and logs (included at /tuan-tra/)."""

from django.urls import path

from binhyen.patrols import views

app_name = "patrols"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("to/<int:pk>/", views.team_week, name="team"),
    path("to/<int:pk>/ca-moi/", views.shift_create, name="shift_create"),
    path("to/<int:pk>/nhat-ky-moi/", views.log_create, name="log_create"),
    path("ca/<int:pk>/", views.shift_detail, name="shift"),
    path("ca/<int:pk>/xep/", views.shift_assign, name="assign"),
    path("ca/<int:pk>/doi/", views.shift_swap, name="swap"),
    path("nhat-ky/<int:pk>/", views.log_detail, name="log"),
    path("nhat-ky/<int:pk>/diem-danh/", views.check_in, name="check_in"),
    path("nhat-ky/<int:pk>/phat-hien/", views.finding_add, name="finding"),
    path("phat-hien/<int:pk>/tin-bao/", views.finding_tip, name="finding_tip"),
    path("phat-hien/<int:pk>/vu-viec/", views.finding_incident, name="finding_incident"),
    path("gio/", views.hours, name="hours"),
]
