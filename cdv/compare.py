"""Compare two versions of the contract element by element, by stable id, and say what approval each
change needs under the contract's own governance: a routine update of a portrait, the comité de pilotage
(projets de quartier), or an amendment signed by the signatories (each contract words these levels in its
contract.yml `shape.approvals`).

Language-neutral on purpose: a change is typed (Level, Kind, Action), names its element with a Phrase (a
Term that cdv.diffrender words, and the contributor text it quotes), and carries the values compared:
contributor text as readers are given it (cdv.flatten.shown_text), or a typed value (an observation, a
list of fields, an order...). No French, no HTML, no markdown here: cdv.diffrender says it all, and
sorts changes as readers find them.

Two passes. The first compares what readers read, element by element, and says it in contract terms
(a priority reworded, an observation added...). The second makes the comparison complete by construction:
every source is cut into elements by stable id, and every field of every element, known today or added to
a schema later, is compared raw; a difference the first pass did not explain is reported at its element's
level. So nothing a reader sees can change without a line in the changelog."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field, fields
from enum import Enum, StrEnum, auto
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .flatten import STRATEGY_FIELDS, blocks_shown_text, shown_text, strategy_entries
from .labels import HEADINGS
from .render import source_with_period
from .shape import Shape, numbered
from .text import REFERENCE, figure_value, figures, resolve_figures, resolve_figures_in


class Level(StrEnum):
    """The approval a change needs, heaviest first. The values are the identifiers `cdv diff
    --fail-above` takes and its JSON report gives."""

    AMENDMENT = "avenant"  # signed by the signatories (contract, signatories, commitments)
    COMMITTEE = "copil"  # validated by the comité de pilotage (projects, devices, glossary)
    # Who signs for a signatory (a new préfet): the signatory notifies it, its commitments unchanged; never
    # a clause of an avenant.
    REPRESENTATIVE = "representant"
    ROUTINE = "routine"  # a routine update of a portrait's figures
    # The follow-up after the signature: a year's actions, a measure's status, an annual report. Decided by
    # those who fund and pilot them, never a term of the contract.
    FOLLOW_UP = "suivi"
    EDITORIAL = "editorial"  # about the version itself (number, status)


LEVEL_ORDER = list(Level)


class Action(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    MOVED = "moved"  # to another parent (a priority to another theme or neighbourhood)
    REWORDED = "reworded"  # a priority's text
    OBSERVATION = "observation"  # a new observation of an indicator
    REORDERED = "reordered"  # the same items in another order


class Kind(StrEnum):
    """What changed: an element of the contract, as the comparison cuts it."""

    CONTRACT = "contract"
    FOREWORD = "foreword"
    ARTICLE = "article"
    COMMITMENT = "commitment"
    SIGNATORY_LIST = "signatory-list"
    SIGNATORY_GROUP = "signatory-group"
    SIGNATORY = "signatory"
    COMMON_BASE = "common-base"
    COMMON_OBJECTIVE = "common-objective"  # an axis, an objective or a common priority
    SOCIAL_CENTRES = "social-centres"
    SOCIAL_CENTRE = "social-centre"
    NEIGHBOURHOOD = "neighbourhood"
    DEVICE = "device"
    GLOSSARY_TERM = "glossary-term"
    PROJECT = "project"
    THEME = "theme"
    PRIORITY = "priority"
    ITEM = "item"  # level 3 of a project: an item under a priority (`items`)
    PORTRAIT = "portrait"
    INDICATOR = "indicator"
    SOURCE = "source"  # a kind of source added to the corpus later, compared whole
    # The record of an avenant (contract/amendments/<n>.yml): it tells the contract's life, it is not one of
    # its terms (the terms it changes are compared as themselves).
    AMENDMENT_RECORD = "amendment-record"
    FIGURE = "figure"  # an amount or figure of contract/figures.yml, cited by the texts as [[id]]
    ACTION = "action"  # an action of actions/*.yml
    MEASURE = "measure"  # the follow-up of a device's measure (its status; its wording is the device's)
    REPORT = "report"  # an annual report of reports/


# Approval needed by a change of an element of each kind (README, "cdv diff").
ELEMENT_LEVELS = {
    **{
        k: Level.AMENDMENT
        for k in (
            Kind.CONTRACT,
            Kind.FOREWORD,
            Kind.ARTICLE,
            Kind.COMMITMENT,
            Kind.SIGNATORY_LIST,
            Kind.SIGNATORY_GROUP,
            Kind.SIGNATORY,
            Kind.COMMON_BASE,
            Kind.COMMON_OBJECTIVE,
            Kind.SOCIAL_CENTRES,
            Kind.SOCIAL_CENTRE,
            Kind.NEIGHBOURHOOD,
            # An amount the texts cite is a term of the contract wherever it is printed (article 16 fixes
            # the FPH's): its change is reported once, here, with the places that print it.
            Kind.FIGURE,
        )
    },
    # The glossary is not signed, but it is what residents read as the meaning of the contract's words (on
    # every page), some definitions quoting the contract itself: the comité de pilotage validates it, as it
    # does the descriptions of the devices. Never editorial, never a "routine" portrait update.
    Kind.DEVICE: Level.COMMITTEE,
    Kind.GLOSSARY_TERM: Level.COMMITTEE,
    Kind.PROJECT: Level.COMMITTEE,
    Kind.THEME: Level.COMMITTEE,
    Kind.PRIORITY: Level.COMMITTEE,
    Kind.ITEM: Level.COMMITTEE,
    Kind.PORTRAIT: Level.ROUTINE,
    Kind.INDICATOR: Level.ROUTINE,
    Kind.AMENDMENT_RECORD: Level.EDITORIAL,
    Kind.ACTION: Level.FOLLOW_UP,
    Kind.MEASURE: Level.FOLLOW_UP,
    Kind.REPORT: Level.FOLLOW_UP,
}
# Fields of an element whose change needs another level than the element's.
FIELD_LEVELS = {
    (Kind.CONTRACT, "version"): Level.EDITORIAL,
    (Kind.CONTRACT, "status"): Level.EDITORIAL,
    # What the comparison and the open data call a figure: no text prints it.
    (Kind.FIGURE, "label"): Level.COMMITTEE,
    # How to take part and whom to reach (an address, opening hours, a conseil citoyen): practical
    # information shown beside the contract, never one of its terms.
    (Kind.CONTRACT, "participation"): Level.EDITORIAL,
    (Kind.CONTRACT, "contact"): Level.EDITORIAL,
    (Kind.NEIGHBOURHOOD, "participation"): Level.EDITORIAL,
    (Kind.SOCIAL_CENTRE, "coordinates"): Level.EDITORIAL,
}
# The contract's own fields compared in the first pass (each worded by cdv.diffrender).
CONTRACT_TERMS = (
    "title",
    "subtitle",
    "programme",
    "period",
    "signature",
    "author",
    "territory",
    "parts",
    "fragile_project_notice",
    "credits",
    "licence",
)


class Term(Enum):
    """The words of a title, a detail or a value's prefix: cdv.diffrender.WORDS says each."""

    CONTRACT = auto()  # the contract, when it has no title
    CONTRACT_FIELD = auto()  # (field name)
    VERSION = auto()
    STATUS = auto()
    FOREWORD = auto()  # the foreword, when it has no title
    ARTICLE = auto()  # (number, title)
    SUB_ARTICLE = auto()  # (number, title): a sub-article, located as readers cite it ("Article 9.1 – …")
    COMMITMENT = auto()  # (title)
    COMMITMENTS_PAGE = auto()
    SIGNATORIES = auto()
    SIGNATURES_PAGE = auto()
    COMMON_BASE = auto()  # the common base, when it has no title
    AXIS = auto()  # (number, title)
    AXIS_NUMBER = auto()  # (number)
    OBJECTIVE = auto()  # (title)
    COMMON_PRIORITY = auto()  # (objective's title)
    SOCIAL_CENTRES = auto()
    GLOSSARY_TERM = auto()  # (term)
    NEIGHBOURHOOD_IN = auto()  # (name, commune)
    PORTRAIT = auto()  # (neighbourhood)
    PROJECT = auto()  # (neighbourhood)
    WITHIN = auto()  # (neighbourhood, what in it: a theme, an indicator)
    SOURCE = auto()  # (corpus field)
    AMENDMENT_RECORD = auto()  # (number)
    MEASURE_STATUS = auto()  # (the measure's label or id)
    REPORT = auto()  # (year)
    # details
    MOVED = auto()  # (from, to)
    MOVED_PRIORITY = auto()  # (from, to)
    MOVED_ITEM = auto()  # (from, to): an item of a priority
    STRATEGY_FIELD = auto()  # (field name): which structured field of a priority changed
    LINKS = auto()
    SIGNER = auto()
    CORRECTED = auto()
    OBSERVATION_REMOVED = auto()
    QUOTED_DEFINITION = auto()  # (old source, new source): said only of a definition quoting the contract
    USED_IN = auto()  # (place, …): the elements whose texts cite a figure, as titled in the comparison
    FIELDS = auto()  # (paths)
    # prefixes of a line of a value
    SOURCE_LINE = auto()
    ARTICLES_LINE = auto()


