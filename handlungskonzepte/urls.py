from hameln_quartiere.views import entry_urls
from handlungskonzepte.forms import BefundForm, HandlungskonzeptForm, MassnahmeForm, ZielForm
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel

app_name = "handlungskonzepte"

urlpatterns = [
    *entry_urls(Handlungskonzept, "portal/handlungskonzepte", HandlungskonzeptForm),
    *entry_urls(Befund, "portal/befunde", BefundForm),
    *entry_urls(Ziel, "portal/ziele", ZielForm),
    *entry_urls(Massnahme, "portal/massnahmen", MassnahmeForm),
]
