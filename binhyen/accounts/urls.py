from django.urls import path

from binhyen.accounts import views

# Mounted at /accounts/ (no namespace: settings.LOGIN_URL is "login").
account_patterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", views.security, name="security"),
]

# Mounted at /users/ under the "users" namespace.
user_patterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:user_id>/", views.user_detail, name="detail"),
]

urlpatterns = account_patterns
