"""Coverage, exports and imports of the camera registry."""

app_name = "camera_coverage"
urlpatterns: list = []
