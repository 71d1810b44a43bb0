"""Web pages for tips: the public form and tracking page, the commune police's queue."""

from django.urls import path

from binhyen.tips import views

app_name = "tips"

urlpatterns = [
    # Public: no account needed.
    path("bao-tin/", views.report, name="report"),
    path("theo-doi/", views.track_lookup, name="track_lookup"),
    path("theo-doi/<str:code>/", views.track, name="track"),
    # Commune police.
    path("tips/", views.queue, name="queue"),
    path("tips/export.csv", views.export, name="export"),
    path("tips/new/", views.create, name="create"),
    path("tips/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("tips/<int:pk>/", views.detail, name="detail"),
    path("tips/<int:pk>/claim/", views.claim, name="claim"),
    path("tips/<int:pk>/release/", views.release, name="release"),
    path("tips/<int:pk>/check/", views.start_check, name="start_check"),
    path("tips/<int:pk>/decide/", views.decide, name="decide"),
    path("tips/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("tips/<int:pk>/extend/", views.extend, name="extend"),
    path("tips/<int:pk>/valuable/", views.valuable, name="valuable"),
    path("tips/<int:pk>/notes/", views.add_note, name="add_note"),
    path("tips/<int:pk>/attachments/", views.add_attachment, name="add_attachment"),
    path("tips/<int:pk>/reporter/", views.reporter, name="reporter"),
]
