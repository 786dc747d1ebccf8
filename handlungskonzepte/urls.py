from hameln_quartiere.views import entry_urls
from handlungskonzepte.filters import BefundFilter, HandlungskonzeptFilter, MassnahmeFilter, ZielFilter
from handlungskonzepte.forms import BefundForm, HandlungskonzeptForm, MassnahmeForm, ZielForm
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel

app_name = "handlungskonzepte"

urlpatterns = [
    *entry_urls(Handlungskonzept, "portal/handlungskonzepte", HandlungskonzeptForm, HandlungskonzeptFilter),
    *entry_urls(Befund, "portal/befunde", BefundForm, BefundFilter),
    *entry_urls(Ziel, "portal/ziele", ZielForm, ZielFilter),
    *entry_urls(Massnahme, "portal/massnahmen", MassnahmeForm, MassnahmeFilter),
]
