from django.urls import path

from hameln_quartiere.views import entry_urls
from handlungskonzepte import views
from handlungskonzepte.filters import BefundFilter, HandlungskonzeptFilter, MassnahmeFilter, ZielFilter
from handlungskonzepte.forms import BefundForm, HandlungskonzeptForm, IndikatorFormSet, MassnahmeForm, ZielForm
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel
from treffpunkte.models import Angebot

app_name = "handlungskonzepte"


urlpatterns = [
    *entry_urls(
        Handlungskonzept,
        "portal/handlungskonzepte",
        HandlungskonzeptForm,
        HandlungskonzeptFilter,
        page_context=views.HandlungskonzeptPages,
    ),
    *entry_urls(Befund, "portal/befunde", BefundForm, BefundFilter, page_context=views.BefundPages),
    *entry_urls(
        Ziel,
        "portal/ziele",
        ZielForm,
        ZielFilter,
        formset_classes=(IndikatorFormSet,),
        page_context=views.ZielPages,
    ),
    *entry_urls(Massnahme, "portal/massnahmen", MassnahmeForm, MassnahmeFilter, page_context=views.MassnahmePages),
    path(
        "portal/massnahmen/<int:pk>/sachstand/",
        views.MassnahmeProgressView.as_view(model=Massnahme, form_class=MassnahmeForm),
        name="massnahme-progress",
    ),
    path(
        "portal/handlungskonzepte/<int:pk>/wirkungskette/",
        views.HandlungskonzeptChainView.as_view(),
        name="handlungskonzept-chain",
    ),
    path(
        "portal/angebote/<int:pk>/wirkungskette/", views.AngebotChainView.as_view(model=Angebot), name="angebot-chain"
    ),
]
