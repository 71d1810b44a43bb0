"""Web pages for the camera registry."""

app_name = "cameras"
urlpatterns: list = []
