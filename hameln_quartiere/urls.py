"""URL configuration of Hameln Quartiere: the public pages, login and logout, the staff portal, the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from hameln_quartiere import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/", views.PortalStartView.as_view(), name="portal"),
    path("admin/", admin.site.urls),
]
