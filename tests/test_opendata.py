"""Open data: the CSV files neutralise what a spreadsheet would run as a formula, a priority's structured
fields are exported (JSON bundle valid against the published schemas, priorities CSV), and the data
dictionary documents the CSV columns, the neutralisation and the contract's kinds of neighbourhood."""
from __future__ import annotations

import copy
import csv
import io
import json
import shutil

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cdv import opendata
from cdv.corpus import load_corpus

from conftest import ROOT

HOSTILE = ["=HYPERLINK(\"https://evil.example\",\"clic\")", "+33 1 23", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


@pytest.fixture(scope="module")
def real():
    return load_corpus(ROOT)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert opendata.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Population", "2013-2018", "", " =espace d'abord", -3.5, 0, 12])
def test_other_cells_are_written_as_they_are(value):
    assert opendata.csv_cell(value) == value  # a negative number stays a number


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_indicators_csv_neutralises_a_hostile_label_and_source(real):
    corpus = copy.deepcopy(real)
    indicator = corpus.neighbourhoods[0]["portrait"]["indicators"][0]
    indicator["label"] = HOSTILE[0]
    indicator["observations"][0]["source"] = HOSTILE[3]
    hostile = [r for r in rows(opendata.indicators_csv(corpus)) if r["indicateur_id"] == indicator["id"]
               and r["quartier_id"] == corpus.neighbourhoods[0]["id"]]
    assert hostile and all(r["libelle"] == "'" + HOSTILE[0] for r in hostile)
    assert hostile[0]["source"] == "'" + HOSTILE[3]
    # Nothing of the real sources needs it: their CSV is as it was, cell for cell.
    plain = rows(opendata.indicators_csv(real))
    assert not any(v.startswith("'") for r in plain for v in r.values())


def with_strategy(real):
    corpus = copy.deepcopy(real)
    hood = next(n for n in corpus.neighbourhoods if n["id"] == "planoise")
    priority = hood["project"]["themes"][0]["priorities"][0]
    indicator = hood["portrait"]["indicators"][0]
    priority.update(
        lead=corpus.signatories[0]["id"],
        partners=[corpus.signatories[1]["id"], {"name": "Régie de quartier"}, {"name": HOSTILE[3]}],
        levers=[corpus.devices[0]["id"], {"text": "Chantiers éducatifs"}],
        funding=[{"text": "Crédits de droit commun"}],
        criteria=["Nombre de jeunes accompagnés", "Taux de retour à l'emploi"],
        indicators=[indicator["id"]],
        items=[{"id": "planoise-essai-forum", "text": "Organiser un forum"},
               {"id": "planoise-essai-atelier", "text": "Ouvrir un atelier"}],
    )
    return corpus, priority, indicator


def test_the_priorities_csv_carries_the_structured_fields_by_name(real):
    corpus, priority, indicator = with_strategy(real)
    table = rows(opendata.priorities_csv(corpus))
    assert list(table[0]) == opendata.PRIORITY_COLUMNS
    assert len(table) == sum(len(t["priorities"]) for n in real.neighbourhoods
                             for t in (n.get("project") or {}).get("themes", []))
    [row] = [r for r in table if r["priorite_id"] == priority["id"]]
    assert row["pilote"] == real.signatories[0]["organisation"]
    # Only a cell's first character makes a formula: an entry further in the cell is left as typed.
    assert row["partenaires"] == f"{real.signatories[1]['organisation']} ; Régie de quartier ; {HOSTILE[3]}"
    assert row["leviers"] == f"{real.devices[0]['name']} ; Chantiers éducatifs"
    assert row["financements"] == "Crédits de droit commun"
    assert row["criteres"] == "Nombre de jeunes accompagnés ; Taux de retour à l'emploi"
    assert row["indicateurs"] == indicator["label"]
    assert row["elements"] == "Organiser un forum ; Ouvrir un atelier"
    assert row["type_quartier"] == "qpv" and row["quartier"] == "Planoise"
    others = [r for r in table if r["priorite_id"] != priority["id"]]
    assert all(r["partenaires"] == r["pilote"] == r["elements"] == "" for r in others)


def test_a_leading_formula_in_a_joined_cell_is_neutralised_too(real):
    corpus, priority, _ = with_strategy(real)
    priority["partners"] = [{"name": HOSTILE[0]}, {"name": "CAF"}]
    [row] = [r for r in rows(opendata.priorities_csv(corpus)) if r["priorite_id"] == priority["id"]]
    assert row["partenaires"] == f"'{HOSTILE[0]} ; CAF"


# Until the model's schema lands on this branch: what a priority may carry. Its own definitions win.
STRATEGY_SCHEMA = {
    "lead": {"title": "Pilote", "description": "Qui pilote la priorité."},
    "partners": {"title": "Partenaires", "description": "Les partenaires de la priorité.", "type": "array"},
    "levers": {"title": "Leviers", "type": "array"}, "funding": {"title": "Financements", "type": "array"},
    "criteria": {"title": "Critères d'évaluation", "type": "array"},
    "indicators": {"title": "Indicateurs", "type": "array"}, "items": {"title": "Éléments", "type": "array"},
}


@pytest.fixture
def schemas(tmp_path):
    folder = shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    path = folder / "neighbourhood.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    priority = schema["properties"]["project"]["properties"]["themes"]["items"]["properties"]["priorities"]["items"]
    for name, spec in STRATEGY_SCHEMA.items():
        priority["properties"].setdefault(name, spec)
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return folder


def test_the_bundle_exports_the_structured_fields_and_stays_valid(real, schemas):
    corpus, priority, _ = with_strategy(real)
    data = json.loads(opendata.bundle_json(corpus))
    exported = next(p for n in data["neighbourhoods"] for t in (n.get("project") or {}).get("themes", [])
                    for p in t["priorities"] if p["id"] == priority["id"])
    assert exported["partners"][1] == {"name": "Régie de quartier"} and len(exported["items"]) == 2
    loaded = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schemas.glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in loaded.values())
    validator = Draft202012Validator(loaded[opendata.BUNDLE_SCHEMA], registry=registry)
    assert [e.message for e in validator.iter_errors(data)] == []
    priority["partners"] = "pas une liste"  # and the check can fail
    assert list(validator.iter_errors(json.loads(opendata.bundle_json(corpus))))


