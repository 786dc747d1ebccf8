from hameln_quartiere.views import entry_urls
from treffpunkte.forms import AngebotForm, TreffpunktForm
from treffpunkte.models import Angebot, Treffpunkt

app_name = "treffpunkte"

urlpatterns = [
    *entry_urls(Treffpunkt, "portal/treffpunkte", TreffpunktForm),
    *entry_urls(Angebot, "portal/angebote", AngebotForm),
]
