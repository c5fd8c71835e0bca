"""`cdv diff`: a scripted 2027 update reads as contract terms, grouped by the approval it needs."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from cdv.corpus import load_corpus
from cdv.diff import compare, redline, to_markdown

from conftest import ROOT, copy_project
from update2027 import apply_2027_update


@pytest.fixture(scope="module")
def update(tmp_path_factory):
    old = copy_project(tmp_path_factory.mktemp("v2024") / "projet")
    new = copy_project(tmp_path_factory.mktemp("v2027") / "projet")
    apply_2027_update(new)
    return old, new


@pytest.fixture(scope="module")
def diff(update):
    old, new = update
    return compare(load_corpus(old), load_corpus(new), "2024", "2027")


def summary(diff):
    return sorted((c.level, c.kind, c.action, c.id) for c in diff.changes)


def test_the_2027_update_gives_exactly_its_changes(diff):
    assert summary(diff) == sorted([
        ("copil", "priorité", "reworded", "planoise-fracture-numerique"),
        ("copil", "priorité", "added", "battant-attractivite-marche-couvert"),
        ("copil", "priorité", "removed", "montrapon-deplacements-doux"),
        ("routine", "indicateur", "observation", "planoise/population"),
        ("avenant", "signataire", "changed", "prefecture-doubs"),
        ("editorial", "contrat", "changed", "version"),
        ("editorial", "contrat", "changed", "status"),
    ])


def test_changes_are_grouped_by_the_approval_they_need(diff):
    levels = diff.by_level()
    assert [c.id for c in levels["avenant"]] == ["prefecture-doubs"]
    assert {c.id for c in levels["copil"]} == {"planoise-fracture-numerique", "battant-attractivite-marche-couvert",
                                               "montrapon-deplacements-doux"}
    assert diff.highest_level() == "avenant"
    text = to_markdown(diff)
    assert text.index("### Avenant signé") < text.index("### Validation par le comité de pilotage") \
        < text.index("### Mise à jour courante")


def test_markdown_is_a_readable_redline(diff):
    text = to_markdown(diff)
    assert "<ins>l'illectronisme et l'isolement des aînés</ins>" in text or "<ins>" in text and "isolement" in text
    assert "**Priorité ajoutée** : Battant" in text and "marché couvert" in text
    assert "**Priorité supprimée** : Montrapon" in text
    assert "15 378 (Recensement de la population 2018) → <ins>15 510 (Recensement de la population 2021)</ins>" in text
    assert "<del>Rémi</del><ins>Jeanne</ins>" in text and "<del>BASTILLE</del><ins>EXEMPLE</ins>" in text


def test_word_level_redline():
    assert redline("Prévenir la délinquance", "Prévenir toute délinquance") == [
        ("=", "Prévenir "), ("-", "la"), ("+", "toute"), ("=", " délinquance")]


def test_a_moved_priority_is_shown_as_moved(update, tmp_path):
    old, _ = update
    moved = copy_project(tmp_path / "projet")
    planoise = moved / "neighbourhoods" / "planoise.yml"
    text = planoise.read_text(encoding="utf-8")
    block = """        - id: planoise-formation
          text: Permettre aux jeunes l'accès à la **formation**
          objectives: [insertion-emploi]
          devices: [pacte-emancipation-jeunes-planoise]
"""
    assert block in text
    text = text.replace(block, "")
    text = text.replace("    - id: planoise-droits-sante\n", "    - id: planoise-droits-sante\n", 1)
    marker = "          objectives: [acces-droits-sante]\n          devices: [cls]\n"
    text = text.replace(marker, marker + block, 1)
    planoise.write_text(text, encoding="utf-8")
    [change] = compare(load_corpus(old), load_corpus(moved)).changes
    assert (change.kind, change.action, change.id) == ("priorité", "moved", "planoise-formation")
    assert "Planoise, un quartier porté par sa jeunesse" in change.detail and "Accès aux droits" in change.detail


def test_no_change_says_so(update):
    old, _ = update
    diff = compare(load_corpus(old), load_corpus(ROOT))
    assert diff.changes == []
    assert "Aucune modification" in to_markdown(diff)


def test_cli_compares_git_revisions_and_formats(tmp_path):
    repo = copy_project(tmp_path / "depot")
    run = lambda *a: subprocess.run(a, cwd=repo, check=True, capture_output=True, text=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "2024")
    run("git", "tag", "v2024")
    apply_2027_update(repo)
    cdv = [sys.executable, "-m", "cdv.cli", "diff"]
    result = subprocess.run(cdv + ["v2024", ".", "--format", "json"], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["highest_level"] == "avenant" and report["summary"]["copil"] == 3
    assert report["old"] == "2024 (v2024)" and report["new"] == "2027 (.)"
    strict = subprocess.run(cdv + ["v2024", "--fail-above", "copil"], cwd=repo, capture_output=True, text=True)
    assert strict.returncode == 1 and "avenant" in strict.stderr
    bad = subprocess.run(cdv + ["pas-une-revision"], cwd=repo, capture_output=True, text=True)
    assert bad.returncode == 2 and "ni un dossier de projet ni une révision git" in bad.stderr
    shutil.rmtree(repo)
