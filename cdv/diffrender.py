"""What a comparison (cdv.compare) says to readers: the French words of every change, in one table each
(levels, kinds, actions, titles and details), the order readers find changes in, and the outputs made of
them: `cdv diff`'s markdown and JSON, the "Ce qui change" page (HTML-in-markdown through cdv.text.to_html,
the one escaping boundary) and what the avenant PDF prints (`change_body`, `action_label`)."""

from __future__ import annotations

import contextlib
import difflib
import html
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from . import compare as cmp
from .compare import ABSENT, Action, Kind, Level, Term, Words
from .flatten import shown_text
from .labels import (
    APPROVAL_LEVELS,
    CHANGE_ACTIONS,
    COMMITMENTS_PAGE,
    FOLLOW_UP_STATUS,
    HEADINGS,
    REPORT_STATUS,
    STATUS_LABELS,
    STRATEGY_FIELDS,
    STRATEGY_LEVELS,
)
from .schemas import load_schemas
from .shape import Shape, numbered
from .text import fr_value, to_html

# The French words shared with other outputs live in cdv.labels, keyed by the same English values. These
# module tables are the defaults: a comparison is worded after the contract's own shape (`vocabulary`).
LEVELS = {level.value: APPROVAL_LEVELS[level.value] for level in Level}
LEVEL_ORDER = [level.value for level in Level]

KINDS = {
    Kind.CONTRACT: "contrat",
    Kind.FOREWORD: "avant-propos",
    Kind.ARTICLE: "article",
    Kind.COMMITMENT: "engagement",
    Kind.SIGNATORY_LIST: "liste des signataires",
    Kind.SIGNATORY_GROUP: "groupe de signataires",
    Kind.SIGNATORY: "signataire",
    Kind.COMMON_BASE: "socle commun",
    Kind.COMMON_OBJECTIVE: "objectif du socle commun",
    Kind.SOCIAL_CENTRES: "centres sociaux",
    Kind.SOCIAL_CENTRE: "centre social",
    Kind.NEIGHBOURHOOD: "quartier",
    Kind.DEVICE: "dispositif",
    Kind.GLOSSARY_TERM: "terme du glossaire",
    Kind.PROJECT: "projet de quartier",
    Kind.THEME: STRATEGY_LEVELS[0]["singular"],
    Kind.PRIORITY: STRATEGY_LEVELS[1]["singular"],
    Kind.ITEM: STRATEGY_LEVELS[2]["singular"],
    Kind.PORTRAIT: "portrait",
    Kind.INDICATOR: "indicateur",
    Kind.SOURCE: "source",
    Kind.AMENDMENT_RECORD: "avenant",
    Kind.FIGURE: "montant ou chiffre",
    Kind.ACTION: "action",
    Kind.MEASURE: "suivi d'une mesure",
    Kind.REPORT: "rapport annuel",
}
# What the items of an ordered list are called, for "Ordre des … modifié" (by element kind and the list's
# field; "position" is the order of the elements sorted by their position field).
ORDER_NOUNS = {
    (Kind.ARTICLE, "sections"): "sous-articles",
    (Kind.PORTRAIT, "sections"): "rubriques du portrait",
    (Kind.PORTRAIT, "indicators"): "indicateurs",
    (Kind.PROJECT, "themes"): STRATEGY_LEVELS[0]["plural"],
    (Kind.THEME, "priorities"): STRATEGY_LEVELS[1]["plural"],
    (Kind.PRIORITY, "items"): STRATEGY_LEVELS[2]["plural"],
    (Kind.SIGNATORY_LIST, "signatories"): "signataires",
    (Kind.SIGNATORY_LIST, "groups"): "groupes de signataires",
    (Kind.SOCIAL_CENTRES, "centres"): "centres sociaux",
    (Kind.COMMON_BASE, "axes"): "axes du socle commun",
    (Kind.COMMON_OBJECTIVE, "objectives"): "objectifs",
    (Kind.COMMON_OBJECTIVE, "priorities"): "priorités communes",
    (Kind.CONTRACT, "parts"): "parties du contrat",
    (Kind.SIGNATORY, "signers"): "personnes qui signent",
    (Kind.INDICATOR, "observations"): "observations",
    (Kind.SOCIAL_CENTRE, "neighbourhoods"): "quartiers du centre social",
    (Kind.COMMITMENT, "position"): "engagements",
    (Kind.SIGNATORY, "position"): "signatures",
}
ACTIONS = {action: CHANGE_ACTIONS[action.value] for action in Action}
FEMININE_KINDS = {level["singular"] for level in STRATEGY_LEVELS if level["feminine"]}
STATUSES = STATUS_LABELS
CONTRACT_FIELDS = {
    "title": "Titre",
    "subtitle": "Sous-titre",
    "programme": "Programme",
    "period": "Période",
    "signature": "Lieu et date de signature",
    "author": "Auteur",
    "territory": "Territoires de comparaison",
    "parts": "Parties du contrat",
    "fragile_project_notice": "Projet des quartiers fragiles",
    "credits": "Crédits",
    "licence": "Licence",
}
# A definition whose source starts so quotes the contract itself (its change is said to).
QUOTING_SOURCE = "Contrat"

