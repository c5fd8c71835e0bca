"""The validated contract as one object, with the lookups and derived values the outputs need.

Derived values (counts, totals, reverse links) are computed here, never stored in the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidSources
from .indicators import period_year
from .labels import STRATEGY_FIELDS
from .shape import Shape
from .text import sort_key
from .validate import validate_project


@dataclass(frozen=True)
class StrategyEntry:
    """One entry of a priority's structured field, as every output shows it."""

    text: str  # the signatory's organisation, the device's name, the indicator's label, or the text typed
    target: str | None  # "signatory", "device" or "indicator" when it names one of the contract's
    ident: str | None  # the id of that element
    typed: bool  # typed in place ({name: …}, {text: …}, a criterion): contributor text, emphasis allowed


# What the ids of each structured field name; criteria are texts.
_FIELD_TARGETS = {"lead": "signatory", "partners": "signatory", "levers": "device", "funding": "device",
                  "indicators": "indicator"}  # fmt: skip


@dataclass
class Corpus:
    root: Path
    contract: dict
    articles: list[dict]
    objectives: dict
    signatory_groups: list[dict]
    signatories: list[dict]
    commitments: list[dict]
    devices: list[dict]
    social_centres: dict
    neighbourhoods: list[dict]
    glossary: list[dict] = field(default_factory=list)
    # contract/figures.yml: the amounts and figures texts cite as [[id]] (cdv.text resolves them), by id.
    figures: dict[str, dict] = field(default_factory=dict)
    # contract/amendments/<n>.yml, by number: the avenants, each with its own signature (the contract's never
    # changes), its signatories, the comité de pilotage decisions it records and the elements it changes.
    amendments: list[dict] = field(default_factory=list)
    # actions/*.yml, every action of every year, each with its programmation's `year` and its `source` (its
    # own, else its file's) added: the follow-up of the contract (cdv.followup).
    actions: list[dict] = field(default_factory=list)
    # actions/*.yml as written, by year (the open data publishes them as documents, cdv.opendata).
    action_files: list[dict] = field(default_factory=list)
    # reports/<year>.yml by year: what each annual report says beyond the data (cdv.followup).
    reports: list[dict] = field(default_factory=list)
    source_of: dict[int, str] = field(default_factory=dict)  # id(document) -> repo-relative YAML path
    single_sources: dict[str, str] = field(default_factory=dict)  # kind of single file -> its path

    @property
    def shape(self) -> Shape:
        """The contract's own shape: kinds of neighbourhood, numbered titles, annexes (cdv.shape)."""
        return Shape(self.contract)

    # --- lookups -------------------------------------------------------------------------------
    def source(self, document: dict) -> str:
        return self.source_of[id(document)]

    def neighbourhoods_of_kind(self, kind: str) -> list[dict]:
        return [n for n in self.neighbourhoods if n["kind"] == kind]

    def neighbourhood(self, ident: str) -> dict:
        """The neighbourhood of this id (KeyError if none)."""
        return self.neighbourhoods_by_id()[ident]

    def neighbourhoods_by_id(self) -> dict[str, dict]:
        """Every neighbourhood by its id: an index, since every action shown names its neighbourhoods and a
        national corpus has a thousand of them. Built again if the list is replaced or grows."""
        from .followup import per_corpus  # followup is imported by validate, which this module imports

        stamp = (id(self.neighbourhoods), len(self.neighbourhoods))
        return per_corpus(self, "neighbourhoods-by-id", stamp, lambda: {n["id"]: n for n in self.neighbourhoods})

    def device(self, ident: str) -> dict:
        return next(d for d in self.devices if d["id"] == ident)

    def commitment(self, ident: str) -> dict:
        return next(c for c in self.commitments if c["id"] == ident)

    def article(self, ident: str) -> dict:
        return next(a for a in self.articles if a["id"] == ident)

    def part(self, ident: str) -> dict:
        return next(p for p in self.contract["parts"] if p["id"] == ident)

    def objective(self, ident: str) -> tuple[dict, dict]:
        """(axis, objective) of a common-base objective id."""
        for axis in self.objectives.get("axes", []):
            for objective in axis["objectives"]:
                if objective["id"] == ident:
                    return axis, objective
        raise KeyError(ident)

    def signatories_in_signature_order(self) -> list[dict]:
        return sorted(self.signatories, key=lambda s: s["signature"]["position"])

    def signatories_of(self, commitment_id: str) -> list[dict]:
        return [s for s in self.signatories if s.get("commitment") == commitment_id]

    def group_title(self, ident: str) -> str:
        return next(g["title"] for g in self.signatory_groups if g["id"] == ident)

    def centres_of(self, neighbourhood_id: str) -> list[dict]:
        return [c for c in self.social_centres.get("centres", []) if neighbourhood_id in c["neighbourhoods"]]

    def priorities_using_device(self, device_id: str) -> list[tuple[dict, dict]]:
        return [(n, p) for n in self.neighbourhoods for p in priorities(n) if device_id in p.get("devices", [])]

    def priorities_serving(self, objective_id: str) -> list[tuple[dict, dict]]:
        return [(n, p) for n in self.neighbourhoods for p in priorities(n) if objective_id in p.get("objectives", [])]

    def amendment(self, number: int) -> dict:
        return next(a for a in self.amendments if a["number"] == number)

    def signed_amendments(self) -> list[dict]:
        """The avenants signed so far, oldest first: the contract as signed, then modified by each."""
        return [a for a in self.amendments if a["status"] == "signed"]

    def amendment_for(self, version: str) -> dict | None:
        """The avenant that establishes `version` of the contract (its `version`), if any."""
        return next((a for a in self.amendments if a["version"] == version), None)

    def block(self, article_id: str, block_id: str) -> dict:
        from .validate import _walk_blocks

        return next(b for b in _walk_blocks(self.article(article_id)) if b.get("id") == block_id)

    def block_section(self, article_id: str, block_id: str) -> str:
        """Number of the (sub-)article that holds a block, e.g. '9.2'."""
        from .validate import _walk_blocks

        article = self.article(article_id)
        for section in article.get("sections", []):
            if any(b.get("id") == block_id for b in _walk_blocks(section)):
                return section["number"]
        return str(article["number"])

    # --- the structured fields of a priority (lead, partners, levers, funding, indicators) -----------
    def party(self, ref) -> tuple[str, str | None]:
        """(name shown, signatory id or None) of a lead or partner: a signatory's id, or {name: …}. An id
        the contract does not have (validation names it) is shown as typed."""
        if isinstance(ref, str):
            found = next((s for s in self.signatories if s["id"] == ref), None)
            return (found["organisation"], ref) if found else (ref, None)
        return ref["name"], None

    def means(self, ref) -> tuple[str, str | None]:
        """(name shown, device id or None) of a lever or a funding: a device's id, or {text: …}. An id the
        contract does not have is shown as typed."""
        if isinstance(ref, str):
            found = next((d for d in self.devices if d["id"] == ref), None)
            return (found["name"], ref) if found else (ref, None)
        return ref["text"], None

    def strategy_entries(self, neighbourhood: dict, priority: dict) -> list[tuple[str, list[StrategyEntry]]]:
        """The structured fields a priority has, in print order (labels.STRATEGY_FIELDS), each with its
        entries resolved: the site, the PDF, the diff and the open data show them from here."""
        out = []
        for key in STRATEGY_FIELDS:
            if key in priority:
                given = priority[key]
                values = given if isinstance(given, list) else [given]
                out.append((key, [self._strategy_entry(key, v, neighbourhood) for v in values]))
        return out

    def _strategy_entry(self, key: str, value, neighbourhood: dict) -> StrategyEntry:
        if isinstance(value, dict) or key not in _FIELD_TARGETS:
            text = value if isinstance(value, str) else value.get("name", value.get("text", ""))
            return StrategyEntry(text, None, None, typed=True)
        if key == "indicators":
            found = indicator(neighbourhood, value)
            text, ident = (found["label"], value) if found else (value, None)
        else:
            text, ident = self.party(value) if _FIELD_TARGETS[key] == "signatory" else self.means(value)
        return StrategyEntry(text, _FIELD_TARGETS[key] if ident else None, ident, typed=False)

    # --- derived values ------------------------------------------------------------------------
    def common_priority_count(self) -> int:
        return sum(len(o["priorities"]) for a in self.objectives.get("axes", []) for o in a["objectives"])


