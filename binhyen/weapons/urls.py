"""Web pages for weapons and explosives collection."""

app_name = "weapons"
urlpatterns: list = []
