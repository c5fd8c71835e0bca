"""cdv.compare on small in-memory versions: each kind of change, each approval level, typed and without
words; and cdv.diffrender has words for every type the comparison can give."""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from cdv import compare as cmp
from cdv import diffrender
from cdv.compare import Action, Kind, Level, Term, Words, compare
from cdv.corpus import Corpus

ROOT = Path(__file__).resolve().parents[1]


def small() -> Corpus:
    """A contract reduced to one element of each kind."""
    return Corpus(
        root=ROOT,
        contract={"version": "1", "status": "signed", "title": "Contrat d'essai", "foreword": {"title": "Mot", "body": [{"p": "Bonjour."}]}},
        articles=[{"id": "art-1", "number": 1, "title": "Objet", "body": [{"p": "Le contrat a pour objet X."}],
                   "sections": [{"id": "s1", "number": "1.1", "title": "Un", "body": [{"p": "a"}]},
                                {"id": "s2", "number": "1.2", "title": "Deux", "body": [{"p": "b"}]}]}],
        objectives={"title": "Socle", "axes": [{"id": "ax", "number": 1, "title": "Axe", "objectives": [
            {"id": "ob", "title": "Objectif", "priorities": [{"id": "cp", "text": "Priorité commune"}]}]}]},
        signatory_groups=[{"id": "g", "title": "Groupe"}],
        signatories=[{"id": f"s{i}", "organisation": f"Organisation {i}", "group": "g", "commitment": "c1",
                      "signature": {"position": i, "signers": [{"title": ["M."], "name": f"Nom {i}"},
                                                              {"title": ["Mme"], "name": f"Autre {i}"}]}}
                     for i in (1, 2)],
        commitments=[{"id": "c1", "title": "Engagement un", "position": 1, "body": [{"p": "Faire."}]},
                     {"id": "c2", "title": "Engagement deux", "position": 2, "body": [{"p": "Aussi."}]}],
        devices=[{"id": "d", "name": "Dispositif", "summary": "Résumé", "source": "Loi", "articles": ["art-1"]}],
        social_centres={"centres": [{"id": "cs", "name": "Centre", "kind": "centre-social", "neighbourhoods": ["q"]}]},
        neighbourhoods=[{
            "id": "q", "name": "Quartier", "kind": "qpv", "commune": "Ville", "qpv_code": "QN0001",
            "portrait": {"sections": [{"id": "r", "title": "Rubrique", "blocks": [{"p": "Texte"}]}],
                         "indicators": [{"id": "pop", "label": "Population", "unit": "nombre",
                                         "observations": [{"period": "2020", "source": "Insee", "value": 100}]}]},
            "project": {"title": "Projet", "themes": [
                {"id": "t1", "title": "Thème un", "priorities": [
                    {"id": "p1", "text": "Voir [le site](https://a.example/page)", "objectives": ["ob"], "devices": []},
                    {"id": "p2", "text": "Deuxième", "objectives": [], "devices": []}]},
                {"id": "t2", "title": "Thème deux", "priorities": []}]},
        }],
        glossary=[{"id": "qpv", "term": "QPV", "definition": "Quartier prioritaire", "source": "Loi"}],
    )


def changes(edit) -> list[cmp.Change]:
    old = small()
    new = copy.deepcopy(old)
    edit(new)
    return compare(old, new).changes


def one(edit) -> cmp.Change:
    found = changes(edit)
    assert len(found) == 1, found
    return found[0]


def test_identical_versions_have_no_change():
    assert compare(small(), small()).changes == []


