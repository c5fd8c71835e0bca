"""A page holds one year of a neighbourhood's actions and lists of bounded length, whatever the follow-up's
size: the real content with a second year of programmation, and lists made longer than a page holds.

The site is built as MkDocs and Material build it (strict: every link and anchor must exist)."""

from __future__ import annotations

import re

import pytest
import yaml

from cdv import actionview
from cdv.build import build_site
from cdv.pages import build_pages
from sitetext import visible_text

pytestmark = pytest.mark.slow  # builds a site


def add_year(project, year: int, count: int = 2) -> list[str]:
    """Actions of `year` in Planoise, funded by the ARS: returns their ids."""
    actions = [
        {"id": f"essai-{year}-{i}", "title": f"Action d'essai {i} de {year}", "neighbourhoods": ["planoise"],
         "priorities": ["planoise-formation"],
         "funding": [{"funder": "ars-bfc", "amount": 1000 * i, "year": year}]}
        for i in range(1, count + 1)
    ]
    text = yaml.safe_dump({"year": year, "source": "Programmation d'essai", "actions": actions},
                          allow_unicode=True, sort_keys=False)
    (project / "actions" / f"{year}.yml").write_text(text, encoding="utf-8")
    return [a["id"] for a in actions]


def page(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_a_neighbourhood_page_shows_its_latest_year_and_each_earlier_year_has_a_page(project, tmp_path):
    ids = add_year(project, 2024)
    site = build_site(project, tmp_path / "site", with_pdf=False)
    planoise = page(site, "quartiers/planoise")
    text = visible_text(planoise)
    assert "2 actions de la programmation 2024" in text
    assert all(f'id="action-{i}"' in planoise for i in ids)
    assert 'id="action-atelier-sante-ville"' not in planoise  # a 2023 action: on the 2023 page
    # The earlier year: a row with its page, its number of actions and its dated total.
    row = re.search(r'<a href="programmation-2023/">2023</a></td>\s*<td>(\d+)</td>', planoise)
    assert row and int(row.group(1)) == 19
    earlier = page(site, "quartiers/planoise/programmation-2023")
    assert 'id="action-atelier-sante-ville"' in earlier
    assert "19 actions de la programmation 2023" in visible_text(earlier)
    assert 'href="../#planoise-jeunes-12-25-ans"' in earlier  # its priorities, on the neighbourhood's page
    # Elsewhere, a 2023 action is linked on its year's page, a 2024 one on the neighbourhood's page.
    signatories = page(site, "signataires")
    assert 'href="../quartiers/planoise/programmation-2023/#action-atelier-sante-ville"' in signatories
    assert f'href="../quartiers/planoise/#action-{ids[0]}"' in signatories
    # A page reached from its neighbourhood's page, not from the navigation.
    assert "programmation-2023" not in page(site, "contrat")
    # Edited in the actions file of its year, as the neighbourhood's page is in the neighbourhood's file.
    edits = re.findall(r'<a href="([^"]+)" rel="edit">', earlier)
    assert edits and all(e.endswith("/edit/main/actions/2023.yml") for e in edits), edits


def test_a_list_longer_than_a_page_holds_gives_its_number_and_totals(project, monkeypatch):
    from cdv.corpus import load_corpus

    add_year(project, 2024, count=4)
    monkeypatch.setattr(actionview, "LIST_LIMIT", 3)
    pages = {p.path: p.markdown for p in build_pages(load_corpus(project))}
    ars = pages["signataires/index.md"].split("suivi-ars-bfc", 1)[1].split("####", 1)[0]
    assert "| Quartiers | Action |" not in ars
    assert "lignes de financement, pour" in ars and "dans 1 quartier" in ars
    assert "Total par année" in ars and "2024 : 10" in ars  # 1 000 + 2 000 + 3 000 + 4 000 €
    monkeypatch.setattr(actionview, "LIST_LIMIT", 60)
    pages = {p.path: p.markdown for p in build_pages(load_corpus(project))}
    assert "| Quartiers | Action |" in pages["signataires/index.md"].split("suivi-ars-bfc", 1)[1].split("####", 1)[0]


REPORT_2023 = """\
year: 2023
title: Rapport annuel 2023 d'essai
status: projet
outlook:
  - p: Perspectives d'essai.
"""


def test_a_report_links_each_neighbourhood_to_its_programmation_of_the_year(tmp_path):
    from reportfixture import report_project

    project = report_project(tmp_path / "projet")  # actions of 2024 in Planoise and Battant, report 2024
    (project / "reports" / "2023.yml").write_text(REPORT_2023, encoding="utf-8")
    site = build_site(project, tmp_path / "site", with_pdf=False)
    by_neighbourhood = page(site, "rapports/2023").split('id="actions-par-quartier"', 1)[1].split("</table>", 1)[0]
    # Planoise's page shows 2024: its 2023 actions are on its page of 2023.
    assert 'href="../../quartiers/planoise/programmation-2023/"' in by_neighbourhood
    latest = page(site, "rapports/2024").split('id="actions-par-quartier"', 1)[1].split("</table>", 1)[0]
    assert 'href="../../quartiers/planoise/#ce-qui-se-fait-ici"' in latest
    assert 'href="../../quartiers/battant/#ce-qui-se-fait-ici"' in latest


def test_a_report_with_more_actions_than_it_lists_gives_their_numbers_and_places(project, monkeypatch):
    from cdv import report
    from cdv.corpus import load_corpus

    (project / "reports").mkdir()
    (project / "reports" / "2023.yml").write_text(REPORT_2023, encoding="utf-8")
    corpus = load_corpus(project)
    listed = {p.path: p.markdown for p in build_pages(corpus)}["rapports/2023.md"]
    assert "| Action | Quartiers | Porteur | Statut | Financements |" in listed
    monkeypatch.setattr(report, "ACTIONS_LISTED", 3)
    bounded = {p.path: p.markdown for p in build_pages(corpus)}["rapports/2023.md"]
    assert "| Action | Quartiers | Porteur | Statut | Financements |" not in bounded
    assert "trop nombreuses pour être listées ici une à une" in bounded
    assert "que le tableau « Par quartier » relie" in bounded
    rep = report.annual_report(corpus, 2023)
    for group in rep.by_neighbourhood:  # every neighbourhood's row and its number of actions stay
        assert f"| {len(group.actions)} |" in bounded.split("actions-par-quartier", 1)[1].split(group.label, 1)[1]
    printed = report.report_body(corpus, rep)
    assert "sur le site du contrat" in printed and "<td>Cité éducative" not in printed


def test_an_unknown_parent_among_many_actions_names_the_closest_not_every_id(project):
    from cdv.validate import LISTED_IDS, validate_project

    ids = add_year(project, 2025, count=LISTED_IDS + 10)
    path = project / "actions" / "2025.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["actions"][0]["parent"] = "essai-2025-12x"  # « essai-2025-12 » mistyped
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, errors = validate_project(project)
    [error] = [e for e in errors if e.pointer == "/actions/0/parent"]
    assert "action « essai-2025-12x » inconnue" in error.message
    assert "essai-2025-12" in error.message.split("valides :", 1)[1]
    total = len(ids) + len(yaml.safe_load((project / "actions" / "2023.yml").read_text(encoding="utf-8"))["actions"])
    assert f"des {total} identifiants valides" in error.message
    assert "essai-2025-30" not in error.message and len(error.message) < 400


def test_an_unknown_id_among_few_lists_them_all(project):
    from cdv.validate import validate_project

    path = project / "actions" / "2023.yml"
    text = path.read_text(encoding="utf-8")
    first = yaml.safe_load(text)["actions"][0]["id"]
    path.write_text(text.replace(f"  - id: {first}\n", f"  - id: {first}\n    parent: inconnue\n", 1), encoding="utf-8")
    _, errors = validate_project(project)
    [error] = [e for e in errors if e.pointer == "/actions/0/parent"]
    assert "action « inconnue » inconnue ; identifiants valides : " in error.message
    assert all(a["id"] in error.message for a in yaml.safe_load(text)["actions"])
