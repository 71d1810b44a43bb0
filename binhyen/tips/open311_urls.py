"""Open311 GeoReport v2 at /open311/v2/: every endpoint in .json and .xml (the suffix picks the format)."""

from django.urls import path, re_path

from binhyen.tips import open311

app_name = "open311"
urlpatterns = [
    path("discovery.<str:fmt>", open311.discovery, name="discovery"),
    path("services.<str:fmt>", open311.services, name="services"),
    path("services/<str:service_code>.<str:fmt>", open311.service_definition, name="service_definition"),
    path("requests.<str:fmt>", open311.requests, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", open311.request_detail, name="request"),
    path("tokens/<str:token>.<str:fmt>", open311.token, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.unknown, name="unknown"),
]