@pytest.mark.parametrize("edit,kind,action,level", [
    (lambda c: c.articles[0]["body"].append({"p": "Ajout."}), Kind.ARTICLE, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.articles.append({**c.articles[0], "id": "art-2", "number": 2, "sections": []}),
     Kind.ARTICLE, Action.ADDED, Level.AMENDMENT),
    (lambda c: c.commitments.pop(), Kind.COMMITMENT, Action.REMOVED, Level.AMENDMENT),
    (lambda c: c.contract["foreword"]["body"][0].update(p="Bonsoir."), Kind.FOREWORD, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.contract.update(author="Quelqu'un"), Kind.CONTRACT, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.contract.update(version="2"), Kind.CONTRACT, Action.CHANGED, Level.EDITORIAL),
    (lambda c: c.signatory_groups[0].update(title="Autre groupe"), Kind.SIGNATORY_GROUP, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.objectives["axes"][0]["objectives"][0]["priorities"][0].update(text="Autre"),
     Kind.COMMON_OBJECTIVE, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.social_centres["centres"][0].update(kind="evs"), Kind.SOCIAL_CENTRE, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.neighbourhoods[0].update(commune="Autre ville"), Kind.NEIGHBOURHOOD, Action.CHANGED, Level.AMENDMENT),
    (lambda c: c.devices[0].update(summary="Autre résumé"), Kind.DEVICE, Action.CHANGED, Level.COMMITTEE),
    (lambda c: c.glossary[0].update(definition="Autre"), Kind.GLOSSARY_TERM, Action.CHANGED, Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["project"].update(title="Autre projet"), Kind.PROJECT, Action.CHANGED, Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["project"]["themes"][1].update(title="Thème 2"), Kind.THEME, Action.CHANGED,
     Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["project"]["themes"][1]["priorities"].append(
        {"id": "p3", "text": "Nouvelle", "objectives": [], "devices": []}), Kind.PRIORITY, Action.ADDED, Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["project"]["themes"][0]["priorities"][1].update(text="Reformulée"),
     Kind.PRIORITY, Action.REWORDED, Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["project"]["themes"][0]["priorities"][1].update(devices=["d"]),
     Kind.PRIORITY, Action.CHANGED, Level.COMMITTEE),
    (lambda c: c.neighbourhoods[0]["portrait"]["sections"][0]["blocks"][0].update(p="Autre texte"),
     Kind.PORTRAIT, Action.CHANGED, Level.ROUTINE),
    (lambda c: c.neighbourhoods[0]["portrait"]["indicators"][0]["observations"].append(
        {"period": "2024", "source": "Insee", "value": 120}), Kind.INDICATOR, Action.OBSERVATION, Level.ROUTINE),
    (lambda c: c.neighbourhoods[0]["portrait"]["indicators"][0]["observations"][0].update(value=101),
     Kind.INDICATOR, Action.CHANGED, Level.ROUTINE),
    (lambda c: c.neighbourhoods[0]["portrait"]["indicators"].clear(), Kind.INDICATOR, Action.REMOVED, Level.COMMITTEE),
])
def test_each_kind_of_change_has_its_kind_action_and_level(edit, kind, action, level):
    change = one(edit)
    assert (change.kind, change.action, change.level) == (kind, action, level)
    assert isinstance(change.kind, Kind) and isinstance(change.action, Action) and isinstance(change.level, Level)


def test_a_field_no_pass_knows_is_still_a_change_at_its_elements_level():
    change = one(lambda c: c.devices[0].update(later_field="nouveau"))
    assert (change.kind, change.action, change.level) == (Kind.DEVICE, Action.CHANGED, Level.COMMITTEE)
    assert change.old == cmp.Fields(((("later_field",), cmp.ABSENT),))
    assert change.new == cmp.Fields(((("later_field",), "nouveau"),))
    assert change.detail == Words(Term.FIELDS, ((("later_field",),),))


def test_a_priority_moved_to_another_theme():
    def move(c):
        themes = c.neighbourhoods[0]["project"]["themes"]
        themes[1]["priorities"].append(themes[0]["priorities"].pop(1))

    change = one(move)
    assert (change.kind, change.action, change.level, change.id) == (Kind.PRIORITY, Action.MOVED, Level.COMMITTEE, "p2")
    assert change.old == Words(Term.WITHIN, ("Quartier", "Thème un"))
    assert change.new == Words(Term.WITHIN, ("Quartier", "Thème deux"))


def test_themes_reordered_is_one_reorder_with_both_orders():
    change = one(lambda c: c.neighbourhoods[0]["project"]["themes"].reverse())
    assert (change.kind, change.action, change.level, change.order_of) == (
        Kind.PROJECT, Action.REORDERED, Level.COMMITTEE, ("themes",))
    assert change.old == cmp.Order(((1, "Thème un"), (2, "Thème deux")))
    assert change.new == cmp.Order(((1, "Thème deux"), (2, "Thème un")))


def test_commitments_and_signers_reordered():
    def swap(c):
        c.commitments[0]["position"], c.commitments[1]["position"] = 2, 1
        c.commitments.reverse()

    order = one(swap)
    assert (order.kind, order.action, order.order_of) == (Kind.COMMITMENT, Action.REORDERED, ("position",))
    signers = one(lambda c: c.signatories[0]["signature"]["signers"].reverse())
    assert (signers.kind, signers.action, signers.level, signers.order_of) == (
        Kind.SIGNATORY, Action.REORDERED, Level.REPRESENTATIVE, ("signature", "signers"))


def test_a_changed_link_inside_a_text_is_a_change():
    change = one(lambda c: c.neighbourhoods[0]["project"]["themes"][0]["priorities"][0].update(
        text="Voir [le site](https://b.example/page)"))
    assert (change.kind, change.action, change.id) == (Kind.PRIORITY, Action.REWORDED, "p1")
    assert "https://a.example/page" in change.old and "https://b.example/page" in change.new