def priorities(neighbourhood: dict) -> list[dict]:
    project = neighbourhood.get("project") or {}
    return [p for theme in project.get("themes", []) for p in theme["priorities"]]


def priority_count(neighbourhood: dict) -> int:
    return len(priorities(neighbourhood))


def indicator(neighbourhood: dict, ident: str) -> dict | None:
    for ind in (neighbourhood.get("portrait") or {}).get("indicators", []):
        if ind["id"] == ident:
            return ind
    return None


def indicator_label(neighbourhood: dict, ident: str) -> str:
    """The label of one of the neighbourhood's portrait indicators (a priority's `indicators`)."""
    found = indicator(neighbourhood, ident)
    if found is None:
        raise KeyError(ident)  # validation refuses an indicator the portrait does not have
    return found["label"]


def latest(ind: dict) -> dict:
    """The most recent observation: observations are kept oldest first."""
    return ind["observations"][-1]


def population(neighbourhood: dict) -> dict | None:
    ind = indicator(neighbourhood, "population")
    return latest(ind) if ind else None


def load_corpus(root: Path) -> Corpus:
    """Validate the project and return it as a Corpus; raises InvalidSources with every error."""
    root = Path(root)
    files, errors = validate_project(root)
    if errors:
        raise InvalidSources(errors)
    return corpus_from_files(root, files)


