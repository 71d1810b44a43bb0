"""Web pages for movement schemes (mô hình)."""

app_name = "schemes"
urlpatterns: list = []
