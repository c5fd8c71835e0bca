"""`cdv diff` speaks the contract's own words (its `shape`), never Besançon's by default; and a priority's
structured fields (pilot, partners, levers, funding, criteria, indicators) and its items are compared one
by one, at the level of the priority."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdv import compare as cmp
from cdv import diffrender
from cdv.compare import Action, Kind, Level, compare
from cdv.corpus import load_corpus
from cdv.diff import action_label, to_markdown
from cdv.yamlload import load_yaml_file

from conftest import copy_project
from test_compare import small
from test_diff import rewrite

VARIANT_SHAPE = {
    "neighbourhood_kinds": [{"id": "qpv", "singular": "Quartier de la politique de la ville",
                             "plural": "Quartiers de la politique de la ville"}],
    "headings": {"part": "Titre {romain} – {titre}", "article": "{titre}", "section": "§ {numero}. {titre}",
                 "annex": "Pièce jointe {numero} – {titre}"},
    "annexes": [{"id": "dispositifs", "title": "Les outils", "shows": "devices"},
                {"id": "engagements", "title": "Ce que chacun promet", "shows": "commitments"}],
    "approvals": {"avenant": "Délibération de chaque signataire", "copil": "Accord du comité des partenaires",
                  "routine": "Actualisation des chiffres", "editorial": "Note sur la version"},
    "strategy": {"levels": [{"singular": "orientation", "plural": "orientations", "feminine": True},
                            {"singular": "axe de travail", "plural": "axes de travail"},
                            {"singular": "objectif", "plural": "objectifs"}],
                 "field_labels": {"partners": "Partenaires associés"}},
}


SAME = object()


def versions(edit, shape=VARIANT_SHAPE, old_shape=SAME):
    """Two versions of the small contract: the older with `old_shape` (by default the newer's), the newer
    with `shape` (None: no shape block, as a version signed before it existed) and `edit`."""
    old = small()
    old_shape = shape if old_shape is SAME else old_shape
    if old_shape is not None:
        old.contract["shape"] = copy.deepcopy(old_shape)
    new = copy.deepcopy(old)
    new.contract.pop("shape", None)
    if shape is not None:
        new.contract["shape"] = copy.deepcopy(shape)
    edit(new)
    return old, new


def worded(edit, **kw) -> diffrender.Diff:
    return diffrender.present(compare(*versions(edit, **kw)), "1", "2")


def priority(c, i=0):
    return c.neighbourhoods[0]["project"]["themes"][0]["priorities"][i]


# --- the contract's words ---------------------------------------------------------------------------

def test_a_variant_contract_is_worded_after_its_own_shape():
    def edit(c):
        c.articles[0]["body"].append({"p": "Ajout."})
        c.articles[0]["sections"][0]["title"] = "Premier"
        priority(c)["text"] = "Autre texte"
        c.neighbourhoods[0]["kind"] = "fragile"
        c.commitments.reverse()
    diff = worded(edit)
    text = to_markdown(diff)
    article = next(c for c in diff.changes if c.id == "art-1")
    assert article.title == "Objet"  # "{titre}": the title alone, no "Article 1 –"
    assert article.new == "Le contrat a pour objet X.\nAjout."
    # The sub-article's change is its own, under its own heading: the article's pattern names no number.
    sub = next(c for c in diff.changes if c.id == "s1")
    assert (sub.kind, sub.title) == ("article", "§ 1.1. Premier")
    assert sub.new.startswith("§ 1.1. Premier\n") and sub.old.startswith("§ 1.1. Un\n")
    # The levels are the contract's, in its words; none of the defaults' nor Besançon's.
    assert "### Délibération de chaque signataire" in text and "### Accord du comité des partenaires" in text
    assert "1 × accord du comité des partenaires" in text
    assert "article 13" not in text and "Article 1" not in text and "comité de pilotage" not in text
    assert diff.as_dict()["changes"][0]["level_label"] in VARIANT_SHAPE["approvals"].values()
    # A level-2 element is an "axe de travail", masculine: "Axe de travail reformulé".
    assert "**Axe de travail reformulé** : Quartier — Thème un" in text
    # The commitments' page is the annex that shows them, numbered by its place.
    order = next(c for c in diff.changes if c.kind == "ordre des engagements")
    assert order.title == "Pièce jointe 2 – Ce que chacun promet"
    # A kind of neighbourhood by the contract's name for it.
    hood = next(c for c in diff.changes if c.kind == "quartier")
    assert "Quartier de la politique de la ville" in hood.old and "fragile" in hood.new


def test_the_names_of_the_levels_of_a_project_come_from_the_shape():
    def edit(c):
        themes = c.neighbourhoods[0]["project"]["themes"]
        themes.reverse()
        themes[1]["priorities"].reverse()
    diff = worded(edit)
    assert {c.kind for c in diff.changes} == {"ordre des orientations", "ordre des axes de travail"}
    added = worded(lambda c: c.neighbourhoods[0]["project"]["themes"].append(
        {"id": "t3", "title": "Trois", "priorities": [{"id": "p3", "text": "Nouvelle"}]}))
    labels = sorted(f"{c.kind} {action_label(c)}" for c in added.changes)
    assert labels == ["axe de travail ajouté", "orientation ajoutée"]


def test_the_newer_shape_decides_and_the_older_fills_what_it_lacks():
    older = {"approvals": {"copil": "Avis du comité ancien"}, "headings": {**VARIANT_SHAPE["headings"],
                                                                           "article": "Art. {numero}. {titre}"}}
    newer = {"approvals": {"avenant": "Avenant nouveau"}}
    diff = worded(lambda c: c.articles[0]["body"].append({"p": "Ajout."}), shape=newer, old_shape=older)
    assert diff.levels["avenant"] == "Avenant nouveau" and diff.levels["copil"] == "Avis du comité ancien"
    [change] = [c for c in diff.changes if c.id == "art-1"]
    assert change.title == "Art. 1. Objet"
    # Each version titles its sub-article after its own shape: the heading as printed changed too.
    [sub] = [c for c in diff.changes if c.id == "s1"]
    assert (sub.title, sub.old.split("\n")[0], sub.new.split("\n")[0]) == ("Art. 1.1. Un", "§ 1.1. Un", "1.1 - Un")
    # The shape itself changed: a change of the contract, reported as such.
    assert [c.kind for c in diff.changes if c.kind != "article"] == ["contrat"]


def test_a_version_without_shape_is_worded_with_defaults_that_name_no_article():
    """A version signed before `shape` existed: today's words, without any contract's article numbers."""
    diff = worded(lambda c: [c.articles[0]["body"].append({"p": "Ajout."}), priority(c).update(text="Autre")],
                  shape=None)
    text = to_markdown(diff)
    assert "### Validation par le comité de pilotage (projets de quartier)\n" in text
    assert "article 13" not in text and "9.1" not in text
    assert "**Article modifié** : Article 1 – Objet" in text
    assert "**Priorité reformulée** : Quartier — Thème un" in text
    assert diff.levels == diffrender.LEVELS


def test_contributor_words_of_the_shape_are_escaped():
    shape = {"approvals": {"copil": "Comité <b>des</b> partenaires"}}
    text = to_markdown(worded(lambda c: priority(c).update(text="Autre"), shape=shape))
    assert "<b>" not in text and "&lt;b&gt;" in text


# --- structured fields of a priority -----------------------------------------------------------------

def strategic(c):
    """The first priority gains a pilot, partners, levers, criteria, an indicator and items."""
    priority(c).update(
        lead="s1",
        partners=["s2", {"name": "Régie de quartier"}],
        levers=["d", {"text": "Chantiers éducatifs"}],
        criteria=["Nombre de jeunes accompagnés"],
        indicators=["pop"],
        items=[{"id": "p1-permanences", "text": "Tenir des permanences"},
               {"id": "p1-ateliers", "text": "Ouvrir des ateliers"}],
    )


def test_structured_fields_are_compared_one_by_one_at_the_priority_level():
    old, new = versions(strategic, shape=None)
    found = compare(old, new).changes
    fields = {c.detail.args[0]: c for c in found if c.kind == Kind.PRIORITY}
    assert set(fields) == {"lead", "partners", "levers", "criteria", "indicators"}
    assert all((c.level, c.action, c.id) == (Level.COMMITTEE, Action.CHANGED, "p1") for c in fields.values())
    assert fields["partners"].new == cmp.Strategy("partners", ("Organisation 2", "Régie de quartier"))
    assert fields["lead"].new == cmp.Strategy("lead", ("Organisation 1",))
    assert fields["levers"].new == cmp.Strategy("levers", ("Dispositif", "Chantiers éducatifs"))
    assert fields["indicators"].new == cmp.Strategy("indicators", ("Population",))
    items = sorted((c.kind, c.action, c.level, c.id) for c in found if c.kind == Kind.ITEM)
    assert items == [(Kind.ITEM, Action.ADDED, Level.COMMITTEE, "p1-ateliers"),
                     (Kind.ITEM, Action.ADDED, Level.COMMITTEE, "p1-permanences")]
    assert len(found) == 7  # nothing else: the second pass has nothing left to report


def test_a_partner_added_a_criterion_added_an_item_reworded_each_read_in_the_diff():
    old, new = versions(strategic)
    new2 = copy.deepcopy(new)
    p = priority(new2)
    p["partners"].append({"name": "Mission locale"})
    p["criteria"].append("Taux de retour à l'emploi")
    p["items"][0]["text"] = "Tenir des permanences hebdomadaires"
    p["items"].pop()
    p["items"].append({"id": "p1-forum", "text": "Organiser un forum"})
    diff = diffrender.present(compare(new, new2), "1", "2")
    summary = sorted((c.kind, c.action, c.level, c.id, c.detail) for c in diff.changes)
    assert summary == [
        ("axe de travail", "changed", "copil", "p1", "Critères d'évaluation"),
        ("axe de travail", "changed", "copil", "p1", "Partenaires associés"),
        ("objectif", "added", "copil", "p1-forum", ""),
        ("objectif", "removed", "copil", "p1-ateliers", ""),
        ("objectif", "reworded", "copil", "p1-permanences", ""),
    ]
    text = to_markdown(diff)
    assert ("  Partenaires associés : Organisation 2, Régie de <del>quartier.</del>"
            "<ins>quartier, Mission locale.</ins>\n") in text
    assert ("  Critères d'évaluation : Nombre de jeunes <del>accompagnés.</del>"
            "<ins>accompagnés, Taux de retour à l'emploi.</ins>\n") in text
    assert "**Objectif reformulé** : Quartier — Voir le site (https://a.example/page)" in text
    assert "Tenir des permanences<ins> hebdomadaires</ins>" in text
    assert "**Objectif ajouté** : Quartier" in text and "<ins>Organiser un forum</ins>" in text
    report = diff.as_dict()
    assert {c["detail"] for c in report["changes"]} >= {"Critères d'évaluation", "Partenaires associés"}
    assert "feminine" not in report["changes"][0]


def test_an_item_moved_to_another_priority_is_shown_as_moved():
    old, new = versions(strategic, shape=None)
    moved = copy.deepcopy(new)
    item = priority(moved)["items"].pop()
    priority(moved, 1)["items"] = [item]
    diff = diffrender.present(compare(new, moved), "1", "2")
    [change] = diff.changes
    assert (change.kind, change.action, change.id) == ("action", "moved", "p1-ateliers")
    assert change.detail.startswith("déplacée de « Quartier — Voir le site")
    assert change.detail.endswith("vers « Quartier — Deuxième »")


def test_a_priority_added_with_structured_fields_shows_them():
    def edit(c):
        c.neighbourhoods[0]["project"]["themes"][1]["priorities"].append(
            {"id": "p9", "text": "Nouvelle priorité", "partners": ["s1"], "criteria": ["Un critère"]})
    [change] = worded(edit, shape=None).changes
    assert (change.kind, change.action) == ("priorité", "added")
    assert change.new == "Nouvelle priorité\nPartenaires : Organisation 1.\nCritères d'évaluation : Un critère."


def test_a_renamed_signatory_is_its_own_change_not_one_of_every_priority_naming_it():
    old, new = versions(strategic, shape=None)
    renamed = copy.deepcopy(new)
    renamed.signatories[1]["organisation"] = "Organisation deux"
    assert {c.kind for c in compare(new, renamed).changes} == {Kind.SIGNATORY}


# --- on the real sources, as two git commits -----------------------------------------------------------

STRATEGY_PROPERTIES = {  # until the model's schema lands on this branch: what it lets a priority carry
    "lead": {}, "partners": {"type": "array"}, "levers": {"type": "array"}, "funding": {"type": "array"},
    "criteria": {"type": "array"}, "indicators": {"type": "array"}, "items": {"type": "array"},
}


def _allow_strategy(root: Path) -> None:
    path = root / "schemas" / "neighbourhood.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    props = schema["properties"]["project"]["properties"]["themes"]["items"]["properties"]["priorities"]["items"][
        "properties"]
    for name, spec in STRATEGY_PROPERTIES.items():
        props.setdefault(name, spec)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


PLANOISE = "neighbourhoods/planoise.yml"


def _planoise_priority(data: dict) -> dict:
    return next(p for t in data["project"]["themes"] for p in t["priorities"] if p["id"] == "planoise-formation")


@pytest.mark.slow
def test_a_priority_gaining_partners_criteria_and_items_between_two_commits(tmp_path):
    repo = copy_project(tmp_path / "depot")
    _allow_strategy(repo)
    run = lambda *a: subprocess.run(a, cwd=repo, check=True, capture_output=True, text=True)  # noqa: E731
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@t")
    run("git", "init", "-q", "-b", "main")
    run(*git, "add", "-A")
    run(*git, "commit", "-q", "-m", "base")
    rewrite(repo / PLANOISE, lambda d: _planoise_priority(d).update(
        partners=[{"name": "Mission locale"}], criteria=["Nombre de jeunes formés"],
        items=[{"id": "planoise-formation-forum", "text": "Organiser un forum des métiers"}]))
    run(*git, "commit", "-q", "-am", "partenaires")
    cdv = [sys.executable, "-m", "cdv.cli", "diff", "HEAD~1", "HEAD"]
    result = subprocess.run(cdv, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    # Besançon's own words for the level (from its contract.yml), and the fields as they are printed.
    assert "### Validation par le comité de pilotage (projets de quartier, article 13)" in text
    assert "**Priorité modifiée** : Planoise — Planoise, un quartier porté par sa jeunesse (Partenaires)" in text
    assert "<ins>Partenaires : Mission locale.</ins>" in text
    assert "<ins>Critères d'évaluation : Nombre de jeunes formés.</ins>" in text
    assert "**Action ajoutée** : Planoise — Permettre aux jeunes l'accès à la formation" in text
    report = json.loads(subprocess.run(cdv + ["--format", "json"], cwd=repo, capture_output=True, text=True).stdout)
    assert report["highest_level"] == "copil" and report["summary"]["copil"] == 3
    assert sorted((c["kind"], c["action"], c["id"]) for c in report["changes"]) == [
        ("action", "added", "planoise-formation-forum"),
        ("priorité", "changed", "planoise-formation"), ("priorité", "changed", "planoise-formation")]
    assert load_yaml_file(repo / PLANOISE).data  # the sources stay readable
    assert load_corpus(repo).contract["shape"]["approvals"]["copil"].endswith("article 13)")


def test_the_order_of_items_is_a_change_of_the_priority():
    old, new = versions(strategic)
    swapped = copy.deepcopy(new)
    priority(swapped)["items"].reverse()
    [change] = diffrender.present(compare(new, swapped), "1", "2").changes
    assert (change.kind, change.action, change.level, change.id) == ("ordre des objectifs", "reordered", "copil", "p1")
    assert change.old == "1. Tenir des permanences\n2. Ouvrir des ateliers"


def test_a_reference_replaced_by_the_same_name_typed_is_still_reported():
    """The first pass shows names; when both read the same, the second pass reports the field as typed."""
    old, new = versions(strategic, shape=None)
    typed = copy.deepcopy(new)
    priority(typed)["lead"] = {"name": "Organisation 1"}  # was the signatory s1, whose organisation it is
    [change] = compare(new, typed).changes
    assert (change.kind, change.action, change.level) == (Kind.PRIORITY, Action.CHANGED, Level.COMMITTEE)
    assert change.old == cmp.Fields(((("lead",), "s1"),))
    assert change.new == cmp.Fields(((("lead",), {"name": "Organisation 1"}),))
