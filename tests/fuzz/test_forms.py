"""Hostile POSTs to every form: the form again with its errors (200/400/409), a save (302), or a refusal (4xx);
never a 500, nothing stored by a refused post, no NUL byte stored, nothing shown back as markup."""

import datetime
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hameln_quartiere.forms import CommentForm, ReviewForm
from hameln_quartiere.rules import may
from handlungskonzepte.forms import SachstandForm
from tests.fuzz.conftest import assert_safe, isolated, post_and_check
from tests.fuzz.pages import form_pages
from tests.fuzz.strategies import HOSTILE_TEXT, PAYLOADS, form_data, hostile_text, hostile_value, plausible
from treffpunkte.views import iso_week
from zusammenarbeit.forms import AufgabeForm, NextMeetingForm
from zusammenarbeit.praxis import TransferForm, TransferStartForm

FORM_PAGES = form_pages()
EDITORS = ("gwa", "qm", "admin")


def fields_of(form):
    """``{html name: field}`` of a form as the page renders it."""
    return {form.add_prefix(name): field for name, field in form.fields.items()}


def as_posted(value):
    """What a browser sends for a field's current value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (list, tuple)):
        return [as_posted(item) for item in value]
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def parts(formset_classes, instance):
    """The fields of each inline formset's new row (fuzzed), and its management form and existing rows as they
    render (kept, unless the example replaces one of them with a hostile value)."""
    fields, fixed = {}, {}
    for formset_class in formset_classes:
        formset = formset_class(instance=instance, prefix=formset_class.get_default_prefix())
        initial = formset.initial_form_count()
        management = formset.management_form
        fixed.update({management[name].html_name: as_posted(management[name].value()) for name in management.fields})
        fixed[management["TOTAL_FORMS"].html_name] = str(initial + 1)
        for form in formset.initial_forms:
            fixed.update({bound.html_name: as_posted(bound.value()) for bound in form})
        new_row = formset.empty_form
        fields.update(
            {
                bound.html_name.replace("__prefix__", str(initial)): bound.field
                for bound in new_row
                if bound.name != "id"
            }
        )
    return fields, fixed


def entry_of(world, model_name):
    return next(entry for model, entry in world["entries"].items() if model.__name__ == model_name)


def editor(world, action, entry_or_model):
    """The first of the social worker, the coordinator and the admin who may do ``action``."""
    for name in EDITORS:
        if may(world["people"][name], action, entry_or_model):
            return name
    raise AssertionError(f"nobody in the fuzz world may {action} {entry_or_model}")


@pytest.mark.parametrize("url_name", sorted(FORM_PAGES))
@given(data=st.data())
@settings(max_examples=30)
def test_entry_forms(world, url_name, data):
    """Every entry's create and edit page (found in the URL configuration), with the parts edited on it.

    Half the examples send hostile input all over the form (to the form's checks); the other half send the
    values of an existing entry with one or two fields made hostile, so that many of them are saved and the
    saved text is read back on the entry's page (and, on SQLite, looked for NUL bytes in the database).
    """
    _view_class, model, form_class, formset_classes = FORM_PAGES[url_name]
    existing = world["entries"][model]
    if url_name.endswith("-create"):
        entry, url = None, reverse(url_name)
        who = editor(world, "add", model)
    else:
        entry = existing
        url = reverse(url_name, args=[entry.pk])
        who = editor(world, "change", entry)
    user = world["people"][who]
    form = form_class(instance=entry, user=user)
    fields = {name: field for name, field in fields_of(form).items() if name != "loaded_version"}
    fixed = {"loaded_version": str(entry.version)} if entry is not None else {}
    part_fields, part_fixed = parts(formset_classes, entry if entry is not None else model())
    if data.draw(st.booleans(), label="all over"):
        post = data.draw(form_data({**fields, **part_fields}, {**fixed, **part_fixed}), label="post")
    else:
        valid = form_class(instance=existing, user=user)
        post = {name: as_posted(valid[name].value()) for name in fields}
        for name, field in fields.items():
            # Unique: a new entry needs its own slug, a new meeting its own day.
            if isinstance(field, forms.SlugField) or (entry is None and name == "date"):
                post[name] = data.draw(plausible(field), label=name)
        post.update(fixed, **part_fixed)
        for formset_class in formset_classes:  # the parts as they are, without a new row
            prefix = formset_class.get_default_prefix()
            post[f"{prefix}-TOTAL_FORMS"] = post[f"{prefix}-INITIAL_FORMS"]
        text_fields = sorted(name for name, field in fields.items() if type(field) is forms.CharField)
        for name in data.draw(st.lists(st.sampled_from(text_fields), min_size=1, max_size=2, unique=True)):
            post[name] = data.draw(hostile_text, label=name)
    if data.draw(st.booleans()):
        post["submit"] = "1"
    with isolated():
        post_and_check(world["clients"][who], url, post)


@pytest.mark.parametrize("url_name", ["treffpunkte:angebot-update", "handlungskonzepte:massnahme-update"])
@pytest.mark.parametrize("loaded_version", ["-1", str(2**31), str(2**63), str(10**30), "\x00"])
def test_out_of_range_loaded_version(world, url_name, loaded_version):
    """A version no entry can have is a stale form, not an error of the database or the audit log's query."""
    _view_class, model, form_class, formset_classes = FORM_PAGES[url_name]
    entry = world["entries"][model]
    who = editor(world, "change", entry)
    form = form_class(instance=entry, user=world["people"][who])
    post = {name: as_posted(form[name].value()) for name in form.fields}
    post.update(parts(formset_classes, entry)[1], loaded_version=loaded_version)
    with isolated():
        response = post_and_check(world["clients"][who], reverse(url_name, args=[entry.pk]), post)
    assert response.status_code == 409


@given(post=form_data(fields_of(CommentForm())))
@example(post={"text": "\x00"})
@example(post={"text": PAYLOADS[0]})
def test_comment_form(world, post):
    angebot = entry_of(world, "Angebot")
    url = reverse("treffpunkte:angebot-comment", args=[angebot.pk])
    with isolated():
        post_and_check(world["clients"]["gwa"], url, post)


@pytest.mark.parametrize("who", ["qm", "admin"])
@given(data=st.data())
@example(data=None)
def test_review_form(world, who, data):
    """The reviewer's decision, and the admin's override with its reason."""
    befund = world["submitted"]
    form = ReviewForm(is_override=who == "admin")
    if data is None:
        post = {"decision": "approve", "version": str(2**63), "override_reason": "x"}
    else:
        fields = {name: field for name, field in fields_of(form).items() if name != "version"}
        post = data.draw(form_data(fields, {"version": str(befund.version)}), label="post")
    with isolated():
        post_and_check(world["clients"][who], reverse("handlungskonzepte:befund-review", args=[befund.pk]), post)


@pytest.mark.parametrize("step", ["submit", "discard", "delete"])
@given(version=st.one_of(hostile_value, st.lists(hostile_value, min_size=2, max_size=2)))
@example(version=str(2**63))
@example(version=str(-(2**63) - 1))
@example(version="\x00")
def test_confirmation_steps(world, step, version):
    """The version a confirmation page sends back (``VersionForm``) on submit, discard and delete."""
    massnahme = entry_of(world, "Massnahme")
    url = reverse(f"handlungskonzepte:massnahme-{step}", args=[massnahme.pk])
    with isolated():
        post_and_check(world["clients"]["gwa"], url, {"version": version})


@given(data=st.data())
@settings(max_examples=25)
def test_attendance_grid(world, data):
    """The week's counts: each row's offer, date and loaded count as the page sent them (or hostile), the count
    typed in plausible or hostile; the management form kept or hostile."""
    client = world["clients"]["gwa"]
    url = reverse("treffpunkte:attendance-grid")
    # Computed, not remembered: only a computed page has the formset in its context.
    with override_settings(PORTAL_CACHE=False):
        formset = client.get(url).context["formset"]
    assert formset.forms, "the fuzz world's offer takes place this week"
    fixed = {bound.html_name: as_posted(bound.value()) for bound in formset.management_form}
    fields = {}
    for form in formset:
        fixed.update({form[name].html_name: as_posted(form[name].value()) for name in ("angebot", "date", "loaded")})
        fields[form["participants"].html_name] = form.fields["participants"]
    post = data.draw(form_data(fields, fixed), label="post")
    with isolated():
        post_and_check(client, f"{url}?woche={iso_week(formset.forms[0].initial['date'])}", post)


@given(post=form_data(fields_of(SachstandForm())))
@example(post={"date": "2019-01-01", "progress": str(2**63), "text": "x"})
@example(post={"date": "2019-01-01", "progress": "50", "text": "\x00"})
def test_progress_update_form(world, post):
    massnahme = entry_of(world, "Massnahme")
    with isolated():
        post_and_check(
            world["clients"]["gwa"], reverse("handlungskonzepte:massnahme-progress", args=[massnahme.pk]), post
        )


@given(data=st.data())
def test_task_form(world, data):
    sitzung = world["punkt"].sitzung
    form = AufgabeForm(sitzung=sitzung, user=world["people"]["gwa"])
    post = data.draw(form_data(fields_of(form)), label="post")
    with isolated():
        post_and_check(world["clients"]["gwa"], reverse("zusammenarbeit:sitzung-aufgabe", args=[sitzung.pk]), post)


@given(data=st.data())
def test_next_meeting_form(world, data):
    sitzung = world["punkt"].sitzung
    post = data.draw(form_data(fields_of(NextMeetingForm(sitzung=sitzung))), label="post")
    with isolated():
        post_and_check(world["clients"]["gwa"], reverse("zusammenarbeit:sitzung-prepare", args=[sitzung.pk]), post)


FILE_HEADS = (b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<script>", b"\x00" * 16, b"")


@given(
    name=st.one_of(
        st.sampled_from(["protokoll.pdf", "liste.xlsx", "brief.docx", "bild.svg", "a.PDF", ".pdf", "x.pdf.exe"]),
        hostile_text.map(lambda text: text[:200] + ".pdf"),
    ),
    head=st.sampled_from(FILE_HEADS),
    body=st.binary(max_size=64),
    title=hostile_text,
)
@example(name="\x00.pdf", head=b"%PDF-1.7\n", body=b"", title="\x00")
@example(name="a" * 400 + ".pdf", head=b"%PDF-1.7\n", body=b"", title="Protokoll")
def test_attachment_upload(world, name, head, body, title):
    """Any name (control characters, markup, very long), any content, any title."""
    sitzung = world["punkt"].sitzung
    upload = SimpleUploadedFile(name, head + body, content_type="application/octet-stream")
    url = reverse("zusammenarbeit:sitzung-anlage-upload", args=[sitzung.pk])
    with isolated():
        post_and_check(world["clients"]["gwa"], url, {"anlage-file": upload, "anlage-title": title})


@given(data=st.data())
def test_transfer_start_form(world, data):
    praxis = world["transfer"].praxisbeispiel
    form = TransferStartForm(praxisbeispiel=praxis, user=world["people"]["qm"])
    post = data.draw(form_data(fields_of(form)), label="post")
    with isolated():
        post_and_check(world["clients"]["qm"], reverse("zusammenarbeit:transfer-create", args=[praxis.pk]), post)


@given(data=st.data())
@example(data=None)
def test_transfer_form(world, data):
    transfer = world["transfer"]
    form = TransferForm(transfer=transfer, user=world["people"]["qm"])
    if data is None:
        post = {"status": "vorbereitung", "driver": str(transfer.driver_id), "version": str(2**63)}
    else:
        fields = {name: field for name, field in fields_of(form).items() if name != "version"}
        post = data.draw(form_data(fields, {"version": str(transfer.version)}), label="post")
    with isolated():
        post_and_check(world["clients"]["qm"], reverse("zusammenarbeit:transfer-detail", args=[transfer.pk]), post)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
@given(
    username=st.one_of(hostile_text, st.just("gwa")),
    password=hostile_text,
    next_=st.one_of(hostile_value, st.sampled_from(["//evil.invalid/", "https://evil.invalid/", "/portal/"])),
)
@example(username="\x00", password="\x00", next_="\x00")
@example(username="gwa", password="A" * 10_001, next_="javascript:alert(1)")
def test_login_form(world, url_name, username, password, next_):
    """The portal's and the admin's login take anything; failed logins are recorded (throttling), so rows are
    not counted."""
    with isolated():
        response = Client().post(reverse(url_name), {"username": username, "password": password, "next": next_})
        assert_safe(response)
        assert response.status_code in (200, 302, 400, 403, 429)


@given(next_=st.one_of(hostile_value, st.sampled_from(["//evil.invalid/", "https://evil.invalid/x", "/\\evil"])))
@example(next_="javascript:alert(1)")
def test_task_done_next(world, next_):
    """Marking a task done goes back to the page it came from, never to another site."""
    with isolated():
        response = world["clients"]["gwa"].post(
            reverse("zusammenarbeit:aufgabe-done", args=[world["aufgabe"].pk]), {"next": next_}
        )
        assert_safe(response)
        assert response.status_code == 302


@pytest.mark.parametrize("text", [text for text in HOSTILE_TEXT if "\x00" not in text][:12])
def test_saved_text_is_shown_escaped(world, text):
    """A valid save of hostile text shows it as text on the entry's page (and in the list)."""
    angebot = entry_of(world, "Angebot")
    url = reverse("treffpunkte:angebot-comment", args=[angebot.pk])
    with isolated():
        response = post_and_check(world["clients"]["gwa"], url, {"text": text or "x"})
        assert response.status_code in (302, 400)


MULTIPLE_CHOICES = [
    (url_name, name)
    for url_name, (_view, _model, form_class, _formsets) in sorted(FORM_PAGES.items())
    if url_name.endswith("-create")
    for name, field in form_class.base_fields.items()
    if isinstance(field, forms.ModelMultipleChoiceField)
]


@pytest.mark.parametrize(("url_name", "name"), MULTIPLE_CHOICES)
@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), str(10**30)])
def test_out_of_range_ids_in_multiple_choices(world, url_name, name, pk):
    """Regression: an id past the database's integers among several linked entries was an OverflowError on
    SQLite (a 500), since Django guards single-id lookups against it but not ``__in``."""
    _view_class, model, _form_class, formset_classes = FORM_PAGES[url_name]
    who = editor(world, "add", model)
    post = {name: [pk], **parts(formset_classes, model())[1]}
    with isolated():
        response = post_and_check(world["clients"][who], reverse(url_name), post)
    assert response.status_code == 200
    assert name in response.context["form"].errors


