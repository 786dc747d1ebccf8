"""The yearly cycle: yearly goals are assessed at year end (with a statement), unfinished ones are carried over to
next year once, and a page compares the quarters side by side for a year, scoped and in a constant number of
queries."""

import datetime
import html
import re
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import LogEntry, Ressort, ReviewState, Role
from handlungskonzepte.models import Massnahme
from quartiere import services
from quartiere.forms import JahreszielForm
from quartiere.models import Jahresziel
from quartiere.services import CarryOverError, carry_over
from tests import factories as f
from treffpunkte.models import Schedule

STATEMENT_ERROR = "Eine Bewertung braucht eine Begründung."
THIS_YEAR = timezone.localdate().year
A = Jahresziel.Assessment


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def people(kuckuck, nordstadt):
    """One person per role; the social worker and family support cover Kuckuck only."""
    return {
        "qm": f.UserFactory(username="qm", role=Role.QM_COORDINATOR),
        "gwa": f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck]),
        "gwa_other": f.UserFactory(username="gwa-nord", role=Role.GWA, quartiere=[nordstadt]),
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck]),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.STADTENTWICKLUNG),
        "admin": f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "norole": f.UserFactory(username="ohne-rolle", role=""),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def goal(quartier, *, year=2019, assessment=A.OPEN, **fields):
    statement = "" if assessment == A.OPEN else "Zwei von drei Treffpunkten arbeiten verlässlich."
    fields.setdefault("assessment_statement", statement)
    return f.JahreszielFactory(quartier=quartier, year=year, assessment=assessment, approved=True, **fields)


def carry_over_url(jahresziel):
    return reverse("quartiere:jahresziel-carry-over", args=[jahresziel.pk])


def text_of(response):
    return html.unescape(response.content.decode())


# --- The assessment at year end ----------------------------------------------------------------------------------


def form_data(jahresziel, **changes):
    data = {
        "quartier": jahresziel.quartier_id,
        "year": jahresziel.year,
        "title": jahresziel.title,
        "description": jahresziel.description,
        "assessment": jahresziel.assessment,
        "assessment_statement": jahresziel.assessment_statement,
        "carried_over_from": jahresziel.carried_over_from_id or "",
        "loaded_version": jahresziel.version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("assessment", [A.REACHED, A.PARTLY, A.NOT_REACHED])
@pytest.mark.parametrize("statement", ["", "   "])
def test_an_assessment_without_a_statement_is_refused_next_to_the_statement(kuckuck, people, assessment, statement):
    jahresziel = f.JahreszielFactory(quartier=kuckuck)
    form = JahreszielForm(
        form_data(jahresziel, assessment=assessment, assessment_statement=statement),
        instance=jahresziel,
        user=people["qm"],
    )

    assert not form.is_valid()
    assert form.errors["assessment_statement"] == [STATEMENT_ERROR]


def test_an_open_goal_needs_no_statement(kuckuck, people):
    jahresziel = f.JahreszielFactory(quartier=kuckuck)
    form = JahreszielForm(form_data(jahresziel), instance=jahresziel, user=people["qm"])

    assert form.is_valid(), form.errors


def test_the_coordinator_assesses_a_goal_in_the_portal(kuckuck, people):
    jahresziel = f.JahreszielFactory(quartier=kuckuck)
    url = reverse("quartiere:jahresziel-update", args=[jahresziel.pk])

    response = client_for(people["qm"]).post(
        url, form_data(jahresziel, assessment=A.PARTLY, assessment_statement="Ein Treffpunkt fehlt noch.")
    )

    assert response.status_code == 302
    jahresziel.refresh_from_db()
    assert (jahresziel.assessment, jahresziel.assessment_statement) == (A.PARTLY, "Ein Treffpunkt fehlt noch.")


def test_an_assessment_without_a_statement_in_the_portal_saves_nothing_and_says_why(kuckuck, people):
    jahresziel = f.JahreszielFactory(quartier=kuckuck)
    url = reverse("quartiere:jahresziel-update", args=[jahresziel.pk])

    response = client_for(people["qm"]).post(url, form_data(jahresziel, assessment=A.REACHED))

    assert response.status_code == 200
    assert response.context["form"].errors["assessment_statement"] == [STATEMENT_ERROR]
    assert STATEMENT_ERROR in text_of(response)
    jahresziel.refresh_from_db()
    assert (jahresziel.assessment, jahresziel.version) == (A.OPEN, 1)


# --- Carry-over ---------------------------------------------------------------------------------------------------


def test_carry_over_creates_next_years_goal_as_a_draft_linked_to_this_one(kuckuck, people):
    qm = people["qm"]
    jahresziel = goal(kuckuck, assessment=A.PARTLY, title="Neue Treffpunkte aufbauen", description="Mit Trägern.")

    response = client_for(qm).post(carry_over_url(jahresziel))

    successor = Jahresziel.objects.get(carried_over_from=jahresziel)
    assert response.status_code == 302
    assert response.url == successor.get_absolute_url()
    assert (successor.quartier, successor.year) == (kuckuck, 2020)
    assert (successor.title, successor.description) == ("Neue Treffpunkte aufbauen", "Mit Trägern.")
    assert successor.review_state == ReviewState.DRAFT
    assert successor.approved_at is None
    assert successor.assessment == A.OPEN
    assert successor.assessment_statement == ""
    assert successor.created_by == qm
    assert list(successor.contributors.all()) == [qm]
    # This year's goal stays as it was.
    jahresziel.refresh_from_db()
    assert (jahresziel.version, jahresziel.review_state) == (1, ReviewState.APPROVED)


def test_carry_over_is_in_the_new_goals_history(kuckuck, people):
    jahresziel = goal(kuckuck, assessment=A.NOT_REACHED)

    successor, created = carry_over(jahresziel, actor=people["qm"])

    assert created
    row = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Jahresziel), object_id=str(successor.pk))
    assert row.action == "quartiere.jahresziel.created"
    assert row.actor == people["qm"]
    assert row.data["carried_over_from"] == jahresziel.pk
    assert row.data["changes"]["carried_over_from"] == ["", str(jahresziel)]


