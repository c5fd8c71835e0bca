"""`cdv diff`: a scripted 2027 update reads as contract terms, grouped by the approval it needs."""
from __future__ import annotations

import html
import html.parser
import json
import random
import shutil
import subprocess
import sys

from pathlib import Path

import pytest
import yaml

from cdv.corpus import load_corpus
from cdv.diff import change_body, compare, redline, to_markdown
from cdv.errors import InvalidSources
from cdv.sources import classify, discover
from cdv.yamlload import load_yaml_file

from conftest import ROOT, copy_project, name_site_after_contract
from sourcestrings import REFERENCE_KEYS
from update2027 import (GOVERNANCE_SENTENCE, MOVED_PRIORITY, NEW_SIGNER, apply_2027_update, apply_redline_changes,
                        replace)


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
        ("representant", "signataire", "changed", "prefecture-doubs"),
        ("editorial", "contrat", "changed", "version"),
        ("editorial", "contrat", "changed", "status"),
    ])


def test_changes_are_grouped_by_the_approval_they_need(diff):
    levels = diff.by_level()
    assert levels["avenant"] == []  # a new préfet is not a change of the contract's terms
    assert [c.id for c in levels["representant"]] == ["prefecture-doubs"]
    assert {c.id for c in levels["copil"]} == {"planoise-fracture-numerique", "battant-attractivite-marche-couvert",
                                               "montrapon-deplacements-doux"}
    assert diff.highest_level() == "copil"
    text = to_markdown(diff)
    assert "### Avenant signé" not in text
    assert text.index("### Validation par le comité de pilotage") \
        < text.index("### Changement de représentant d'un signataire (sans effet sur les engagements)") \
        < text.index("### Mise à jour courante")


def test_a_new_prefet_is_a_change_of_representative(more):
    """The person who signs for a signatory changed: said as a change of representative, at a level that
    needs no clause of an avenant, while an article's sentence beside it does."""
    [signer] = [c for c in more.changes if c.id == "prefecture-doubs"]
    assert (signer.level, signer.kind, signer.detail) == ("representant", "signataire", "personne qui signe")
    assert more.levels["representant"] == "Changement de représentant d'un signataire (sans effet sur les engagements)"
    assert more.highest_level() == "avenant"
    assert "prefecture-doubs" not in {c.id for c in more.by_level()["avenant"]}


def test_markdown_is_a_readable_redline(diff):
    text = to_markdown(diff)
    assert "<ins>l'illectronisme et l'isolement des aînés</ins>" in text or "<ins>" in text and "isolement" in text
    assert "**Priorité ajoutée** : Battant" in text and "marché couvert" in text
    assert "**Priorité supprimée** : Montrapon" in text
    assert "15 378 (Recensement de la population 2018) → <ins>15 510 (Recensement de la population 2021)</ins>" in text
    assert "<del>Rémi BASTILLE</del><ins>Jeanne EXEMPLE</ins>" in text


def test_word_level_redline():
    assert redline("Prévenir la délinquance", "Prévenir toute délinquance") == [
        ("=", "Prévenir "), ("-", "la"), ("+", "toute"), ("=", " délinquance")]


@pytest.fixture(scope="module")
def more(update, tmp_path_factory):
    """The 2027 update with an article's sentence, a sub-article's sentence and a moved priority."""
    old, new = update
    more = tmp_path_factory.mktemp("v2027-plus") / "projet"
    shutil.copytree(new, more)
    apply_redline_changes(more)
    return compare(load_corpus(old), load_corpus(more), "2024", "2027")


def test_consecutive_changed_words_are_one_group(more):
    """The spaces between changed words, and one unchanged word between two changes, belong to the group:
    never <del>1</del><ins>au</ins> <del>à</del><ins>moins</ins>…"""
    text = to_markdown(more)
    assert "se réunit <del>1 à 2</del><ins>au moins deux</ins> fois par an" in text
    assert "<del>1</del>" not in text and "<ins>au</ins>" not in text
    # "et" between two changes goes with them; the unchanged words before stay outside.
    assert ("Lutter contre la fracture <del>numérique et l'illectronisme</del>"
            "<ins>numérique, l'illectronisme et l'isolement des aînés</ins>") in text
    [article] = [c for c in more.changes if GOVERNANCE_SENTENCE[1] in (c.new or "")]
    assert ("-", "1 à 2") in article.redline() and ("+", "au moins deux") in article.redline()
    # Two changes apart by two unchanged words stay apart.
    assert redline("a b c d e f", "a X c d Y f") == [
        ("=", "a "), ("-", "b"), ("+", "X"), ("=", " c d "), ("-", "e"), ("+", "Y"), ("=", " f")]


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
    assert change.text == "Permettre aux jeunes l'accès à la formation"
    assert change_body(change) == "Permettre aux jeunes l'accès à la formation"


