"""Web pages for outreach sessions."""

app_name = "outreach"
urlpatterns: list = []
