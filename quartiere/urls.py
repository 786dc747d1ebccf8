from django.urls import path

from hameln_quartiere.views import entry_urls
from quartiere import views
from quartiere.filters import JahreszielFilter
from quartiere.forms import JahreszielForm
from quartiere.models import Jahresziel

app_name = "quartiere"

urlpatterns = [
    path("portal/quartiere/<slug:slug>/", views.QuartierDetailView.as_view(), name="quartier-detail"),
    *entry_urls(Jahresziel, "portal/jahresziele", JahreszielForm, JahreszielFilter, page_context=views.JahreszielPages),
    path(
        "portal/jahresziele/<int:pk>/fortschreiben/",
        views.JahreszielCarryOverView.as_view(),
        name="jahresziel-carry-over",
    ),
    path("portal/jahresvergleich/", views.JahresvergleichView.as_view(), name="jahresvergleich"),
]