WORDS: dict[Term, Callable[..., str]] = {
    Term.CONTRACT: lambda: "Contrat",
    Term.CONTRACT_FIELD: lambda key: CONTRACT_FIELDS.get(key) or str(key),
    Term.VERSION: lambda: "Version",
    Term.STATUS: lambda: "Statut",
    Term.FOREWORD: lambda: "Avant-propos",
    Term.ARTICLE: lambda number, title: numbered(HEADINGS["article"], number, title),
    Term.SUB_ARTICLE: lambda number, title: numbered(HEADINGS["article"], number, title),
    Term.COMMITMENT: lambda title: f"Engagement « {title} »",
    Term.COMMITMENTS_PAGE: lambda: COMMITMENTS_PAGE,
    Term.SIGNATORIES: lambda: "Signataires",
    Term.SIGNATURES_PAGE: lambda: "Page des signatures",
    Term.COMMON_BASE: lambda: "Le socle commun",
    Term.AXIS: lambda number, title: f"Axe {number} – {title}",
    Term.AXIS_NUMBER: lambda number: f"Axe {number}",
    Term.OBJECTIVE: lambda title: f"Objectif « {title} »",
    Term.COMMON_PRIORITY: lambda objective: f"Priorité commune ({objective})",
    Term.SOCIAL_CENTRES: lambda: "Centres sociaux et espaces de vie sociale",
    Term.GLOSSARY_TERM: lambda term: f"Glossaire — {term}",
    Term.NEIGHBOURHOOD_IN: lambda name, commune: f"{name} ({commune})",
    Term.PORTRAIT: lambda name: f"{name} — portrait",
    Term.PROJECT: lambda name: f"{name} — projet de quartier",
    Term.WITHIN: lambda name, what: f"{name} — {what}",
    Term.SOURCE: lambda name: f"Source « {name} »",
    Term.AMENDMENT_RECORD: lambda number: f"Avenant n° {number}",
    Term.MEASURE_STATUS: lambda label: f"Suivi — {label}",
    Term.REPORT: lambda year: f"Rapport annuel {year}",
    Term.MOVED: lambda old, new: f"déplacé de « {old} » vers « {new} »",
    Term.MOVED_PRIORITY: lambda old, new: f"déplacée de « {old} » vers « {new} »",
    Term.MOVED_ITEM: lambda old, new: f"déplacée de « {old} » vers « {new} »",
    Term.STRATEGY_FIELD: lambda name: STRATEGY_FIELDS.get(name) or str(name),
    Term.LINKS: lambda: "rattachements au socle commun ou aux dispositifs",
    Term.SIGNER: lambda: "personne qui signe",
    Term.CORRECTED: lambda: "valeur corrigée",
    Term.OBSERVATION_REMOVED: lambda: (
        "observation supprimée : une actualisation ajoute des observations sans retirer les précédentes"
    ),
    Term.USED_IN: lambda *places: "cité dans : " + " ; ".join(places) if places else "cité dans aucun texte",
    Term.SOURCE_LINE: lambda: "Source : ",
    Term.ARTICLES_LINE: lambda: "Articles : ",
}


def _moved(feminine: bool) -> Callable[..., str]:
    moved = CHANGE_ACTIONS["moved"] + ("e" if feminine else "")
    return lambda old, new: f"{moved} de « {old} » vers « {new} »"


@dataclass
class Vocabulary:
    """The words of one comparison that a contract chooses in its `shape`: its approval levels, how it
    titles an article, its commitments' annex, its kinds of neighbourhood and the names of the levels of its
    projects. The newer version's shape decides; what it lacks comes from the older one's, and what neither
    has (a version signed before `shape` existed) from the defaults of cdv.labels."""

    levels: dict[str, str] = field(default_factory=lambda: dict(LEVELS))
    words: dict[Term, Callable[..., str]] = field(default_factory=lambda: dict(WORDS))
    kinds: dict[Kind, str] = field(default_factory=lambda: dict(KINDS))
    order_nouns: dict[tuple, str] = field(default_factory=lambda: dict(ORDER_NOUNS))
    feminine: set[str] = field(default_factory=lambda: set(FEMININE_KINDS))
    # A version older than `shape` names no kind: its neighbourhoods' kinds are shown by their ids.
    neighbourhood_kinds: dict[str, str] = field(default_factory=dict)
    strategy_fields: dict[str, str] = field(default_factory=lambda: dict(STRATEGY_FIELDS))


def vocabulary(new_contract: dict | None = None, old_contract: dict | None = None) -> Vocabulary:
    """The words of a comparison from the two versions' contract.yml (see Vocabulary)."""
    shapes = [Shape(c) for c in (new_contract, old_contract) if c]
    raw = [(c.get("shape") or {}) for c in (new_contract, old_contract) if c]

    def first(get, default):
        return next((v for v in map(get, shapes) if v), default)

    v = Vocabulary()
    v.levels = {level: first(lambda s, k=level: s.approvals.get(k), v.levels[level]) for level in LEVEL_ORDER}
    article = first(lambda s: s.headings.get("article"), HEADINGS["article"])
    v.words[Term.ARTICLE] = lambda number, title: numbered(article, number, title)
    # A sub-article as a sentence cites it, "Article 9.1 – Les portraits": the article's pattern with the
    # sub-article's number, or the sub-article's own heading where the article's names no number.
    section = first(lambda s: s.headings.get("section"), HEADINGS["section"])
    sub_article = article if "{numero}" in article else section
    v.words[Term.SUB_ARTICLE] = lambda number, title: numbered(sub_article, number, title)
    # The commitments' page is the annex that shows them, numbered by its place among the annexes.
    annexes = next((s for s in shapes if s.annexes), None)
    if annexes is not None:
        found = [(i, a) for i, a in enumerate(annexes.annexes, 1) if a.get("shows") == "commitments"]
        if found:
            pattern = annexes.headings.get("annex", HEADINGS["annex"])
            title = numbered(pattern, found[0][0], shown_text(found[0][1]["title"]))
            v.words[Term.COMMITMENTS_PAGE] = lambda: title
    for s in reversed(shapes):  # the newer version's names win
        v.neighbourhood_kinds.update({k.id: shown_text(k.singular) for k in s.kinds})
    strategy = [r.get("strategy") or {} for r in raw]
    levels: list[dict] = next((s["levels"] for s in strategy if s.get("levels")), [])
    named = []
    for i, default in enumerate(STRATEGY_LEVELS):
        given = levels[i] if i < len(levels) else default
        feminine = bool(given.get("feminine", given["singular"] == default["singular"] and default["feminine"]))
        named.append((shown_text(given["singular"]), shown_text(given["plural"]), feminine))
    for (singular, plural, feminine), kind, (owner, list_name) in zip(
        named,
        (Kind.THEME, Kind.PRIORITY, Kind.ITEM),
        ((Kind.PROJECT, "themes"), (Kind.THEME, "priorities"), (Kind.PRIORITY, "items")),
        strict=True,
    ):
        v.kinds[kind] = singular
        v.order_nouns[(owner, list_name)] = plural
        v.feminine.discard(KINDS[kind])
        if feminine:
            v.feminine.add(singular)
    v.words[Term.MOVED_PRIORITY] = _moved(named[1][2])
    v.words[Term.MOVED_ITEM] = _moved(named[2][2])
    for s in reversed(strategy):
        v.strategy_fields.update({k: shown_text(t) for k, t in (s.get("field_labels") or {}).items()})
    labels = v.strategy_fields
    v.words[Term.STRATEGY_FIELD] = lambda name: labels.get(name) or str(name)
    return v


