"""Every language of the interface is a complete locale: every message is translated, none is fuzzy, and the
compiled catalogue matches the source."""

import gettext
import shutil
from contextlib import chdir
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_german_catalogue():
    assert Path(settings.BASE_DIR, "locale/de/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_matches_the_source(path):
    with path.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            # Which form serves one item is the language's plural rule (in Arabic the second of six).
            assert (
                translations.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[translations.plural(1)]
            )
        elif entry.msgctxt:
            assert translations.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, (entry.msgctxt, entry.msgid)
        else:
            assert translations.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_interface_speaks_german_by_default(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/de/", 302)]
    assert response.headers["Content-Language"] == "de"
    assert 'lang="de"' in response.text
    with translation.override("de"):
        assert translation.gettext("meeting point") == "Stadtteiltreffpunkt"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_message_in_the_code_is_in_every_catalogue(tmp_path, settings):
    """``makemessages``, run now on a copy of the sources, finds no message a committed catalogue lacks."""
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "static", "media", "staticfiles", "*.sqlite3", "test-results"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    with chdir(copy):
        call_command("makemessages", locale=["de"], no_location=True, verbosity=0)
    fresh = {entry.msgid for entry in polib.pofile(str(copy / "locale/de/LC_MESSAGES/django.po")) if not entry.obsolete}
    for path in CATALOGUES:
        committed = {entry.msgid for entry in polib.pofile(str(path))}
        missing = sorted(fresh - committed)
        assert not missing, f"{path.parts[-3]}: run `make messages` and translate: {missing}"


def test_there_is_a_catalogue_for_every_language():
    assert {path.parts[-3] for path in CATALOGUES} == {code for code, _name in settings.LANGUAGES}