def test_clicking_carry_over_twice_creates_one_goal_and_leads_to_it_both_times(kuckuck, people):
    client = client_for(people["qm"])
    jahresziel = goal(kuckuck, assessment=A.PARTLY)

    first = client.post(carry_over_url(jahresziel), follow=True)
    second = client.post(carry_over_url(jahresziel), follow=True)

    successor = Jahresziel.objects.get(carried_over_from=jahresziel)
    assert Jahresziel.objects.filter(year=2020).count() == 1
    assert first.redirect_chain == [(successor.get_absolute_url(), 302)]
    assert [message.level_tag for message in first.context["messages"]] == ["success"]
    assert second.redirect_chain == [(successor.get_absolute_url(), 302)]
    assert [message.level_tag for message in second.context["messages"]] == ["info"]
    # One creation in the log, not two.
    assert LogEntry.objects.filter(action="quartiere.jahresziel.created").count() == 1


def test_a_click_that_races_past_the_check_still_creates_one_goal(kuckuck, people, monkeypatch):
    """Two clicks at once: the second one's look for next year's goal comes before the first one's insert. The
    unique one-to-one link refuses the second insert, and the second click returns the first one's goal."""
    jahresziel = goal(kuckuck, assessment=A.PARTLY)
    successor, _created = carry_over(jahresziel, actor=people["qm"])
    real_successor_of = services.successor_of
    looks = []

    def late_look(source):
        looks.append(source.pk)
        return None if len(looks) == 1 else real_successor_of(source)

    monkeypatch.setattr(services, "successor_of", late_look)
    # The title check would stop the second insert before the database does; here it comes too late as well.
    monkeypatch.setattr(Jahresziel.objects, "filter", _hide_title_clash(Jahresziel.objects.filter))

    again, created = carry_over(jahresziel, actor=people["qm"])

    assert (again, created) == (successor, False)
    assert len(looks) == 2
    assert Jahresziel.objects.filter(year=2020).count() == 1


