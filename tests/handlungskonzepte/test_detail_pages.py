"""The detail pages of concepts, findings, goals and measures link their neighbours in both directions."""

from django.urls import reverse

from tests import factories as f
from tests.handlungskonzepte.conftest import build_chain, client_for


def links(response):
    return response.content.decode()


def test_the_concept_page_links_fields_goals_measures_findings_formats_and_revisions(people, konzept, kuckuck):
    row = build_chain(konzept, 1)[0]
    earlier = f.HandlungskonzeptFactory(quartier=kuckuck, title="IHK alt", start_year=2012, end_year=2015)
    konzept.previous = earlier
    konzept.save(update_fields=["previous"])
    later = f.HandlungskonzeptFactory(
        quartier=kuckuck, title="IHK neu", start_year=2023, end_year=2026, previous=konzept
    )

    html = links(client_for(people["gwa"]).get(konzept.get_absolute_url()))

    assert row["feld"].title in html
    for entry in (row["ziel"], row["massnahme"], row["befund"], earlier, later):
        assert f'href="{entry.get_absolute_url()}"' in html
    assert "Format 0" in html
    assert reverse("handlungskonzepte:handlungskonzept-chain", args=[konzept.pk]) in html


def test_a_revision_in_a_quarter_one_does_not_cover_is_not_linked(people, konzept, nordstadt):
    other = f.HandlungskonzeptFactory(quartier=nordstadt, start_year=2030, end_year=2031, previous=konzept)

    html = links(client_for(people["gwa"]).get(konzept.get_absolute_url()))

    assert other.get_absolute_url() not in html


def test_the_finding_page_links_the_goals_that_answer_it_and_its_concept(people, konzept):
    row = build_chain(konzept, 1)[0]

    html = links(client_for(people["familie"]).get(row["befund"].get_absolute_url()))

    assert f'href="{row["ziel"].get_absolute_url()}"' in html
    assert f'href="{konzept.get_absolute_url()}"' in html


def test_the_goal_page_links_findings_and_measures_and_shows_its_indicators(people, konzept):
    row = build_chain(konzept, 1)[0]
    f.IndikatorFactory(
        ziel=row["ziel"], name="Besuche pro Monat", baseline=12, target=30, actual=21, baseline_year=2018
    )

    response = client_for(people["leitung"]).get(row["ziel"].get_absolute_url())

    html = links(response)
    assert f'href="{row["befund"].get_absolute_url()}"' in html
    assert f'href="{row["massnahme"].get_absolute_url()}"' in html
    assert f'href="{konzept.get_absolute_url()}"' in html
    assert "Besuche pro Monat" in html
    for value in ("12.00", "30.00", "21.00", "(2018)"):
        assert value in html


def test_the_measure_page_links_concept_goals_offers_and_meeting_point(people, konzept):
    row = build_chain(konzept, 1)[0]

    html = links(client_for(people["qm"]).get(row["massnahme"].get_absolute_url()))

    for entry in (konzept, row["ziel"], row["befund"], row["angebot"], row["angebot"].treffpunkt):
        assert f'href="{entry.get_absolute_url()}"' in html
    assert str(row["massnahme"].partners.get()) in html


def test_an_empty_comment_shows_the_page_again_with_its_own_parts(people, konzept):
    row = build_chain(konzept, 1)[0]
    url = reverse("handlungskonzepte:massnahme-comment", args=[row["massnahme"].pk])

    response = client_for(people["qm"]).post(url, {"text": ""})

    assert response.status_code == 400
    assert f'href="{row["ziel"].get_absolute_url()}"' in response.content.decode()


def test_pages_of_entries_outside_ones_quarters_are_not_found(people, konzept):
    row = build_chain(konzept, 1)[0]
    client = client_for(people["gwa_other"])
    for entry in (konzept, row["befund"], row["ziel"], row["massnahme"]):
        assert client.get(entry.get_absolute_url()).status_code == 404
