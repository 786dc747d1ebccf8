"""The traceability chain: finding → goals → measures → offers, and back, showing only what the person may see."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from handlungskonzepte.services import traceability_chain
from tests import factories as f
from tests.handlungskonzepte.conftest import client_for


@pytest.fixture
def chain_data(konzept, nordstadt):
    """A need answered by a goal, served by a measure carried out by an offer in Kuckuck and one in Nordstadt;
    plus a finding no goal answers, a goal answering no finding and a measure no offer carries out."""
    befund = f.BefundFactory(handlungskonzept=konzept, title="Zu wenig Treffpunkte", approved=True)
    lonely_befund = f.BefundFactory(handlungskonzept=konzept, title="Lärm am Spielplatz")
    feld = f.HandlungsfeldFactory(handlungskonzept=konzept, title="Zusammenleben")
    ziel = f.ZielFactory(handlungsfeld=feld, title="Begegnung stärken", approved=True)
    ziel.befunde.add(befund)
    lonely_ziel = f.ZielFactory(handlungsfeld=feld, title="Sauberkeit")
    massnahme = f.MassnahmeFactory(handlungskonzept=konzept, title="Sprachcafé aufbauen", approved=True)
    massnahme.ziele.add(ziel)
    lonely_massnahme = f.MassnahmeFactory(handlungskonzept=konzept, title="Aufräumaktion")
    lonely_massnahme.ziele.add(lonely_ziel)
    angebot = f.AngebotFactory(
        title="Sprachcafé", quartier=konzept.quartier, treffpunkt=f.TreffpunktFactory(quartier=konzept.quartier)
    )
    elsewhere = f.AngebotFactory(
        title="Nordstadt-Café", quartier=nordstadt, treffpunkt=f.TreffpunktFactory(quartier=nordstadt)
    )
    massnahme.angebote.add(angebot, elsewhere)
    return {
        "befund": befund,
        "lonely_befund": lonely_befund,
        "ziel": ziel,
        "lonely_ziel": lonely_ziel,
        "massnahme": massnahme,
        "lonely_massnahme": lonely_massnahme,
        "angebot": angebot,
        "elsewhere": elsewhere,
    }


def test_the_chain_runs_from_each_finding_to_goals_measures_and_offers(people, konzept, chain_data):
    chain = traceability_chain(konzept, user=people["qm"])

    befund = next(b for b in chain.befunde if b.pk == chain_data["befund"].pk)
    assert [z.pk for z in befund.chain_ziele] == [chain_data["ziel"].pk]
    ziel = befund.chain_ziele[0]
    assert [m.pk for m in ziel.chain_massnahmen] == [chain_data["massnahme"].pk]
    assert {a.pk for a in ziel.chain_massnahmen[0].chain_angebote} == {
        chain_data["angebot"].pk,
        chain_data["elsewhere"].pk,
    }
    lonely = next(b for b in chain.befunde if b.pk == chain_data["lonely_befund"].pk)
    assert lonely.chain_ziele == []
    assert [z.pk for z in chain.goals_without_findings] == [chain_data["lonely_ziel"].pk]
    assert [m.pk for m in chain.measures_without_offers] == [chain_data["lonely_massnahme"].pk]


def test_the_chain_runs_back_from_each_offer_to_measures_goals_and_findings(people, konzept, chain_data):
    chain = traceability_chain(konzept, user=people["qm"])

    angebot = next(a for a in chain.angebote if a.pk == chain_data["angebot"].pk)
    assert [m.pk for m in angebot.chain_massnahmen] == [chain_data["massnahme"].pk]
    assert [z.pk for z in angebot.chain_massnahmen[0].chain_ziele] == [chain_data["ziel"].pk]
    assert [b.pk for b in angebot.chain_massnahmen[0].chain_ziele[0].chain_befunde] == [chain_data["befund"].pk]


def test_a_social_worker_sees_no_offer_outside_their_quarters(people, konzept, chain_data):
    chain = traceability_chain(konzept, user=people["gwa"])
    assert [a.pk for a in chain.angebote] == [chain_data["angebot"].pk]

    page = client_for(people["gwa"]).get(reverse("handlungskonzepte:handlungskonzept-chain", args=[konzept.pk]))
    html = page.content.decode()
    assert "Sprachcafé" in html
    assert "Nordstadt-Café" not in html


def test_the_public_chain_holds_approved_entries_only_and_links_nowhere(konzept, chain_data):
    chain = traceability_chain(konzept, user=None)

    assert [b.pk for b in chain.befunde] == [chain_data["befund"].pk]
    assert [z.pk for z in chain.ziele] == [chain_data["ziel"].pk]
    assert [m.pk for m in chain.massnahmen] == [chain_data["massnahme"].pk]
    assert chain.angebote == []  # the offers are drafts
    assert chain.links is False


def test_the_chain_page_shows_both_directions_with_links(people, konzept, chain_data):
    response = client_for(people["gwa"]).get(reverse("handlungskonzepte:handlungskonzept-chain", args=[konzept.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "From findings to offers" in html
    assert "Back from offers to findings" in html
    for entry in ("befund", "ziel", "massnahme", "angebot"):
        assert f'href="{chain_data[entry].get_absolute_url()}"' in html
    assert "No goal answers this finding yet." in html


def test_the_chain_page_of_a_concept_outside_ones_quarters_is_not_found(people, konzept):
    url = reverse("handlungskonzepte:handlungskonzept-chain", args=[konzept.pk])
    assert client_for(people["gwa_other"]).get(url).status_code == 404


def test_the_template_tag_renders_the_chain_for_the_person_on_the_page(people, konzept, chain_data):
    request = RequestFactory().get("/")
    request.user = people["gwa"]
    html = Template("{% load handlungskonzepte %}{% traceability_chain konzept %}").render(
        Context({"konzept": konzept, "request": request})
    )
    assert "Begegnung stärken" in html
    assert chain_data["ziel"].get_absolute_url() in html
    assert "Nordstadt-Café" not in html


def test_the_offer_page_leads_back_to_measures_goals_and_findings(people, chain_data):
    url = reverse("handlungskonzepte:angebot-chain", args=[chain_data["angebot"].pk])

    response = client_for(people["gwa"]).get(url)

    assert response.status_code == 200
    html = response.content.decode()
    for entry in ("massnahme", "ziel", "befund"):
        assert f'href="{chain_data[entry].get_absolute_url()}"' in html
    assert (
        client_for(people["gwa"])
        .get(reverse("handlungskonzepte:angebot-chain", args=[chain_data["elsewhere"].pk]))
        .status_code
        == 404
    )


def test_the_measure_page_leads_back_to_goals_and_findings_and_on_to_offers(people, chain_data):
    html = client_for(people["gwa"]).get(chain_data["massnahme"].get_absolute_url()).content.decode()

    assert f'href="{chain_data["ziel"].get_absolute_url()}"' in html
    assert f'href="{chain_data["befund"].get_absolute_url()}"' in html
    assert f'href="{chain_data["angebot"].get_absolute_url()}"' in html
    assert f'href="{chain_data["elsewhere"].get_absolute_url()}"' not in html
