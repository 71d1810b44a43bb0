from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from binhyen.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # One login page for everyone: it has the lockout message and the two-factor step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("binhyen.tips.open311_urls")),
    path("", include("binhyen.tips.urls")),
    path("incidents/", include("binhyen.incidents.urls")),
    path("camera/do-phu/", include("binhyen.cameras.urls_coverage")),
    path("camera/", include("binhyen.cameras.urls")),
    path("mo-hinh/", include("binhyen.schemes.urls")),
    path("to-chuc/", include("binhyen.organisations.urls")),
    path("tuyen-truyen/", include("binhyen.outreach.urls")),
    path("vu-khi/", include("binhyen.weapons.urls")),
    path("khen-thuong/", include("binhyen.awards.urls")),
    path("tuan-tra/", include("binhyen.patrols.urls")),
    path("thong-ke/bao-cao/", include("binhyen.reports.urls")),
    path("thong-ke/", include("binhyen.stats.urls")),
    path("bieu-mau/", include("binhyen.datasets.urls")),
    path("danh-gia/", include("binhyen.assessment.urls")),
    path("canh-bao/", include("binhyen.alerts.urls")),
    path("alerts/", include("binhyen.alerts.urls_feeds")),
    path("", include("binhyen.ops.urls")),
    path("", include("binhyen.web.urls")),
]

handler403 = "binhyen.web.views.permission_denied"
handler404 = "binhyen.web.views.not_found"
handler500 = "binhyen.web.views.server_error"
