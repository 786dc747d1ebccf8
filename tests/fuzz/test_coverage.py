"""Every form, formset and filter set of the project is fuzzed: a new one fails here until a fuzz test covers it.

The lists and entry forms are found in the URL configuration (``tests.fuzz.pages``), so a new ``entry_urls``
is fuzzed without more ado; any other form names the test that fuzzes it below. A class counts as covered when
it, or a subclass of it, is fuzzed (``EntryForm`` through ``TreffpunktForm``).
"""

import importlib
import inspect
import pkgutil
import sys

import django_filters
from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from hameln_quartiere.forms import CommentForm, QueueFilterForm, ReviewForm, VersionForm
from handlungskonzepte.forms import SachstandForm
from quartiere.forms import YearForm
from tests.fuzz import test_forms as f
from tests.fuzz import test_query_params as q
from tests.fuzz.conftest import project_apps
from tests.fuzz.pages import form_pages, list_pages, views
from treffpunkte.forms import AttendanceFormSet
from verzeichnis.filters import AngebotSuche
from zusammenarbeit.forms import AnlageForm, AufgabeForm, NextMeetingForm
from zusammenarbeit.praxis import TransferForm, TransferStartForm

# The forms outside the entry pages, each with the test that fuzzes it.
FUZZED_ELSEWHERE = {
    CommentForm: f.test_comment_form,
    ReviewForm: f.test_review_form,
    VersionForm: f.test_confirmation_steps,
    QueueFilterForm: q.test_review_queue_filters,
    YearForm: q.test_year_parameter,
    AttendanceFormSet: f.test_attendance_grid,
    AttendanceFormSet.form: f.test_attendance_grid,
    SachstandForm: f.test_progress_update_form,
    AufgabeForm: f.test_task_form,
    NextMeetingForm: f.test_next_meeting_form,
    AnlageForm: f.test_attachment_upload,
    TransferStartForm: f.test_transfer_start_form,
    TransferForm: f.test_transfer_form,
    AngebotSuche: q.test_public_offer_search,
}


def project_modules():
    """Every module of the project's apps (not their migrations or commands), imported."""
    for config in project_apps():
        yield config.module
        for module in pkgutil.walk_packages([config.path], f"{config.name}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                yield importlib.import_module(module.name)


def project_form_classes():
    kinds = (forms.BaseForm, forms.BaseFormSet, django_filters.FilterSet)
    found = set()
    for module in project_modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, kinds) and sys.modules[obj.__module__] is module:
                found.add(obj)
    return found


def login_forms():
    """The forms of the portal's and the admin's login (``test_login_form`` posts to both)."""
    portal = {initkwargs.get("authentication_form") for name, _view, initkwargs in views() if name == "login"}
    return {*portal - {None}, admin.site.login_form or AdminAuthenticationForm}


# Views whose own ``form_class`` is fuzzed by posting to them, by URL name.
FORM_VIEWS = {"berichte:abschliessen": f.test_report_finalise_form}


def form_view_classes():
    return {view_class.form_class for name, view_class, _initkwargs in views() if name in FORM_VIEWS}


def fuzzed_classes():
    fuzzed = set(FUZZED_ELSEWHERE) | login_forms() | form_view_classes()
    fuzzed.update(list_pages().values())
    for _view, _model, form_class, formset_classes in form_pages().values():
        fuzzed.add(form_class)
        for formset_class in formset_classes:
            fuzzed.update((formset_class, formset_class.form))
    return {base for cls in fuzzed for base in cls.__mro__}


def test_every_form_and_filter_is_fuzzed():
    missing = {f"{cls.__module__}.{cls.__qualname__}" for cls in project_form_classes() - fuzzed_classes()}
    assert not missing, f"not fuzzed (add them to tests/fuzz/): {sorted(missing)}"


def test_the_walk_finds_the_pages():
    """The URL walk finds lists and entry forms at all (so an empty walk cannot pass the test above)."""
    assert len(list_pages()) >= 9
    assert len(form_pages()) >= 18
    assert {cls.__name__ for cls in project_form_classes()} >= {"EntryForm", "AngebotSuche", "TransferForm"}
