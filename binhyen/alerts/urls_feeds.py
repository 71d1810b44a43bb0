"""Public alert feeds (included at /alerts/): no login."""

from django.urls import path, re_path

from binhyen.alerts import feeds

app_name = "alert_feeds"

urlpatterns = [
    path("cap.xml", feeds.cap_feed, name="cap_feed"),
    path("atom.xml", feeds.atom_feed, name="atom"),
    re_path(r"^(?P<identifier>[0-9A-Za-z_-]{4,32})\.xml$", feeds.cap_alert, name="cap_alert"),
    re_path(r"^(?P<identifier>[0-9A-Za-z_-]{4,32})/$", feeds.public_page, name="public"),
]
