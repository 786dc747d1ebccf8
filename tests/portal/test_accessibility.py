"""Every page that extends the base layout has one ``<main>`` and one ``<h1>``, headings in order, the skip link to
main content, and the style sheet that makes focus, contrast and phone use work (WCAG 2.1 AA)."""

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse

from hameln_quartiere.models import ReviewState
from tests import factories
from tests.portal.conftest import ENTRY_FACTORIES, make_entry
from tests.urlwalk import named_patterns

# Pages under these prefixes are not portal pages (the Django admin has its own layout).
SKIPPED_PREFIXES = ("admin:",)
SKIPPED_NAMES = {"logout"}


class _Outline(HTMLParser):
    """The landmarks, headings and the skip link of a page."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.headings = []
        self.skip_links = []
        self.main_ids = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "main":
            self.main_ids.append(attrs.get("id"))
        if tag == "a" and "skip-link" in (attrs.get("class") or ""):
            self.skip_links.append(attrs.get("href"))


def outline(html):
    parser = _Outline()
    parser.feed(html)
    return parser


def view_model(pattern):
    """The model a page with a ``pk`` shows, from its view's ``model``."""
    callback = pattern.callback
    if not hasattr(callback, "view_class"):
        return None  # a function view: a feed or the open data, no page of the layout
    return callback.view_initkwargs.get("model") or getattr(callback.view_class, "model", None)


@pytest.fixture
def entries(people, kuckuck):
    """One entry of each kind in each state: submitted by the social worker (so the coordinator may review it),
    and a draft of the coordinator's (so the edit, submit and delete pages open)."""
    return [
        {kind: make_entry(kind, kuckuck, state, author=author) for kind in ENTRY_FACTORIES}
        for state, author in ((ReviewState.SUBMITTED, people["gwa"]), (ReviewState.DRAFT, people["qm"]))
    ]


def kwargs_for(pattern, kuckuck, entries):
    """Arguments for a page's URL: the quarter's slug, a year, or the pk of an entry of the page's model."""
    converters = pattern.pattern.converters
    kwargs = {}
    for name in converters:
        if name == "slug":
            kwargs[name] = kuckuck.slug
        elif name == "year":
            kwargs[name] = 2019
        elif name == "pk":
            model = view_model(pattern)
            if model is None:
                return None
            entry = entries.get(model._meta.model_name) or model.objects.first()
            if entry is None:
                factory = getattr(factories, f"{model.__name__}Factory", None)
                if factory is None:
                    return None
                entry = factory()
            kwargs[name] = entry.pk
        else:
            return None
    return kwargs


def html_pages(client, kuckuck, entries):
    """``{name: html}`` of every named page the client gets as a 200 HTML page."""
    pages = {}
    for name, pattern in named_patterns(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES:
            continue
        kwargs = kwargs_for(pattern, kuckuck, entries)
        if kwargs is None:
            continue
        response = client.get(reverse(name, kwargs=kwargs))
        # Refusals (403 "not possible") are pages of the layout too; redirects and Django's bare pages are not.
        html = response.headers.get("Content-Type", "").startswith("text/html")
        if html and "base.html" in {template.name for template in response.templates}:
            pages[f"{name} ({response.status_code})"] = response.content.decode()
    return pages


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The pages that must be among those checked, whatever else the apps add.
CORE_PAGES = {
    "verzeichnis:start",
    "berichte:index",
    "berichte:bericht",
    "berichte:vorjahr",
    "login",
    "verzeichnis:quartier",
    "portal",
    "review-queue",
    "my-submissions",
    "inbox",
    "treffpunkte:treffpunkt-list",
    "treffpunkte:angebot-create",
    "treffpunkte:angebot-detail",
    "treffpunkte:angebot-history",
    "treffpunkte:angebot-review",
    "treffpunkte:angebot-update",
    "treffpunkte:angebot-submit",
    "treffpunkte:angebot-delete",
    "handlungskonzepte:massnahme-list",
    "handlungskonzepte:massnahme-detail",
}


@pytest.fixture
def all_pages(people, kuckuck, entries):
    pages = {}
    submitted, drafts = entries
    passes = [(None, submitted), (people["gwa"], submitted), (people["familie"], submitted), (people["qm"], submitted)]
    passes.append((people["qm"], drafts))
    for user, some_entries in passes:
        for name, html in html_pages(client_for(user), kuckuck, some_entries).items():
            pages.setdefault(name, html)
    assert {f"{name} (200)" for name in CORE_PAGES} <= set(pages), CORE_PAGES
    assert any(name.endswith("(403)") for name in pages)
    return pages


def unwrapped_tables(html):
    """How many tables are not inside a .table-responsive wrapper (and would widen the page on a phone)."""
    count = 0
    for match in re.finditer(r"<table\b", html):
        before = html[: match.start()]
        if before.rfind('class="table-responsive') <= before.rfind("</table>"):
            count += 1
    return count


def test_every_page_has_one_main_one_h1_ordered_headings_a_skip_link_and_scrolling_tables(all_pages):
    # All checks in one test: rendering every page for every role is the slow part.
    problems = {}
    for name, html in all_pages.items():
        page = outline(html)
        levels = page.headings
        found = []
        if page.tags.count("main") != 1 or page.main_ids != ["main"]:
            found.append(f"{page.tags.count('main')} <main>")
        if levels.count(1) != 1 or levels[0] != 1:
            found.append(f"headings {levels}: exactly one h1, and first")
        if any(after > before + 1 for before, after in itertools.pairwise(levels)):
            found.append(f"headings {levels} skip a level")
        if page.skip_links != ["#main"]:
            found.append(f"skip links {page.skip_links}")
        found += [f"no <{landmark}>" for landmark in ("header", "nav", "footer") if landmark not in page.tags]
        if unwrapped_tables(html):
            found.append(f"{unwrapped_tables(html)} table(s) without .table-responsive")
        if found:
            problems[name] = found
    assert not problems, problems
    assert len(all_pages) > len(CORE_PAGES)


def test_the_style_sheet_has_focus_tap_targets_and_contrast_rules():
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()

    assert ":focus-visible" in css
    assert "pointer: coarse" in css and "min-height: 44px" in css
    assert ".skip-link:focus" in css


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        # The colour pairs app.css sets: text on the review-state badges, links and buttons.
        ("#343a40", "#f1f3f5"),
        ("#664d03", "#fff3cd"),
        ("#0a3622", "#d1e7dd"),
        ("#58151c", "#f8d7da"),
        ("#0a58ca", "#ffffff"),
        ("#ffffff", "#0a58ca"),
        ("#ffffff", "#084298"),
        ("#0a58ca", "#f8f9fa"),
        ("#052c65", "#ffffff"),
        # Form field borders against the page: non-text, 3:1 is enough, this is more.
        ("#6c757d", "#ffffff"),
    ],
)
def test_text_colours_reach_aa_contrast(foreground, background):
    assert contrast(foreground, background) >= 4.5


def test_the_style_sheet_uses_only_colour_pairs_checked_above():
    """A new text colour in app.css should be added to the contrast test above."""
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    checked = {colour for pair in test_text_colours_reach_aa_contrast.pytestmark[0].args[1] for colour in pair}
    # "#fff" is white, checked above as "#ffffff".
    non_text = {"#fff"}
    colours = {colour.lower() for colour in re.findall(r"#[0-9a-fA-F]{6}\b|#fff\b", css)}
    assert colours <= checked | non_text, colours - checked - non_text