@dataclass(frozen=True)
class Words:
    """Words the renderer says (`term`) around contributor values (`args`: text, numbers, Phrases)."""

    term: Term
    args: tuple = ()


Phrase = str | Words  # a str is contributor text as readers are given it


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()  # a field a version does not have
PARENT = ("@parent",)  # pseudo-path: the element that holds this one
WHOLE = "@value"  # pseudo-field: the whole of a source that is not a mapping
# The ids of elements that have no id in the sources (the contract, its foreword, the lists of
# signatories...) are words of `cdv diff --format json`'s report: kept as it has always given them.


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def neutral(value):
    """A raw value as readers are given it, without words: equal when they would read the same."""
    if value is ABSENT:
        return ABSENT
    if isinstance(value, str):
        return ("s", shown_text(value))
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, list):
        return ("l", tuple(neutral(v) for v in value))
    if isinstance(value, dict):
        return ("d", tuple((k, neutral(v)) for k, v in value.items()))
    return ("o", str(value))


# --- the values a change carries (contributor text is a plain str) -------------------------------


class _ComparedAsRead:
    """A value equal to another of its own type when readers would read both the same (`neutral`)."""

    value: Any

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and neutral(self.value) == neutral(other.value)

    def __hash__(self) -> int:
        return hash(_canon(self.value))


@dataclass(frozen=True, eq=False)
class Raw(_ComparedAsRead):
    """A raw value of the sources (a field, an item of a list), compared as readers would read it."""

    value: Any


@dataclass(frozen=True)
class Lines:
    """A text of several lines, some introduced by words (`Source : …`): ((prefix or None, text), …)."""

    parts: tuple[tuple[Term | None, str], ...]


@dataclass(frozen=True)
class Observation:
    """A figure of a portrait: its value, unit and source, and the other fields of the observation when
    they changed (comparison values: commune, EPCI...)."""

    value: Any
    unit: str
    explicit_sign: bool  # a "+" is shown (only before a positive value)
    source: str  # its source with its period, as readers are given it
    extras: tuple[tuple[str, Raw], ...] | None = None


@dataclass(frozen=True)
class Order:
    """The window of an ordered list that differs: ((position from 1, label), …)."""

    items: tuple[tuple[int, Any], ...]


@dataclass(frozen=True)
class Fields:
    """Raw fields of an element: ((path, raw value), …); a path is a tuple of names, positions (int) and
    ("id", …) for an item of a list of identified items."""

    items: tuple[tuple[tuple, Any], ...]


@dataclass(frozen=True, eq=False)
class Flat(_ComparedAsRead):
    """A field of the contract, compared as shown."""

    value: Any


@dataclass(frozen=True)
class Status:
    value: str  # signed | draft | any later status


@dataclass(frozen=True)
class Links:
    """What a priority is attached to: objectives of the common base, devices (ids)."""

    objectives: tuple[str, ...]
    devices: tuple[str, ...]


@dataclass(frozen=True)
class Strategy:
    """A structured field of a priority (`name`: lead, partners...) as readers are given it: each entry
    named (a signatory by its organisation, a device by its name, an indicator by its label)."""

    name: str
    entries: tuple[str, ...]


@dataclass(frozen=True)
class PriorityText:
    """A priority added or removed, with the structured fields it carries."""

    text: str
    fields: tuple[Strategy, ...]


@dataclass(frozen=True)
class NeighbourhoodKind:
    """A kind of neighbourhood (its id: the renderer names it after the contract's shape)."""

    id: str


@dataclass(frozen=True)
class Membership:
    """A signatory's organisation, group and commitment (id, or ABSENT)."""

    organisation: str
    group: str
    commitment: Any


@dataclass(frozen=True)
class Identity:
    """Who a neighbourhood is: name, kind (an id), commune, QPV code (or None)."""

    name: str
    kind: NeighbourhoodKind
    commune: str
    qpv_code: Any


@dataclass(frozen=True)
class Change:
    level: Level
    kind: Kind
    action: Action
    id: str
    subject: Phrase  # the element changed
    old: Any = None  # None: the element is added
    new: Any = None  # None: the element is removed
    detail: Phrase | None = None
    order_of: tuple | None = None  # a reorder: the path of the list, in the element
    text: Phrase | None = None  # a moved element: what it reads, shown with its move


@dataclass
class Comparison:
    changes: list[Change]
    schema_dir: str  # the schemas of the newer version: the titles of its fields
    # Both versions' contract.yml: the renderer words the changes after their `shape` (the newer one's).
    old_contract: dict = field(default_factory=dict)
    new_contract: dict = field(default_factory=dict)
    # The figures both versions' texts were read with (cdv.text): a renderer words the changes with them.
    figures: dict = field(default_factory=dict)


# --- the elements of a version ------------------------------------------------------------------


@dataclass
class _Element:
    kind: Kind
    id: str
    title: Phrase  # as a change's title
    label: Phrase  # as an item of an ordered list
    raw: dict  # every field, but the sub-elements (compared as elements of their own)
    parent: tuple | None = None
    where: Phrase = ""
    children: dict = field(default_factory=dict)  # field -> ordered ids of the sub-elements

    @property
    def level(self) -> Level:
        return ELEMENT_LEVELS.get(self.kind, Level.AMENDMENT)


