"""Action concepts: the coordinator writes the concept and its goals; social workers add findings and measures."""

from hameln_quartiere.models import Role
from hameln_quartiere.rules import register_entry_rules
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel

for model in (Handlungskonzept, Ziel):
    register_entry_rules(model, edit_roles=(Role.QM_COORDINATOR,))
for model in (Befund, Massnahme):
    register_entry_rules(model, edit_roles=(Role.QM_COORDINATOR, Role.GWA))
