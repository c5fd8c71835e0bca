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
            if key != "if":  # a condition (if/then) names fields the object already describes
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


# --- Files that are not sources (cdv/sources.py) ---

def cdv_cli(*args, timeout=60):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_a_symbolic_link_is_an_error_naming_the_path_never_the_content(project, tmp_path):
    outside = tmp_path / "ailleurs.yml"
    outside.write_text((project / "neighbourhoods" / "planoise.yml").read_text(encoding="utf-8")
                       .replace("id: planoise", "id: dehors") + "# CONTENU-HORS-DEPOT\n", encoding="utf-8")
    (project / "neighbourhoods" / "dehors.yml").symlink_to(outside)
    (project / "neighbourhoods" / "copie.yml").symlink_to("planoise.yml")  # even inside the repository
    for command in (("validate",), ("build", "--site-dir", str(tmp_path / "site"))):
        result = cdv_cli(*command[:1], str(project), *command[1:])
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out, out
        assert "neighbourhoods/dehors.yml: lien symbolique refusé" in out
        assert "neighbourhoods/copie.yml: lien symbolique refusé" in out
        assert "CONTENU-HORS-DEPOT" not in out and "dehors" not in out.replace("dehors.yml", "")
    assert not (tmp_path / "site").exists()


def test_a_linked_source_folder_is_refused_and_not_walked(project, tmp_path):
    import shutil

    shutil.move(project / "neighbourhoods", tmp_path / "quartiers-ailleurs")
    (project / "neighbourhoods").symlink_to(tmp_path / "quartiers-ailleurs")
    shutil.move(project / "contract" / "devices", tmp_path / "dispositifs")
    (project / "contract" / "devices").symlink_to(tmp_path / "dispositifs")
    errors = messages(project)
    by_file = {e.file: e.message for e in errors}
    assert "lien symbolique" in by_file["neighbourhoods"] and "lien symbolique" in by_file["contract/devices"]
    assert not any(e.file.startswith("neighbourhoods/") for e in errors)


@pytest.mark.slow
def test_a_named_pipe_in_the_sources_does_not_hang_any_command(project, tmp_path):
    import os

    os.mkfifo(project / "neighbourhoods" / "tube.yml")
    (project / "contract" / "glossary.yml").unlink()
    os.mkfifo(project / "contract" / "glossary.yml")  # the name of a single document, too
    for command in (("validate", str(project)), ("build", str(project), "--site-dir", str(tmp_path / "site")),
                    ("fmt", "--check", str(project))):
        result = cdv_cli(*command, timeout=120)  # a blocking open would never return
        out = result.stdout + result.stderr
        assert "Traceback" not in out, out
        if command[0] != "fmt":
            assert result.returncode == 1
            assert "neighbourhoods/tube.yml: ce n'est pas un fichier ordinaire" in out
            assert "contract/glossary.yml: ce n'est pas un fichier ordinaire" in out


def test_an_unreadable_source_is_an_error_naming_the_path(project, monkeypatch):
    import errno
    import os

    real_open = os.open
    target = str(project / "neighbourhoods" / "battant.yml")

    def refusing_open(path, flags, *args, **kwargs):
        if str(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)  # tests run as root too, where chmod 000 reads anyway
    errors = [e for e in messages(project) if e.file == "neighbourhoods/battant.yml"]
    assert [e.message for e in errors] == ["fichier illisible (droits insuffisants) : donnez le droit de lecture "
                                           "sur ce fichier (chmod a+r), puis relancez."]


