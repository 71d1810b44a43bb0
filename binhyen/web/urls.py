from django.urls import include, path

from binhyen.accounts import urls as accounts_urls
from binhyen.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(accounts_urls.account_patterns)),
    path("users/", include((accounts_urls.user_patterns, "users"))),
    path("areas/", include("binhyen.areas.urls")),
    path("audit/", include("binhyen.audit.urls")),
]
