"""What the fuzz tests send: hostile values, and form data built field by field from the form the page shows.

Most fields of a generated form get a plausible value (a valid choice, a date, a number in range), a few get a
hostile one, so that an example reaches the form's own checks and, now and then, the save behind them; a field
may also be left out or sent twice.
"""

import datetime
import string

from django import forms
from hypothesis import strategies as st

# Markup that must never come back as markup: each is searched for, verbatim, in every HTML answer.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg/onload=alert(3)>",
    "javascript:alert(4)//<b>fett</b>",
)

HOSTILE_TEXT = (
    *PAYLOADS,
    "\x00",
    "a\x00b",
    "\x1f\x07\x1b[31m",
    "\u202eevil\u202c",  # right-to-left override
    "\ufeff\u200b\u200d",
    "' OR 1=1 --",
    "1; DROP TABLE treffpunkte_angebot; --",
    "%",
    "_",
    "\\",
    "%00",
    "../../etc/passwd",
    "İstanbul ß ﬁ Ǆ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏳️‍🌈 👩🏽‍🚀",
    "٣٤٥",  # Arabic-Indic digits
    "²³",  # digits to str.isdigit, no numbers to int()
    "１２",  # full-width digits
    "e\u0301\u0301\u0301",
    " ",
    "",
    "A" * 10_001,
    PAYLOADS[0] * 500,
    "\x00" * 10_000,
)

HOSTILE_NUMBERS = (
    "-1",
    "0",
    "-0",
    "1.5",
    "1e10",
    "1e999999",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "2147483648",
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(10**100),
    "99999999999999999999999999999999999999",
)

HOSTILE_DATES = (
    "2019-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2019-W60",
    "31.12.2019",
    "12/31/2019",
    "25:61",
    "-1-01-01",
    "2019-13-01T99:99",
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    # Random text without surrogates, which no browser can send (they cannot be encoded as UTF-8).
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_TEXT)),
)
hostile_number = st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers().map(str))
hostile_value = st.one_of(hostile_text, hostile_number, st.sampled_from(HOSTILE_DATES))


def choice_values(field):
    """The values a browser could send for a choice field: the options of its ``<select>``."""
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # an option group
            values.extend(str(inner) for inner, _label in label)
        else:
            values.append(str(getattr(value, "value", value)))
    return values or [""]


def plausible(field):
    """A value the page's own widget could send for ``field``."""
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(field, (forms.ModelMultipleChoiceField, forms.MultipleChoiceField)):
        return st.lists(st.sampled_from(choice_values(field)), max_size=3, unique=True)
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return st.sampled_from(choice_values(field))
    if isinstance(field, forms.DateField):
        return st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)).map(datetime.date.isoformat)
    if isinstance(field, forms.TimeField):
        return st.times().map(lambda time: time.strftime("%H:%M"))
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        low = field.min_value if field.min_value is not None else -1000
        high = field.max_value if field.max_value is not None else 10_000
        return st.integers(int(low), int(high)).map(str)
    if isinstance(field, forms.EmailField):
        return st.sampled_from(["treff@hameln.invalid", "a@b.de", ""])
    if isinstance(field, forms.URLField):
        return st.sampled_from(["https://hameln.invalid/", ""])
    if isinstance(field, forms.SlugField):
        return st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=30)
    max_length = getattr(field, "max_length", None) or 200
    return st.text(string.ascii_letters + "äöüß .,-", min_size=1, max_size=min(max_length, 60))


def field_value(field):
    """Mostly plausible, sometimes hostile, sometimes two values for the one key."""
    return st.one_of(
        plausible(field),
        plausible(field),
        hostile_value,
        st.lists(hostile_value, min_size=2, max_size=3),
    )


@st.composite
def form_data(draw, fields, fixed=None):
    """POST data for ``fields`` (``{html name: form field}``): each field sent or not, plus ``fixed`` values
    (management forms, the version a page was loaded with), each of which may be replaced by a hostile one."""
    data = {}
    for name, field in fields.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # left out, as a hand-made request would
        data[name] = draw(field_value(field))
    for name, value in (fixed or {}).items():
        data[name] = draw(st.one_of(st.just(value), st.just(value), hostile_value))
    return data


@st.composite
def query(draw, names):
    """GET parameters: each of ``names`` left out, plausible-looking or hostile, sometimes repeated."""
    data = {}
    for name in names:
        kind = draw(st.integers(0, 3))
        if kind == 0:
            continue
        if kind == 3:
            data[name] = draw(st.lists(hostile_value, min_size=2, max_size=3))
        else:
            data[name] = draw(hostile_value)
    return data


def sent_values(data):
    """Every single value in request data, lists flattened."""
    for value in data.values():
        yield from value if isinstance(value, list) else [value]