def test_a_moved_element_shows_its_text(more):
    """Moved, not only "déplacée": the text readers find at its new place, under the line that says where
    it went (in the markdown, on the page and in the avenant)."""
    [moved] = [c for c in more.changes if c.action == "moved"]
    assert moved.id == MOVED_PRIORITY and moved.text == "Permettre aux jeunes l'accès à la formation"
    text = to_markdown(more)
    head = next(line for line in text.split("\n") if "**Priorité déplacée**" in line)
    body = text.split(head, 1)[1].lstrip("\n").split("\n", 1)[0]
    assert body.strip() == "Permettre aux jeunes l'accès à la formation"
    assert json.loads(json.dumps(more.as_dict()))["changes"][[c.id for c in more.changes].index(moved.id)][
        "text"] == moved.text


def test_no_change_says_so(update):
    old, _ = update
    diff = compare(load_corpus(old), load_corpus(ROOT))
    assert diff.changes == []
    assert "Aucune modification" in to_markdown(diff)


@pytest.mark.slow
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
    assert report["highest_level"] == "copil" and report["summary"]["copil"] == 3
    assert report["summary"]["representant"] == 1 and report["summary"]["avenant"] == 0
    assert report["old"] == "2024 (v2024)" and report["new"] == "2027 (.)"
    strict = subprocess.run(cdv + ["v2024", "--fail-above", "representant"], cwd=repo, capture_output=True,
                            text=True)
    assert strict.returncode == 1 and "« copil »" in strict.stderr
    # A pull request that only names the new préfet passes as a change of representative, not as routine.
    run("git", "checkout", "-q", "--", ".")
    replace(repo / "contract" / "signatories.yml", *NEW_SIGNER)
    assert subprocess.run(cdv + ["v2024", "--fail-above", "representant"], cwd=repo).returncode == 0
    routine = subprocess.run(cdv + ["v2024", "--fail-above", "routine"], cwd=repo, capture_output=True, text=True)
    assert routine.returncode == 1 and "« representant »" in routine.stderr
    bad = subprocess.run(cdv + ["pas-une-revision"], cwd=repo, capture_output=True, text=True)
    assert bad.returncode == 2 and "ni un dossier de projet ni une révision git" in bad.stderr
    shutil.rmtree(repo)


# --- nothing a reader sees can change unreported -------------------------------------------------
# Each test edits a copy of the real sources as data (read with the strict loader, written back as YAML)
# and checks the change is reported with its kind, action and approval level.

def rewrite(path: Path, edit) -> None:
    data = load_yaml_file(path).data
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def changes_between(old: Path, new: Path) -> list:
    return compare(load_corpus(old), load_corpus(new)).changes


def matching(changes, kind, action, level, ident=None) -> list:
    return [c for c in changes if (c.kind, c.action, c.level) == (kind, action, level) and ident in (None, c.id)]


def first_block(blocks: list, key: str) -> dict:
    return next(b for b in blocks if key in b)


def section(data: dict, ident: str) -> dict:
    return next(s for s in data["portrait"]["sections"] if s["id"] == ident)


def theme(data: dict, ident: str) -> dict:
    return next(t for t in data["project"]["themes"] if t["id"] == ident)


def table_block(data: dict) -> dict:
    return next(b for s in data["portrait"]["sections"] for b in s["blocks"] if "table" in b)


# Where a link can be, the element that holds it and the approval its change needs.
LINK_PLACES = {
    "article": ("contract/articles/article-1.yml", lambda d: (first_block(d["body"], "p"), "p"),
                "article", "avenant"),
    "sous-article": ("contract/articles/article-9.yml", lambda d: (first_block(d["sections"][0]["body"], "p"), "p"),
                     "article", "avenant"),
    "avant-propos": ("contract/contract.yml", lambda d: (first_block(d["foreword"]["body"], "p"), "p"),
                     "avant-propos", "avenant"),
    "engagement": ("contract/commitments/ars.yml", lambda d: (first_block(d["body"], "p"), "p"), "engagement",
                   "avenant"),
    "dispositif": ("contract/devices/cpo.yml", lambda d: (first_block(d["body"], "p"), "p"), "dispositif", "copil"),
    "priorité": ("neighbourhoods/planoise.yml", lambda d: (theme(d, "planoise-jeunesse")["priorities"][2], "text"),
                 "priorité", "copil"),
    "thème": ("neighbourhoods/planoise.yml", lambda d: (theme(d, "planoise-jeunesse")["intro"][0], "p"), "thème",
              "copil"),
    "note de portrait": ("neighbourhoods/planoise.yml", lambda d: (first_block(section(d, "situation-sociale")["blocks"],
                                                                               "note"), "note"), "portrait", "routine"),
    "cellule de tableau": ("neighbourhoods/clairs-soleils.yml", lambda d: (table_block(d)["table"]["rows"][0], 0),
                           "portrait", "routine"),
    "titre de figure": ("neighbourhoods/planoise.yml",
                        lambda d: (first_block(section(d, "situation-sociale")["blocks"], "figure")["figure"], "title"),
                        "portrait", "routine"),
    "glossaire": ("contract/glossary.yml", lambda d: (d["terms"][1], "definition"), "terme du glossaire", "copil"),
    "socle commun": ("contract/objectives.yml", lambda d: (d["axes"][0]["objectives"][0]["priorities"][0], "text"),
                     "priorité du socle commun", "avenant"),
    "préambule du socle": ("contract/objectives.yml", lambda d: (d, "preamble"), "socle commun", "avenant"),
    "centre social": ("contract/social-centres.yml", lambda d: (d["centres"][0], "name"), "centre social", "avenant"),
    "crédits": ("contract/contract.yml", lambda d: (d, "credits"), "contrat", "avenant"),
}


