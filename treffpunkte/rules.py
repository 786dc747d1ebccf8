"""Meeting points and offers: the coordinator and the social workers of the quarter edit them."""

from hameln_quartiere.models import Role
from hameln_quartiere.rules import register_entry_rules
from treffpunkte.models import Angebot, Treffpunkt

for model in (Treffpunkt, Angebot):
    register_entry_rules(model, edit_roles=(Role.QM_COORDINATOR, Role.GWA))
