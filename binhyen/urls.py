from django.contrib import admin
from django.urls import include, path

from binhyen.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("binhyen.web.urls")),
]

handler404 = "binhyen.web.views.not_found"
handler500 = "binhyen.web.views.server_error"
