"""Action concepts: the coordinator writes the concept and its goals; social workers add findings and measures."""

import rules

from hameln_quartiere.models import Role
from hameln_quartiere.rules import has_staff_role, in_quarters, is_city_admin, perm_name, register_entry_rules, role_in
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel

for model in (Handlungskonzept, Ziel):
    register_entry_rules(model, edit_roles=(Role.QM_COORDINATOR,))
for model in (Befund, Massnahme):
    register_entry_rules(model, edit_roles=(Role.QM_COORDINATOR, Role.GWA))

# Progress updates (Sachstand) are recorded directly, without review, at any review state of the measure: by
# whoever may edit it (the coordinator; social workers in their quarters; the city admins).
rules.set_perm(
    perm_name(Massnahme, "record_progress"),
    has_staff_role & (is_city_admin | (role_in(Role.QM_COORDINATOR, Role.GWA) & in_quarters)),
)
