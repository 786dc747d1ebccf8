"""Yearly goals of a quarter: the coordinator sets them; the social workers review them."""

from hameln_quartiere.models import Role
from hameln_quartiere.rules import register_entry_rules
from quartiere.models import Jahresziel

register_entry_rules(Jahresziel, edit_roles=(Role.QM_COORDINATOR,))
