"""The progress roll-up: measures → goals → fields of action → action concept, each level a plain average."""

from statistics import fmean

import pytest

from handlungskonzepte.models import Massnahme
from handlungskonzepte.services import concept_rollup, roll_up
from tests import factories as f
from tests.handlungskonzepte.conftest import client_for


@pytest.fixture
def tree(konzept):
    """Field A: goal 1 (measures 20, 40 and a dropped 100), goal 2 (90), goal 3 (none); field B: goal 4 (10, and a
    measure at 70 that also serves goal 1); field C without goals."""
    feld_a = f.HandlungsfeldFactory(handlungskonzept=konzept, title="A", position=1)
    feld_b = f.HandlungsfeldFactory(handlungskonzept=konzept, title="B", position=2)
    feld_c = f.HandlungsfeldFactory(handlungskonzept=konzept, title="C", position=3)
    ziele = {
        1: f.ZielFactory(handlungsfeld=feld_a, title="Ziel 1"),
        2: f.ZielFactory(handlungsfeld=feld_a, title="Ziel 2"),
        3: f.ZielFactory(handlungsfeld=feld_a, title="Ziel 3"),
        4: f.ZielFactory(handlungsfeld=feld_b, title="Ziel 4"),
    }

    def measure(progress, *goals, status=Massnahme.Status.RUNNING):
        massnahme = f.MassnahmeFactory(handlungskonzept=konzept, progress=progress, status=status)
        massnahme.ziele.set([ziele[goal] for goal in goals])
        return massnahme

    measure(20, 1)
    measure(40, 1)
    measure(100, 1, status=Massnahme.Status.DROPPED)
    measure(90, 2)
    measure(10, 4)
    measure(70, 4, 1)
    return {"felder": {"A": feld_a, "B": feld_b, "C": feld_c}, "ziele": ziele}


def test_each_level_is_the_average_of_the_level_below_without_dropped_measures(konzept, tree):
    goal_1 = (20 + 40 + 70) / 3
    goal_2 = 90
    goal_4 = (10 + 70) / 2
    field_a = (goal_1 + goal_2) / 2  # goal 3 has no measure and is left out, not counted as 0
    field_b = goal_4
    expected_concept = (field_a + field_b) / 2  # field C has no goal with progress

    rollup = concept_rollup(konzept)

    ziele, felder = tree["ziele"], tree["felder"]
    assert rollup.goals[ziele[1].pk] == pytest.approx(goal_1)
    assert rollup.goals[ziele[2].pk] == pytest.approx(goal_2)
    assert rollup.goals[ziele[3].pk] is None
    assert rollup.goals[ziele[4].pk] == pytest.approx(goal_4)
    assert rollup.fields[felder["A"].pk] == pytest.approx(field_a)
    assert rollup.fields[felder["B"].pk] == pytest.approx(field_b)
    assert rollup.fields[felder["C"].pk] is None
    assert rollup.concept == pytest.approx(expected_concept)


def test_a_concept_without_measures_has_no_progress_rather_than_zero(konzept):
    f.ZielFactory(handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=konzept))
    assert concept_rollup(konzept).concept is None


@pytest.mark.parametrize(
    ("links", "expected_goals"),
    [
        ([(1, 0), (1, 100)], {1: 50}),
        ([(1, 33), (1, 33), (1, 34), (2, 1)], {1: (33 + 33 + 34) / 3, 2: 1}),
        ([], {1: None, 2: None}),
    ],
)
def test_roll_up_averages_whatever_the_numbers(links, expected_goals):
    rollup = roll_up([10, 20], {1: 10, 2: 20}, links)
    for goal, value in expected_goals.items():
        assert rollup.goals[goal] == (pytest.approx(value) if value is not None else None)
    known = [value for value in expected_goals.values() if value is not None]
    assert rollup.concept == (pytest.approx(fmean(known)) if known else None)


def test_the_concept_page_shows_the_roll_up_as_bars_with_the_number_as_text(people, konzept, tree):
    response = client_for(people["gwa"]).get(konzept.get_absolute_url())

    assert response.status_code == 200
    goal_1 = round((20 + 40 + 70) / 3)
    concept = round((((20 + 40 + 70) / 3 + 90) / 2 + (10 + 70) / 2) / 2)
    html = response.content.decode()
    assert f'<progress class="flex-grow-1"\n              max="100"\n              value="{concept}"' in html
    assert f"{goal_1} %" in html
    assert f"{concept} %" in html
    assert f'aria-label="Progress of {konzept}"' in html


def test_the_goal_page_shows_the_goal_progress(people, tree):
    response = client_for(people["qm"]).get(tree["ziele"][1].get_absolute_url())

    assert response.context["progress"] == pytest.approx((20 + 40 + 70) / 3)
    assert f"{round((20 + 40 + 70) / 3)} %" in response.content.decode()
