"""Who reads and who finalises the yearly reports.

A report of one quarter is read by everyone with a role who covers that quarter, the report of the whole
programme by those who see all quarters (the coordinator, leadership, the city admins). The coordinator
finalises a report for delivery, and the city admins may; a finalised version is read like its report.
"""

import rules

from hameln_quartiere.models import Role
from hameln_quartiere.rules import has_staff_role, is_city_admin, role_in


@rules.predicate
def covers_scope(user, quartier):
    """``quartier`` is a quarter the person covers, or ``None`` (the whole programme) and they see all quarters."""
    if quartier is None:
        return user.covers_all_quarters
    return user.covers(quartier.pk)


rules.add_perm("berichte.view_report", has_staff_role & covers_scope)
rules.add_perm(
    "berichte.finalise_report", has_staff_role & covers_scope & (is_city_admin | role_in(Role.QM_COORDINATOR))
)
