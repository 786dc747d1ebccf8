from django.urls import path

from hameln_quartiere.views import entry_urls
from handlungskonzepte import views
from handlungskonzepte.filters import BefundFilter, HandlungskonzeptFilter, MassnahmeFilter, ZielFilter
from handlungskonzepte.forms import BefundForm, HandlungskonzeptForm, IndikatorFormSet, MassnahmeForm, ZielForm
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel
from treffpunkte.models import Angebot

app_name = "handlungskonzepte"


def with_own_pages(patterns, model, form_class):
    """``entry_urls``' patterns, with the detail and comment pages served by this app's views (same route and
    name), which add the links, the roll-up and the progress timeline."""
    views_by_name = {
        f"{model._meta.model_name}-{page}": view.as_view(model=model, form_class=form_class)
        for page, view in views.detail_views(model).items()
    }
    return [
        path(str(pattern.pattern), views_by_name[pattern.name], name=pattern.name)
        if pattern.name in views_by_name
        else pattern
        for pattern in patterns
    ]


urlpatterns = [
    *with_own_pages(
        entry_urls(Handlungskonzept, "portal/handlungskonzepte", HandlungskonzeptForm, HandlungskonzeptFilter),
        Handlungskonzept,
        HandlungskonzeptForm,
    ),
    *with_own_pages(entry_urls(Befund, "portal/befunde", BefundForm, BefundFilter), Befund, BefundForm),
    *with_own_pages(
        entry_urls(Ziel, "portal/ziele", ZielForm, ZielFilter, formset_classes=(IndikatorFormSet,)), Ziel, ZielForm
    ),
    *with_own_pages(
        entry_urls(Massnahme, "portal/massnahmen", MassnahmeForm, MassnahmeFilter), Massnahme, MassnahmeForm
    ),
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
