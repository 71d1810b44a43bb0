"""Coverage, exports and imports of the camera registry (mounted at camera/do-phu/)."""

from django.urls import path

from binhyen.cameras import views_coverage as views

app_name = "camera_coverage"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("xuat.geojson", views.export_geojson, name="export_geojson"),
    path("xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("nhap/mau.csv", views.import_template, name="import_template"),
    path("nhap/<str:commune_code>/", views.import_cameras, name="import"),
]