def phrase(value, words: dict[Term, Callable[..., str]] = WORDS) -> str:
    """A title or a detail in words (contributor text as readers are given it)."""
    if isinstance(value, Words):
        return words[value.term](*(phrase(a, words) if isinstance(a, Words) else a for a in value.args))
    return "" if value is None else str(value)


def _list_name(path: tuple) -> str:
    return next((p for p in reversed(path) if isinstance(p, str)), "")


# --- values --------------------------------------------------------------------------------------


def shown(value) -> str:
    """A raw value as a reader is given it."""
    if value is ABSENT:
        return "—"
    if isinstance(value, str):
        return shown_text(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " ; ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {shown(v)}" for k, v in value.items())
    return str(value)


# The words of a follow-up status (an action's, a measure's, a report's), where the sources hold its value.
STATUS_WORDS = {**FOLLOW_UP_STATUS, **REPORT_STATUS}


def _worded(path: tuple, value):
    """A field's value in the words the site gives it: a status « réalisée », not « realisee »."""
    if path and path[-1] == "status" and isinstance(value, str) and value in STATUS_WORDS:
        return STATUS_WORDS[value]
    return value


def _shown_pair(old, new) -> tuple[str, str]:
    """Two values as a reader is given them; as typed when that alone differs (bold, italics, spaces)."""
    a, b = shown(old), shown(new)
    if a != b:
        return a, b

    def raw(v):
        return v if isinstance(v, str) else cmp._canon(v)

    return raw(old), raw(new)


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ; ".join(_flat(v) for v in value)
    if isinstance(value, str):
        return shown_text(value)
    return "—" if value is None else str(value)


