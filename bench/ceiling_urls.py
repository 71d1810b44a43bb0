"""binhyen.urls plus `bench/ping`: the smallest Django view (no database), the ceiling for tips_intake."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from binhyen.urls import handler403, handler404, handler500
from binhyen.urls import urlpatterns as app_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@csrf_exempt
def ping(request: HttpRequest) -> HttpResponse:
    # The benchmark posts the same JSON body here as to the API; read it, as the API view does.
    request.body  # noqa: B018
    return HttpResponse("ok")


urlpatterns = [path("bench/ping", ping), *app_urlpatterns]
