"""Validation of the real sources and of broken copies: every error located, in French, all at once."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdv.sources import discover
from cdv.validate import validate_project

from conftest import ROOT


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} absent de {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def messages(root: Path) -> list:
    return validate_project(root)[1]


def test_every_source_file_of_the_repository_is_valid():
    files, errors = validate_project(ROOT)
    assert errors == []
    assert {f.rel for f in files} == set(discover(ROOT))
    assert len(files) >= 2 + 1 + 1 + 1 + 18 + 12  # contract, objectives, signatories, centres, articles, quartiers


def _walk_schema(node, path=""):
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _walk_schema(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_schema(value, f"{path}/{i}")


@pytest.mark.parametrize("schema_file", sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json")))
def test_schemas_describe_every_property_in_french_and_refuse_unknown_fields(schema_file):
    schema = json.loads((ROOT / "schemas" / schema_file).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for path, obj in _walk_schema(schema):
        assert obj.get("additionalProperties") is False, f"{schema_file}{path}: additionalProperties"
        for name, prop in obj["properties"].items():
            assert prop.get("title") and prop.get("description"), f"{schema_file}{path}/{name}: titre ou description"


def test_schema_errors_name_file_line_column_and_say_what_was_expected(project):
    planoise = project / "neighbourhoods" / "planoise.yml"
    edit(planoise, "kind: qpv", "kind: prioritaire")
    edit(planoise, "commune: Besançon", "commune: Besançon\ncouleur: bleu")
    edit(planoise, "      unit: nombre\n", "      unit: nombre\n      unite: habitants\n")
    errors = [e for e in messages(project) if e.file == "neighbourhoods/planoise.yml"]
    by_pointer = {e.pointer: e for e in errors}
    kind = by_pointer["/kind"]
    lines = planoise.read_text(encoding="utf-8").splitlines()
    assert (kind.line, kind.column) == (lines.index("kind: prioritaire") + 1, 7)
    assert "« qpv »" in kind.message and "« fragile »" in kind.message and "prioritaire" in kind.message
    unknown = by_pointer[""]
    assert unknown.line == lines.index("couleur: bleu") + 1 and "champ inconnu « couleur »" in unknown.message and "portrait" in unknown.message
    assert any("unite" in e.message for e in errors)


def test_a_number_where_text_is_expected_explains_the_quotes(project):
    edit(project / "contract" / "contract.yml", 'version: "2024"', "version: 2024")
    [err] = [e for e in messages(project) if e.pointer == "/version"]
    assert "un texte est attendu" in err.message and '"2024"' in err.message


def test_missing_required_field(project):
    edit(project / "neighbourhoods" / "amitie.yml", "commune: Besançon\n", "")
    [err] = messages(project)
    assert err.file == "neighbourhoods/amitie.yml" and "champ obligatoire « commune » manquant" in err.message


def test_unknown_objective_lists_the_valid_ids(project):
    edit(project / "neighbourhoods" / "planoise.yml", "objectives: [proprete-entretien]", "objectives: [proprete]")
    [err] = messages(project)
    assert err.file == "neighbourhoods/planoise.yml" and err.line > 0
    assert "objectif du socle commun « proprete » inconnu" in err.message
    assert "proprete-entretien" in err.message and "insertion-emploi" in err.message


def test_unknown_device_lists_the_valid_ids(project):
    edit(project / "neighbourhoods" / "planoise.yml", "devices: [npru]", "devices: [anru]")
    [err] = messages(project)
    assert "dispositif « anru » inconnu" in err.message and "npru" in err.message and "fph" in err.message


def test_social_centre_naming_an_unknown_neighbourhood(project):
    edit(project / "contract" / "social-centres.yml", "neighbourhoods: [montrapon]", "neighbourhoods: [montrapon, mars]")
    [err] = messages(project)
    assert err.file == "contract/social-centres.yml"
    assert "quartier « mars » inconnu" in err.message and "planoise" in err.message and "curie-pasteur" in err.message


def test_duplicated_priority_id_across_files(project):
    from cdv.corpus import load_corpus, priorities

    battant = project / "neighbourhoods" / "battant.yml"
    first_id = priorities(load_corpus(project).neighbourhood("battant"))[0]["id"]
    edit(battant, f"id: {first_id}\n", "id: planoise-renouvellement-urbain\n")
    errors = messages(project)
    assert len(errors) == 1
    assert "identifiant de priorité « planoise-renouvellement-urbain » en double" in errors[0].message
    assert "planoise.yml" in errors[0].message or errors[0].file == "neighbourhoods/planoise.yml"


def test_unknown_signatory_group_and_commitment(project):
    signatories = project / "contract" / "signatories.yml"
    edit(signatories, "group: bailleurs", "group: logeurs")
    edit(signatories, "commitment: caf-doubs", "commitment: caf")
    found = " ".join(e.message for e in messages(project))
    assert "groupe « logeurs » inconnu" in found and "engagement « caf » inconnu" in found and "caf-doubs" in found


def test_file_name_must_match_id_and_place(project):
    (project / "neighbourhoods" / "amitie.yml").rename(project / "neighbourhoods" / "cite-amitie.yml")
    (project / "contract" / "notes.yml").write_text("a: 1\n", encoding="utf-8")
    (project / "neighbourhoods" / "Battant.yaml").write_text("a: 1\n", encoding="utf-8")
    found = {(e.file, e.message.split(":")[0]) for e in messages(project)}
    files = {f for f, _ in found}
    assert {"neighbourhoods/cite-amitie.yml", "contract/notes.yml", "neighbourhoods/Battant.yaml"} <= files


def test_every_error_is_reported_at_once(project):
    edit(project / "neighbourhoods" / "planoise.yml", "kind: qpv", "kind: 3")
    edit(project / "neighbourhoods" / "battant.yml", "commune: Besançon", "commune: Besançon\ncommune: Besançon")
    edit(project / "contract" / "signatories.yml", "group: bailleurs", "group: logeurs")
    assert {e.file for e in messages(project)} == {
        "neighbourhoods/planoise.yml", "neighbourhoods/battant.yml", "contract/signatories.yml"}


def test_every_indicator_is_shown_once(project):
    edit(project / "neighbourhoods" / "planoise.yml", "        - indicators: [beneficiaires-regime-general]\n", "")
    [err] = messages(project)
    assert "beneficiaires-regime-general" in err.message and "n'est affiché" in err.message