def corpus_from_files(root: Path, files) -> Corpus:
    """The Corpus of validated source files."""
    by_kind: dict[str, list] = {}
    for f in files:
        by_kind.setdefault(f.kind, []).append(f)
    one = lambda kind: by_kind[kind][0].data if kind in by_kind else {}  # noqa: E731
    signatories = one("signatories")
    kind_order = Shape(one("contract")).kind_ids
    corpus = Corpus(
        root=root,
        contract=one("contract"),
        articles=sorted((f.data for f in by_kind.get("article", [])), key=lambda a: a["number"]),
        objectives=one("objectives"),
        signatory_groups=signatories.get("groups", []),
        signatories=signatories.get("signatories", []),
        commitments=sorted((f.data for f in by_kind.get("commitment", [])), key=lambda c: c["position"]),
        devices=sorted(
            (f.data for f in by_kind.get("device", [])), key=lambda d: sort_key(d.get("acronym") or d["name"])
        ),
        social_centres=one("social-centres"),
        neighbourhoods=sorted(
            (f.data for f in by_kind.get("neighbourhood", [])),
            key=lambda n: (
                kind_order.index(n["kind"]) if n["kind"] in kind_order else len(kind_order),
                sort_key(n["name"]),
            ),
        ),
        glossary=sorted(one("glossary").get("terms", []), key=lambda t: sort_key(t["term"])),
        amendments=sorted((f.data for f in by_kind.get("amendment", [])), key=lambda a: a["number"]),
        figures={f["id"]: f for f in one("figures").get("figures", [])},
    )
    corpus.source_of = {id(f.data): f.rel for f in files}
    for f in sorted(by_kind.get("actions", []), key=lambda f: (f.data["year"], f.rel)):
        corpus.action_files.append(f.data)
        for action in f.data["actions"]:
            given = {"source": f.data["source"]} if "source" in f.data else {}
            entry = {**given, **action, "year": f.data["year"]}
            corpus.actions.append(entry)
            corpus.source_of[id(entry)] = f.rel
    corpus.reports = sorted((f.data for f in by_kind.get("report", [])), key=lambda r: r["year"])
    corpus.single_sources = {
        f.kind: f.rel
        for f in files
        if f.kind in ("contract", "objectives", "signatories", "social-centres", "glossary", "figures")
    }
    return corpus


_CACHE: dict[Path, tuple[tuple, Corpus]] = {}


def _fingerprint(root: Path) -> tuple:
    # Every entry of the source folders, not only the sources read: a link, a misnamed file or a file in a
    # misspelt folder added while `cdv serve` runs must reach the preview as an error, not hit the cache.
    from .sources import tree_state

    schemas: list[tuple] = []
    for p in sorted((root / "schemas").glob("*.json")):
        try:
            info = p.stat()
            schemas.append((p.name, info.st_mtime_ns, info.st_size))
        except OSError:
            schemas.append((p.name,))
    return tree_state(root), tuple(schemas)


def load_corpus_cached(root: Path) -> Corpus:
    """load_corpus, reused while no source file changed (MkDocs and mkdocs-macros both need it)."""
    root = Path(root).resolve()
    key = _fingerprint(root)
    cached = _CACHE.get(root)
    if cached and cached[0] == key:
        return cached[1]
    corpus = load_corpus(root)
    _CACHE[root] = (key, corpus)
    return corpus


_INSEE = re.compile(r"recensement|\bRP\b|FILOSOFI|INSEE|RPLS?\b|Fideli", re.I)


def data_years(neighbourhood: dict) -> tuple[str, str] | None:
    """The oldest and newest years among the latest observations of a portrait ("données de … à …")."""
    # A period such as "2013-2018" or "2020-2021" is dated by its last year.
    dated = (period_year(latest(ind)["period"]) for ind in (neighbourhood.get("portrait") or {}).get("indicators", []))
    years = sorted(year for year in dated if year is not None)
    return (str(years[0]), str(years[-1])) if years else None


def uses_insee_small_areas(neighbourhood: dict) -> bool:
    """Whether the portrait shows figures of the statistical system on a small area (INSEE caveats apply)."""
    return any(
        _INSEE.search(latest(ind).get("source", ""))
        for ind in (neighbourhood.get("portrait") or {}).get("indicators", [])
    )