class _Elements(dict):
    """Every element of a version by (kind, id)."""

    def put(self, kind, ident, title, label, data, subs=(), parent=None, field_name=None) -> tuple:
        raw = {k: v for k, v in data.items() if k not in subs} if isinstance(data, dict) else {WHOLE: data}
        key = (kind, ident)
        if key in self:  # ids are unique where the validator says so; elsewhere keep both apart
            key = (kind, f"{parent[1] if parent else ''}/{ident}")
        where = self[parent].title if parent else ""
        self[key] = _Element(kind, key[1], title, label, raw, parent, where)
        if parent and field_name:
            self[parent].children.setdefault(field_name, []).append(key)
        return key


def _titled(data: dict, key: str, default: Term) -> Phrase:
    return shown_text(data[key]) if key in data else Words(default)


def _elements(corpus: Corpus) -> _Elements:
    out = _Elements()
    t = shown_text
    handled = {"root", "source_of", "single_sources"}
    K = Kind

    c = corpus.contract
    contract = _titled(c, "title", Term.CONTRACT)
    top = out.put(K.CONTRACT, "contrat", contract, contract, c, subs=("foreword",))
    if "foreword" in c:
        foreword = _titled(c["foreword"], "title", Term.FOREWORD)
        out.put(K.FOREWORD, "avant-propos", foreword, foreword, c["foreword"], parent=top)
    for a in corpus.articles:
        out.put(K.ARTICLE, a["id"], _article_title(a), _article_title(a), a)
    for x in corpus.commitments:
        out.put(K.COMMITMENT, x["id"], Words(Term.COMMITMENT, (t(x["title"]),)), t(x["title"]), x)
    signatories = Words(Term.SIGNATORIES)
    holder = out.put(K.SIGNATORY_LIST, "signataires", signatories, signatories, {})
    for g in corpus.signatory_groups:
        out.put(K.SIGNATORY_GROUP, g["id"], t(g["title"]), t(g["title"]), g, parent=holder, field_name="groups")
    for s in corpus.signatories:
        out.put(
            K.SIGNATORY, s["id"], t(s["organisation"]), t(s["organisation"]), s, parent=holder, field_name="signatories"
        )
    o = corpus.objectives
    if o:
        title = _titled(o, "title", Term.COMMON_BASE)
        base = out.put(K.COMMON_BASE, "socle-commun", title, title, o, subs=("axes",))
        for axis in o.get("axes", []):
            ak = out.put(
                K.COMMON_OBJECTIVE,
                axis["id"],
                Words(Term.AXIS, (axis["number"], t(axis["title"]))),
                t(axis["title"]),
                axis,
                subs=("objectives",),
                parent=base,
                field_name="axes",
            )
            for ob in axis["objectives"]:
                ok = out.put(
                    K.COMMON_OBJECTIVE,
                    ob["id"],
                    Words(Term.OBJECTIVE, (t(ob["title"]),)),
                    t(ob["title"]),
                    ob,
                    subs=("priorities",),
                    parent=ak,
                    field_name="objectives",
                )
                for p in ob["priorities"]:
                    out.put(
                        K.COMMON_OBJECTIVE,
                        p["id"],
                        Words(Term.COMMON_PRIORITY, (t(ob["title"]),)),
                        t(p["text"]),
                        p,
                        parent=ok,
                        field_name="priorities",
                    )
    for d in corpus.devices:
        # A measure's wording is the device's (the comité de pilotage's); its status is its follow-up.
        dk = out.put(K.DEVICE, d["id"], t(d["name"]), t(d["name"]), _without_follow_up(d))
        for b in _measure_blocks(d):
            title = Words(Term.MEASURE_STATUS, (t(b.get("label") or b["id"]),))
            follow = {k: b[k] for k in MEASURE_FOLLOW_UP if k in b}
            out.put(K.MEASURE, b["id"], title, t(b["measure"]), follow, parent=dk)
    for a in corpus.actions:
        out.put(K.ACTION, a["id"], t(a["title"]), t(a["title"]), a)
    for r in corpus.reports:
        title = Words(Term.REPORT, (r["year"],))
        out.put(K.REPORT, str(r["year"]), title, title, r)
    sc = corpus.social_centres
    if sc:
        title = Words(Term.SOCIAL_CENTRES)
        centres = out.put(K.SOCIAL_CENTRES, "centres-sociaux", title, title, sc, subs=("centres",))
        for x in sc.get("centres", []):
            out.put(K.SOCIAL_CENTRE, x["id"], t(x["name"]), t(x["name"]), x, parent=centres, field_name="centres")
    for term in corpus.glossary:
        out.put(K.GLOSSARY_TERM, term["id"], Words(Term.GLOSSARY_TERM, (t(term["term"]),)), t(term["term"]), term)
    for ident, figure in corpus.figures.items():
        out.put(K.FIGURE, ident, t(figure["label"]), t(figure["label"]), figure)
    for n in corpus.neighbourhoods:
        name = t(n["name"])
        nk = out.put(K.NEIGHBOURHOOD, n["id"], name, name, n, subs=("portrait", "project"))
        if n.get("portrait") is not None:
            title = Words(Term.PORTRAIT, (name,))
            pk = out.put(K.PORTRAIT, n["id"], title, title, n["portrait"], subs=("indicators",), parent=nk)
            for ind in n["portrait"].get("indicators", []):
                out.put(
                    K.INDICATOR,
                    f"{n['id']}/{ind['id']}",
                    Words(Term.WITHIN, (name, t(ind["label"]))),
                    t(ind["label"]),
                    ind,
                    parent=pk,
                    field_name="indicators",
                )
        if n.get("project") is not None:
            title = Words(Term.PROJECT, (name,))
            jk = out.put(K.PROJECT, n["id"], title, title, n["project"], subs=("themes",), parent=nk)
            for theme in n["project"].get("themes", []):
                tk = out.put(
                    K.THEME,
                    theme["id"],
                    Words(Term.WITHIN, (name, t(theme["title"]))),
                    t(theme["title"]),
                    theme,
                    subs=("priorities",),
                    parent=jk,
                    field_name="themes",
                )
                for p in theme["priorities"]:
                    pk = out.put(
                        K.PRIORITY,
                        p["id"],
                        Words(Term.WITHIN, (name, t(theme["title"]))),
                        t(p["text"]),
                        p,
                        subs=("items",),
                        parent=tk,
                        field_name="priorities",
                    )
                    for item in p.get("items", []):
                        out.put(
                            K.ITEM,
                            item["id"],
                            Words(Term.WITHIN, (name, t(p["text"]))),
                            t(item["text"]),
                            item,
                            parent=pk,
                            field_name="items",
                        )
    for record in corpus.amendments:
        title = Words(Term.AMENDMENT_RECORD, (record["number"],))
        # Its object only: the rest of the record (status, decisions, ids) is told by the Historique page.
        out.put(
            K.AMENDMENT_RECORD,
            f"avenant-{record['number']}",
            title,
            title,
            {k: record[k] for k in ("title",) if k in record},
        )
    handled |= {
        "actions",
        "action_files",  # the same actions, as their files are written (the open data's bundle)
        "reports",
        "amendments",
        "contract",
        "articles",
        "commitments",
        "signatory_groups",
        "signatories",
        "objectives",
        "devices",
        "social_centres",
        "glossary",
        "figures",
        "neighbourhoods",
    }
    # A kind of source added to the corpus later is compared whole until it gets its own elements.
    for f in fields(corpus):
        if f.name not in handled:
            out.put(K.SOURCE, f.name, Words(Term.SOURCE, (f.name,)), f.name, getattr(corpus, f.name))
    return out


