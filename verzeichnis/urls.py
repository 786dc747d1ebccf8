"""The public directory, under a language prefix: pages, weekly programmes and calendar feeds."""

from django.urls import path

from verzeichnis import ical, programme, views

app_name = "verzeichnis"

urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("quartiere/<slug:slug>/", views.QuartierView.as_view(), name="quartier"),
    path("treffpunkte/<slug:slug>/", views.TreffpunktView.as_view(), name="treffpunkt"),
    path("angebote/", views.SucheView.as_view(), name="suche"),
    path("angebote/<int:pk>/", views.AngebotView.as_view(), name="angebot"),
    *programme.urlpatterns,
    *ical.urlpatterns,
]
