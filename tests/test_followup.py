"""cdv.followup on the real project: the checks between the actions, the measures and the signatories, and
totals exact to the cent."""
from __future__ import annotations

import pytest
import yaml
from conftest import copy_project

from cdv.followup import FundingLine, total, totals_by_funder, totals_by_year
from cdv.text import fr_amount, fr_number
from cdv.validate import validate_project


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "projet")


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")


def messages(project):
    _, errors = validate_project(project)
    return [(e.file, e.message) for e in errors]


def action(data, ident):
    return next(a for a in data["actions"] if a["id"] == ident)


def test_a_priority_of_another_neighbourhood_is_refused(project):
    edit(project / "actions" / "2023.yml",
         lambda d: action(d, "rendez-vous-conte").update(priorities=["battant-lien-social-jeunesse"]))
    [(file, message)] = messages(project)
    assert file == "actions/2023.yml"
    assert "la priorité « battant-lien-social-jeunesse » est celle du projet de quartier « battant »" in message
    assert "(quartiers : planoise)" in message


def test_the_same_measure_id_in_two_devices_is_refused(project):
    edit(project / "contract" / "devices" / "cls.yml",
         lambda d: d.setdefault("body", []).append({"id": "pacte-mesure-40", "label": "Mesure 1", "measure": "Essai."}))
    found = messages(project)
    assert any("identifiant de mesure « pacte-mesure-40 » en double" in m for _, m in found), found


def test_a_signatory_written_by_its_name_is_refused_with_its_id(project):
    edit(project / "actions" / "2023.yml",
         lambda d: action(d, "atelier-sante-ville")["funding"][0].update(funder={"name": "Ville de Besançon"}))
    [(file, message)] = messages(project)
    assert "« Ville de Besançon » est un signataire : écrivez son identifiant « ville-besancon »" in message


def test_a_measure_status_date_needs_a_status_and_a_real_day(project):
    def change(d):
        block = next(b for b in d["body"] if b.get("id") == "pacte-mesure-40")
        block["status_date"] = "2025-02-30"
    edit(project / "contract" / "devices" / "pacte-emancipation-jeunes-planoise.yml", change)
    found = [m for _, m in messages(project)]
    assert any("une date de statut sans statut" in m for m in found), found
    assert any("la date « 2025-02-30 » n'existe pas dans le calendrier" in m for m in found), found


def lines(*amounts, funder="ars-bfc", year=2025):
    return [FundingLine({}, funder, a, year, False) for a in amounts]


def test_totals_are_exact_to_the_cent_and_printed_as_money():
    assert total([0.1, 0.2]) == 0.3
    assert totals_by_year(lines(1234.56, 789.12)) == {2025: 2023.68}
    assert totals_by_funder(lines(0.1, 0.2)) == [("ars-bfc", 0.3)]
    assert fr_amount(2023.68) == "2\u00a0023,68\u00a0€"
    assert fr_amount(19000.5) == "19\u00a0000,50\u00a0€"
    assert fr_amount(19000) == fr_amount(19000.0) == "19\u00a0000\u00a0€"
    assert fr_number(1e-05) == "0,00001"  # never Python's exponent form


def test_a_status_update_is_follow_up_never_a_change_of_terms(project):
    """A year's action or a measure changing status is reported at the follow-up level alone: no avenant,
    no comité de pilotage, and the device's wording unchanged."""
    from conftest import ROOT

    from cdv.compare import Kind, Level, compare
    from cdv.corpus import load_corpus

    edit(project / "actions" / "2023.yml", lambda d: action(d, "cite-educative-planoise").update(status="realisee"))

    def change(d):
        next(b for b in d["body"] if b.get("id") == "pacte-mesure-40").update(status="en-cours")
    edit(project / "contract" / "devices" / "pacte-emancipation-jeunes-planoise.yml", change)
    changes = compare(load_corpus(ROOT), load_corpus(project)).changes
    assert sorted((c.kind, c.id) for c in changes) == [
        (Kind.ACTION, "cite-educative-planoise"), (Kind.MEASURE, "pacte-mesure-40")]
    assert {c.level for c in changes} == {Level.FOLLOW_UP}


def test_the_comparison_words_a_status_as_the_site_does(project):
    from conftest import ROOT

    from cdv.corpus import load_corpus
    from cdv.diff import compare
    from cdv.diffrender import to_markdown

    edit(project / "actions" / "2023.yml", lambda d: action(d, "cite-educative-planoise").update(status="realisee"))
    text = to_markdown(compare(load_corpus(ROOT), load_corpus(project)))
    assert "Statut : <del>en cours</del><ins>réalisée</ins>" in text
    assert "1 × suivi de la mise en œuvre" in text and "Avenant signé" not in text