def test_emphasis_alone_is_reported_as_typed_not_as_reworded():
    """Bold added reads the same in the first pass: the second pass reports the field as typed."""
    change = one(lambda c: c.neighbourhoods[0]["project"]["themes"][0]["priorities"][1].update(text="**Deuxième**"))
    assert (change.kind, change.action) == (Kind.PRIORITY, Action.CHANGED)
    assert change.new == cmp.Fields(((("text",), "**Deuxième**"),))


def test_changes_carry_values_not_words():
    device = one(lambda c: c.devices[0].update(source="Décret"))
    assert device.new == cmp.Lines(((None, "Dispositif"), (None, "Résumé"), (Term.SOURCE_LINE, "Décret"),
                                    (Term.ARTICLES_LINE, "art-1")))
    figure = one(lambda c: c.neighbourhoods[0]["portrait"]["indicators"][0]["observations"][0].update(value=1500.5))
    assert figure.new == cmp.Observation(1500.5, "nombre", False, "Insee (2020)")
    status = [c for c in changes(lambda c: c.contract.update(status="draft")) if c.id == "status"]
    assert [(c.level, c.old, c.new) for c in status] == [(Level.EDITORIAL, cmp.Status("signed"), cmp.Status("draft"))]


def test_the_renderer_words_every_type_the_comparison_gives():
    assert set(diffrender.LEVELS) == {level.value for level in Level}
    assert set(diffrender.KINDS) == set(Kind)
    assert set(diffrender.ACTIONS) == set(Action)
    special = {Term.FIELDS, Term.QUOTED_DEFINITION}  # worded with the schemas' titles, and by their source
    assert set(diffrender.WORDS) | special == set(Term)
    assert set(cmp.CONTRACT_TERMS) <= set(diffrender.CONTRACT_FIELDS)


def test_the_renderer_says_a_small_change_in_french():
    old = small()
    new = copy.deepcopy(old)
    new.neighbourhoods[0]["project"]["themes"][0]["priorities"][0]["text"] = "Voir [le site](https://b.example/page)"
    diff = diffrender.present(compare(old, new), "1", "2")
    [change] = diff.changes
    assert (change.kind, change.action, change.level, change.title) == (
        "priorité", "reworded", "copil", "Quartier — Thème un")
    assert diffrender.action_label(change) == "reformulée"
    assert "le site (https://b.example/page)" in change.new
    markdown = diffrender.to_markdown(diff)
    assert "**Priorité reformulée** : Quartier — Thème un" in markdown
    assert "  Voir le site <del>(https://a.example/page)</del><ins>(https://b.example/page)</ins>" in markdown


def test_change_records_are_immutable():
    change = one(lambda c: c.devices[0].update(summary="Autre résumé"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.level = Level.ROUTINE  # type: ignore[misc]


@dataclasses.dataclass
class _Later(Corpus):
    """A corpus with a kind of source the comparison does not know yet."""

    quarters: list = dataclasses.field(default_factory=list)


def test_a_kind_of_source_added_later_is_compared_whole_at_the_amendment_level():
    old = _Later(**{f.name: getattr(small(), f.name) for f in dataclasses.fields(Corpus)}, quarters=["a", "b", "c"])
    new = copy.deepcopy(old)
    new.quarters[1] = "B"
    [change] = compare(old, new).changes
    assert (change.kind, change.action, change.level, change.id) == (Kind.SOURCE, Action.CHANGED, Level.AMENDMENT,
                                                                     "quarters")
    assert change.new == cmp.Fields((((cmp.WHOLE, 1), "B"),))
    [shown] = diffrender.present(compare(old, new), "1", "2").changes
    assert (shown.kind, shown.title, shown.old, shown.new, shown.detail) == (
        "source", "Source « quarters »", "valeur › n° 2 : b", "valeur › n° 2 : B", "champs : valeur")
    new.quarters.reverse()
    new.quarters[1] = "b"
    [order] = diffrender.present(compare(old, new), "1", "2").changes
    assert (order.kind, order.action, order.old, order.new) == (
        "ordre des éléments de « valeur »", "reordered", "1. a\n2. b\n3. c", "1. c\n2. b\n3. a")


def test_a_passage_changed_on_every_line_is_redlined_line_by_line():
    """Each line against its counterpart: words never match across lines, and a long passage changed on every
    line costs one small diff per line (one diff over all its words was quadratic: 35 s for a poisoned site)."""
    old = "\n".join(f"Ligne {i} du texte signé" for i in range(400))
    new = "\n".join(f"Ligne {i} du texte modifié" for i in range(400))
    change = diffrender.Change(level="copil", kind="article", action="changed", id="a", title="A", old=old, new=new)
    body = diffrender.change_body(change)
    lines = body.split("<br>")
    assert len(lines) == 400
    assert lines[7] == "Ligne 7 du texte <del>signé</del><ins>modifié</ins>"