# The fields of a measure block that follow it rather than word it.
MEASURE_FOLLOW_UP = ("status", "status_date")


def _measure_blocks(device: dict) -> list[dict]:
    from .validate import _walk_blocks

    return [b for b in _walk_blocks(device) if "measure" in b and "id" in b]


def _without_follow_up(node):
    """A device as the comité de pilotage words it: its measures without their status."""
    if isinstance(node, dict):
        drop = MEASURE_FOLLOW_UP if "measure" in node else ()
        return {k: _without_follow_up(v) for k, v in node.items() if k not in drop}
    if isinstance(node, list):
        return [_without_follow_up(v) for v in node]
    return node


def element_parents(corpus: Corpus) -> dict[str, str | None]:
    """Every element id of a version and its parent element's id (a priority's theme, a theme's
    neighbourhood): what an avenant names to account for a change in it."""
    return {el.id: (el.parent[1] if el.parent else None) for el in _elements(corpus).values()}


# --- raw values ----------------------------------------------------------------------------------


def _list_ids(items: list) -> list | None:
    """The ids of a list whose items all have one, distinct; None for any other list."""
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
        return ids
    return None


def _same(a, b) -> bool:
    # 1 and 1.0 read the same; True and 1 do not. A [[figure]] reads as its value: writing "800 €" as
    # [[fph-montant-max]] changes nothing a reader sees, and a figure's new value is its own change.
    if isinstance(a, str) and isinstance(b, str):
        # The value's non-breaking space is a space a typed text would have had (to_html folds them).
        return a == b or ("[[" in a + b and resolve_figures(a).split() == resolve_figures(b).split())
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def raw_diff(a, b, path=()):
    """Every difference between two raw values: ('value', path, old, new) for a field or an item, ('order',
    path, old, new) for a list whose items are the same but in another order. Lists whose items have ids are
    matched by id; other lists item by item, aligned as a text diff aligns lines."""
    if type(a) is type(b) and type(a) in (dict, list) and a == b:
        return  # the usual case, at C speed (a schema never lets a number stand where a boolean is)
    if isinstance(a, dict) and isinstance(b, dict):
        for k in [*a, *(k for k in b if k not in a)]:
            yield from raw_diff(a.get(k, ABSENT), b.get(k, ABSENT), (*path, k))
    elif isinstance(a, list) and isinstance(b, list):
        ia, ib = _list_ids(a), _list_ids(b)
        if ia is not None and ib is not None:
            da, db = dict(zip(ia, a, strict=False)), dict(zip(ib, b, strict=False))
            for k in [*ia, *(k for k in ib if k not in da)]:
                yield from raw_diff(da.get(k, ABSENT), db.get(k, ABSENT), (*path, ("id", k)))
            if [k for k in ia if k in db] != [k for k in ib if k in da]:
                yield ("order", path, a, b)
            return
        ca, cb = [_canon(x) for x in a], [_canon(x) for x in b]
        if ca != cb and sorted(ca) == sorted(cb):
            yield ("order", path, a, b)
            return
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ca, cb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=False):
                    yield from raw_diff(a[i], b[j], (*path, j))
                continue
            for i in range(i1, i2):
                yield ("value", (*path, i), a[i], ABSENT)
            for j in range(j1, j2):
                yield ("value", (*path, j), ABSENT, b[j])
    elif not _same(a, b):
        yield ("value", path, a, b)


# A raw value with the [[figures]] of its texts replaced by their values (what a change carries, so that
# it reads the same once the comparison is over).
as_read = resolve_figures_in


def _same_raw(a, b) -> bool:
    return not any(True for _ in raw_diff(a, b))


def _covered(path: tuple, explained: set) -> bool:
    return any(path[: len(p)] == p for p in explained)


def _orders(old: list, new: list) -> tuple[Order, Order]:
    """Old and new order, numbered, from the first place that differs to the last."""
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    last = max(len(old), len(new))
    while last > first + 1 and last <= min(len(old), len(new)) and old[last - 1] == new[last - 1]:
        last -= 1

    def window(labels):
        return Order(tuple((i, labels[i - 1]) for i in range(first + 1, min(last, len(labels)) + 1)))

    return window(old), window(new)


_LABEL_KEYS = ("title", "name", "organisation", "text", "term", "label", "p", "heading", "period")


def _item_label(item):
    if isinstance(item, dict):
        for key in _LABEL_KEYS:
            if isinstance(item.get(key), str):
                return shown_text(item[key])
    return Raw(as_read(item))


# --- what readers read of each element -----------------------------------------------------------

_ARTICLE_PATHS = {"title": (("title",), ("number",)), "chapter": (("chapter",),), "body": (("body",),)}


def _article_title(a: dict) -> Words:
    return Words(Term.ARTICLE, (a["number"], shown_text(a["title"])))


def _article_parts(article: dict, section: str = HEADINGS["section"]) -> dict:
    """What readers read of an article, part by part; `section`: how its version titles a sub-article."""
    parts: dict = {"title": _article_title(article)}
    if article.get("chapter"):
        parts["chapter"] = (
            shown_text(article["chapter"]["title"]) + "\n" + blocks_shown_text(article["chapter"].get("intro"))
        )
    parts["body"] = blocks_shown_text(article["body"])
    for s in article.get("sections", []):
        parts[("sections", ("id", s["id"]))] = (
            f"{numbered(section, s['number'], shown_text(s['title']))}\n{blocks_shown_text(s['body'])}"
        )
    return parts


def _article_own_text(parts: dict) -> str:
    """An article's text but its title and its sub-articles (each compared on its own)."""
    return "\n".join(p for k, p in parts.items() if p and k in _ARTICLE_PATHS and k != "title")


def _article_text(article: dict, section: str = HEADINGS["section"]) -> str:
    parts = _article_parts(article, section)
    return "\n".join(p for k, p in parts.items() if p and k != "title")


def _lines(*parts: tuple[Term | None, str | None]) -> Lines:
    """The lines that are there: a text that is not empty, a prefixed line whose field is given."""
    return Lines(tuple((term, text) for term, text in parts if text is not None and (text or term is not None)))


def _device_text(d: dict) -> Lines:
    head = shown_text(d["name"]) + (f" ({shown_text(d['acronym'])})" if d.get("acronym") else "")
    return _lines(
        (None, head),
        (None, shown_text(d.get("summary", ""))),
        (Term.SOURCE_LINE, shown_text(d["source"]) if d.get("source") else None),
        (Term.ARTICLES_LINE, ", ".join(d["articles"]) if d.get("articles") else None),
        (None, blocks_shown_text(d.get("body"))),
    )


def _term_text(g: dict) -> Lines:
    head = shown_text(g["term"]) + (f" ({shown_text(g['expansion'])})" if g.get("expansion") else "")
    return _lines(
        (None, head),
        (None, shown_text(g.get("definition", ""))),
        (Term.SOURCE_LINE, shown_text(g["source"]) if g.get("source") else None),
    )