def with_link(root: Path, place: str, target: str) -> Path:
    rel, where, _, _ = LINK_PLACES[place]

    def edit(data):
        holder, key = where(data)
        holder[key] = f"{holder[key]} voir [le site]({target})"
    rewrite(root / rel, edit)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("place", LINK_PLACES)
def test_a_redirected_link_is_reported_at_the_level_of_its_element(tmp_path, place):
    old = with_link(copy_project(tmp_path / "avant"), place, "https://ancien.example/page")
    new = with_link(copy_project(tmp_path / "apres"), place, "https://autre-site.example/page")
    _, _, kind, level = LINK_PLACES[place]
    changes = changes_between(old, new)
    assert changes and all(c.level == level and c.kind == kind for c in changes), changes
    [change] = changes
    assert "le site (https://ancien.example/page)" in change.old
    assert "le site (https://autre-site.example/page)" in change.new
    text = to_markdown(compare(load_corpus(old), load_corpus(new)))
    assert "ancien.example/page" in text and "autre-site.example/page" in text


@pytest.mark.slow
def test_fail_above_routine_refuses_a_redirected_link_through_the_cli(tmp_path):
    """The CI check of a pull request labelled editorial, run as CI runs it."""
    repo = with_link(copy_project(tmp_path / "depot"), "priorité", "https://ancien.example/page")
    with_link(repo, "note de portrait", "https://ancien.example/note")
    run = lambda *a: subprocess.run(a, cwd=repo, check=True, capture_output=True, text=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    cdv = [sys.executable, "-m", "cdv.cli", "diff", "HEAD"]
    # A portrait's link redirected: a routine update, never editorial.
    rewrite(repo / "neighbourhoods" / "planoise.yml", lambda d: _redirect(d, "https://ancien.example/note",
                                                                          "https://autre.example/note"))
    assert subprocess.run(cdv + ["--fail-above", "routine"], cwd=repo, capture_output=True).returncode == 0
    strict = subprocess.run(cdv + ["--fail-above", "editorial"], cwd=repo, capture_output=True, text=True)
    assert strict.returncode == 1 and "« routine »" in strict.stderr
    # A priority's link redirected: the comité de pilotage; an editorial pull request fails.
    rewrite(repo / "neighbourhoods" / "planoise.yml", lambda d: _redirect(d, "https://ancien.example/page",
                                                                          "https://autre.example/page"))
    result = subprocess.run(cdv + ["--fail-above", "routine"], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 1 and "« copil »" in result.stderr, result.stderr
    assert "Aucune modification" not in result.stdout
    assert "ancien.example/page" in result.stdout and "autre.example/page" in result.stdout
    report = json.loads(subprocess.run(cdv + ["--format", "json"], cwd=repo, capture_output=True, text=True).stdout)
    assert report["highest_level"] == "copil" and report["summary"]["editorial"] == 0
    shutil.rmtree(repo)


def _redirect(data, old: str, new: str):
    """Replace a link target wherever it is in a document."""
    if isinstance(data, dict):
        for key, value in data.items():
            data[key] = value.replace(old, new) if isinstance(value, str) else _redirect(value, old, new)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            data[i] = value.replace(old, new) if isinstance(value, str) else _redirect(value, old, new)
    return data


@pytest.fixture(scope="module")
def base():
    return load_corpus(ROOT)


def changes_after(base, project: Path, rel: str, edit) -> list:
    rewrite(project / rel, edit)
    name_site_after_contract(project)  # mkdocs.yml follows a new title or author, as cdv validate asks
    return compare(base, load_corpus(project)).changes


GLOSSARY = "contract/glossary.yml"


@pytest.mark.parametrize("field_name", ["term", "expansion", "definition", "source"])
def test_a_glossary_term_changed_is_reported(base, project, field_name):
    def edit(data):
        term = next(t for t in data["terms"] if t["id"] == "abs")
        term[field_name] = term[field_name] + " (révisé)"
    [change] = changes_after(base, project, GLOSSARY, edit)
    assert (change.kind, change.action, change.level, change.id) == ("terme du glossaire", "changed", "copil", "abs")
    assert "(révisé)" in change.new and "(révisé)" not in change.old
    assert change.detail.startswith("définition reprise du contrat : Contrat, article 9.1")


def test_a_glossary_term_added_or_removed_is_reported(base, project):
    def edit(data):
        data["terms"] = [t for t in data["terms"] if t["id"] != "afev"]
        data["terms"].append({"id": "zzz-nouveau", "term": "ZZZ", "expansion": "Zone de test",
                              "definition": "Un terme ajouté."})
    changes = changes_after(base, project, GLOSSARY, edit)
    assert sorted((c.kind, c.action, c.level, c.id) for c in changes) == [
        ("terme du glossaire", "added", "copil", "zzz-nouveau"), ("terme du glossaire", "removed", "copil", "afev")]


def swap(items: list, i: int = 0, j: int = 1) -> None:
    items[i], items[j] = items[j], items[i]


def test_the_order_of_priorities_within_a_theme_is_a_change(base, project):
    [change] = changes_after(base, project, "neighbourhoods/planoise.yml",
                             lambda d: swap(theme(d, "planoise-jeunesse")["priorities"], 1, 2))
    assert (change.kind, change.action, change.level, change.id) == (
        "ordre des priorités", "reordered", "copil", "planoise-jeunesse")
    assert change.old.split("\n") == ["2. Accompagner et sensibiliser les jeunes aux risques des conduites addictives",
                                           "3. Permettre aux jeunes l'accès à la formation"]
    assert change.new.split("\n") == ["2. Permettre aux jeunes l'accès à la formation",
                                           "3. Accompagner et sensibiliser les jeunes aux risques des conduites addictives"]
    assert "**Ordre des priorités modifié** : Planoise — Planoise, un quartier porté par sa jeunesse" in to_markdown(
        compare(base, load_corpus(project)))


def test_the_order_of_themes_is_a_change(base, project):
    [change] = changes_after(base, project, "neighbourhoods/planoise.yml", lambda d: swap(d["project"]["themes"]))
    assert (change.kind, change.action, change.level, change.id) == ("ordre des thèmes", "reordered", "copil", "planoise")
    assert change.old.startswith("1. Planoise se réinvente") and change.new.startswith("1. Planoise, un quartier porté")


SIGNATORIES = "contract/signatories.yml"


def test_the_order_of_signatories_is_a_change(base, project):
    [change] = changes_after(base, project, SIGNATORIES, lambda d: swap(d["signatories"]))
    assert (change.kind, change.action, change.level) == ("ordre des signataires", "reordered", "avenant")
    assert change.old.split("\n") == ["1. État - Préfecture du Doubs",
                                       "2. État - Ministère de la Justice : Tribunal judiciaire de Besançon"]
    assert change.new.split("\n") == ["1. État - Ministère de la Justice : Tribunal judiciaire de Besançon",
                                       "2. État - Préfecture du Doubs"]
    assert ("1. État - Préfecture du Doubs<br>2. État - Ministère de la Justice : Tribunal judiciaire de Besançon → <ins>"
            in html.unescape(to_markdown(compare(base, load_corpus(project)))))  # "1." at a line start is escaped


def test_the_order_of_signature_blocks_is_a_change(base, project):
    def edit(data):
        a, b = data["signatories"][0]["signature"], data["signatories"][1]["signature"]
        a["position"], b["position"] = b["position"], a["position"]
    [change] = changes_after(base, project, SIGNATORIES, edit)
    assert (change.kind, change.action, change.level, change.id) == (
        "ordre des signatures", "reordered", "avenant", "signatures")
    assert "État - Préfecture du Doubs" in change.old.split("\n")[0]
    assert "État - Préfecture du Doubs" not in change.new.split("\n")[0]


def test_the_order_of_signers_inside_a_signature_block_is_a_change(base, project):
    def edit(data):
        block = next(s for s in data["signatories"] if len(s["signature"]["signers"]) >= 2)
        swap(block["signature"]["signers"])
    [change] = changes_after(base, project, SIGNATORIES, edit)
    assert (change.kind, change.action, change.level) == (
        "ordre des personnes qui signent", "reordered", "representant")
    names = lambda text: [line.split(". ", 1)[1] for line in text.split("\n")]  # noqa: E731
    assert names(change.old) == names(change.new)[::-1] and len(names(change.old)) == 2


def test_a_signature_group_renamed_is_a_change(base, project):
    [change] = changes_after(base, project, SIGNATORIES, lambda d: d["groups"][0].update(title="État et opérateurs"))
    assert (change.kind, change.action, change.level, change.id) == ("groupe de signataires", "changed", "avenant", "etat")
    assert "État et opérateurs" in change.new


def test_the_order_of_sub_articles_is_a_change(base, project):
    [change] = changes_after(base, project, "contract/articles/article-9.yml", lambda d: swap(d["sections"]))
    assert (change.kind, change.action, change.level, change.id) == (
        "ordre des sous-articles", "reordered", "avenant", "article-9")


@pytest.mark.parametrize("field_name,value", [("name", "Contrat Local de Santé révisé"), ("acronym", "CLS2"),
                                              ("summary", "Un résumé nouveau."), ("articles", ["article-17"]),
                                              ("source", "Délibération du 1er avril"),
                                              ("body", [{"p": "Un texte nouveau."}])])
def test_every_field_of_a_device_is_compared(base, project, field_name, value):
    [change] = changes_after(base, project, "contract/devices/cls.yml", lambda d: d.update({field_name: value}))
    assert (change.kind, change.action, change.level, change.id) == ("dispositif", "changed", "copil", "cls")


SOCIAL = "contract/social-centres.yml"


def test_every_field_of_the_social_centres_is_compared(base, project):
    [headers] = changes_after(base, project, SOCIAL, lambda d: d["headers"].__setitem__(1, "Quartiers servis"))
    assert (headers.kind, headers.action, headers.level) == ("centres sociaux", "changed", "avenant")
    assert "Quartiers servis" in headers.new
    [kind] = changes_after(base, copy_project(project.parent / "b"), SOCIAL,
                           lambda d: d["centres"][1].update(kind="centre-social"))
    assert (kind.kind, kind.action, kind.level, kind.id) == ("centre social", "changed", "avenant", "evs-pari")
    [order] = changes_after(base, copy_project(project.parent / "c"), SOCIAL, lambda d: swap(d["centres"]))
    assert (order.kind, order.action, order.level) == ("ordre des centres sociaux", "reordered", "avenant")
    [served] = changes_after(base, copy_project(project.parent / "d"), SOCIAL,
                             lambda d: swap(next(c for c in d["centres"] if len(c["neighbourhoods"]) > 1)["neighbourhoods"]))
    assert (served.kind, served.level) == ("centre social", "avenant")


OBJECTIVES = "contract/objectives.yml"


def test_the_common_base_order_and_fields_are_compared(base, project):
    [order] = changes_after(base, project, OBJECTIVES, lambda d: swap(d["axes"][0]["objectives"]))
    assert (order.kind, order.action, order.level, order.id) == ("ordre des objectifs", "reordered", "avenant", "cadre-de-vie")
    [axes] = changes_after(base, copy_project(project.parent / "b"), OBJECTIVES, lambda d: swap(d["axes"]))
    assert (axes.kind, axes.action, axes.level) == ("ordre des axes du socle commun", "reordered", "avenant")

    def move(d):
        first, second = d["axes"][0]["objectives"][0], d["axes"][0]["objectives"][1]
        second["priorities"].append(first["priorities"].pop())
    [moved] = changes_after(base, copy_project(project.parent / "c"), OBJECTIVES, move)
    assert (moved.kind, moved.action, moved.level) == ("priorité du socle commun", "moved", "avenant")
    [title] = changes_after(base, copy_project(project.parent / "d"), OBJECTIVES, lambda d: d.update(title="Socle"))
    assert (title.kind, title.action, title.level) == ("socle commun", "changed", "avenant")


@pytest.mark.parametrize("edit", [lambda d: d.update(credits="Autre illustrateur"),
                                  lambda d: d["licence"].update(url="https://example.org/licence"),
                                  lambda d: d.update(programme="Quartiers 2031"),
                                  lambda d: d.update(author="Une autre autorité"),
                                  lambda d: swap(d["parts"])])
def test_every_field_of_contract_yml_is_compared(base, project, edit):
    [change] = changes_after(base, project, "contract/contract.yml", edit)
    assert (change.kind, change.action, change.level) == ("contrat", "changed", "avenant")


PLANOISE = "neighbourhoods/planoise.yml"


@pytest.mark.parametrize("edit,kind,level", [
    (lambda d: d.update(qpv_code="QN02500X"), "quartier", "avenant"),
    (lambda d: d.update(commune="Besançon-Planoise"), "quartier", "avenant"),
    (lambda d: d["portrait"].update(title="Portrait du quartier"), "portrait", "routine"),
    (lambda d: d["portrait"]["indicators"][0].update(unit="pourcent"), "indicateur", "routine"),
    (lambda d: d["portrait"]["indicators"][0].update(label="résidents"), "indicateur", "routine"),
    (lambda d: d["portrait"]["indicators"][1].update(prefix="soit"), "indicateur", "routine"),
    (lambda d: first_block(section(d, "logement")["blocks"], "note").update(label="Remarque"), "portrait", "routine"),
    (lambda d: first_block(section(d, "logement")["blocks"], "note").update(note="Une autre note."), "portrait",
     "routine"),
    (lambda d: first_block(section(d, "situation-sociale")["blocks"], "figure")["figure"].update(title="Autre"),
     "portrait", "routine"),
    (lambda d: first_block(section(d, "education")["blocks"], "source").update(label="Lecture"), "portrait", "routine"),
    (lambda d: first_block(section(d, "logement")["blocks"], "p").update(p="A Besançon, un logement social sur deux."),
     "portrait", "routine"),
    (lambda d: d["project"].update(title="Projet de Planoise"), "projet de quartier", "copil"),
    (lambda d: theme(d, "planoise-apaiser").update(title="Planoise apaisé"), "thème", "copil"),
    # Emphasis only: what readers see in bold changes.
    (lambda d: theme(d, "planoise-apaiser")["priorities"][0].update(text="Prévenir les phénomènes de délinquance"),
     "priorité", "copil"),
])
def test_every_field_of_a_neighbourhood_is_compared(base, project, edit, kind, level):
    [change] = changes_after(base, project, PLANOISE, edit)
    assert (change.kind, change.action, change.level) == (kind, "changed", level)
    assert change.old != change.new


def test_the_order_of_portrait_rubriques_is_a_change(base, project):
    [change] = changes_after(base, project, PLANOISE, lambda d: swap(d["portrait"]["sections"]))
    assert (change.kind, change.action, change.level, change.id) == (
        "ordre des rubriques du portrait", "reordered", "routine", "planoise")
    assert change.old.startswith("1. Desserte") and change.new.startswith("1. Démographie")


def test_a_table_cell_changed_is_a_change(base, project):
    [change] = changes_after(base, project, "neighbourhoods/clairs-soleils.yml",
                             lambda d: table_block(d)["table"]["rows"][0].__setitem__(1, "93 collégiens"))
    assert (change.kind, change.action, change.level) == ("portrait", "changed", "routine")
    assert "93 collégiens" in change.new and "92 collégiens" in change.old


def test_an_article_short_title_is_a_change(base, project):
    [change] = changes_after(base, project, "contract/articles/article-1.yml", lambda d: d.update(short_title="Contexte"))
    assert (change.kind, change.action, change.level, change.id) == ("article", "changed", "avenant", "article-1")
    assert "Contexte" in change.new


def test_a_commitment_title_and_order_are_compared(base, project):
    [title] = changes_after(base, project, "contract/commitments/ars.yml", lambda d: d.update(title="ARS BFC"))
    assert (title.kind, title.action, title.level) == ("engagement", "changed", "avenant")
    ars, etat = (load_yaml_file(project / f"contract/commitments/{n}.yml").data["position"] for n in ("ars", "etat"))
    other = copy_project(project.parent / "b")
    rewrite(other / "contract/commitments/ars.yml", lambda d: d.update(position=etat))
    [order] = changes_after(base, other, "contract/commitments/etat.yml", lambda d: d.update(position=ars))
    assert (order.kind, order.action, order.level) == ("ordre des engagements", "reordered", "avenant")


# --- held-out cases: any value, any order -------------------------------------------------------

def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        yield path, node
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _at(data, path):
    for p in path[:-1]:
        data = data[p]
    return data, path[-1]


def _by_kind(root: Path) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for rel in discover(root):
        kinds.setdefault(classify(rel)[0], []).append(rel)
    return kinds


def _changes_with(base, project: Path, rel: str, edit):
    """The changes one edit of one file gives, the file then put back; None if the sources are then invalid
    (an identifier's pattern, an enumeration, a reference: the validator's part, not the diff's)."""
    original = (project / rel).read_bytes()
    rewrite(project / rel, edit)
    try:
        return compare(base, load_corpus(project)).changes
    except InvalidSources:
        return None
    finally:
        (project / rel).write_bytes(original)


@pytest.mark.slow
def test_changing_any_string_anywhere_is_always_reported(base, project):
    """A seeded sample of string values of every kind of source file (glossary included), each changed
    alone: every valid change gives at least one reported change, never an editorial one but the version's."""
    rng = random.Random(12)
    kinds = _by_kind(project)
    assert {"contract", "article", "commitment", "device", "glossary", "objectives", "signatories",
            "social-centres", "neighbourhood"} <= kinds.keys()
    for kind, rels in sorted(kinds.items()):
        strings = [(rel, path) for rel in rels for path, value in _leaves(load_yaml_file(project / rel).data)
                   if isinstance(value, str)]
        rng.shuffle(strings)
        tried = valid = 0
        for rel, path in strings:
            if valid == 6 or tried == 30:
                break
            tried += 1
            changes = _changes_with(base, project, rel, lambda d: _set(d, path, lambda v: v + " modifié"))
            if changes is None:
                continue
            valid += 1
            assert changes, f"{rel} {path} : une valeur modifiée n'est pas signalée"
            assert all(c.level != "editorial" or c.id in ("version", "status") for c in changes), changes
        # Identifiers and references (a figure's id, unit and article) mostly make the sources invalid when
        # changed: the validator's part. Half the texts, up to six, must be tried.
        texts = [(rel, path) for rel, path in strings if path[-1] not in REFERENCE_KEYS]
        assert valid >= min(6, len(texts) // 2), (kind, valid, tried)


def _set(data, path, change):
    holder, key = _at(data, path)
    holder[key] = change(holder[key])


@pytest.mark.slow
def test_swapping_two_elements_of_any_list_is_always_reported(base, project):
    """Every list of two or more distinct elements, those with ids first, in every source file: swapping
    two of its elements is reported. The glossary's list of terms is the one list readers never see in
    file order (the site sorts terms alphabetically), so its order is not a change; nor is the order of a
    year's actions (a programmation, compared action by action, not a text of the contract)."""
    rng = random.Random(2024)
    with_ids, others = [], []
    for rel in discover(project):
        for path, value in _leaves(load_yaml_file(project / rel).data):
            if not isinstance(value, list) or len({json.dumps(v, sort_keys=True) for v in value}) != len(value) \
                    or len(value) < 2 or (rel, path) == ("contract/glossary.yml", ("terms",)) \
                    or (classify(rel)[0], path) == ("actions", ("actions",)):
                continue
            ids = [v.get("id") if isinstance(v, dict) else None for v in value]
            (with_ids if all(ids) else others).append((rel, path, len(value)))
    assert len(with_ids) > 20 and {classify(rel)[0] for rel, _, _ in with_ids} >= {
        "contract", "article", "objectives", "signatories", "social-centres", "neighbourhood"}
    valid = 0
    for rel, path, size in with_ids + rng.sample(others, 25):
        i, j = rng.sample(range(size), 2)
        changes = _changes_with(base, project, rel, lambda d: swap(_at(d, path)[0][_at(d, path)[1]], i, j))
        assert changes is None or changes, f"{rel} {path} : deux éléments permutés, rien n'est signalé"
        valid += changes is not None
    assert valid > 30


LATER_FIELDS = {  # where a later schema could add a field, the element reported and its level
    "dispositif": (lambda c: c.devices[0], "dispositif", "copil"),
    "priorité": (lambda c: c.neighbourhoods[0]["project"]["themes"][0]["priorities"][0], "priorité", "copil"),
    "thème": (lambda c: c.neighbourhoods[0]["project"]["themes"][0], "thème", "copil"),
    "article": (lambda c: c.articles[3], "article", "avenant"),
    "sous-article": (lambda c: c.article("article-9")["sections"][1], "article", "avenant"),
    "signataire": (lambda c: c.signatories[4], "signataire", "avenant"),
    "personne qui signe": (lambda c: c.signatories[4]["signature"]["signers"][0], "signataire", "avenant"),
    "terme": (lambda c: c.glossary[7], "terme du glossaire", "copil"),
    "centre social": (lambda c: c.social_centres["centres"][2], "centre social", "avenant"),
    "indicateur": (lambda c: c.neighbourhoods[0]["portrait"]["indicators"][2], "indicateur", "routine"),
    "observation": (lambda c: c.neighbourhoods[0]["portrait"]["indicators"][2]["observations"][0], "indicateur",
                    "routine"),
    "rubrique": (lambda c: c.neighbourhoods[0]["portrait"]["sections"][1], "portrait", "routine"),
    "quartier": (lambda c: c.neighbourhoods[1], "quartier", "avenant"),
    "contrat": (lambda c: c.contract, "contrat", "avenant"),
    "objectif": (lambda c: c.objectives["axes"][1]["objectives"][0], "objectif du socle commun", "avenant"),
    "engagement": (lambda c: c.commitments[2], "engagement", "avenant"),
}


@pytest.mark.parametrize("where", LATER_FIELDS)
def test_a_field_no_comparison_knows_of_is_still_reported(base, where):
    """Complete by construction: a field added to a schema later is compared without new code."""
    find, kind, level = LATER_FIELDS[where]
    new = load_corpus(ROOT)
    find(new)["lien_nouveau"] = "[en savoir plus](https://example.org/plus)"
    [change] = compare(base, new).changes
    assert (change.kind, change.action, change.level) == (kind, "changed", level)
    assert "en savoir plus (https://example.org/plus)" in change.new and change.old.endswith("—")


def test_a_change_in_a_sub_article_is_located_there(more):
    """"Article 9.1 - Les portraits de quartier", not "Article 9": the sub-article's id, number and title;
    an article without sub-articles keeps its own."""
    [sub] = [c for c in more.changes if c.id == "article-9-1"]
    assert (sub.kind, sub.action, sub.level, sub.title) == (
        "article", "changed", "avenant", "Article 9.1 - Les portraits de quartier")
    assert "article-9" not in {c.id for c in more.changes}
    assert "(2026)" in sub.old and "(2027)" in sub.new and "L'approche territoriale" not in sub.new
    [article] = [c for c in more.changes if c.id == "article-13"]
    assert article.title == "Article 13 - La gouvernance du Contrat de Ville"
    # In the contract's order, numbers read as numbers: 9.1 before 13.
    assert [c.id for c in more.by_level()["avenant"]] == ["article-9-1", "article-13"]


def test_each_heading_stands_on_its_own_line(more):
    """The line that names a change is a paragraph of its own: its redline never runs into it."""
    lines = to_markdown(more).split("\n")
    head = lines.index("- **Article modifié** : Article 9.1 - Les portraits de quartier")
    assert lines[head + 1] == "" and lines[head + 2].startswith("    Ils seront remis à jour")
    assert "<del>(2026)</del><ins>(2027)</ins>" in lines[head + 2]


# --- "Ce qui change" on the built site ------------------------------------------------------------

@pytest.fixture(scope="module")
def changes_site(tmp_path_factory):
    """The site of the 2027 update (with an article's and a sub-article's sentence and a moved priority),
    its 2024 version tagged v2024 as the version in force."""
    from cdv.build import build_site

    repo = copy_project(tmp_path_factory.mktemp("redline") / "depot")
    run = lambda *a: subprocess.run(a, cwd=repo, check=True, capture_output=True, text=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "2024")
    run("git", "tag", "v2024")
    apply_2027_update(repo)
    apply_redline_changes(repo)
    return build_site(repo, repo / "site", with_pdf=False)


class _Entries(html.parser.HTMLParser):
    """The entries of "Ce qui change": for each <li>, its paragraphs' HTML and the links of the first."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries, self.ids, self.depth = [], set(), 0
        self._li = self._p = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "li":
            self._li = {"paragraphs": [], "links": []}
        elif tag == "p" and self._li is not None:
            self._p = []
        elif self._p is not None:
            if tag == "a" and not self._li["paragraphs"]:
                self._li["links"].append(attrs["href"])
            self._p.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "li" and self._li is not None:
            self.entries.append(self._li)
            self._li = None
        elif tag == "p" and self._p is not None:
            self._li["paragraphs"].append("".join(self._p))
            self._p = None
        elif self._p is not None:
            self._p.append(f"</{tag}>")

    def handle_data(self, data):
        if self._p is not None:
            self._p.append(data)


def _parse(path: Path) -> _Entries:
    parser = _Entries()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.slow
def test_ce_qui_change_reads_like_a_redline(changes_site):
    """On the page as built: each change's line is a paragraph of its own, its redline the next one;
    words grouped; the sub-article named; the moved priority's text shown; the new préfet under the change
    of representative."""
    page = changes_site / "ce-qui-change" / "index.html"
    entries = {e["paragraphs"][0].split(" (")[0]: e["paragraphs"] for e in _parse(page).entries
               if e["paragraphs"] and "<strong>" in e["paragraphs"][0]}
    article = entries["<strong>Article modifié</strong> : <a>Article 9.1 - Les portraits de quartier</a>"]
    assert article[1].startswith("Ils seront remis à jour") and "<del>(2026)</del><ins>(2027)</ins>" in article[1]
    [sentence] = [p for head, p in entries.items() if "Article 13 - La gouvernance" in head]
    assert "se réunit <del>1 à 2</del><ins>au moins deux</ins> fois par an" in sentence[1]
    [moved] = [p for head, p in entries.items() if head.startswith("<strong>Priorité déplacée</strong>")]
    assert moved[1] == "Permettre aux jeunes l'accès à la formation"
    text = page.read_text(encoding="utf-8")
    representative = text.index("Changement de représentant d'un signataire (sans effet sur les engagements)<a")
    assert text.index("<del>Rémi BASTILLE</del><ins>Jeanne EXEMPLE</ins>") > representative
    assert "Avenant signé par les signataires" in text[:representative]
    assert "prefecture-doubs" not in text[:representative]


@pytest.mark.slow
def test_each_change_links_to_its_element_in_the_new_version(changes_site):
    """Every entry but a removed one links to the page and stable anchor where this version shows it."""
    page = changes_site / "ce-qui-change" / "index.html"
    entries = [e for e in _parse(page).entries if e["paragraphs"] and "<strong>" in e["paragraphs"][0]]
    assert len(entries) == 10
    found = {}
    for entry in entries:
        if "supprimée" in entry["paragraphs"][0]:
            assert entry["links"] == []
            continue
        [href] = entry["links"]
        url, _, anchor = href.partition("#")
        target = (page.parent / url / "index.html").resolve()
        assert target.is_file(), href
        assert not anchor or anchor in _parse(target).ids, href
        found[href] = entry["paragraphs"][0]
    assert {"../contrat/article-9/#article-9-1", "../contrat/article-13/#article-13",
            "../quartiers/planoise/#planoise-formation", "../quartiers/planoise/#planoise-fracture-numerique",
            "../quartiers/battant/#battant-attractivite-marche-couvert", "../signataires/#prefecture-doubs",
            "../quartiers/planoise/", "../contrat/"} == set(found)


def test_the_json_report_gives_each_change_its_link(more):
    report = more.as_dict()
    links = {c["id"]: c["link"] for c in report["changes"]}
    assert links["article-9-1"] == "contrat/article-9.md#article-9-1"
    assert links["planoise-formation"] == "quartiers/planoise.md#planoise-formation"
    assert links["montrapon-deplacements-doux"] is None  # removed: this version has no place for it


def test_a_common_priority_removed_is_a_priority_not_its_objective(project):
    """Removing one priority of the common base never reads as removing its whole objective (cdv diff and
    the avenant's clause)."""
    from cdv.compare import compare as compare_versions
    from cdv.corpus import load_corpus
    from cdv.diffrender import avenant

    objectives = project / "contract" / "objectives.yml"
    text = objectives.read_text(encoding="utf-8")
    removed = "          - id: parcours-residentiel\n            text: Accompagner les habitants dans leur parcours résidentiel\n"
    assert removed in text
    objectives.write_text(text.replace(removed, ""), encoding="utf-8")
    old, new = load_corpus(ROOT), load_corpus(project)
    [change] = [c for c in compare(old, new).changes if c.id == "parcours-residentiel"]
    assert (change.kind, change.action, change.old) == (
        "priorité du socle commun", "removed", "Accompagner les habitants dans leur parcours résidentiel")
    assert "Priorité du socle commun supprimée" in to_markdown(compare(old, new))
    [clause] = avenant(compare_versions(old, new), new).articles
    sentence = clause.parts[0].sentence
    assert sentence.startswith("Est supprimée la priorité du socle commun de l'objectif « Rendre plus accessible")
    assert "objectif du socle commun" not in sentence
