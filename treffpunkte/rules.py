"""Meeting points and offers: the coordinator and the social workers of the quarter edit them."""

import rules

from hameln_quartiere.models import Role
from hameln_quartiere.rules import has_staff_role, in_quarters, is_city_admin, perm_name, register_entry_rules, role_in
from treffpunkte.models import Angebot, Treffpunkt

EDIT_ROLES = (Role.QM_COORDINATOR, Role.GWA)

for model in (Treffpunkt, Angebot):
    register_entry_rules(model, edit_roles=EDIT_ROLES)

# Attendance is counted directly, without review (DESIGN.md): those who edit an offer record its counts in any
# review state, also while it is under review or approved. The attendance grid asks it once per quarter, not per
# offer (AttendanceGridView.occurrences): it must read nothing of the offer but its quarter.
rules.set_perm(
    perm_name(Angebot, "record_attendance"),
    has_staff_role & (is_city_admin | (role_in(*EDIT_ROLES) & in_quarters)),
)
