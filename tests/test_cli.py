"""The cdv command: exit statuses, human, GitHub and JSON formats."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def cdv(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, capture_output=True, text=True)


def break_planoise(project: Path) -> None:
    path = project / "neighbourhoods" / "planoise.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: qpv", "kind: prioritaire"), encoding="utf-8")


def test_validate_real_sources_exits_0():
    result = cdv("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sources valides" in result.stdout


def test_validate_invalid_sources_exits_1_with_located_french_errors(project):
    break_planoise(project)
    result = cdv("validate", str(project))
    assert result.returncode == 1
    assert ("neighbourhoods/planoise.yml:3:7: type de quartier « prioritaire » inconnu : les types déclarés dans "
            "contract/contract.yml (shape.neighbourhood_kinds) sont : « qpv », « fragile ». (à l'emplacement /kind)"
            ) in result.stdout
    assert "1 erreur dans 1 fichier ; " in result.stdout


def test_validate_one_file_reports_only_that_file(project):
    break_planoise(project)
    assert cdv("validate", str(project / "neighbourhoods" / "battant.yml")).returncode == 0
    assert cdv("validate", str(project / "neighbourhoods" / "planoise.yml")).returncode == 1


def test_github_format_prints_annotations(project):
    break_planoise(project)
    result = cdv("validate", "--format", "github", str(project))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("::error file=neighbourhoods/planoise.yml,line=3,col=7,title=Erreur dans /kind::")


def test_json_format(project):
    break_planoise(project)
    result = cdv("validate", "--format", "json", str(project))
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["valid"] is False
    assert report["errors"][0]["file"] == "neighbourhoods/planoise.yml" and report["errors"][0]["line"] == 3


def test_usage_errors_exit_2(tmp_path):
    assert cdv("validate", "--format", "xml").returncode == 2
    assert cdv("frobnicate").returncode == 2
    missing = cdv("validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "chemin introuvable" in missing.stderr
    empty = cdv("validate", str(tmp_path))
    assert empty.returncode == 2 and "aucun projet" in empty.stderr


@pytest.mark.slow
def test_build_refuses_invalid_sources_and_keeps_the_previous_site(project, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("ancien site", encoding="utf-8")
    break_planoise(project)
    result = cdv("build", str(project), "--site-dir", str(site))
    assert result.returncode == 1
    assert "le site existant est inchangé" in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "ancien site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


# argparse's own English, as Python writes it: none of it may reach an editor.
ARGPARSE_ENGLISH = ("usage:", "error:", "invalid choice", "choose from", "required", "unrecognized",
                    "expected one argument", "expected at", "ambiguous option", "show this help", "positional arguments",
                    "optional arguments", "not allowed with")


@pytest.mark.parametrize("args, says", [
    ((), "argument(s) obligatoire(s) manquant(s) : COMMANDE"),
    (("biuld",), "choix invalide : 'biuld' (choix possibles : 'validate', 'build'"),
    (("biuld",), "vouliez-vous dire « build » ?"),
    (("validate", "--format", "xml"), "choix invalide : 'xml'"),
    (("build", "--site-dir"), "une valeur est attendue après cette option"),
    (("validate", "--nope"), "argument(s) non reconnu(s) : --nope"),
    (("new",), "argument(s) obligatoire(s) manquant(s) : QUOI"),
    (("new", "neighbourhood"), "argument(s) obligatoire(s) manquant(s) : IDENTIFIANT"),
    (("new", "contract", "x"), "argument(s) obligatoire(s) manquant(s) : --territoire, --periode"),
    (("diff",), "argument(s) obligatoire(s) manquant(s) : ANCIENNE"),
    (("diff", "HEAD", "--fail-above", "tout"), "choix invalide : 'tout'"),
    (("publish",), "argument(s) obligatoire(s) manquant(s) : VERSION"),
    (("actions", "import"), "argument(s) obligatoire(s) manquant(s) : FICHIER.csv"),
    (("actions", "exporte"), "choix invalide : 'exporte'"),
])
def test_usage_errors_are_french_end_to_end(args, says):
    result = cdv(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("utilisation : cdv")
    assert "\ncdv : erreur d'utilisation : " in result.stderr and says in result.stderr
    assert not [w for w in ARGPARSE_ENGLISH if w in result.stderr], result.stderr


@pytest.mark.parametrize("command", [(), ("validate",), ("build",), ("pdf",), ("diff",), ("fmt",), ("publish",),
                                     ("new",), ("new", "neighbourhood"), ("new", "contract"), ("serve",),
                                     ("actions",), ("actions", "export"), ("actions", "import")])
def test_every_help_is_french(command):
    result = cdv(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("utilisation : cdv")
    assert "afficher cette aide et quitter" in result.stdout
    assert not [w for w in ARGPARSE_ENGLISH if w in result.stdout], result.stdout
    # Every argument and option a user can type is named in French or explained.
    assert not any(name in result.stdout for name in ("SITE_DIR", "OUTPUT", " PATH", "NAME", "DIRECTORY", "SLUG", "OLD"))


def test_validate_one_file_still_says_a_required_file_is_missing(project):
    """Asked about one file, cdv validate still reports what makes the whole project unbuildable (a
    required file missing), but not the errors of the other files."""
    break_planoise(project)
    (project / "contract" / "objectives.yml").unlink()
    result = cdv("validate", str(project / "neighbourhoods" / "battant.yml"))
    assert result.returncode == 1, result.stdout
    assert "contract/objectives.yml: fichier obligatoire absent" in result.stdout
    assert "planoise" not in result.stdout
    data = json.loads(cdv("validate", "--format", "json", str(project / "neighbourhoods" / "battant.yml")).stdout)
    assert [e["file"] for e in data["errors"]] == ["contract/objectives.yml"]