def _hide_title_clash(real_filter):
    def filter_(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if set(kwargs) == {"quartier_id", "year", "title"} else queryset

    return filter_


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_carry_overs_create_one_goal():
    """Two requests at the same moment, each in its own transaction and connection (PostgreSQL: the row lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and allows one writer at a time; CI runs this on PostgreSQL.")
    kuckuck = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    qm = f.UserFactory(username="qm", role=Role.QM_COORDINATOR)
    jahresziel = goal(kuckuck, assessment=A.PARTLY)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def click():
        try:
            barrier.wait(timeout=10)
            results.append(carry_over(jahresziel, actor=qm))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(created for _goal, created in results) == [False, True]
    assert len({successor.pk for successor, _created in results}) == 1
    assert Jahresziel.objects.filter(carried_over_from=jahresziel).count() == 1


@pytest.mark.parametrize(
    ("assessment", "year", "allowed"),
    [
        (A.PARTLY, 2019, True),
        (A.NOT_REACHED, 2019, True),
        (A.OPEN, 2019, True),  # still open after its year
        (A.PARTLY, THIS_YEAR, True),  # assessed early
        (A.REACHED, 2019, False),
        (A.OPEN, THIS_YEAR, False),  # its year is not over
        (A.REACHED, THIS_YEAR, False),
    ],
)
def test_only_unfinished_goals_are_carried_over(kuckuck, people, assessment, year, allowed):
    client = client_for(people["qm"])
    jahresziel = goal(kuckuck, year=year, assessment=assessment)

    page = client.get(jahresziel.get_absolute_url())
    response = client.post(carry_over_url(jahresziel))

    assert ("data-carry-over" in page.text) is allowed
    assert response.status_code == (302 if allowed else 409)
    assert Jahresziel.objects.filter(carried_over_from=jahresziel).exists() is allowed
    if not allowed:
        assert "portal/refused.html" in [template.name for template in response.templates]


def test_a_goal_is_not_carried_over_onto_a_goal_of_the_same_title_next_year(kuckuck, people):
    jahresziel = goal(kuckuck, assessment=A.PARTLY, title="Praxisnetzwerk verstetigen")
    goal(kuckuck, year=2020, title="Praxisnetzwerk verstetigen")

    with pytest.raises(CarryOverError):
        carry_over(jahresziel, actor=people["qm"])
    response = client_for(people["qm"]).post(carry_over_url(jahresziel))

    assert response.status_code == 409
    assert Jahresziel.objects.filter(carried_over_from=jahresziel).count() == 0


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("qm", 302),
        ("admin", 302),
        ("gwa", 403),  # may see the goal, may not add yearly goals
        ("familie", 403),
        ("leitung", 403),
        ("gwa_other", 404),  # another quarter: it does not exist for them
        ("norole", 403),
    ],
)
def test_who_may_carry_over(kuckuck, people, person, status):
    jahresziel = goal(kuckuck, assessment=A.PARTLY)
    client = client_for(people[person])

    response = client.post(carry_over_url(jahresziel))

    assert response.status_code == status
    assert Jahresziel.objects.filter(carried_over_from=jahresziel).exists() is (status == 302)


@pytest.mark.parametrize(("person", "shown"), [("qm", True), ("admin", True), ("gwa", False), ("leitung", False)])
def test_the_carry_over_button_is_shown_only_to_who_may_use_it(kuckuck, people, person, shown):
    jahresziel = goal(kuckuck, assessment=A.PARTLY)

    response = client_for(people[person]).get(jahresziel.get_absolute_url())

    assert response.status_code == 200
    assert ("data-carry-over" in response.text) is shown
    assert (carry_over_url(jahresziel) in response.text) is shown


def test_carry_over_is_post_only_and_anonymous_visitors_go_to_the_login(client, kuckuck, people):
    jahresziel = goal(kuckuck, assessment=A.PARTLY)

    assert client_for(people["qm"]).get(carry_over_url(jahresziel)).status_code == 405
    response = client.post(carry_over_url(jahresziel))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Jahresziel.objects.filter(carried_over_from=jahresziel).exists()


def test_the_goal_pages_link_both_ways_and_the_button_goes_once_carried_over(kuckuck, people):
    client = client_for(people["qm"])
    jahresziel = goal(kuckuck, assessment=A.PARTLY)
    successor, _created = carry_over(jahresziel, actor=people["qm"])

    old_page = client.get(jahresziel.get_absolute_url())
    new_page = client.get(successor.get_absolute_url())

    assert old_page.context["cycle"]["next"] == successor
    assert new_page.context["cycle"]["previous"] == jahresziel
    to_link = re.search(r"data-carried-over-to>(.*?)</dd>", old_page.text, re.S).group(1)
    from_link = re.search(r"data-carried-over-from>(.*?)</dd>", new_page.text, re.S).group(1)
    assert f'href="{successor.get_absolute_url()}"' in to_link
    assert f'href="{jahresziel.get_absolute_url()}"' in from_link
    assert "data-carry-over" not in old_page.text


def test_a_linked_goal_in_a_quarter_the_person_does_not_work_in_is_not_named(kuckuck, nordstadt, people):
    elsewhere = goal(nordstadt, title="Geheimnis der Nordstadt", assessment=A.PARTLY)
    jahresziel = goal(kuckuck, year=2020, carried_over_from=elsewhere)

    response = client_for(people["gwa"]).get(jahresziel.get_absolute_url())

    assert response.status_code == 200
    assert response.context["cycle"]["previous"] is None
    assert elsewhere.get_absolute_url() not in response.text


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_goal_page_needs_no_more_queries_for_its_links(kuckuck, people, django_assert_max_num_queries):
    client = client_for(people["gwa"])
    alone = goal(kuckuck, year=2018, assessment=A.REACHED)
    plain = measure(client, alone.get_absolute_url())

    first = goal(kuckuck, year=2018, assessment=A.PARTLY, title="Mitte")
    middle, _created = carry_over(first, actor=people["qm"])
    Jahresziel.objects.filter(pk=middle.pk).update(assessment=A.NOT_REACHED, assessment_statement="Noch nicht.")
    carry_over(middle, actor=people["qm"])
    linked = measure(client, middle.get_absolute_url())

    assert len(linked) == len(plain), "\n".join(["--- alone:", *plain, "--- linked:", *linked])
    # 6: session, user, the ids of the person's quarters, the goal with its quarter, people and both linked goals
    # joined (and the quarter of the one it was carried over from), the comments, the unread count.
    with django_assert_max_num_queries(6):
        client.get(middle.get_absolute_url())


# --- The year comparison -----------------------------------------------------------------------------------------


def comparison(client, year=None, **params):
    query = {"jahr": year, **params} if year is not None else params
    return client.get(reverse("quartiere:jahresvergleich"), query)


def row_values(response, key):
    """The cells of the row ``data-row="key"`` as text, one per quarter and the sum last."""
    row = re.search(rf'<tr data-row="{key}">(.*?)</tr>', response.text, re.S)
    assert row, f"no row {key}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def a_year_of(quartier, *, year=2019):
    """Two goals, a completed measure, a new meeting point and a running approved offer in ``quartier``."""
    concept = f.HandlungskonzeptFactory(quartier=quartier)
    done = f.MassnahmeFactory(
        handlungskonzept=concept, status=Massnahme.Status.DONE, end=datetime.date(year, 10, 31), title="Fertig"
    )
    opened = f.TreffpunktFactory(quartier=quartier, opened_on=datetime.date(year, 4, 1))
    angebot = f.AngebotFactory(treffpunkt=opened, approved=True)
    f.ScheduleFactory(angebot=angebot, valid_from=datetime.date(year, 4, 1))
    return done, opened, angebot


def test_the_comparison_shows_plan_and_assessment_per_quarter(kuckuck, nordstadt, people):
    goal(kuckuck, title="Treffpunkte unterstützen", assessment=A.REACHED)
    goal(kuckuck, title="Hausaufgabenhilfe sichern", assessment=A.PARTLY)
    goal(nordstadt, title="Nordlicht stärken", assessment=A.NOT_REACHED)
    goal(nordstadt, title="Familienzentrum öffnen")
    goal(nordstadt, year=2020, title="Praxisnetzwerk verstetigen")

    response = comparison(client_for(people["qm"]), 2019)

    assert response.status_code == 200
    assert [column.quartier for column in response.context["columns"]] == [kuckuck, nordstadt]
    assert row_values(response, "planned") == ["2", "2", "4"]
    assert row_values(response, "reached") == ["1", "0", "1"]
    assert row_values(response, "partly") == ["1", "0", "1"]
    assert row_values(response, "not_reached") == ["0", "1", "1"]
    assert row_values(response, "open") == ["0", "1", "1"]
    kuckuck_cell, nordstadt_cell, _sum = row_values(response, "jahresziele")
    assert "Treffpunkte unterstützen" in kuckuck_cell
    assert "Nordlicht stärken" in nordstadt_cell
    assert "Praxisnetzwerk verstetigen" not in response.text
    # The assessment is in words, not in colour alone.
    text = text_of(response)
    for label in ("Erreicht", "Teilweise erreicht", "Nicht erreicht"):
        assert label in text


def test_the_comparison_shows_measures_done_new_meeting_points_and_running_offers_of_the_year(
    kuckuck, nordstadt, people
):
    done, opened, _angebot = a_year_of(kuckuck)
    concept = done.handlungskonzept
    f.MassnahmeFactory(
        handlungskonzept=concept,
        status=Massnahme.Status.DONE,
        start=datetime.date(2018, 1, 1),
        end=datetime.date(2018, 12, 31),
    )
    f.MassnahmeFactory(handlungskonzept=concept, status=Massnahme.Status.RUNNING, end=datetime.date(2019, 6, 30))
    f.TreffpunktFactory(quartier=kuckuck, opened_on=datetime.date(2018, 12, 31))
    f.TreffpunktFactory(quartier=nordstadt, opened_on=None)
    # Offers that do not count: a draft, one whose times ended before the year, one without times.
    f.ScheduleFactory(angebot=f.AngebotFactory(treffpunkt=opened))
    old_times = f.AngebotFactory(treffpunkt=opened, approved=True)
    f.ScheduleFactory(angebot=old_times, valid_until=datetime.date(2018, 12, 31))
    f.AngebotFactory(treffpunkt=opened, approved=True)
    # A single date in the year counts, in Nordstadt.
    single = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=nordstadt), approved=True)
    f.ScheduleFactory(angebot=single, kind=Schedule.Kind.SINGLE, weekday=None, date=datetime.date(2019, 9, 7))

    response = comparison(client_for(people["qm"]), 2019)

    assert row_values(response, "massnahmen") == ["1", "0", "1"]
    assert row_values(response, "treffpunkte") == ["1", "0", "1"]
    assert row_values(response, "angebote") == ["1", "1", "2"]
    assert f'data-massnahme="{done.pk}"' in response.text
    assert f'data-treffpunkt="{opened.pk}"' in response.text


def test_the_comparison_shows_only_the_persons_quarters(kuckuck, nordstadt, people):
    goal(kuckuck, title="Treffpunkte unterstützen")
    goal(nordstadt, title="Nordlicht stärken")
    a_year_of(nordstadt)

    response = comparison(client_for(people["gwa"]), 2019)

    assert [column.quartier for column in response.context["columns"]] == [kuckuck]
    assert "Nordlicht stärken" not in response.text
    assert 'data-quartier="nordstadt"' not in response.text
    assert row_values(response, "treffpunkte") == ["0", "0"]
    assert row_values(response, "angebote") == ["0", "0"]


@pytest.mark.parametrize("person", ["qm", "gwa", "familie", "leitung", "admin"])
def test_every_staff_role_reads_the_comparison(kuckuck, people, person):
    assert comparison(client_for(people[person]), 2019).status_code == 200


def test_the_comparison_is_for_staff_only(client, people):
    assert comparison(client_for(people["norole"])).status_code == 403
    response = comparison(client)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_comparison_shows_the_current_year_by_default_and_offers_the_years_with_goals(kuckuck, people):
    goal(kuckuck, year=2017)
    client = client_for(people["qm"])

    response = comparison(client)

    assert response.context["year"] == THIS_YEAR
    options = re.findall(r'<option value="(\d+)"', response.text)
    assert {"2017", str(THIS_YEAR)} <= set(options)
    assert comparison(client, 2017).context["year"] == 2017


@pytest.mark.parametrize("wrong", ["zwanzig", "1800"])
def test_a_wrong_year_shows_the_current_year_and_says_why(kuckuck, people, wrong):
    response = comparison(client_for(people["qm"]), wrong)

    assert response.status_code == 200
    assert response.context["year"] == THIS_YEAR
    assert response.context["form"].errors["jahr"]


def test_the_comparison_is_a_table_with_headers_for_rows_and_columns(kuckuck, nordstadt, people):
    response = comparison(client_for(people["qm"]), 2019)

    table = re.search(r"<table[^>]*data-jahresvergleich.*?</table>", response.text, re.S).group(0)
    assert "<caption" in table
    assert table.count('<th scope="col"') == 4  # what, Kuckuck, Nordstadt, together
    assert table.count('<th scope="row"') == 11


def add_year(quartiere, count):
    for quartier in quartiere:
        for n in range(count):
            goal(quartier, assessment=[A.REACHED, A.PARTLY, A.OPEN][n % 3])
            a_year_of(quartier)


@pytest.mark.parametrize(("person", "pinned"), [("qm", 9), ("gwa", 9)])
def test_the_comparison_needs_the_same_queries_for_few_and_many_quarters_and_entries(
    kuckuck, nordstadt, people, person, pinned, django_assert_max_num_queries
):
    client = client_for(people[person])
    people["gwa"].quartiere.add(nordstadt)
    add_year([kuckuck], 1)
    few = measure(client, reverse("quartiere:jahresvergleich") + "?jahr=2019")

    more = [f.QuartierFactory(name=f"Quartier {n}", slug=f"q-{n}") for n in range(4)]
    people["gwa"].quartiere.add(*more)
    add_year([kuckuck, nordstadt, *more], 5)
    many = measure(client, reverse("quartiere:jahresvergleich") + "?jahr=2019")

    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])
    # 9: session, user, the quarters (for the social worker: theirs, prefetched, which also gives the scope), the
    # years with goals, the goals with where they were carried over to, the completed measures, the new meeting
    # points, the running offers counted per quarter, the unread count.
    with django_assert_max_num_queries(pinned):
        response = client.get(reverse("quartiere:jahresvergleich") + "?jahr=2019")
    assert len(response.context["columns"]) == 6
    assert sum(len(column.jahresziele) for column in response.context["columns"]) == 6 * 5 + 1