@lru_cache(maxsize=8)
def field_titles(schema_dir: str) -> dict[str, str]:
    """French title of each field, as the schemas give it to editors."""
    titles: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            for name, spec in (node.get("properties") or {}).items():
                if isinstance(spec, dict) and spec.get("title"):
                    titles.setdefault(name, spec["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with contextlib.suppress(OSError, ValueError):
        walk(list(load_schemas(schema_dir).values()))
    return titles


class _Labels:
    """Words that need the schemas' field titles (paths of fields) and the contract's vocabulary."""

    def __init__(self, titles: dict[str, str], words: Vocabulary | None = None):
        self.titles = titles
        self.vocabulary = words or Vocabulary()
        self.words = self.vocabulary.words

    def phrase(self, value) -> str:
        return phrase(value, self.words)

    def path_label(self, path: tuple) -> str:
        parts = []
        for p in path:
            if isinstance(p, tuple):
                parts.append(f"« {p[1]} »")
            elif isinstance(p, int):
                parts.append(f"n° {p + 1}")
            elif p == cmp.WHOLE:
                parts.append("valeur")
            else:
                parts.append(self.titles.get(p, p))
        return " › ".join(parts)

    def kind(self, change: cmp.Change) -> str:
        if change.action == Action.REORDERED and change.order_of is not None:
            noun = self.vocabulary.order_nouns.get((change.kind, _list_name(change.order_of)))
            return f"ordre des {noun or f'éléments de « {self.path_label(change.order_of)} »'}"
        common = _common_base_noun(change.subject)
        return common[0] if common else self.vocabulary.kinds[change.kind]

    def value(self, value) -> Any:
        """A value of a change as a reader is given it (None stays None: nothing on that side)."""
        if value is None or isinstance(value, (str, Words)):
            return None if value is None else self.phrase(value)
        if isinstance(value, cmp.Lines):
            return "\n".join((self.words[prefix]() if prefix else "") + text for prefix, text in value.parts)
        if isinstance(value, cmp.Strategy):  # as printed: "Partenaires : CAF, Régie de quartier."
            return f"{self.words[Term.STRATEGY_FIELD](value.name)} : {', '.join(value.entries)}."
        if isinstance(value, cmp.PriorityText):
            return "\n".join([value.text, *(self.value(f) for f in value.fields)])
        if isinstance(value, cmp.NeighbourhoodKind):
            return self.vocabulary.neighbourhood_kinds.get(value.id, value.id)
        if isinstance(value, cmp.Observation):
            text = f"{fr_value(value.value, value.unit, value.explicit_sign)} ({value.source})".replace("\u00a0", " ")
            if value.extras is not None:
                text += " ; " + ", ".join(f"{self.path_label((f,))} : {shown(v.value)}" for f, v in value.extras)
            return text
        if isinstance(value, cmp.Order):
            return "\n".join(f"{i}. {self.label(label)}" for i, label in value.items)
        if isinstance(value, cmp.Fields):
            return "\n".join(f"{self.path_label(p)} : {shown(v)}" for p, v in value.items)
        if isinstance(value, cmp.Flat):
            return _flat(value.value)
        if isinstance(value, cmp.Status):
            return STATUSES.get(value.value, value.value)
        if isinstance(value, cmp.Links):
            return f"objectifs : {', '.join(value.objectives) or '—'} ; dispositifs : {', '.join(value.devices) or '—'}"
        if isinstance(value, cmp.Membership):
            commitment = "—" if value.commitment is ABSENT else value.commitment
            return f"{value.organisation} ({value.group}, engagement {commitment})"
        if isinstance(value, cmp.Identity):
            kind = self.value(value.kind) if isinstance(value.kind, cmp.NeighbourhoodKind) else value.kind
            return ", ".join(
                filter(None, [value.name, kind, value.commune, value.qpv_code and f"code {value.qpv_code}"])
            )
        return value  # a raw value (a version number) as it is

    def label(self, label) -> str:
        return shown(label.value) if isinstance(label, cmp.Raw) else self.phrase(label)

    def values(self, change: cmp.Change) -> tuple[Any, Any]:
        old, new = change.old, change.new
        if isinstance(old, cmp.Fields) and isinstance(new, cmp.Fields):  # the same fields, before and after
            pairs = [
                (self.path_label(p), *_shown_pair(_worded(p, x), _worded(p, y)))
                for (p, x), (_, y) in zip(old.items, new.items, strict=False)
            ]
            return (
                "\n".join(f"{label} : {x}" for label, x, _ in pairs),
                "\n".join(f"{label} : {y}" for label, _, y in pairs),
            )
        return self.value(old), self.value(new)

    def detail(self, detail) -> str:
        if isinstance(detail, Words) and detail.term is Term.FIELDS:
            (paths,) = detail.args
            return "champs : " + ", ".join(dict.fromkeys(self.path_label(p[:1]) for p in paths))
        if isinstance(detail, Words) and detail.term is Term.QUOTED_DEFINITION:
            quoted = [s for s in reversed(detail.args) if isinstance(s, str) and s.startswith(QUOTING_SOURCE)]
            return f"définition reprise du contrat : {shown_text(quoted[0])}" if quoted else ""
        return self.phrase(detail)


# --- changes as readers read them ----------------------------------------------------------------


@dataclass
class Change:
    """A change in words: what `cdv diff --format json` gives, the page and the avenant print."""

    level: str
    kind: str
    action: str
    id: str
    title: str  # French label of the element
    old: str | None = None
    new: str | None = None
    detail: str = ""
    # Whether the action agrees in the feminine ("priorité ajoutée"): the kind's name is the contract's.
    feminine: bool = False
    text: str | None = None  # a moved element: what it reads
    # Where the element is read in the newer version, as contributor text links a page of the site
    # ("contrat/article-9.md#article-9-1"); None for an element removed or shown on no page of its own.
    link: str | None = None

    def redline(self) -> list[tuple[str, str]]:
        """Word-level differences: ('=', text), ('-', removed), ('+', inserted)."""
        return redline(self.old or "", self.new or "")


@dataclass
class Diff:
    old_label: str
    new_label: str
    changes: list[Change] = field(default_factory=list)
    levels: dict[str, str] = field(default_factory=lambda: dict(LEVELS))  # the contract's approval levels

    def by_level(self) -> dict[str, list[Change]]:
        return {level: [c for c in self.changes if c.level == level] for level in LEVEL_ORDER}

    def highest_level(self) -> str | None:
        levels = [LEVEL_ORDER.index(c.level) for c in self.changes]
        return LEVEL_ORDER[min(levels)] if levels else None

    def as_dict(self) -> dict:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "summary": {level: len(items) for level, items in self.by_level().items()},
            "highest_level": self.highest_level(),
            "changes": [
                dict(_record(c), level_label=self.levels[c.level], redline=c.redline() if c.old and c.new else [])
                for c in self.changes
            ],
        }


def _record(change: Change) -> dict:
    """A change as `cdv diff --format json` gives it (agreement is the renderer's business)."""
    record = asdict(change)
    del record["feminine"]
    return record


def present(
    comparison: cmp.Comparison,
    old_label: str,
    new_label: str,
    locate: Callable[[cmp.Kind, str], str | None] | None = None,
) -> Diff:
    """The changes in words, heaviest approval first, then as readers look them up (kind, title).
    `locate(kind, id)`: where the newer version shows an element (cdv.pages.change_link)."""
    words = vocabulary(comparison.new_contract, comparison.old_contract)
    labels = _Labels(field_titles(comparison.schema_dir), words)
    changes = []
    for c in comparison.changes:
        old, new = labels.values(c)
        kind = labels.kind(c)
        changes.append(
            Change(
                c.level.value,
                kind,
                c.action.value,
                c.id,
                labels.phrase(c.subject),
                old,
                new,
                labels.detail(c.detail),
                feminine=kind in words.feminine or kind in COMMON_BASE_FEMININE,
                text=None if c.text is None else labels.phrase(c.text),
                link=locate(c.kind, c.id) if locate and c.action != Action.REMOVED else None,
            )
        )
    return Diff(
        old_label,
        new_label,
        sorted(changes, key=lambda c: (LEVEL_ORDER.index(c.level), c.kind, _numbered(c.title), c.id)),
        words.levels,
    )


def _numbered(title: str) -> list:
    """A title's sort key with its numbers as numbers: Article 9, Article 9.1, Article 13 in that order."""
    return [int(piece) if i % 2 else piece for i, piece in enumerate(re.split(r"([0-9]+)", title))]


def action_label(change: Change) -> str:
    label = ACTIONS[Action(change.action)]
    if change.feminine and change.action != Action.OBSERVATION:
        label += "e"
    return label


_WORD = re.compile(r"\s+|[^\s]+")


# The most unchanged words between two changes that a redline strikes and rewrites with them: "<del>1 à
# 2</del><ins>au moins deux</ins>" reads, "<del>1</del><ins>au</ins> <del>à</del><ins>moins</ins>…" does not.
ABSORBED_WORDS = 1


def redline(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences, ('=', text), ('-', removed), ('+', inserted), consecutive changed words
    grouped: the spaces between them, and up to ABSORBED_WORDS unchanged words on one line between two
    changes, belong to the group."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    # Runs: (unchanged, old text, new text), an unchanged run having the same text on both sides.
    runs: list[tuple[bool, str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        runs.append((op == "equal", "".join(a[i1:i2]), "".join(b[j1:j2])))
    merged: list[tuple[bool, str, str]] = []
    for i, (same, x, y) in enumerate(runs):
        absorbed = same and i < len(runs) - 1 and "\n" not in x and len(x.split()) <= ABSORBED_WORDS
        if merged and not merged[-1][0] and (not same or absorbed):
            merged[-1] = (False, merged[-1][1] + x, merged[-1][2] + y)
        else:
            merged.append((same, x, y))
    out: list[tuple[str, str]] = []
    for same, x, y in merged:
        if same:
            out.append(("=", x))
            continue
        if x:
            out.append(("-", x))
        if y:
            out.append(("+", y))
    return out


# --- markdown and HTML ---------------------------------------------------------------------------


def _redline_markdown(change: Change) -> str:
    """The changed passages only, each as a word-level redline; unchanged paragraphs are left out."""
    old_lines, new_lines = (change.old or "").split("\n"), (change.new or "").split("\n")
    hunks = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            # As many lines on each side: each line against its counterpart. Words then never match across
            # lines, and a long passage changed on every line costs a diff per line, not one on the whole
            # passage (quadratic in its words).
            pairs = zip(old_lines[i1:i2], new_lines[j1:j2], strict=True)
            hunks.append("\n".join(_redline_text(a, b) for a, b in pairs))
        elif op != "equal":
            hunks.append(_redline_text("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])))
    return "<br>…<br>".join(hunks)


def _redline_text(old: str, new: str) -> str:
    parts = []
    for op, text in redline(old, new):
        if op != "=" and text.strip():
            tag = "del" if op == "-" else "ins"
            parts.append(f"<{tag}>{_escape(text)}</{tag}>")
        else:  # the unchanged words around a change are contributor text too
            parts.append(_escape(text, line_start=not parts))
    return "".join(parts)


def _escape(text: str, line_start: bool = False) -> str:
    """Contributor text in a changelog, shown exactly as typed (links and emphasis included: a changed link
    target must be read, not followed), through the one escaping boundary. Word by word, so that spaces
    (non-breaking ones too) and line breaks stay where they were (change_body turns line breaks into <br>)."""
    pieces = re.findall(r"\s+|\S+", str(text))
    return "".join(
        piece if piece.isspace() else str(to_html(piece, markup=False, line_start=line_start and i == 0))
        for i, piece in enumerate(pieces)
    )


def change_body(change: Change) -> str:
    """A change's passage as HTML-in-markdown: old → new for a figure, a redline for a text, the text of a
    moved element (its detail says where it went; a reworded text is a change of its own)."""
    if change.action == Action.MOVED:
        return _escape(change.text, line_start=True).replace("\n", "<br>") if change.text else ""
    if (change.kind == KINDS[Kind.INDICATOR] or change.action == Action.REORDERED) and change.old and change.new:
        body = f"{_escape(change.old, line_start=True)} → <ins>{_escape(change.new)}</ins>"
    elif change.old and change.new:
        body = _redline_markdown(change)
    elif change.new:
        body = f"<ins>{_escape(change.new)}</ins>"
    else:
        body = f"<del>{_escape(change.old or '')}</del>"
    return body.replace("\n", "<br>")


def to_markdown(diff: Diff, heading: str = "##", href: Callable[[str], str] | None = None) -> str:
    """`cdv diff`'s changelog, and the body of "Ce qui change"; `href(link)`: the address of a change's
    element from where the text is read (the site's page), each title then a link to it."""
    lines = [f"{heading} Ce qui change entre {_escape(diff.old_label)} et {_escape(diff.new_label)}", ""]
    if not diff.changes:
        lines.append("Aucune modification des termes du contrat, des projets de quartier ni des portraits.")
        return "\n".join(lines) + "\n"
    counts = ", ".join(
        f"{len(items)} × {_escape(diff.levels[level].split(' (')[0].lower())}"
        for level, items in diff.by_level().items()
        if items
    )
    lines += [f"{len(diff.changes)} modification(s) : {counts}.", ""]
    for level, items in diff.by_level().items():
        if not items:
            continue
        lines += [f"{heading}# {_escape(diff.levels[level])}", ""]
        for c in items:
            title = _escape(c.title)
            if href is not None and c.link:
                title = f'<a href="{html.escape(href(c.link))}">{title}</a>'
            head = f"- **{_escape(c.kind.capitalize())} {action_label(c)}** : {title}"
            if c.detail:
                head += f" ({_escape(c.detail)})"
            lines.append(head)
            body = change_body(c)
            if body:  # a paragraph of its own in the item: the heading never runs into its redline
                lines += ["", f"    {body}", ""]
        lines.append("")
    return "\n".join(lines)


# --- the avenant: each change as a clause ---------------------------------------------------------

# What an avenant calls each kind of element: (noun, feminine, how an added one is introduced). The
# levels of a project (theme, priority, item) are named by the contract's own vocabulary.
CLAUSE_NOUNS: dict[Kind, tuple[str, bool]] = {
    Kind.CONTRACT: ("mention", True),
    Kind.FOREWORD: ("avant-propos", False),
    Kind.ARTICLE: ("article", False),
    Kind.COMMITMENT: ("engagement", False),
    Kind.SIGNATORY_LIST: ("liste des signataires", True),
    Kind.SIGNATORY_GROUP: ("groupe de signataires", False),
    Kind.SIGNATORY: ("signataire", False),
    Kind.COMMON_BASE: ("socle commun", False),
    Kind.COMMON_OBJECTIVE: ("objectif du socle commun", False),
    Kind.SOCIAL_CENTRES: ("liste des centres sociaux", True),
    Kind.SOCIAL_CENTRE: ("centre social", False),
    Kind.NEIGHBOURHOOD: ("quartier", False),
    Kind.DEVICE: ("dispositif", False),
    Kind.GLOSSARY_TERM: ("terme du glossaire", False),
    Kind.PROJECT: ("projet de quartier", False),
    Kind.PORTRAIT: ("portrait", False),
    Kind.INDICATOR: ("indicateur", False),
    Kind.SOURCE: ("source", True),
}
# The levels of the common base, one kind of element in the comparison, each by its own name: removing a
# common priority is not removing its objective.
COMMON_BASE_NOUNS = {
    Term.AXIS: ("axe du socle commun", False),
    Term.OBJECTIVE: ("objectif du socle commun", False),
    Term.COMMON_PRIORITY: ("priorité du socle commun", True),
}
COMMON_BASE_FEMININE = {noun for noun, feminine in COMMON_BASE_NOUNS.values() if feminine}


def _common_base_noun(subject) -> tuple[str, bool] | None:
    return COMMON_BASE_NOUNS.get(subject.term) if isinstance(subject, Words) else None


# The title of an avenant's article: what it does ("Modification de l'article 13").
CLAUSE_TITLES = {
    Action.ADDED: "Ajout",
    Action.REMOVED: "Suppression",
    Action.CHANGED: "Modification",
    Action.REWORDED: "Nouvelle rédaction",
    Action.MOVED: "Déplacement",
    Action.REORDERED: "Modification",
    Action.OBSERVATION: "Nouvelle observation",
}
# How an added element's text is introduced, by kind (default: its wording).
ADDED_TEXT = {Kind.SIGNATORY: "représenté par :"}
OLD_TEXT, NEW_TEXT = "Ancienne rédaction :", "Nouvelle rédaction :"
# The contract's order of its elements, for the avenant's articles: the contract's own fields, its articles,
# the common base, the neighbourhoods, then the signatories and their commitments, then what the comité de
# pilotage validates.
CONTRACT_ORDER = [
    (Kind.CONTRACT, Kind.FOREWORD),
    (Kind.ARTICLE,),
    (Kind.COMMON_BASE, Kind.COMMON_OBJECTIVE),
    (Kind.SOCIAL_CENTRES, Kind.SOCIAL_CENTRE),
    (Kind.NEIGHBOURHOOD, Kind.PROJECT, Kind.THEME, Kind.PRIORITY, Kind.ITEM, Kind.PORTRAIT, Kind.INDICATOR),
    (Kind.SIGNATORY_LIST, Kind.SIGNATORY_GROUP, Kind.SIGNATORY),
    (Kind.COMMITMENT,),
    (Kind.DEVICE,),
    (Kind.GLOSSARY_TERM,),
    (Kind.SOURCE,),
    (Kind.ACTION, Kind.MEASURE, Kind.REPORT),
]
# What is about the version itself, never a clause of an avenant: its number and its status.
VERSION_FIELDS = {"version", "status"}


@dataclass
class ClausePart:
    """One sentence of a clause, then the texts it quotes (HTML, contributor text escaped; the removed
    words marked <del> in the old text, the inserted ones <ins> in the new)."""

    sentence: str
    old: str | None = None
    new: str | None = None


@dataclass
class Clause:
    """An article of an avenant, or an entry of its annex: one element changed, in the usual wording."""

    level: str
    kind: str  # Kind value
    action: str  # Action value
    id: str
    title: str  # HTML: "Modification de l'article 13 « … »"
    parts: list[ClausePart] = field(default_factory=list)


def _vowel(word: str) -> bool:
    return word[:1].lower() in "aàâeéèêiîoôuûhy"


def _definite(noun: str, feminine: bool) -> str:
    return f"l'{noun}" if _vowel(noun) else f"{'la' if feminine else 'le'} {noun}"


def _indefinite(noun: str, feminine: bool) -> str:
    return f"{'une' if feminine else 'un'} {noun}"


def _of(phrase_: str) -> str:
    """ "de" before a noun phrase: du, de la, de l', d'un."""
    for article, joined in (("le ", "du "), ("les ", "des "), ("un ", "d'un "), ("une ", "d'une ")):
        if phrase_.startswith(article):
            return joined + phrase_[len(article) :]
    return f"d'{phrase_}" if _vowel(phrase_) else f"de {phrase_}"


def _to(phrase_: str) -> str:
    """ "à" before a noun phrase: au, aux, à la, à l'."""
    for article, joined in (("le ", "au "), ("les ", "aux ")):
        if phrase_.startswith(article):
            return joined + phrase_[len(article) :]
    return f"à {phrase_}"


def _q(text) -> str:
    """Contributor text quoted in a clause, escaped."""
    return f"« {_escape(str(text))} »"


class _ClauseWriter:
    def __init__(self, labels: _Labels, new_contract: dict):
        self.labels = labels
        self.words = labels.vocabulary
        self.neighbourhood = KINDS[Kind.NEIGHBOURHOOD]
        self.theme = self.words.kinds[Kind.THEME]
        self.new_contract = new_contract

    def noun(self, kind: Kind, subject=None) -> tuple[str, bool]:
        common = _common_base_noun(subject)
        if common:
            return common
        if kind in (Kind.THEME, Kind.PRIORITY, Kind.ITEM):
            name = self.words.kinds[kind]
            return name, name in self.words.feminine
        return CLAUSE_NOUNS.get(kind, (self.words.kinds[kind], False))

    def designation(self, c: cmp.Change, text: str | None, indefinite: bool = False) -> str:
        """How the clause names the element: "l'article 13 « Titre »", "la priorité « … » du quartier X
        (thème « … »)", "un signataire « … »" (HTML)."""
        noun, feminine = self.noun(c.kind, c.subject)
        head = _indefinite(noun, feminine) if indefinite else _definite(noun, feminine)
        subject = c.subject
        if isinstance(subject, Words):
            args = [self.labels.phrase(a) if isinstance(a, Words) else a for a in subject.args]
            if subject.term in (Term.ARTICLE, Term.SUB_ARTICLE):  # "l'article 9.1 « Les portraits… »"
                return f"{head} {_escape(str(args[0]))} {_q(args[1])}"
            if subject.term is Term.CONTRACT_FIELD:
                return f"{head} {_q(self.labels.phrase(subject))} {_of('le ' + KINDS[Kind.CONTRACT])}"
            if subject.term is Term.COMMON_PRIORITY:  # "la priorité du socle commun de l'objectif « … »"
                own = f" {_q(text)}" if text else ""
                return f"{head}{own} {_of(_definite('objectif', False))} {_q(args[0])}"
            if subject.term in (Term.COMMITMENT, Term.GLOSSARY_TERM, Term.OBJECTIVE):
                return f"{head} {_q(args[0])}"
            if subject.term in (Term.PORTRAIT, Term.PROJECT):
                return f"{head} {_of(_definite(self.neighbourhood, False))} {_escape(str(args[0]))}"
            if subject.term is Term.NEIGHBOURHOOD_IN:
                return f"{head} {_q(args[0])} ({_escape(str(args[1]))})"
            if subject.term is Term.WITHIN:
                own = f" {_q(text)}" if text and c.kind in (Kind.THEME, Kind.PRIORITY, Kind.ITEM) else ""
                if c.kind is Kind.INDICATOR:
                    own = f" {_q(args[1])}"
                where = f" {_of(_definite(self.neighbourhood, False))} {_escape(str(args[0]))}"
                context = f" ({self.theme} {_q(args[1])})" if c.kind in (Kind.PRIORITY, Kind.ITEM) else ""
                return f"{head}{own}{where}{context}"
        return f"{head} {_q(self.labels.phrase(subject))}"

    def clause(self, c: cmp.Change) -> Clause:
        p = _Presented(self.labels, c)
        noun, feminine = self.noun(c.kind, c.subject)
        e = "e" if feminine else ""
        A = Action
        if c.action is A.ADDED:
            named = self.designation(c, None, indefinite=True)
            intro = ADDED_TEXT.get(c.kind, f"ainsi rédigé{e} :")
            parts = [ClausePart(f"Il est ajouté {named}, {intro}", None, f"<ins>{_escape(p.new or '')}</ins>")]
        elif c.action is A.REMOVED:
            named = self.designation(c, None)
            parts = [ClausePart(f"Est supprimé{e} {named} :", f"<del>{_escape(p.old or '')}</del>")]
        elif c.action is A.REWORDED:
            # The whole text before and after in the sentence itself, the words that differ marked.
            before, after = _marked(p.old, p.new)
            named = self.designation(c, None).replace(f"{noun} ", f"{noun} « {before} » ", 1)
            parts = [ClausePart(f"{_capital(named)} est remplacé{e} par « {after} ».")]
        elif c.action is A.MOVED:
            # The element by its own text, then where it was and where it goes (its detail).
            own = self.labels.phrase(c.text) if c.text is not None else None
            named = f"{_definite(noun, feminine)} {_q(own)}" if own else self.designation(c, p.new or p.old)
            parts = [ClausePart(f"{_capital(named)} est {_escape(p.detail)}.")]
        elif c.action is A.REORDERED:
            order = self.labels.kind(c)
            parts = [
                ClausePart(f"{_capital(_definite(order, False))} ({_escape(p.title)}) est modifié :"),
                ClausePart(OLD_TEXT, _escape(p.old or "")),
                ClausePart(NEW_TEXT, None, _escape(p.new or "")),
            ]
        elif c.action is A.OBSERVATION:
            named = self.designation(c, None)
            parts = [
                ClausePart(f"Il est ajouté {_to(named)} une observation :", None, f"<ins>{_escape(p.new or '')}</ins>")
            ]
        else:
            parts = self.changed(c, p, e)
        verb = _definite(noun, feminine) if c.action is not A.ADDED else _indefinite(noun, feminine)
        title = f"{CLAUSE_TITLES[c.action]} {_of(verb)}"
        if isinstance(c.subject, Words) and c.subject.term in (Term.ARTICLE, Term.SUB_ARTICLE):
            title = f"{CLAUSE_TITLES[c.action]} {_of(self.designation(c, None))}"
        elif c.action is A.MOVED and c.text is not None:
            title += f" {_q(self.labels.phrase(c.text))}"
        else:
            title += f" : {_escape(p.title)}"
        return Clause(c.level.value, c.kind.value, c.action.value, c.id, title, [_br(part) for part in parts])

    def changed(self, c: cmp.Change, p: _Presented, e: str) -> list[ClausePart]:
        """A changed text, passage by passage: what is added, what is removed, what is replaced (the whole
        passage before and after, the words that differ marked)."""
        named = self.designation(c, p.old)
        old_lines, new_lines = (p.old or "").split("\n"), (p.new or "").split("\n")
        parts: list[ClausePart] = []
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            before, after = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
            if op == "equal":
                continue
            if op == "insert":
                parts.append(ClausePart(f"Il est ajouté {_to(named)} :", None, f"<ins>{_escape(after)}</ins>"))
            elif op == "delete":
                parts.append(ClausePart(f"Est supprimé {_to(named)} :", f"<del>{_escape(before)}</del>"))
            else:
                parts.append(ClausePart(f"{_capital(named)} est ainsi modifié{e} :", *_marked(before, after)))
        if p.detail and parts:  # "(personne qui signe)": which part of the element the passage is
            parts[0].sentence = parts[0].sentence.removesuffix(" :") + f" ({_escape(p.detail)}) :"
        return parts


@dataclass
class _Presented:
    """A comparison's change in words (as `present` says it), for a clause."""

    title: str
    old: str | None
    new: str | None
    detail: str

    def __init__(self, labels: _Labels, c: cmp.Change):
        self.old, self.new = (None if v is None else str(v) for v in labels.values(c))
        self.title = labels.phrase(c.subject)
        self.detail = labels.detail(c.detail)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _marked(old: str | None, new: str | None) -> tuple[str, str]:
    """The whole old text with its removed words marked, and the whole new text with its inserted ones."""
    before, after = [], []
    for op, text in redline(old or "", new or ""):
        piece = _escape(text)
        if op == "=" or not text.strip():
            before.append(piece) if op != "+" else None
            after.append(piece) if op != "-" else None
        elif op == "-":
            before.append(f"<del>{piece}</del>")
        else:
            after.append(f"<ins>{piece}</ins>")
    return "".join(before), "".join(after)


def _br(part: ClausePart) -> ClausePart:
    return ClausePart(
        part.sentence, *(None if text is None else text.replace("\n", "<br>") for text in (part.old, part.new))
    )


@dataclass
class Avenant:
    """What an avenant says: its articles (the changes the signatories sign, in the contract's order) and,
    for information, what the comité de pilotage validated and the routine updates."""

    articles: list[Clause]
    annex: list[Clause]
    levels: dict[str, str]


def avenant(comparison: cmp.Comparison, new: Any) -> Avenant:
    """The clauses of an avenant from a comparison, `new` the corpus of the version it establishes (its
    order of articles, neighbourhoods, signatories and commitments)."""
    words = vocabulary(comparison.new_contract, comparison.old_contract)
    labels = _Labels(field_titles(comparison.schema_dir), words)
    writer = _ClauseWriter(labels, comparison.new_contract)
    group = {kind: i for i, kinds in enumerate(CONTRACT_ORDER) for kind in kinds}
    positions = {
        # An article, then its sub-articles (a change located in 9.1 comes before one in article 13).
        Kind.ARTICLE: [i for a in new.articles for i in (a["id"], *(x["id"] for x in a.get("sections", [])))],
        Kind.SIGNATORY: [s["id"] for s in new.signatories],
        Kind.COMMITMENT: [c["id"] for c in new.commitments],
        Kind.NEIGHBOURHOOD: [n["id"] for n in new.neighbourhoods],
    }
    hoods = {shown_text(n["name"]): i for i, n in enumerate(new.neighbourhoods)}

    def rank(c: cmp.Change) -> tuple:
        within = positions.get(c.kind, [])
        place = within.index(c.id) if c.id in within else len(within)
        if isinstance(c.subject, Words) and c.subject.args and str(c.subject.args[0]) in hoods:
            place = hoods[str(c.subject.args[0])]
        if c.kind is Kind.NEIGHBOURHOOD and c.id in positions[Kind.NEIGHBOURHOOD]:
            place = positions[Kind.NEIGHBOURHOOD].index(c.id)
        return group.get(c.kind, len(CONTRACT_ORDER)), place, LEVEL_ORDER.index(c.level.value), labels.phrase(c.subject)

    changes = [
        c
        for c in comparison.changes
        if not (c.kind is Kind.CONTRACT and c.id in VERSION_FIELDS and c.level is Level.EDITORIAL)
        # The avenant's own record is what is being signed, not a change it informs of.
        and c.kind is not Kind.AMENDMENT_RECORD
    ]
    changes.sort(key=rank)
    articles = [writer.clause(c) for c in changes if c.level is Level.AMENDMENT]
    # A new signatory and the commitment it brings are one clause: the party joins with its commitment.
    added = [c for c in articles if c.action == Action.ADDED]
    new_commitments = {c.id: c for c in added if c.kind == Kind.COMMITMENT}
    joining = {s["id"]: s.get("commitment") for s in new.signatories}
    brought = {
        c.id: new_commitments[joining[c.id]]
        for c in added
        if c.kind == Kind.SIGNATORY and joining.get(c.id) in new_commitments
    }
    for clause, commitment in brought.items():
        next(c for c in added if c.kind == Kind.SIGNATORY and c.id == clause).parts += commitment.parts
    taken = [id(c) for c in brought.values()]
    merged = [c for c in articles if id(c) not in taken]
    annex = [writer.clause(c) for c in changes if c.level is not Level.AMENDMENT]
    return Avenant(merged, annex, words.levels)
