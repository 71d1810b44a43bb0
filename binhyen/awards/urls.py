"""Web pages for awards."""

app_name = "awards"
urlpatterns: list = []