def _common_base(corpus: Corpus, level: str) -> dict:
    out = {}
    t = shown_text
    for axis in corpus.objectives.get("axes", []):
        if level == "axes":
            out[axis["id"]] = (Words(Term.AXIS_NUMBER, (axis["number"],)), t(axis["title"]))
        for ob in axis["objectives"]:
            if level == "objectives":
                out[ob["id"]] = (Words(Term.OBJECTIVE, (t(ob["title"]),)), t(ob["title"]))
            for p in ob["priorities"]:
                if level == "priorities":
                    out[p["id"]] = (Words(Term.COMMON_PRIORITY, (t(ob["title"]),)), t(p["text"]))
    return out


def _priorities(neighbourhoods: dict, corpus: Corpus) -> dict:
    out = {}
    for n in neighbourhoods.values():
        for theme in (n.get("project") or {}).get("themes", []):
            for p in theme["priorities"]:
                out[p["id"]] = {
                    "neighbourhood": n["id"],
                    "theme": theme["id"],
                    "where": Words(Term.WITHIN, (shown_text(n["name"]), shown_text(theme["title"]))),
                    "text": shown_text(p["text"]),
                    "objectives": p.get("objectives", []),
                    "devices": p.get("devices", []),
                    "fields": {f: p[f] for f in STRATEGY_FIELDS if f in p},
                    "shown": _strategy(p, n, corpus),
                }
    return out


def _items(neighbourhoods: dict) -> dict:
    """The items (level 3) of every priority, by id."""
    out = {}
    for n in neighbourhoods.values():
        for theme in (n.get("project") or {}).get("themes", []):
            for p in theme["priorities"]:
                for item in p.get("items", []):
                    out[item["id"]] = {
                        "priority": p["id"],
                        "where": Words(Term.WITHIN, (shown_text(n["name"]), shown_text(p["text"]))),
                        "text": shown_text(item["text"]),
                    }
    return out


def _strategy(priority: dict, neighbourhood: dict, corpus: Corpus) -> dict[str, Strategy]:
    return {f: Strategy(f, tuple(e)) for f, e in strategy_entries(priority, neighbourhood, corpus).items()}


def _priority_text(p: dict):
    """A priority as its text, or with its structured fields when it has some."""
    return PriorityText(p["text"], tuple(p["shown"].values())) if p["shown"] else p["text"]


def _links(p: dict) -> Links:
    return Links(tuple(p["objectives"]), tuple(p["devices"]))


def _signers(s: dict, sep: str | None = " ; "):
    names = [shown_text(" ".join(x["title"] + [x["name"]] + x.get("after", []))) for x in s["signature"]["signers"]]
    return names if sep is None else sep.join(names)


def _membership(s: dict) -> Membership:
    return Membership(shown_text(s["organisation"]), s["group"], s.get("commitment", ABSENT))


def _identity(n: dict) -> Identity:
    return Identity(
        shown_text(n["name"]), NeighbourhoodKind(n["kind"]), shown_text(n["commune"]), n.get("qpv_code") or None
    )


def _observation(ind: dict, obs: dict, extras: tuple | None = None) -> Observation:
    shown = {**obs, "period": shown_text(obs["period"])}
    if obs.get("source"):
        shown["source"] = shown_text(obs["source"])
    return Observation(
        obs["value"],
        ind["unit"],
        bool(obs.get("explicit_sign", False)) and obs["value"] > 0,
        source_with_period(shown),
        extras,
    )


# --- the comparison ------------------------------------------------------------------------------


