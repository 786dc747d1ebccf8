"""Who may do what with a content entry: django-rules predicates from role, Ressort, quarter and state.

Every content model (a ``ReviewedModel``) registers the same set of permissions through
``register_entry_rules``; the apps' ``rules.py`` say only which roles edit it. Portal views and the review
services test them with ``rules.has_perm``, which (unlike ``user.has_perm``) lets no superuser skip the review
rule: a city admin decides a review only as a recorded override.
"""

import rules
from django.utils.translation import gettext as _

from hameln_quartiere.models import REVIEWER_ROLES, ReviewState, Role

# The actions every content entry knows. ``history`` shares ``view``.
ACTIONS = ("view", "add", "change", "delete", "submit", "review", "override", "comment")


def perm_name(model, action):
    """``treffpunkte.review_angebot`` for ``Angebot`` and ``review``."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


@rules.predicate
def has_staff_role(user):
    """Logged in, active, and given a role by the city admins (or a superuser)."""
    return user.is_authenticated and user.is_active and bool(user.role or user.is_superuser)


@rules.predicate
def is_city_admin(user):
    return user.is_authenticated and user.is_city_admin


@rules.predicate
def is_reviewer(user):
    """The coordinator and the social workers review; family support and leadership read and comment."""
    return user.is_authenticated and user.role in REVIEWER_ROLES


@rules.predicate
def in_quarters(user, entry):
    """The entry lies in a quarter the person covers (the coordinator, leadership and admins cover all)."""
    return entry is None or user.covers(entry.get_quartier_id())


@rules.predicate
def is_under_review(user, entry):
    return entry is not None and entry.review_state == ReviewState.SUBMITTED


@rules.predicate
def is_submitted(user, entry):
    # Without an entry (a model-level question) the answer is "could be".
    return entry is None or entry.review_state == ReviewState.SUBMITTED


@rules.predicate
def awaits_submission(user, entry):
    return entry is None or entry.review_state in (ReviewState.DRAFT, ReviewState.RETURNED)


@rules.predicate
def is_author(user, entry):
    """The person submitted the version under review or wrote part of it: it is their own entry."""
    return entry is not None and (entry.submitted_by_id == user.pk or entry.is_contributor(user))


@rules.predicate
def is_own_ressort(user, entry):
    """The entry was submitted from the person's own Ressort: the other Ressort reviews it."""
    return entry is not None and bool(entry.submitted_ressort) and entry.submitted_ressort == user.ressort


@rules.predicate
def is_live(user, entry):
    return entry is not None and entry.approved_at is not None


def role_in(*roles):
    return rules.predicate(lambda user: user.is_authenticated and user.role in roles, name=f"role_in{roles}")


def entry_rules(edit_roles):
    """The permission of each action for a model that ``edit_roles`` write."""
    may_edit = has_staff_role & (is_city_admin | (role_in(*edit_roles) & in_quarters))
    return {
        "view": has_staff_role & in_quarters,
        "add": may_edit,
        "change": may_edit & ~is_under_review,
        "delete": is_city_admin | (may_edit & ~is_live & ~is_under_review),
        "submit": may_edit & awaits_submission,
        "review": is_reviewer & has_staff_role & in_quarters & is_submitted & ~is_author & ~is_own_ressort,
        "override": is_city_admin & is_submitted & ~is_author,
        "comment": has_staff_role & in_quarters,
    }


def register_entry_rules(model, *, edit_roles):
    """Register ``<app>.<action>_<model>`` for every action of ``entry_rules``."""
    for action, predicate in entry_rules(edit_roles).items():
        rules.set_perm(perm_name(model, action), predicate)


def may(user, action, entry_or_model):
    """Whether ``user`` may do ``action`` with an entry, or (given a model) with some entry of that kind."""
    if isinstance(entry_or_model, type):
        return rules.has_perm(perm_name(entry_or_model, action), user)
    return rules.has_perm(perm_name(type(entry_or_model), action), user, entry_or_model)


def refusal_reason(user, action, entry):
    """Why ``user`` may not do ``action`` with ``entry``, in words for them."""
    state = entry.review_state
    if action in ("review", "override") and state != ReviewState.SUBMITTED:
        return _("Only a submitted entry can be approved or returned; this one is “%(state)s”.") % {
            "state": entry.get_review_state_display()
        }
    if action == "submit" and state == ReviewState.SUBMITTED:
        return _("This entry has already been submitted for review.")
    if action == "submit" and state == ReviewState.APPROVED:
        return _("There is nothing to submit: the entry is approved as it is.")
    if action in ("change", "delete") and state == ReviewState.SUBMITTED:
        return _("While the entry is under review it cannot be changed.")
    if action == "delete" and entry.approved_at is not None:
        return _("An approved entry is deleted by the city admins only.")
    if action in ("review", "override"):
        if user.role in (Role.FAMILY_SUPPORT, Role.LEADERSHIP):
            return _("Neighbourhood management and community social work review entries; your role reads and comments.")
        if is_author(user, entry):
            return _("Nobody reviews their own entry.")
        if is_own_ressort(user, entry):
            return _("Entries from your department are reviewed by the other department.")
    return _("Your role does not allow this for this entry.")
