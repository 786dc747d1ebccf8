from django.urls import path

from hameln_quartiere.views import entry_urls
from treffpunkte import views
from treffpunkte.filters import AngebotFilter, TreffpunktFilter
from treffpunkte.forms import AngebotForm, ScheduleFormSet, TreffpunktForm
from treffpunkte.models import Angebot, Treffpunkt

app_name = "treffpunkte"

urlpatterns = [
    *entry_urls(Treffpunkt, "portal/treffpunkte", TreffpunktForm, TreffpunktFilter, page_context=views.TreffpunktPages),
    *entry_urls(
        Angebot,
        "portal/angebote",
        AngebotForm,
        AngebotFilter,
        formset_classes=[ScheduleFormSet],
        page_context=views.AngebotPages,
    ),
    path("portal/traeger/", views.TraegerListView.as_view(), name="traeger-list"),
    path("portal/traeger/<int:pk>/", views.TraegerDetailView.as_view(), name="traeger-detail"),
    path("portal/meine-treffpunkte/", views.MyTreffpunkteView.as_view(), name="my-treffpunkte"),
    path("portal/teilnahme/", views.AttendanceGridView.as_view(), name="attendance-grid"),
]
