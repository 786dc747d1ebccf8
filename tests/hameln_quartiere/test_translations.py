"""German is a complete locale: every message is translated, and the compiled catalogue matches the source."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
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
            assert translations.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            assert translations.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_interface_speaks_german_by_default(client, db):
    response = client.get("/")
    assert response.headers["Content-Language"] == "de"
    assert 'lang="de"' in response.text
    with translation.override("de"):
        assert translation.gettext("meeting point") == "Stadtteiltreffpunkt"
