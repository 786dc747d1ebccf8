"""Meetings and practice examples: the coordinator and the social workers write them, and review each other's.

What follows from a meeting is recorded directly, without review, like attendance and progress updates: its
tasks and its attachments. Whoever may edit the meeting records them at any review state, also once its
minutes are approved; a task concerns its assignee, its creator and whoever may see its meeting.
"""

import rules

from hameln_quartiere.models import Role
from hameln_quartiere.rules import (
    has_staff_role,
    in_quarters,
    is_city_admin,
    may,
    perm_name,
    register_entry_rules,
    role_in,
)
from zusammenarbeit.models import Aufgabe, Praxisbeispiel, Sitzung

EDIT_ROLES = (Role.QM_COORDINATOR, Role.GWA)

for model in (Sitzung, Praxisbeispiel):
    register_entry_rules(model, edit_roles=EDIT_ROLES)

# Tasks and attachments of a meeting: by whoever may edit it, in any review state (approved minutes included).
rules.set_perm(
    perm_name(Sitzung, "follow_up"),
    has_staff_role & (is_city_admin | (role_in(*EDIT_ROLES) & in_quarters)),
)


def meeting_of(aufgabe):
    """The meeting a task was decided in, or None (a task the city admins entered without one)."""
    punkt = aufgabe.tagesordnungspunkt if aufgabe.tagesordnungspunkt_id else None
    return punkt.sitzung if punkt is not None else None


@rules.predicate
def is_assignee(user, aufgabe):
    return aufgabe is not None and aufgabe.assignee_id == user.pk


@rules.predicate
def is_task_creator(user, aufgabe):
    return aufgabe is not None and aufgabe.created_by_id == user.pk


@rules.predicate
def may_see_meeting(user, aufgabe):
    """The person may see the meeting the task comes from."""
    sitzung = meeting_of(aufgabe) if aufgabe is not None else None
    return sitzung is not None and may(user, "view", sitzung)


@rules.predicate
def may_follow_up_meeting(user, aufgabe):
    """The person may edit the meeting the task comes from (and so record its tasks)."""
    sitzung = meeting_of(aufgabe) if aufgabe is not None else None
    return sitzung is not None and may(user, "follow_up", sitzung)


rules.set_perm(
    perm_name(Aufgabe, "view"),
    has_staff_role & (is_city_admin | is_assignee | is_task_creator | may_see_meeting),
)
# Marking a task done: its assignee, or whoever may edit its meeting.
rules.set_perm(
    perm_name(Aufgabe, "change"),
    has_staff_role & (is_city_admin | is_assignee | may_follow_up_meeting),
)