def test_the_data_dictionary_documents_the_csv_columns_and_the_kinds(real, schemas):
    dictionary = {name: rows for name, _, rows in opendata.data_dictionary(schemas, real)}
    columns = [r[0] for r in dictionary["indicateurs.csv"]][1:]
    assert columns == opendata.csv_columns(real)
    assert dictionary["indicateurs.csv"][0][3] == opendata.NEUTRALISED and "apostrophe (')" in opendata.NEUTRALISED
    kind = next(r for r in dictionary["indicateurs.csv"] if r[0] == "type_quartier")
    assert kind[3] == "Identifiant du type de quartier : qpv (Quartier prioritaire), fragile (Quartier fragile)."
    # The structured fields, as the schema describes them.
    fields = {r[0]: r for r in dictionary["neighbourhood.schema.json"]}
    assert fields["project.themes[].priorities[].partners"][1:3] == ("Partenaires", "liste")
    assert fields["project.themes[].priorities[].partners"][3].startswith("Les partenaires de la priorité")
    assert "priorites.csv" not in dictionary  # documented only where the site publishes it
    published = {name: rows for name, _, rows in opendata.data_dictionary(
        schemas, real, csv_files=("indicateurs.csv", "priorites.csv"))}
    assert [r[0] for r in published["priorites.csv"]][1:] == opendata.PRIORITY_COLUMNS


def test_the_kinds_are_named_after_the_contract_shape(real):
    corpus = copy.deepcopy(real)
    corpus.contract["shape"]["neighbourhood_kinds"][1]["singular"] = "Quartier de veille active"
    dictionary = {name: rows for name, _, rows in opendata.data_dictionary(ROOT / "schemas", corpus)}
    kind = next(r for r in dictionary["indicateurs.csv"] if r[0] == "type_quartier")
    assert "fragile (Quartier de veille active)" in kind[3]
