"""Web pages for organisations, members and mediation."""

app_name = "organisations"
urlpatterns: list = []
