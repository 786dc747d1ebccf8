"""URL configuration of Hameln Quartiere.

The public directory lives under a language prefix (/de/, /en/, /ar/ …; a bare address goes to the reader's
remembered language). Open data, the language switch, login, the staff portal and the admin have one address.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hameln_quartiere import accounts, health, search, stellen, views
from hameln_quartiere.throttle import AdminLoginForm, LoginForm
from verzeichnis import hsds
from verzeichnis.views import LanguageSwitchView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("sprache/<str:language>/", LanguageSwitchView.as_view(), name="sprache"),
    path("api/hsds/", include((hsds.urlpatterns, "hsds"))),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/", views.PortalStartView.as_view(), name="portal"),
    path("portal/passwort/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("portal/pruefen/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("portal/eingereicht/", views.MySubmissionsView.as_view(), name="my-submissions"),
    path("portal/posteingang/", views.InboxView.as_view(), name="inbox"),
    path("portal/posteingang/alle-gelesen/", views.InboxReadAllView.as_view(), name="inbox-read-all"),
    path("portal/posteingang/<int:pk>/", views.NotificationOpenView.as_view(), name="notification-open"),
    path("portal/suche/", search.SearchView.as_view(), name="search"),
    path("portal/stellen/", stellen.StellenView.as_view(), name="stellen"),
    path("", include("quartiere.urls")),
    path("", include("treffpunkte.urls")),
    path("", include("handlungskonzepte.urls")),
    path("", include("zusammenarbeit.urls")),
    path("", include("berichte.urls")),
    path("admin/", admin.site.urls),
    *i18n_patterns(path("", include("verzeichnis.urls"))),
]

# The error pages: plain, in the reader's language, with the request id (hameln_quartiere/errors.py).
handler400 = "hameln_quartiere.errors.bad_request"
handler403 = "hameln_quartiere.errors.permission_denied"
handler404 = "hameln_quartiere.errors.page_not_found"
handler500 = "hameln_quartiere.errors.server_error"
# The admin's login counts and refuses like the portal's (hameln_quartiere/throttle.py).
admin.site.login_form = AdminLoginForm
