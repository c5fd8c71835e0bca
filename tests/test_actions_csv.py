"""`cdv actions export` / `cdv actions import`: the programmation in a spreadsheet and back to the same YAML.

The real actions (actions/2023.yml) go out to a CSV and come back byte-identical; a CSV as LibreOffice or
Excel saves it (BOM or not, `,` or `;`, decimal comma, « 12 500 € », dates 31/01/2023) gives the same YAML;
every bad cell is a French error at its row and column, and nothing is written.
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest

from cdv.actionscsv import COLUMNS, export_actions, import_actions
from cdv.errors import InvalidSources
from cdv.reporters import text_line

from conftest import ROOT, copy_project

HEADERS = [h for _, h in COLUMNS]
CDV = ROOT / ".venv" / "bin" / "cdv"


def col(header: str) -> int:
    return HEADERS.index(header)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "projet")


def snapshot(project: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of actions/, with its bytes and modification time: what « nothing written » means."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted((project / "actions").iterdir())}


@pytest.fixture(scope="module")
def real_export(tmp_path_factory) -> bytes:
    """The real actions exported once (the copies start as the real project: the same CSV)."""
    path = tmp_path_factory.mktemp("export") / "actions.csv"
    export_actions(ROOT, path)
    return path.read_bytes()


def exported(real: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(real.decode("utf-8-sig"), newline=""), delimiter=";"))


def write(path: Path, table: list[list[str]], sep=";", bom=True, eol="\r\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=eol).writerows(table)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))
    return path


def errors_of(project: Path, csv_path: Path, **kw) -> list[str]:
    before = snapshot(project)
    with pytest.raises(InvalidSources) as caught:
        import_actions(project, csv_path, **kw)
    assert snapshot(project) == before  # nothing written, not even touched
    return [text_line(e) for e in caught.value.errors]


def row_of(table: list[list[str]], ident: str, nth: int = 0) -> int:
    """The spreadsheet row number (header = 1) of the nth row of an action."""
    rows = [i + 1 for i, r in enumerate(table) if r[col("Identifiant")] == ident]
    return rows[nth]


# --- round trip --------------------------------------------------------------------------------


def test_export_writes_what_excel_and_libreoffice_open_right(real_export, project, tmp_path):
    path = tmp_path / "actions.csv"
    assert export_actions(project, path) == 19
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ";".join(HEADERS).encode("utf-8") + b"\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF throughout
    table = exported(real_export)
    # One row per funding line: the Atelier Santé Ville's two lines repeat its id; an action without
    # funding is one row with empty funding cells.
    asv = [r for r in table if r[col("Identifiant")] == "atelier-sante-ville"]
    assert [(r[col("Financeur")], r[col("Montant (€)")], r[col("Année du financement")]) for r in asv] == [
        ("ars-bfc", "19000", "2022"),
        ("crédits Politique de la Ville", "21000", "2022"),
    ]
    e2c = [r for r in table if r[col("Identifiant")] == "ecole-de-la-seconde-chance-planoise"]
    assert len(e2c) == 1 and e2c[0][col("Montant (€)")] == "" and e2c[0][col("Statut")] == "en cours"
    cite = next(r for r in table if r[col("Identifiant")] == "cite-educative-planoise")
    assert (cite[col("Financeur")], cite[col("Par an")], cite[col("Année")]) == ("ANCT", "oui", "2023")
    assert next(r for r in table if r[col("Identifiant")] == "centre-examen-sante-cpam")[col("Porteur")] == "cpam-doubs"


def test_export_then_import_gives_the_identical_yaml(project, tmp_path):
    original = (project / "actions" / "2023.yml").read_bytes()
    path = tmp_path / "actions.csv"
    export_actions(project, path)
    outcomes = import_actions(project, path)
    assert [(o.rel, o.changed) for o in outcomes] == [("actions/2023.yml", False)]
    assert (project / "actions" / "2023.yml").read_bytes() == original


def test_the_csv_alone_rebuilds_every_field_it_shows(project, tmp_path):
    """Not the old YAML kept: with every field the CSV holds stripped from the YAML (its comments, its
    file's source, the results stay), importing the CSV gives the file back byte for byte."""
    from ruamel.yaml import YAML

    from cdv.actionscsv import ACTION_KEYS

    target = project / "actions" / "2023.yml"
    original = target.read_bytes()
    path = tmp_path / "actions.csv"
    export_actions(project, path)
    yaml = YAML()
    data = yaml.load(original.decode("utf-8"))
    for action in data["actions"]:
        for key in (*ACTION_KEYS, "funding"):
            if key != "id":
                action.pop(key, None)
    out = io.StringIO()
    yaml.dump(data, out)
    target.write_text(out.getvalue(), encoding="utf-8")
    assert "Santé Ville".encode() not in target.read_bytes() and b"results:" in target.read_bytes()
    import_actions(project, path)
    assert target.read_bytes() == original


def test_a_spreadsheet_saved_csv_gives_the_same_yaml(real_export, project, tmp_path):
    """As a spreadsheet saves it: no BOM or a BOM, `,` separator, headers retyped without accents, amounts
    « 350 000 € » (non-breaking spaces) and « 19 000,00 », dates 31/01/2023, words capitalised, rows
    sorted (the YAML keeps its order), LF or CRLF."""
    original = (project / "actions" / "2023.yml").read_bytes()
    table = exported(real_export)
    header, body = table[0], table[1:]
    header[col("Année")] = "annee"
    header[col("Intitulé")] = "INTITULE"
    for r in body:
        amount = r[col("Montant (€)")]
        if amount:
            r[col("Montant (€)")] = f"{int(amount):,}".replace(",", "\u00a0") + ",00 €"
        if r[col("Date du statut")] == "2023-01-31":
            r[col("Date du statut")] = "31/01/2023"
        r[col("Statut")] = r[col("Statut")].capitalize()
        r[col("Par an")] = r[col("Par an")].upper()
    body.sort(key=lambda r: r[col("Montant (€)")])
    for variant, (sep, bom, eol) in enumerate(((",", False, "\n"), (",", True, "\r\n"), (";", False, "\n"))):
        path = write(tmp_path / f"tableur-{variant}.csv", [header, *body], sep=sep, bom=bom, eol=eol)
        assert import_actions(project, path)[0].changed is False
        assert (project / "actions" / "2023.yml").read_bytes() == original


# --- what the import changes, and where -------------------------------------------------------------


def test_an_edited_cell_changes_that_value_and_nothing_else(real_export, project, tmp_path):
    table = exported(real_export)
    row = row_of(table, "cite-educative-planoise") - 1
    table[row][col("Statut")] = "réalisée"
    table[row][col("Avancement (%)")] = "100 %"
    table[row][col("Montant (€)")] = "350 000,50"
    import_actions(project, write(tmp_path / "e.csv", table))
    from cdv.yamlload import load_yaml_file

    after = load_yaml_file(project / "actions" / "2023.yml").data["actions"]
    before = load_yaml_file(ROOT / "actions" / "2023.yml").data["actions"]
    assert after[0]["status"] == "realisee" and after[0]["progress"] == 100
    assert after[0]["funding"] == [{"funder": {"name": "ANCT"}, "amount": 350000.5, "per_year": True}]
    assert after[1:] == before[1:]


def test_a_new_action_of_a_new_year_makes_its_file_canonical_and_valid(real_export, project, tmp_path):
    from cdv.fmt import format_project
    from cdv.validate import validate_project

    table = exported(real_export)
    new = [""] * len(HEADERS)
    for header, value in (("Année", "2024"), ("Identifiant", "atelier-velo-planoise"), ("Intitulé", "Atelier vélo"),
                          ("Quartiers", "planoise"), ("Porteur", "Association Vélo Campus"),
                          ("Financeur", "ville-besancon"), ("Montant (€)", "2 500"), ("Année du financement", "2024")):
        new[col(header)] = value
    second = new[:]
    second[col("Financeur")], second[col("Montant (€)")] = "caf-doubs", "1 000"
    for header in ("Intitulé", "Quartiers", "Porteur"):
        second[col(header)] = ""  # later rows of an action may leave its cells empty
    outcomes = import_actions(project, write(tmp_path / "n.csv", [*table, new, second]))
    assert [(o.rel, o.created, o.actions) for o in outcomes if o.changed] == [("actions/2024.yml", True, 1)]
    assert (project / "actions" / "2024.yml").read_text(encoding="utf-8") == (
        "year: 2024\n"
        "actions:\n"
        "  - id: atelier-velo-planoise\n"
        "    title: Atelier vélo\n"
        "    porteur:\n"
        "      name: Association Vélo Campus\n"
        "    neighbourhoods: [planoise]\n"
        "    funding:\n"
        "      - funder: ville-besancon\n"
        "        amount: 2500\n"
        "        year: 2024\n"
        "      - funder: caf-doubs\n"
        "        amount: 1000\n"
        "        year: 2024\n"
    )
    assert validate_project(project)[1] == []
    assert [r.rel for r in format_project(project, check=True) if r.changed] == []


def test_actions_left_out_of_the_sheet_are_named_then_removed_or_kept_only_when_asked(real_export, project, tmp_path):
    table = exported(real_export)
    gone = row_of(table, "pass-sante-jeunes") - 1
    path = write(tmp_path / "t.csv", table[:gone] + table[gone + 1 :])
    (message,) = errors_of(project, path)
    assert message.startswith("t.csv : 1 action(s) de actions/2023.yml (année 2023) absente(s) du tableau : "
                              "pass-sante-jeunes. Relancez avec « --remove-missing »")
    (kept,) = import_actions(project, path, missing="keep")
    assert not kept.changed
    (removed,) = import_actions(project, path, missing="remove")
    assert removed.removed == ["pass-sante-jeunes"] and removed.actions == 18
    assert b"pass-sante-jeunes" not in (project / "actions" / "2023.yml").read_bytes()


def test_milestones_and_results_the_csv_cannot_hold_are_kept(real_export, project, tmp_path):
    target = project / "actions" / "2023.yml"
    text = target.read_text(encoding="utf-8").replace(
        "    status: en-cours\n    status_date: \"2023-01-31\"\n  - id: cite-de-l-emploi-planoise",
        "    status: en-cours\n    status_date: \"2023-01-31\"\n    milestones:\n      - date: 2023-09\n"
        "        title: Ouverture\n        done: true\n  - id: cite-de-l-emploi-planoise", 1)
    target.write_text(text, encoding="utf-8")
    table = exported(real_export)
    table[1][col("Description")] = "Une autre description."
    import_actions(project, write(tmp_path / "m.csv", table))
    after = target.read_text(encoding="utf-8")
    assert "    summary: Une autre description.\n" in after
    assert "milestones:\n      - date: \"2023-09\"\n        title: Ouverture\n        done: true\n" in after
    assert "value: 18\n" in after  # the results of the Juste Ici action


def test_a_party_is_a_signatory_id_or_a_name_as_typed(real_export, project, tmp_path):
    table = exported(real_export)
    row = row_of(table, "pass-sante-jeunes") - 1
    table[row][col("Porteur")] = "ars-bfc"
    table[row + 1][col("Porteur")] = "adapei"  # lowercase but no signatory's: a name
    import_actions(project, write(tmp_path / "p.csv", table))
    from cdv.yamlload import load_yaml_file

    actions = {a["id"]: a for a in load_yaml_file(project / "actions" / "2023.yml").data["actions"]}
    assert actions["pass-sante-jeunes"]["porteur"] == "ars-bfc"
    assert actions["centre-examen-sante-cpam"]["porteur"] == {"name": "adapei"}


def test_a_signatory_typed_by_its_organisation_or_in_capitals_is_that_signatory(real_export, project, tmp_path):
    table = exported(real_export)
    row = row_of(table, "pass-sante-jeunes") - 1
    table[row][col("Porteur")] = "ville de besançon"
    table[row + 1][col("Porteur")] = "CPAM-DOUBS"
    import_actions(project, write(tmp_path / "p.csv", table))
    from cdv.yamlload import load_yaml_file

    actions = {a["id"]: a for a in load_yaml_file(project / "actions" / "2023.yml").data["actions"]}
    assert actions["pass-sante-jeunes"]["porteur"] == "ville-besancon"
    assert actions["centre-examen-sante-cpam"]["porteur"] == "cpam-doubs"


# --- bad input: a French error at its row and column, nothing written --------------------------------

BAD_CELLS = [
    ("Montant (€)", "12,5,0", "« 12,5,0 » n'est pas un montant"),
    ("Montant (€)", "12.500", "« 12.500 » est ambigu (12 500 € ou 12,50 € ?)"),
    ("Montant (€)", "-5", "« -5 » n'est pas un montant"),
    ("Année", "20x3", "« 20x3 » n'est pas une année"),
    ("Année du financement", "22", "« 22 » n'est pas une année"),
    ("Statut", "en court", "statut « en court » inconnu : prévue, en cours, réalisée, abandonnée"),
    ("Date du statut", "32/01/2023", "« 32/01/2023 » n'est pas une date"),
    ("Avancement (%)", "150", "« 150 » n'est pas un avancement"),
    ("Par an", "peut-être", "« peut-être » : écrivez « oui »"),
    ("Financeur", "ars-bfx", "« ars-bfx » n'est pas un signataire : vouliez-vous dire « ars-bfc » ?"),
    ("Intitulé", "Deux\nlignes", "retour à la ligne dans la cellule"),
    # Found by the validation of the project as it would be, said at the CSV's cell:
    ("Quartiers", "planoise, plnoise", "quartier « plnoise » inconnu"),
    ("Priorités", "prio-inconnue", "priorité « prio-inconnue » inconnue"),
    ("Dispositif", "dispositif-inconnu", "dispositif « dispositif-inconnu » inconnu"),
    ("Mesures", "pacte-mesure-99", "mesure « pacte-mesure-99 » inconnue"),
    ("Action parente", "cite-educative-planoise", "une action ne peut pas être sa propre action parente"),
    ("Identifiant", "Cité Éducative", "Identifiant"),
    ("Intitulé", "Deux\tcolonnes", "tabulation dans la cellule"),
    ("Intitulé", "Cité\u200béducative", "caractère invisible (U+200B) dans la cellule"),
    ("Précision du financement", "crédits\u202e FIR", "caractère de direction du texte (U+202E) dans la cellule"),
    ("Montant (€)", "0,00001", "un montant a deux décimales au plus"),
]


@pytest.mark.parametrize("header, value, says", BAD_CELLS, ids=[f"{h}={v}" for h, v, _ in BAD_CELLS])
def test_a_bad_cell_is_said_at_its_row_and_column_and_nothing_is_written(real_export, project, tmp_path, header, value, says):
    table = exported(real_export)
    table[1][col(header)] = value
    path = write(tmp_path / "actions.csv", table)
    messages = errors_of(project, path, missing="keep")
    where = f"actions.csv, ligne 2, colonne « {header} » ({chr(ord('A') + col(header))}) : "
    assert any(m.startswith(where) and says in m for m in messages), messages


def test_a_repeated_cell_that_differs_names_both_rows(real_export, project, tmp_path):
    table = exported(real_export)
    first, second = row_of(table, "atelier-sante-ville"), row_of(table, "atelier-sante-ville", 1)
    table[second - 1][col("Intitulé")] = "Atelier Santé"
    (message,) = errors_of(project, write(tmp_path / "r.csv", table))
    assert message == (
        f"r.csv, ligne {second}, colonne « Intitulé » (C) : « Atelier Santé » diffère de la ligne {first} "
        "(« Atelier Santé Ville ») : les lignes d'une même action répètent ses cellules à l'identique ou les "
        "laissent vides."
    )


def test_a_row_without_identifier_suggests_one(real_export, project, tmp_path):
    table = exported(real_export)
    new = [""] * len(HEADERS)
    new[col("Année")], new[col("Intitulé")] = "2023", "Jardin partagé des Époisses"
    (message,) = errors_of(project, write(tmp_path / "i.csv", [*table, new]))
    assert message == (
        f"i.csv, ligne {len(table) + 1}, colonne « Identifiant » (B) : identifiant vide : chaque ligne donne "
        "l'identifiant de son action (par exemple « jardin-partage-des-epoisses »)."
    )


def test_an_unknown_header_lists_the_expected_ones_and_the_closest(real_export, project, tmp_path):
    table = exported(real_export)
    table[0][col("Porteur")] = "Portuer"
    (message,) = errors_of(project, write(tmp_path / "h.csv", table))
    assert message.startswith("h.csv, ligne 1, colonne E : en-tête « Portuer » inconnu : vouliez-vous dire "
                              "« Porteur » ? en-têtes attendus : Année ; Identifiant ; Intitulé ;")


def test_a_windows_1252_file_is_refused_never_read_as_mojibake(real_export, project, tmp_path):
    table = exported(real_export)
    path = tmp_path / "excel.csv"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    (message,) = errors_of(project, path)
    assert message.startswith("excel.csv, ligne 1 : le fichier n'est pas en UTF-8 : l'octet 0xE9 (« é » en "
                              "Windows-1252) le montre enregistré en Windows-1252 ou Latin-1")
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("content, says", [
    (b"", "empty.csv, ligne 1 : fichier vide : la première ligne doit être l'en-tête (Année ; Identifiant ;"),
    (b"\xef\xbb\xbf\r\n\r\n", "empty.csv, ligne 1 : fichier vide"),
    (";".join(HEADERS).encode() + b"\r\n", "empty.csv, ligne 2 : aucune action : le tableau n'a que sa ligne d'en-tête"),
    ("Année;Intitulé\r\n2023;X\r\n".encode(), "empty.csv, ligne 1 : colonne(s) obligatoire(s) absente(s) : Identifiant"),
    (b'Ann\xc3\xa9e;Identifiant\r\n2023;"abc\r\n', "empty.csv, ligne 2 : guillemet « \" » mal placé ou jamais fermé"),
], ids=["empty", "blank-lines", "header-only", "no-id-column", "open-quote"])
def test_a_file_with_no_actions_to_read_is_refused(project, tmp_path, content, says):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    messages = errors_of(project, path)
    assert messages[0].startswith(says), messages


# --- the command, as a user runs it ------------------------------------------------------------------


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CDV_DEBUG"}
    return subprocess.run([str(CDV), *args], cwd=project, capture_output=True, text=True, env=env)


def test_the_commands_export_edit_import(project, tmp_path):
    original = (project / "actions" / "2023.yml").read_bytes()
    done = run(project, "actions", "export", "actions.csv", "--year", "2023")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("19 action(s) écrite(s) dans actions.csv")
    done = run(project, "actions", "import", "actions.csv")
    assert (done.returncode, done.stderr) == (0, "")
    assert "inchangé : actions/2023.yml (19 action(s))" in done.stdout
    assert (project / "actions" / "2023.yml").read_bytes() == original

    csv_path = project / "actions.csv"
    text = csv_path.read_bytes().decode("utf-8-sig").replace(";19000;2022;", ";19 000,5 €;2022;", 1)
    csv_path.write_bytes(text.encode("utf-8-sig"))
    done = run(project, "actions", "import", "actions.csv")
    assert done.returncode == 0 and "mis à jour : actions/2023.yml (19 action(s))" in done.stdout
    assert b"amount: 19000.5\n" in (project / "actions" / "2023.yml").read_bytes()
    assert run(project, "validate").returncode == 0

    csv_path.write_bytes(text.replace(";19 000,5 €;", ";19 000,5,0;", 1).encode("utf-8-sig"))
    before = snapshot(project)
    done = run(project, "actions", "import", "actions.csv")
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    row = row_of(list(csv.reader(io.StringIO(text, newline=""), delimiter=";")), "atelier-sante-ville")
    assert done.stderr == (
        f"actions.csv, ligne {row}, colonne « Montant (€) » (O) : « 19 000,5,0 » n'est pas un montant : écrivez-le "
        "en euros, ex. 12500 ou 12 500,50.\n1 erreur dans 1 fichier : aucun fichier n'a été écrit.\n"
    )
    assert snapshot(project) == before


@pytest.mark.parametrize("args, status, says", [
    (("actions", "export", "actions/2023.csv"), 1, "fichier de sortie refusé : actions/2023.csv (c'est « actions/ »"),
    (("actions", "export", "actions/2023.yml"), 1, "le nom doit se terminer par « .csv »"),
    (("actions", "export", "x.csv", "--year", "2031"), 2, "aucune action de l'année 2031 ; années présentes : 2023."),
    (("actions", "export", "x.csv", "--year", "deux"), 2, "« deux » n'est pas une année"),
    (("actions", "import", "absent.csv"), 2, "fichier introuvable : absent.csv"),
    (("actions", "import", "x.csv", "--remove-missing", "--keep-missing"), 2, "incompatible avec l'argument"),
    (("actions",), 2, "argument(s) obligatoire(s) manquant(s) : QUOI"),
])
def test_refusals_and_usage_errors(project, args, status, says):
    before = snapshot(project)
    done = run(project, *args)
    assert done.returncode == status and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(project) == before and not (project / "x.csv").exists()


def test_export_refuses_an_invalid_project(project):
    target = project / "actions" / "2023.yml"
    target.write_text(target.read_text(encoding="utf-8").replace("[planoise]", "[plnoise]", 1), encoding="utf-8")
    done = run(project, "actions", "export", "actions.csv")
    assert done.returncode == 1 and "quartier « plnoise » inconnu" in done.stderr
    assert "aucun fichier n'a été écrit" in done.stderr and not (project / "actions.csv").exists()


def test_a_text_a_spreadsheet_would_run_as_a_formula_goes_out_inert_and_comes_back(project, tmp_path):
    target = project / "actions" / "2023.yml"
    from cdv.fmt import format_project

    text = target.read_text(encoding="utf-8").replace("title: Cité éducative de Planoise", "title: =2+3", 1)
    target.write_text(text, encoding="utf-8")
    format_project(project)
    text = target.read_text(encoding="utf-8")
    path = tmp_path / "f.csv"
    export_actions(project, path)
    assert ";'=2+3;" in path.read_bytes().decode("utf-8-sig")
    import_actions(project, path)
    assert target.read_text(encoding="utf-8") == text


def test_the_guide_quotes_real_messages(real_export, project, tmp_path):
    """CONTRIBUTING.md (« La programmation de l'année dans un tableur ») shows what an editor will read."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide.split("## La programmation de l'année dans un tableur", 1)[1].split("\n## ", 1)[0]
    quoted = [line.strip() for line in section.splitlines() if line.strip().startswith("programmation-2023.csv, ")]
    assert len(quoted) == 2
    table = exported(real_export)
    table[6][col("Montant (€)")] = "12,5,0"
    table[8][col("Statut")] = "en court"
    assert errors_of(project, write(tmp_path / "programmation-2023.csv", table)) == quoted


def test_a_file_whose_accents_were_already_garbled_is_refused(real_export, project, tmp_path):
    """UTF-8 read once as Windows-1252 and saved again as UTF-8 is valid UTF-8: « é » is « Ã© » there."""
    table = exported(real_export)
    table[5][col("Intitulé")] = "Médiation culturelle".encode("utf-8").decode("cp1252")
    (message,) = errors_of(project, write(tmp_path / "g.csv", table))
    assert message.startswith("g.csv, ligne 6 : accents abîmés (« Ã© » pour « é ») : le fichier a été lu une fois "
                              "en Windows-1252 puis réenregistré ; rien n'a été lu.")


def test_a_sheet_of_some_columns_updates_those_and_keeps_the_rest(project, tmp_path):
    """A sheet of the statuses alone: the other fields, funding included, stay as the YAML holds them;
    a new action there is refused in the sheet's words (it needs its Intitulé and Quartiers)."""
    path = tmp_path / "statuts.csv"
    path.write_text("Identifiant,Année,Statut,Avancement (%)\ncite-educative-planoise,2023,réalisée,100\n",
                    encoding="utf-8")
    import_actions(project, path, missing="keep")
    after = (project / "actions" / "2023.yml").read_text(encoding="utf-8")
    before = (ROOT / "actions" / "2023.yml").read_text(encoding="utf-8")
    assert after == before.replace("    status: en-cours\n    status_date: \"2023-01-31\"\n",
                                   "    status: realisee\n    status_date: \"2023-01-31\"\n    progress: 100\n", 1)
    path.write_text("Identifiant,Année,Statut\nnouvelle-action,2023,prévue\n", encoding="utf-8")
    assert errors_of(project, path, missing="keep") == [
        f"statuts.csv, ligne 2 : nouvelle action « nouvelle-action » : le tableau n'a pas de colonne « {h} », "
        "qu'une nouvelle action remplit ; ajoutez la colonne (ou exportez un tableau complet)."
        for h in ("Intitulé", "Quartiers")
    ]