def test_an_unreadable_source_folder_is_an_error(project, monkeypatch):
    import errno
    import os

    real = os.scandir
    target = str(project / "contract" / "commitments")

    def refusing(path="."):
        if str(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert any(e.file == "contract/commitments" and "dossier illisible" in e.message for e in messages(project))


@pytest.mark.parametrize("rel, meant", [
    ("neighbourhoods/essai.yaml", "neighbourhoods/essai.yml"),
    ("neighbourhoods/essai", "neighbourhoods/essai.yml"),
    ("neighbourhoods/essai.yml.txt", "neighbourhoods/essai.yml"),
    ("neighbourhoods/essai.YML", "neighbourhoods/essai.yml"),
    ("neighbourhoods/essai.yml ", "neighbourhoods/essai.yml"),
    ("neighbourhoods/Essai.yml", "neighbourhoods/essai.yml"),
    ("neighbourhoods/.essai.yml", "neighbourhoods/essai.yml"),
    ("neighbourhoods/Les Tilleuls.yml", "neighbourhoods/les-tilleuls.yml"),
    ("neighbourhood/essai.yml", "neighbourhoods/essai.yml"),
    ("quartiers/essai.yml", "neighbourhoods/essai.yml"),
    ("Neighbourhoods/essai.yml", "neighbourhoods/essai.yml"),
    ("neighborhoods/essai.yml", "neighbourhoods/essai.yml"),
    ("contracts/contract.yml", "contract/contract.yml"),
    ("contract/article/article-5.yml", "contract/articles/article-5.yml"),
    ("contract/engagements/caf.yml", "contract/commitments/caf.yml"),
    ("contract/dispositifs/fph.yml", "contract/devices/fph.yml"),
    ("contract/article-5.yml", "contract/articles/article-5.yml"),
    ("contract/glossaire.yml", "contract/glossary.yml"),
    ("contract/notes.yml", None),
    ("contract/objectifs.yml", "contract/objectives.yml"),
    ("contract/quartiers/essai.yml", "neighbourhoods/essai.yml"),
])
def test_a_file_that_would_be_skipped_is_reported_with_the_path_meant(project, rel, meant):
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id: planoise\n", encoding="utf-8")
    [err] = [e for e in messages(project) if e.file == rel]
    assert err.message.startswith(f"fichier ignoré « {rel} »")
    if meant:
        assert f"voulez-vous dire « {meant} » ?" in err.message
    else:
        assert "voulez-vous dire" not in err.message and "contract/glossary.yml" in err.message


def test_editor_and_system_leftovers_of_existing_sources_are_ignored(project):
    folder = project / "neighbourhoods"
    for name in (".gitkeep", ".DS_Store", "Thumbs.db", "planoise.yml~", ".planoise.yml.swp", "#planoise.yml#",
                 ".~lock.planoise.yml#", "planoise.yml.orig"):
        (folder / name).write_bytes(b"\x00 pas du YAML")
    (project / "contract" / "articles" / ".gitkeep").write_bytes(b"")
    assert messages(project) == []
    # A backup whose source is gone is no leftover: it is what remains of the source.
    (folder / "planoise.yml").unlink()
    assert any(e.file == "neighbourhoods/planoise.yml~" and "voulez-vous dire « neighbourhoods/planoise.yml »"
               in e.message for e in messages(project))


def test_fmt_never_rewrites_the_target_of_a_link(project, tmp_path):
    outside = tmp_path / "hors-depot.yml"
    messy = (project / "neighbourhoods" / "planoise.yml").read_text(encoding="utf-8").replace(
        "id: planoise", "id: 'hors-depot'")
    outside.write_text(messy, encoding="utf-8")
    (project / "neighbourhoods" / "hors-depot.yml").symlink_to(outside)
    result = cdv_cli("fmt", str(project))
    assert "Traceback" not in result.stderr, result.stderr
    assert outside.read_text(encoding="utf-8") == messy
    assert (project / "neighbourhoods" / "hors-depot.yml").is_symlink()


# --- Identifiers and patterns: both validators alike ---

def test_every_pattern_refuses_a_trailing_newline_in_both_validators():
    """`$` matches before a final newline in Python's re, not in Rust's regex: jsonschema accepted
    `id: |` ("planoise\\n") where jsonschema-rs refused it."""
    import re

    import jsonschema
    import jsonschema_rs

    examples = ["planoise", "II", "QN25001M", "2024", "7.1", "https://exemple.fr", "03 00 00 00 00",
                "contact@exempleville.fr"]
    patterns = set(re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.schema.json"))))
    assert len(patterns) >= 5
    for raw in patterns:
        pattern = json.loads(f'"{raw}"')
        schema = {"type": "string", "pattern": pattern}
        [good] = [e for e in examples if re.search(pattern, e)][:1]
        for value, valid in ((good, True), (good + "\n", pattern.startswith("^https")), ("\n" + good, False)):
            slow = jsonschema.Draft202012Validator(schema).is_valid(value)
            fast = jsonschema_rs.validator_for(schema).is_valid(value)
            assert slow == fast, (pattern, value)
            if not pattern.startswith("^https"):
                assert slow is valid, (pattern, value)


def test_an_id_written_as_a_block_is_refused_by_both_validators(project):
    from cdv.schemas import fast_validators, validators
    from cdv.sources import load_sources

    edit(project / "neighbourhoods" / "planoise.yml", "id: planoise\n", "id: |\n  planoise\n")
    files, _ = load_sources(project)
    [planoise] = [f for f in files if f.rel == "neighbourhoods/planoise.yml"]
    assert planoise.data["id"] == "planoise\n"
    schema_dir = str(project / "schemas")
    assert not fast_validators(schema_dir)["neighbourhood"].is_valid(planoise.data)
    assert not validators(schema_dir)["neighbourhood"].is_valid(planoise.data)
    line = (project / "neighbourhoods" / "planoise.yml").read_text(encoding="utf-8").splitlines().index("id: |") + 1
    errors = [e for e in messages(project) if e.file == "neighbourhoods/planoise.yml"]
    assert any(e.line == line and "saut de ligne dans l'identifiant" in e.message for e in errors)
    assert all("\n" not in e.message for e in errors if "saut de ligne" in e.message)


# --- Observations and periods ---

@pytest.mark.parametrize("text, span", [
    ("2018", ((2018, 1), (2018, 12))), ("2017-2019", ((2017, 1), (2019, 12))), ("2020/2021", ((2020, 1), (2021, 12))),
    ("2020-21", ((2020, 1), (2021, 12))), ("juin 2023", ((2023, 6), (2023, 6))),
    ("juin 2022 - juin 2023", ((2022, 6), (2023, 6))), ("Décembre 2021", ((2021, 12), (2021, 12))),
    ("2021-2019", ((2021, 1), (2019, 12))), ("RP 2018", ((2018, 1), (2018, 12))),
    ("de 2013 à 2018", ((2013, 1), (2018, 12))), ("non daté", None), ("2013, 2018 et 2020", None),
])
def test_periods_as_printed_in_the_sources_are_understood(text, span):
    from cdv.validate import parse_period

    assert parse_period(text) == span


def test_every_real_period_is_understood_and_in_order(corpus):
    from cdv.validate import parse_period

    periods = [o["period"] for n in corpus.neighbourhoods for ind in (n.get("portrait") or {}).get("indicators", [])
               for o in ind["observations"]]
    assert len(periods) > 100 and all(parse_period(p) for p in periods)


def test_a_newer_observation_written_above_an_older_one_is_an_error(project):
    text = (project / "neighbourhoods" / "planoise.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "observations:")
    indent = lines[start + 1][:lines[start + 1].index("-")]
    period_line = next(i for i in range(start, len(lines)) if "period:" in lines[i])
    older = f'{indent}- value: 1\n{indent}  period: "1999"\n{indent}  source: Recensement 1999\n'
    lines.insert(period_line + 2, older.rstrip("\n"))
    (project / "neighbourhoods" / "planoise.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [err] = messages(project)
    assert err.line == period_line + 1 and "désordre" in err.message and "1999" in err.message


def test_a_message_is_one_line_whatever_value_it_quotes():
    from cdv.errors import SourceError, shown
    from cdv.messages import describe_value

    assert describe_value("planoise\n") == "le texte « planoise⏎ »"
    assert shown("a\tb\u2028c\u00a0d\u200be") == "a⇥b<U+2028>c<U+00A0>d<U+200B>e"
    assert shown("x" * 100) == "x" * 59 + "…"
    err = SourceError("neighbourhoods/a\nb.yml", 3, 4, "/id\n", "le texte « a\nb » n'a pas la forme attendue")
    assert err.message == "le texte « a⏎b » n'a pas la forme attendue"
    assert err.format_text() == ("neighbourhoods/a⏎b.yml:3:4: le texte « a⏎b » n'a pas la forme attendue "
                                 "(à l'emplacement /id⏎)")
    assert "\n" not in err.format_github()


# --- issue 15: structured priorities, drafts, kinds, where a block shows, the site's names ----------------

STRUCTURED = """          objectives: [proprete-entretien]
          lead: prefecture-doubs
          partners: [ars-bfc, {name: Régie de quartier}]
          levers: [npru, {text: Chantiers éducatifs}]
          funding: [fph]
          criteria: [Nombre de signalements traités]
          indicators: [population]
          items:
            - id: planoise-proprete-permanences
              text: Tenir des permanences"""


def test_a_priority_with_every_structured_field_is_valid_and_read_by_the_corpus(project):
    from cdv.corpus import indicator_label, load_corpus

    edit(project / "neighbourhoods" / "planoise.yml", "          objectives: [proprete-entretien]", STRUCTURED)
    assert messages(project) == []
    corpus = load_corpus(project)
    planoise = corpus.neighbourhood("planoise")
    prio = next(p for t in planoise["project"]["themes"] for p in t["priorities"] if "lead" in p)
    organisation = next(s["organisation"] for s in corpus.signatories if s["id"] == "prefecture-doubs")
    assert corpus.party(prio["lead"]) == (organisation, "prefecture-doubs")
    assert corpus.party(prio["partners"][1]) == ("Régie de quartier", None)
    assert corpus.means(prio["levers"][0]) == (corpus.device("npru")["name"], "npru")
    assert corpus.means(prio["levers"][1]) == ("Chantiers éducatifs", None)
    assert indicator_label(planoise, "population") == "habitants"


def test_every_wrong_reference_of_a_priority_names_what_exists(project):
    wrong = (STRUCTURED.replace("lead: prefecture-doubs", "lead: prefecture")
             .replace("[ars-bfc,", "[ars,").replace("[npru,", "[anru,").replace("[fph]", "[fhp]")
             .replace("[population]", "[chomage]"))
    edit(project / "neighbourhoods" / "planoise.yml", "          objectives: [proprete-entretien]", wrong)
    found = {e.pointer.rsplit("/", 2)[-2] if e.pointer[-1].isdigit() else e.pointer.rsplit("/", 1)[-1]: e.message
             for e in messages(project)}
    assert set(found) == {"lead", "partners", "levers", "funding", "indicators"}
    assert "« prefecture » inconnu" in found["lead"] and "prefecture-doubs" in found["lead"]
    assert "« ars » inconnu" in found["partners"] and "{ name: … }" in found["partners"]
    assert "« anru » inconnu" in found["levers"] and "npru" in found["levers"]
    assert "« fhp » inconnu" in found["funding"] and "fph" in found["funding"]
    assert "« chomage » inconnu" in found["indicators"] and "population" in found["indicators"]


def test_an_item_id_is_unique_in_the_whole_contract(project):
    edit(project / "neighbourhoods" / "planoise.yml", "          objectives: [proprete-entretien]",
         STRUCTURED.replace("planoise-proprete-permanences", "planoise-proprete-dechets"))
    [err] = messages(project)
    assert "déjà utilisé par une priorité" in err.message and "planoise.yml ligne" in err.message


def minimal(tmp_path: Path) -> Path:
    from conftest import copy_minimal_project

    return copy_minimal_project(tmp_path / "projet")


def make_draft(project: Path) -> None:
    edit(project / "contract" / "contract.yml", 'status: signed\nsignature:\n  place: Exempleville\n  date: "2024-03-29"\n',
         "status: draft\n")


def test_a_draft_needs_no_signature_and_no_signatories_file(tmp_path):
    project = minimal(tmp_path)
    make_draft(project)
    (project / "contract" / "signatories.yml").unlink()
    assert messages(project) == []


def test_a_draft_may_list_no_signatories_but_a_signed_contract_must(tmp_path):
    project = minimal(tmp_path)
    (project / "contract" / "signatories.yml").write_text("groups: []\nsignatories: []\n", encoding="utf-8")
    [err] = messages(project)
    assert err.file == "contract/signatories.yml" and err.line == 2 and "un contrat signé" in err.message
    make_draft(project)
    assert messages(project) == []


def test_a_signed_contract_without_signatories_file_says_why_it_is_required(tmp_path):
    project = minimal(tmp_path)
    (project / "contract" / "signatories.yml").unlink()
    [err] = messages(project)
    assert (err.file, err.line) == ("contract/signatories.yml", 0)
    assert "fichier obligatoire absent" in err.message and "status: signed" in err.message


def test_a_contract_without_common_base_needs_no_objectives_file(tmp_path):
    project = minimal(tmp_path)
    edit(project / "contract" / "contract.yml", "      - common_base: true\n", "")
    edit(project / "neighbourhoods" / "quartier.yml", "          objectives: [logement-inclusif]\n", "")
    (project / "contract" / "objectives.yml").unlink()
    assert messages(project) == []


def test_a_project_in_the_common_base_needs_the_objectives_file(tmp_path):
    project = minimal(tmp_path)
    edit(project / "contract" / "contract.yml", "      - common_base: true\n", "")
    edit(project / "neighbourhoods" / "quartier.yml", "          objectives: [logement-inclusif]\n", "")
    (project / "contract" / "objectives.yml").unlink()
    quartier = project / "neighbourhoods" / "quartier.yml"
    quartier.write_text(quartier.read_text(encoding="utf-8") + "  common_base: true\n", encoding="utf-8")
    [err] = messages(project)
    assert (err.file, err.line) == ("neighbourhoods/quartier.yml", 30)
    assert "le projet s'inscrit dans le socle commun" in err.message and "objectives.yml est absent" in err.message


def test_the_kind_check_lists_the_declared_kinds_with_a_suggestion(tmp_path):
    project = minimal(tmp_path)
    edit(project / "neighbourhoods" / "quartier.yml", "kind: qpv", "kind: QPV")
    [err] = messages(project)
    assert (err.file, err.line, err.column) == ("neighbourhoods/quartier.yml", 2, 7)
    assert "« qpv », « fragile »" in err.message and "Voulez-vous dire « qpv » ?" in err.message


def test_a_kind_the_contract_declares_in_its_own_words_is_accepted(tmp_path):
    project = minimal(tmp_path)
    edit(project / "contract" / "contract.yml", "    - id: fragile\n", "    - id: veille\n")
    edit(project / "neighbourhoods" / "quartier.yml", "kind: qpv", "kind: veille")
    edit(project / "contract" / "contract.yml", "      - neighbourhoods: qpv\n", "      - neighbourhoods: veille\n")
    assert messages(project) == []


def test_a_portrait_block_outside_a_portrait_is_refused_where_it_stands(tmp_path):
    project = minimal(tmp_path)
    edit(project / "contract" / "articles" / "article-1.yml", "  - p: Le présent", "  - schools:\n      levels:\n        - level: college\n          establishments: [Collège Exemple]\n  - p: Le présent")
    errors = messages(project)
    assert [(e.file, e.line) for e in errors] == [("contract/articles/article-1.yml", 6)]
    assert "un bloc « schools » ne peut figurer que dans un portrait de quartier" in errors[0].message
    assert "ici, il est dans un article" in errors[0].message


def test_every_block_kind_says_where_it_can_be_shown():
    from cdv import blocks

    for kind in blocks.KINDS:
        assert kind.places is None or kind.places <= set(blocks.PLACES), kind.name
    # The kinds that read a portrait's indicators are exactly those limited to a portrait.
    assert {k.name for k in blocks.KINDS if k.indicator_refs} == {k.name for k in blocks.KINDS if k.places}


@pytest.mark.parametrize("key, wrong", [("site_name", "Contrat de Ville d'Exempleville 2024-2029"),
                                        ("site_description", "Le contrat d'Exempleville"),
                                        ("site_author", "Ville d'Exempleville")])
def test_mkdocs_yml_names_the_site_after_the_contract(tmp_path, key, wrong):
    import re

    from cdv.shape import site_metadata
    from cdv.yamlload import load_yaml_file

    project = minimal(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(rf"^{key}:.*$", f'{key}: "{wrong}"', text, flags=re.M), encoding="utf-8")
    expected = site_metadata(load_yaml_file(project / "contract" / "contract.yml").data)[key]
    [err] = messages(project)
    line = next(i for i, row in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if row.startswith(key))
    assert (err.file, err.line) == ("mkdocs.yml", line)
    assert f"« {key}: {expected} »" in err.message and wrong in err.message


def test_a_version_older_than_the_shape_block_still_validates_against_its_own_schemas(tmp_path):
    """cdv diff reads an old revision with that revision's schemas, where `shape` did not exist yet."""
    project = minimal(tmp_path)
    contract = project / "contract" / "contract.yml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(text[: text.index("shape:\n")], encoding="utf-8")
    edit(contract, "    includes:\n      - neighbourhoods: qpv\n      - common_base: true\n", "")
    schema_path = project / "schemas" / "contract.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["required"].remove("shape")
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    assert messages(project) == []
