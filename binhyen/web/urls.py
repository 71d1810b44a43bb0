from django.urls import path

from binhyen.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
