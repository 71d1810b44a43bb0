"""Web pages for patrol rosters and logs."""

app_name = "patrols"
urlpatterns: list = []