class _Comparer:
    def __init__(self, old: Corpus, new: Corpus):
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.explained: dict[tuple, set] = {}  # element -> paths of the fields the first pass reported
        # How each version titles a sub-article ("9.1 - Titre"): a version without `shape` has the default.
        self.old_section, self.new_section = (
            Shape(c.contract).headings.get("section", HEADINGS["section"]) for c in (old, new)
        )

    def add(
        self,
        level,
        kind,
        action,
        ident,
        subject,
        old=None,
        new=None,
        detail=None,
        *,
        element=None,
        paths=((),),
        order_of=None,
        text=None,
    ) -> None:
        if old is not None and old == new and action != Action.MOVED:
            return  # what it would show is the same on both sides: the second pass reports it field by field
        self.changes.append(Change(level, kind, action, ident, subject, old, new, detail, order_of, text))
        self.explain(element or (kind, ident), *paths)

    def explain(self, element: tuple, *paths: tuple) -> None:
        self.explained.setdefault(element, set()).update(paths)

    def keyed(self, kind, level, old_items: dict, new_items: dict, title, text, fields=((),)) -> None:
        """Elements by id: added, removed, or changed text (`fields`: what the text shows of them)."""
        for ident in sorted(old_items.keys() | new_items.keys()):
            o, n = old_items.get(ident), new_items.get(ident)
            if o is None:
                self.add(level, kind, Action.ADDED, ident, title(n), None, text(n))
            elif n is None:
                self.add(level, kind, Action.REMOVED, ident, title(o), text(o), None)
            elif text(o) != text(n):
                self.add(level, kind, Action.CHANGED, ident, title(n), text(o), text(n), paths=fields)

    def run(self) -> list[Change]:
        o, n = self.old, self.new
        t = shown_text
        K, L = Kind, Level
        self.contract()
        self.articles()
        self.keyed(
            K.COMMITMENT,
            L.AMENDMENT,
            {c["id"]: c for c in o.commitments},
            {c["id"]: c for c in n.commitments},
            lambda c: Words(Term.COMMITMENT, (t(c["title"]),)),
            lambda c: t(c["title"]) + "\n" + blocks_shown_text(c["body"]),
            fields=(("title",), ("body",)),
        )
        self.order(
            K.COMMITMENT,
            "engagements",
            Words(Term.COMMITMENTS_PAGE),
            o.commitments,
            n.commitments,
            lambda c: t(c["title"]),
        )
        self.signatories()
        for kind_items, fields_ in (("axes", ("title",)), ("objectives", ("title",)), ("priorities", ("text",))):
            self.keyed(
                K.COMMON_OBJECTIVE,
                L.AMENDMENT,
                _common_base(o, kind_items),
                _common_base(n, kind_items),
                lambda item: item[0],
                lambda item: item[1],
                fields=(fields_,),
            )
        self.keyed(
            K.SOCIAL_CENTRE,
            L.AMENDMENT,
            {c["id"]: c for c in o.social_centres.get("centres", [])},
            {c["id"]: c for c in n.social_centres.get("centres", [])},
            lambda c: t(c["name"]),
            lambda c: f"{t(c['name'])} ({c['kind']}) : {', '.join(c['neighbourhoods'])}",
            fields=(("name",), ("kind",), ("neighbourhoods",)),
        )
        self.keyed(
            K.DEVICE,
            L.COMMITTEE,
            {d["id"]: d for d in o.devices},
            {d["id"]: d for d in n.devices},
            lambda d: t(d["name"]),
            _device_text,
            fields=(("name",), ("acronym",), ("summary",), ("source",), ("articles",), ("body",)),
        )
        self.keyed(
            K.GLOSSARY_TERM,
            L.COMMITTEE,
            {g["id"]: g for g in o.glossary},
            {g["id"]: g for g in n.glossary},
            lambda g: Words(Term.GLOSSARY_TERM, (t(g["term"]),)),
            _term_text,
            fields=(("term",), ("expansion",), ("definition",), ("source",)),
        )
        # Whether a definition quotes the contract is said by its source's words: the renderer reads them.
        old_sources = {g["id"]: g.get("source", "") for g in o.glossary}
        new_sources = {g["id"]: g.get("source", "") for g in n.glossary}
        for i, c in enumerate(self.changes):
            if c.kind == K.GLOSSARY_TERM:
                sources = (old_sources.get(c.id, ""), new_sources.get(c.id, ""))
                self.changes[i] = Change(
                    c.level,
                    c.kind,
                    c.action,
                    c.id,
                    c.subject,
                    c.old,
                    c.new,
                    Words(Term.QUOTED_DEFINITION, sources),
                    c.order_of,
                    c.text,
                )
        self.neighbourhoods()
        self.figures()
        self.catch_all()
        return self.changes

    def figures(self) -> None:
        """An amount or figure the texts cite: its value changed (or it is added, removed), said once, with
        the elements that print it. The texts citing it read the same on both sides (`compare` resolves
        both versions' references with the newer figures), so they are not reported again."""
        old, new = self.old.figures, self.new.figures
        changed = [
            i
            for i in sorted(old.keys() | new.keys())
            if i not in old or i not in new or _figure_changed(old[i], new[i])
        ]
        if not changed:
            return
        uses = {**_figure_uses(self.old), **_figure_uses(self.new)}
        for ident in changed:
            a, b = old.get(ident), new.get(ident)
            action = Action.ADDED if a is None else Action.REMOVED if b is None else Action.CHANGED
            self.add(
                Level.AMENDMENT,
                Kind.FIGURE,
                action,
                ident,
                shown_text((b or a)["label"]),
                None if a is None else figure_value(a),
                None if b is None else figure_value(b),
                detail=Words(Term.USED_IN, tuple(uses.get(ident, ()))),
                paths=(("value",), ("unit",)) if action is Action.CHANGED else ((),),
            )

    def order(self, kind, ident, title, old_items, new_items, label) -> None:
        """The order in which readers find elements sorted by a position field: a change of its own."""
        oa, ob = [x["id"] for x in old_items], [x["id"] for x in new_items]
        labels = {x["id"]: label(x) for x in [*old_items, *new_items]}
        if [i for i in oa if i in ob] != [i for i in ob if i in oa]:
            self.add(
                ELEMENT_LEVELS[kind],
                kind,
                Action.REORDERED,
                ident,
                title,
                *_orders([labels[i] for i in oa], [labels[i] for i in ob]),
                element=("@order", ident),
                paths=((),),
                order_of=("position",),
            )
        for i in {*oa, *ob}:  # positions only order the elements; the order is compared above
            self.explain((kind, i), ("position",), ("signature", "position"))

    def contract(self) -> None:
        o, n = self.old.contract, self.new.contract
        element = (Kind.CONTRACT, "contrat")
        if o["version"] != n["version"]:
            self.add(
                Level.EDITORIAL,
                Kind.CONTRACT,
                Action.CHANGED,
                "version",
                Words(Term.VERSION),
                o["version"],
                n["version"],
                element=element,
                paths=(("version",),),
            )
        if o["status"] != n["status"]:
            self.add(
                Level.EDITORIAL,
                Kind.CONTRACT,
                Action.CHANGED,
                "status",
                Words(Term.STATUS),
                Status(o["status"]),
                Status(n["status"]),
                element=element,
                paths=(("status",),),
            )
        for key in CONTRACT_TERMS:
            if not _same_raw(o.get(key, ABSENT), n.get(key, ABSENT)):
                self.add(
                    Level.AMENDMENT,
                    Kind.CONTRACT,
                    Action.CHANGED,
                    key,
                    Words(Term.CONTRACT_FIELD, (key,)),
                    Flat(as_read(o.get(key))),
                    Flat(as_read(n.get(key))),
                    element=element,
                    paths=((key,),),
                )
        fo, fn = o.get("foreword") or {}, n.get("foreword") or {}

        def text(f):
            return "\n".join(filter(None, [shown_text(f.get("title", "")), blocks_shown_text(f.get("body"))]))

        if text(fo) != text(fn):
            self.add(
                Level.AMENDMENT,
                Kind.FOREWORD,
                Action.CHANGED,
                "avant-propos",
                _titled(fn, "title", Term.FOREWORD),
                text(fo),
                text(fn),
                paths=(("title",), ("body",)),
            )

    def articles(self) -> None:
        old = {a["id"]: a for a in self.old.articles}
        new = {a["id"]: a for a in self.new.articles}
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            sa, sb = self.old_section, self.new_section
            if a is None:
                self.add(
                    Level.AMENDMENT, Kind.ARTICLE, Action.ADDED, ident, _article_title(b), None, _article_text(b, sb)
                )
            elif b is None:
                self.add(
                    Level.AMENDMENT, Kind.ARTICLE, Action.REMOVED, ident, _article_title(a), _article_text(a, sa), None
                )
            else:
                # Part by part, sub-articles by id: a reorder alone is reported as a reorder. A change in a
                # sub-article is located there, under its own number and title.
                pa, pb = _article_parts(a, sa), _article_parts(b, sb)
                differ = [k for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k)]
                own = [k for k in differ if k in _ARTICLE_PATHS]
                if own:
                    self.add(
                        Level.AMENDMENT,
                        Kind.ARTICLE,
                        Action.CHANGED,
                        ident,
                        _article_title(b),
                        _article_own_text(pa),
                        _article_own_text(pb),
                        paths=tuple(p for k in own for p in _ARTICLE_PATHS[k]),
                    )
                sections = {s["id"]: s for s in [*a.get("sections", []), *b.get("sections", [])]}
                for key in (k for k in pb if k in differ and k not in own):
                    self.sub_article(ident, sections[key[1][1]], pa.get(key), pb[key], key)
                for key in (k for k in pa if k in differ and k not in own and k not in pb):
                    self.sub_article(ident, sections[key[1][1]], pa[key], None, key)

    def sub_article(self, article: str, section: dict, old: str | None, new: str | None, path: tuple) -> None:
        self.add(
            Level.AMENDMENT,
            Kind.ARTICLE,
            Action.ADDED if old is None else Action.REMOVED if new is None else Action.CHANGED,
            section["id"],
            Words(Term.SUB_ARTICLE, (section["number"], shown_text(section["title"]))),
            old,
            new,
            element=(Kind.ARTICLE, article),
            paths=(path,),
        )

    def signatories(self) -> None:
        old = {s["id"]: s for s in self.old.signatories}
        new = {s["id"]: s for s in self.new.signatories}
        t = shown_text
        K, L, A = Kind, Level, Action
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            if a is None:
                self.add(L.AMENDMENT, K.SIGNATORY, A.ADDED, ident, t(b["organisation"]), None, _signers(b))
            elif b is None:
                self.add(L.AMENDMENT, K.SIGNATORY, A.REMOVED, ident, t(a["organisation"]), _signers(a), None)
            else:
                sa, sb = a["signature"]["signers"], b["signature"]["signers"]
                if sa != sb and sorted(map(_canon, sa)) == sorted(map(_canon, sb)):
                    self.add(
                        L.REPRESENTATIVE,
                        K.SIGNATORY,
                        A.REORDERED,
                        ident,
                        t(b["organisation"]),
                        *_orders(_signers(a, None), _signers(b, None)),
                        element=(K.SIGNATORY, ident),
                        paths=(("signature", "signers"),),
                        order_of=("signature", "signers"),
                    )
                elif _signers(a) != _signers(b):
                    self.add(
                        L.REPRESENTATIVE,
                        K.SIGNATORY,
                        A.CHANGED,
                        ident,
                        t(b["organisation"]),
                        _signers(a),
                        _signers(b),
                        detail=Words(Term.SIGNER),
                        paths=(("signature", "signers"),),
                    )
                if (a["organisation"], a["group"], a.get("commitment")) != (
                    b["organisation"],
                    b["group"],
                    b.get("commitment"),
                ):
                    self.add(
                        L.AMENDMENT,
                        K.SIGNATORY,
                        A.CHANGED,
                        ident,
                        t(b["organisation"]),
                        _membership(a),
                        _membership(b),
                        paths=(("organisation",), ("group",), ("commitment",)),
                    )

        def position(s):
            return s["signature"]["position"]

        self.order(
            K.SIGNATORY,
            "signatures",
            Words(Term.SIGNATURES_PAGE),
            sorted(self.old.signatories, key=position),
            sorted(self.new.signatories, key=position),
            lambda s: t(s["organisation"]),
        )

    def neighbourhoods(self) -> None:
        old = {x["id"]: x for x in self.old.neighbourhoods}
        new = {x["id"]: x for x in self.new.neighbourhoods}
        t = shown_text
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            if a is None or b is None:
                present = a or b
                self.add(
                    Level.AMENDMENT,
                    Kind.NEIGHBOURHOOD,
                    Action.ADDED if a is None else Action.REMOVED,
                    ident,
                    Words(Term.NEIGHBOURHOOD_IN, (t(present["name"]), t(present["commune"]))),
                    None if a is None else NeighbourhoodKind(present["kind"]),
                    NeighbourhoodKind(present["kind"]) if a is None else None,
                )
            elif _identity(a) != _identity(b):
                self.add(
                    Level.AMENDMENT,
                    Kind.NEIGHBOURHOOD,
                    Action.CHANGED,
                    ident,
                    t(b["name"]),
                    _identity(a),
                    _identity(b),
                    paths=(("name",), ("kind",), ("commune",), ("qpv_code",)),
                )
            self.portrait(a or {}, b or {})
            self.project(a or {}, b or {})
        self.priorities(old, new)

    def portrait(self, a: dict, b: dict) -> None:
        hood = b or a
        name = shown_text(hood["name"])
        K, L, A = Kind, Level, Action
        pa, pb = a.get("portrait") or {}, b.get("portrait") or {}
        if bool(a.get("portrait")) != bool(b.get("portrait")):
            self.explain((K.PORTRAIT, hood["id"]), ())
        ia = {i["id"]: i for i in pa.get("indicators", [])}
        ib = {i["id"]: i for i in pb.get("indicators", [])}
        for ident in sorted(ia.keys() | ib.keys()):
            x, y = ia.get(ident), ib.get(ident)
            key = f"{hood['id']}/{ident}"
            title = Words(Term.WITHIN, (name, shown_text((y or x)["label"])))
            if x is None:
                self.add(L.ROUTINE, K.INDICATOR, A.ADDED, key, title, None, _observation(y, y["observations"][-1]))
                continue
            if y is None:
                self.add(L.COMMITTEE, K.INDICATOR, A.REMOVED, key, title, _observation(x, x["observations"][-1]), None)
                continue
            old_obs = {(o["period"], o.get("source")): o for o in x["observations"]}
            new_obs = {(o["period"], o.get("source")): o for o in y["observations"]}
            explains = {"paths": (("observations",),)}
            for k, obs in new_obs.items():
                if k not in old_obs:
                    self.add(
                        L.ROUTINE,
                        K.INDICATOR,
                        A.OBSERVATION,
                        key,
                        title,
                        _observation(x, x["observations"][-1]),
                        _observation(y, obs),
                        **explains,
                    )
                elif old_obs[k] != obs:
                    others = [
                        f for f in {**old_obs[k], **obs} if f not in ("value", "period", "source", "explicit_sign")
                    ]

                    def extra(o, others=others):
                        return tuple((f, Raw(as_read(o.get(f, ABSENT)))) for f in others)

                    # Comparison values (commune, EPCI...) as well, when they changed.
                    changed = extra(old_obs[k]) != extra(obs)
                    before = _observation(x, old_obs[k], extra(old_obs[k]) if changed else None)
                    after = _observation(y, obs, extra(obs) if changed else None)
                    self.add(
                        L.ROUTINE,
                        K.INDICATOR,
                        A.CHANGED,
                        key,
                        title,
                        before,
                        after,
                        detail=Words(Term.CORRECTED),
                        **explains,
                    )
            for k, obs in old_obs.items():
                if k not in new_obs:
                    self.add(
                        L.COMMITTEE,
                        K.INDICATOR,
                        A.REMOVED,
                        key,
                        title,
                        _observation(x, obs),
                        None,
                        **explains,
                        detail=Words(Term.OBSERVATION_REMOVED),
                    )
        # Rubriques by id: the text of those that changed; a reorder alone is reported as a reorder.
        sa = {s["id"]: s for s in pa.get("sections", [])}
        sb = {s["id"]: s for s in pb.get("sections", [])}

        def section(s):
            return f"{shown_text(s['title'])}\n{blocks_shown_text(s['blocks'])}"

        differ = [i for i in sa.keys() | sb.keys() if (i in sa) != (i in sb) or section(sa[i]) != section(sb[i])]
        if differ:
            text_a = "\n".join(section(s) for s in pa.get("sections", []))
            text_b = "\n".join(section(s) for s in pb.get("sections", []))
            self.add(
                L.ROUTINE,
                K.PORTRAIT,
                A.ADDED if not pa else A.REMOVED if not pb else A.CHANGED,
                hood["id"],
                Words(Term.PORTRAIT, (name,)),
                text_a or None,
                text_b or None,
                paths=tuple(("sections", ("id", i)) for i in differ) if pa and pb else ((),),
            )

    def project(self, a: dict, b: dict) -> None:
        hood = b or a
        name = shown_text(hood["name"])
        pa, pb = a.get("project") or {}, b.get("project") or {}

        def head(p):
            return "\n".join(
                filter(
                    None,
                    [
                        shown_text(p.get("title", "")),
                        shown_text(p.get("priorities_heading", "")),
                        blocks_shown_text(p.get("introduction")),
                    ],
                )
            )

        if bool(a.get("project")) != bool(b.get("project")):
            self.explain((Kind.PROJECT, hood["id"]), ())
        if head(pa) != head(pb):
            self.add(
                Level.COMMITTEE,
                Kind.PROJECT,
                Action.ADDED if not pa else Action.REMOVED if not pb else Action.CHANGED,
                hood["id"],
                Words(Term.PROJECT, (name,)),
                head(pa) or None,
                head(pb) or None,
                paths=(("title",), ("priorities_heading",), ("introduction",)),
            )
        ta = {t["id"]: t for t in pa.get("themes", [])}
        tb = {t["id"]: t for t in pb.get("themes", [])}
        self.keyed(
            Kind.THEME,
            Level.COMMITTEE,
            ta,
            tb,
            lambda t: Words(Term.WITHIN, (name, shown_text(t["title"]))),
            lambda t: shown_text(t["title"]) + "\n" + blocks_shown_text(t.get("intro")),
            fields=(("title",), ("intro",)),
        )

    def priorities(self, old: dict, new: dict) -> None:
        pa, pb = _priorities(old, self.old), _priorities(new, self.new)
        K, L, A = Kind, Level, Action
        for ident in sorted(pa.keys() | pb.keys()):
            x, y = pa.get(ident), pb.get(ident)
            if x is None:
                self.add(L.COMMITTEE, K.PRIORITY, A.ADDED, ident, y["where"], None, _priority_text(y))
            elif y is None:
                self.add(L.COMMITTEE, K.PRIORITY, A.REMOVED, ident, x["where"], _priority_text(x), None)
            else:
                moved = (x["neighbourhood"], x["theme"]) != (y["neighbourhood"], y["theme"])
                self.moved_or_reworded(K.PRIORITY, Term.MOVED_PRIORITY, ident, x, y, moved)
                if (x["objectives"], x["devices"]) != (y["objectives"], y["devices"]):
                    self.add(
                        L.COMMITTEE,
                        K.PRIORITY,
                        A.CHANGED,
                        ident,
                        y["where"],
                        _links(x),
                        _links(y),
                        detail=Words(Term.LINKS),
                        paths=(("objectives",), ("devices",)),
                    )
                # Each structured field on its own, compared as typed (ids, not the names they show: a
                # signatory renamed is its own change); shown as readers read it.
                for f in STRATEGY_FIELDS:
                    fx, fy = x["fields"].get(f, ABSENT), y["fields"].get(f, ABSENT)
                    if neutral(fx) != neutral(fy):
                        self.add(
                            L.COMMITTEE,
                            K.PRIORITY,
                            A.CHANGED,
                            ident,
                            y["where"],
                            x["shown"].get(f),
                            y["shown"].get(f),
                            detail=Words(Term.STRATEGY_FIELD, (f,)),
                            paths=((f,),),
                        )
        self.items(old, new)

    def moved_or_reworded(self, kind: Kind, moved_term: Term, ident: str, x: dict, y: dict, moved: bool) -> None:
        """A priority or an item kept under its id: moved to another parent, reworded, or both."""
        if moved:
            self.add(
                Level.COMMITTEE,
                kind,
                Action.MOVED,
                ident,
                y["where"],
                x["where"],
                y["where"],
                detail=Words(moved_term, (x["where"], y["where"])),
                paths=(PARENT,),
                text=y["text"],
            )
        if x["text"] != y["text"]:
            self.add(
                Level.COMMITTEE, kind, Action.REWORDED, ident, y["where"], x["text"], y["text"], paths=(("text",),)
            )

    def items(self, old: dict, new: dict) -> None:
        """The items under the priorities (level 3), by id: added, removed, moved, reworded."""
        ia, ib = _items(old), _items(new)
        K, L, A = Kind, Level, Action
        for ident in sorted(ia.keys() | ib.keys()):
            x, y = ia.get(ident), ib.get(ident)
            if x is None:
                self.add(L.COMMITTEE, K.ITEM, A.ADDED, ident, y["where"], None, y["text"])
            elif y is None:
                self.add(L.COMMITTEE, K.ITEM, A.REMOVED, ident, x["where"], x["text"], None)
            else:
                self.moved_or_reworded(K.ITEM, Term.MOVED_ITEM, ident, x, y, x["priority"] != y["priority"])

    # --- the second pass: every field of every element ---------------------------------------------

    def catch_all(self) -> None:
        old, new = _elements(self.old), _elements(self.new)
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            done = self.explained.get(key, set())
            if () in done:
                continue
            el = b or a
            if a is None or b is None:
                self.add(
                    el.level,
                    el.kind,
                    Action.ADDED if a is None else Action.REMOVED,
                    el.id,
                    el.title,
                    None if a is None else self.listing(a),
                    self.listing(b) if a is None else None,
                    element=key,
                )
                continue
            if a.parent != b.parent and not _covered(PARENT, done):
                self.add(
                    el.level,
                    el.kind,
                    Action.MOVED,
                    el.id,
                    b.title,
                    a.where,
                    b.where,
                    detail=Words(Term.MOVED, (a.where, b.where)),
                    element=key,
                    paths=(PARENT,),
                    text=b.label,
                )
            for name in sorted(a.children.keys() & b.children.keys()):
                ca, cb = a.children[name], b.children[name]
                if [k for k in ca if k in cb] != [k for k in cb if k in ca] and not _covered((name,), done):

                    def labels(ks, els):
                        return [els[k].label for k in ks]

                    self.reorder(b, (name,), labels(ca, old), labels(cb, new))
            leaves: dict[Level, list] = {}
            for what, path, x, y in raw_diff(a.raw, b.raw):
                if _covered(path, done):
                    continue
                if what == "order":
                    self.reorder(b, path, [_item_label(i) for i in x], [_item_label(i) for i in y])
                else:
                    leaves.setdefault(FIELD_LEVELS.get((el.kind, path[0]), el.level), []).append((path, x, y))
            for level, items in leaves.items():
                self.add(
                    level,
                    el.kind,
                    Action.CHANGED,
                    el.id,
                    b.title,
                    Fields(tuple((p, as_read(x)) for p, x, _ in items)),
                    Fields(tuple((p, as_read(y)) for p, _, y in items)),
                    detail=Words(Term.FIELDS, (tuple(p for p, _, _ in items),)),
                    element=key,
                    paths=(),
                )

    def reorder(self, el: _Element, path: tuple, old_labels: list, new_labels: list) -> None:
        self.add(
            el.level,
            el.kind,
            Action.REORDERED,
            el.id,
            el.title,
            *_orders(old_labels, new_labels),
            element=(el.kind, el.id),
            paths=(),
            order_of=path,
        )

    def listing(self, el: _Element):
        items = tuple((p, as_read(v)) for _, p, _, v in raw_diff({}, el.raw))
        return Fields(items) if items else el.title


def _figure_changed(a: dict, b: dict) -> bool:
    return not _same(a["value"], b["value"]) or a["unit"] != b["unit"]


def _figure_uses(corpus: Corpus) -> dict[str, list[Phrase]]:
    """Figure id -> the elements whose texts cite it, in the comparison's order of elements."""
    uses: dict[str, list[Phrase]] = {}
    for (kind, _), el in _elements(corpus).items():
        if kind is Kind.FIGURE:
            continue
        for ident in dict.fromkeys(REFERENCE.findall(_canon(el.raw))):
            uses.setdefault(ident, []).append(el.title)
    return uses


def compare(old: Corpus, new: Corpus) -> Comparison:
    """Every change from `old` to `new`, in the order found (cdv.diffrender sorts them for readers).

    Both versions' texts are read with the newer version's figures (the older's for a figure it no longer
    has): a figure whose value changes is one change, at the figure, not one more in every text citing it."""
    table = {**old.figures, **new.figures}
    with figures(table):
        changes = _Comparer(old, new).run()
    return Comparison(changes, str(Path(new.root) / "schemas"), old.contract, new.contract, table)
