"""The yearly report in a real browser: reached from the start page, its charts and tables pass axe-core's WCAG
2.1 A/AA checks, it is finalised through its form, and the spreadsheet downloads."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from handlungskonzepte.models import Massnahme
from tests import factories as f

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the Content Security Policy would refuse.
    return {**browser_context_args, "bypass_csp": True, "accept_downloads": True}


@pytest.fixture
def year_2019(kuckuck):
    altstadt = f.QuartierFactory(name="Altstadt", slug="altstadt")
    for quartier in (kuckuck, altstadt):
        angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=quartier, approved=True), approved=True)
        f.ScheduleFactory(angebot=angebot)
        for month in range(1, 13):
            f.TeilnahmeFactory(angebot=angebot, date=datetime.date(2019, month, 5), participants=10 + month)
        concept = f.HandlungskonzeptFactory(quartier=quartier, approved=True)
        for status in (Massnahme.Status.RUNNING, Massnahme.Status.PLANNED, Massnahme.Status.RUNNING):
            f.MassnahmeFactory(handlungskonzept=concept, status=status, end=None, approved=True)
        f.KennzahlFactory(quartier=quartier, year=2018, value=4100)
        f.KennzahlFactory(quartier=quartier, year=2019, value=4200)


def assert_no_violations(page, what):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    assert result["passes"], f"{what}: axe checked nothing"
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]
    assert not violations, f"{what}: {json.dumps(violations, ensure_ascii=False, indent=1)}"


def test_the_report_is_read_checked_finalised_and_downloaded(page, log_in, qm, year_2019, live_server):
    log_in(qm)
    page.get_by_role("link", name=_("Yearly reports")).click()
    assert_no_violations(page, "index")
    page.locator('[data-year="2019"] a').first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2019")
    # The charts are there, each an image with a name, followed by its table.
    charts = page.locator("svg[role=img][data-chart]")
    expect(charts).to_have_count(3)  # attendance per month, measures by status, the indicator
    expect(page.locator('[data-table="teilnahme-monat"] [data-row="total"] td').last).to_have_text(
        "396"
    )  # 2 × (11 + 12 + … + 22)
    assert_no_violations(page, "report")

    page.get_by_role("link", name=_("Compare with %(previous)s") % {"previous": 2018}).click()
    expect(page.locator("mark[data-difference]").first).to_be_visible()
    assert_no_violations(page, "year comparison")
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name=_("Spreadsheet (XLSX)")).click()
    assert download.value.suggested_filename == "jahresbericht-2019-gesamt.xlsx"

    page.get_by_role("link", name=_("Finalise this report")).click()
    page.get_by_label(_("Note")).fill("Für den Verwendungsnachweis")
    page.get_by_role("button", name=_("Finalise")).click()
    expect(page.locator("[data-state=finalised]")).to_contain_text("Für den Verwendungsnachweis")
    assert_no_violations(page, "finalised version")
