from hameln_quartiere.views import entry_urls
from treffpunkte.filters import AngebotFilter, TreffpunktFilter
from treffpunkte.forms import AngebotForm, TreffpunktForm
from treffpunkte.models import Angebot, Treffpunkt

app_name = "treffpunkte"

urlpatterns = [
    *entry_urls(Treffpunkt, "portal/treffpunkte", TreffpunktForm, TreffpunktFilter),
    *entry_urls(Angebot, "portal/angebote", AngebotForm, AngebotFilter),
]
