"""Alert pages (included at /canh-bao/)."""

from django.urls import path

from binhyen.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("moi/", views.compose, name="compose"),
    path("moi/uoc-tinh/", views.estimate, name="estimate"),
    path("cho-duyet/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/so-lieu/", views.counts_table, name="counts"),
    path("<int:pk>/truc-tiep/", views.counts_stream, name="stream"),
    path("<int:pk>/duyet/", views.approve, name="approve"),
    path("<int:pk>/tu-choi/", views.reject, name="reject"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("hop-thu/", views.inbox, name="inbox"),
    path("hop-thu/da-xem/", views.seen, name="seen"),
    path("hop-thu/<int:pk>/da-nhan/", views.acknowledge, name="acknowledge"),
    path("hop-thu/<int:pk>/dang-den/", views.respond, name="respond"),
    path("live/", views.live, name="live"),
    path("dang-ky/", views.subscriptions, name="subscriptions"),
    path("dang-ky/<int:pk>/", views.subscription_edit, name="subscription_edit"),
    path("dang-ky/thong-bao-day/", views.push_subscribe, name="push_subscribe"),
    path("dang-ky-nhan/", views.public_subscribe, name="public_subscribe"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("huy/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