@given(
    note=st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=2)),
    quartier=st.one_of(st.none(), st.sampled_from(["kuckuck", "nordstadt"]), hostile_text),
    year=st.one_of(st.integers(1990, 2100), st.sampled_from([0, 2**31, 2**63, 10**30])),
)
@example(note="\x00", quartier=None, year=2019)
@example(note="x", quartier="\x00", year=2019)
@example(note="x", quartier=None, year=2**63)
def test_report_finalise_form(world, note, quartier, year):
    """Finalising a yearly report: the note, the quarter (``?quartier=``) and the year in the address."""
    url = reverse("berichte:abschliessen", args=[year])
    if quartier is not None:
        url += "?" + urlencode({"quartier": quartier})
    with isolated():
        post_and_check(world["clients"]["qm"], url, {"note": note})


FORMSET_PAGES = sorted(name for name, page in FORM_PAGES.items() if page[3] and name.endswith("-update"))


@pytest.mark.parametrize("url_name", FORMSET_PAGES)
def test_forged_row_count_of_the_parts(world, url_name):
    """Regression: a forged ``TOTAL_FORMS`` made the page build and render 2,000 rows of parts (seconds of
    server time for one request); now the parts' formsets refuse more rows than an entry can have."""
    _view_class, model, form_class, formset_classes = FORM_PAGES[url_name]
    entry = world["entries"][model]
    who = editor(world, "change", entry)
    form = form_class(instance=entry, user=world["people"][who])
    post = {name: as_posted(form[name].value()) for name in form.fields}
    post.update(parts(formset_classes, entry)[1])
    for formset_class in formset_classes:
        post[f"{formset_class.get_default_prefix()}-TOTAL_FORMS"] = "100000"
    with isolated():
        response = post_and_check(world["clients"][who], reverse(url_name, args=[entry.pk]), post)
    assert response.status_code == 200
    formsets = response.context["formsets"]
    assert all(len(formset.forms) <= formset.absolute_max <= 100 for formset in formsets)
    assert any(formset.non_form_errors() for formset in formsets)
