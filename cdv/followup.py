"""The contract after its signature: the actions of each year, the measures followed, the annual reports.

Sources: `actions/*.yml` (a year's programmation: who carries each action, where, for which priorities and
measures, funded by whom, how far it is), the `measure` blocks of the devices (a pacte's or a plan's
commitments, with their pilot and status) and `reports/<year>.yml` (what an annual report says beyond the
data: its state, its outlook, the conseils citoyens' opinions). Every total is computed here, never typed.

`reference_errors` is the cross-file check `cdv validate` runs (called from cdv.validate's `_RefChecker`);
the rest is the model the pages, the open data, the CSV exchange and the report read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .checkcache import universe_digest
from .text import cents, fr_date

if TYPE_CHECKING:
    from .corpus import Corpus
    from .sources import SourceFile


# --- the model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A measure block of a device: a commitment followed with its pilot and status."""

    device: dict
    block: dict

    @property
    def id(self) -> str:
        return self.block["id"]


@dataclass(frozen=True)
class FundingLine:
    action: dict
    funder: object  # a signatory id, {name: …}, or None when the source gives the amount without its funder
    amount: float
    year: int | None  # None when the source gives no year
    per_year: bool


def measures(corpus: Corpus) -> list[Measure]:
    """Every measure of the devices, in the devices' order and their text's order."""
    return list(_measures(corpus))


def _measures(corpus: Corpus) -> tuple[Measure, ...]:
    from .validate import _walk_blocks

    return per_corpus(
        corpus,
        "measures",
        (id(corpus.devices), len(corpus.devices)),
        lambda: tuple(Measure(d, b) for d in corpus.devices for b in _walk_blocks(d) if "measure" in b),
    )


def measures_by_id(corpus: Corpus) -> dict[str, Measure]:
    """The measures by id (validation makes an id one measure's), built once per corpus."""
    return per_corpus(
        corpus,
        "measures-by-id",
        (id(corpus.devices), len(corpus.devices)),
        lambda: {m.id: m for m in _measures(corpus)},
    )


def measure(corpus: Corpus, ident: str) -> Measure:
    return measures_by_id(corpus)[ident]


def actions_in(corpus: Corpus, neighbourhood_id: str) -> list[dict]:
    return list(_index(corpus, "neighbourhoods", lambda a: a["neighbourhoods"]).get(neighbourhood_id, ()))


def actions_for_measure(corpus: Corpus, measure_id: str) -> list[dict]:
    return list(_index(corpus, "measures", lambda a: a.get("measures", [])).get(measure_id, ()))


def actions_carried_by(corpus: Corpus, signatory_id: str) -> list[dict]:
    index = _index(corpus, "porteurs", lambda a: [a["porteur"]] if isinstance(a.get("porteur"), str) else [])
    return list(index.get(signatory_id, ()))


def action_by_id(corpus: Corpus, ident: str) -> dict | None:
    return per_corpus(
        corpus, "by-id", (id(corpus.actions), len(corpus.actions)), lambda: {a["id"]: a for a in corpus.actions}
    ).get(ident)


def shown_year(corpus: Corpus, neighbourhood_id: str) -> int | None:
    """The year of programmation a neighbourhood's page shows in full: its latest. Each earlier year has a
    page of its own (earlier_years), so that a page holds one year's actions whatever the years."""
    years = neighbourhood_years(corpus, neighbourhood_id)
    return years[0] if years else None


def neighbourhood_years(corpus: Corpus, neighbourhood_id: str) -> list[int]:
    """The years of a neighbourhood's actions, latest first."""
    return per_corpus(
        corpus,
        "years",
        (id(corpus.actions), len(corpus.actions)),
        lambda: {
            nid: sorted({a["year"] for a in actions}, reverse=True)
            for nid, actions in _index(corpus, "neighbourhoods", lambda a: a["neighbourhoods"]).items()
        },
    ).get(neighbourhood_id, [])


def _index(corpus: Corpus, name: str, keys_of) -> dict[str, list[dict]]:
    """The actions by neighbourhood, funder or measure, in the corpus's order, built once per corpus: a page
    per neighbourhood (or signatory) that scanned every action would make a national corpus's build
    quadratic (1,362 neighbourhoods × 476,700 actions). Rebuilt if the list of actions is another one or
    has grown (tests build corpora by hand)."""

    return per_corpus(corpus, name, (id(corpus.actions), len(corpus.actions)), lambda: grouped(corpus.actions, keys_of))


def grouped(actions: list[dict], keys_of) -> dict[str, list[dict]]:
    """The actions under each key `keys_of` gives them (a neighbourhood, a priority, a funder), in the
    actions' order, each once per key whatever its lines: one pass over the actions, not one per key."""
    groups: dict[str, list[dict]] = {}
    for action in actions:
        for key in dict.fromkeys(keys_of(action)):
            groups.setdefault(key, []).append(action)
    return groups


def per_corpus(corpus: Corpus, name: str, stamp: tuple, build):
    """`build()` once per corpus and `stamp` (the identity and length of the lists it reads: tests build
    corpora by hand and may replace or grow them)."""
    cache = vars(corpus).setdefault("_followup_index", {})
    entry = cache.get(name)
    if entry is None or entry[0] != stamp:
        entry = cache[name] = (stamp, build())
    return entry[1]


def priority_places(corpus: Corpus) -> dict[str, tuple[int, dict, dict]]:
    """Each neighbourhood-project priority by id: (its rank in the contract's order, its neighbourhood, it)."""
    from .corpus import priorities

    def build() -> dict[str, tuple[int, dict, dict]]:
        found = [(n, p) for n in corpus.neighbourhoods for p in priorities(n)]
        return {p["id"]: (rank, n, p) for rank, (n, p) in enumerate(found)}

    return per_corpus(corpus, "priority-places", (id(corpus.neighbourhoods), len(corpus.neighbourhoods)), build)


def common_priorities_by_id(corpus: Corpus) -> dict[str, dict]:
    """Each common-base priority by id, as the common base holds it."""
    return per_corpus(
        corpus,
        "common-priorities",
        (id(corpus.objectives),),
        lambda: {
            p["id"]: p
            for axis in corpus.objectives.get("axes", [])
            for o in axis["objectives"]
            for p in o["priorities"]
        },
    )


def funding_lines(actions: list[dict]) -> list[FundingLine]:
    return [
        FundingLine(a, f.get("funder"), f["amount"], f.get("year"), bool(f.get("per_year")))
        for a in actions
        for f in a.get("funding", [])
    ]


def funder_key(funder) -> str:
    """What groups the lines of one funder: its signatory id, its name as typed, or "" for none given."""
    if funder is None:
        return ""
    return funder if isinstance(funder, str) else "name:" + funder["name"]


def total(amounts) -> float:
    """A sum of amounts in euros, exact to the cent (summed in cents, cdv.text.cents)."""
    return sum((cents(a) for a in amounts), 0) / 100


def totals_by_year(lines: list[FundingLine]) -> dict[int, float]:
    """The amounts of the lines dated by a year, summed per year, oldest first. A yearly amount the source
    gives with no year (« … € par an ») belongs to no year: it is shown as such, never added."""
    out: dict[int, list] = defaultdict(list)
    for line in lines:
        if line.year is not None:
            out[line.year].append(line.amount)
    return {year: total(amounts) for year, amounts in sorted(out.items())}


def totals_by_funder(lines: list[FundingLine]) -> list[tuple[object, float]]:
    """(funder, total of its dated lines) per funder, largest first; yearly amounts without a year apart."""
    out: dict[str, list] = defaultdict(list)
    funders: dict[str, object] = {}
    for line in lines:
        if line.year is not None:
            key = funder_key(line.funder)
            funders[key] = line.funder
            out[key].append(line.amount)
    return sorted(((funders[k], total(v)) for k, v in out.items()), key=lambda fv: -fv[1])


def action_years(corpus: Corpus) -> list[int]:
    return sorted({a["year"] for a in corpus.actions})


def report(corpus: Corpus, year: int) -> dict | None:
    return next((r for r in corpus.reports if r["year"] == year), None)


# --- the cross-file check --------------------------------------------------------------------------------


@dataclass
class KnownIds:
    """The ids the follow-up refers to; None where the file that defines them is invalid (reported on its
    own), so that one bad file does not make every reference to it an error too."""

    signatories: set | None
    neighbourhoods: set
    priorities: set | None
    devices: set
    measures_complete: bool  # every device file was valid: a measure not found is unknown
    actions_complete: bool  # every action file was valid: a parent not found is unknown
    priority_homes: dict = field(default_factory=dict)  # a project priority's id -> its neighbourhood's
    organisations: dict = field(default_factory=dict)  # a signatory's organisation, casefolded -> its id


def reference_errors(checker, ids: KnownIds) -> None:
    """Every reference of the actions, the measures and the reports, reported through `checker`
    (cdv.validate's _RefChecker)."""
    devices = checker.by_kind.get("device", [])
    measure_entries = []
    for d in devices:
        for pointer, block in checker.blocks(d):
            if "measure" not in block:
                continue
            if "id" not in block:
                checker.error(
                    d,
                    pointer + ("measure",),
                    "une mesure doit avoir un identifiant (id: …) : c'est par lui que les actions la citent "
                    "et que son suivi se compare d'une version à l'autre.",
                    key=True,
                )
            else:
                measure_entries.append((d, pointer + ("id",), block["id"]))
            if "pilot" in block:
                check_party(checker, d, pointer + ("pilot",), block["pilot"], ids.signatories, ids.organisations)
            if "status_date" in block and "status" not in block:
                checker.error(
                    d,
                    pointer + ("status_date",),
                    "une date de statut sans statut : ajoutez « status: » (prevue, en-cours, realisee ou abandonnee).",
                    key=True,
                )
            _real_date(checker, d, pointer + ("status_date",), block.get("status_date"))
    measure_ids = checker.unique(measure_entries, "identifiant de mesure")

    action_files = checker.by_kind.get("actions", [])
    cache = getattr(checker, "cache", None)
    if cache is not None and action_files:
        cache.use_universe(universe_digest(ids, measure_ids))
    entries, parent_rows = [], []
    for f in action_files:
        digest = checker.digests.get(f.rel) if cache is not None else None
        kept = cache.references(f.rel, digest) if cache is not None else None
        if kept is None:
            outer, checker.errors = checker.errors, []
            ids_of, parents_of = _action_file_errors(checker, f, ids, measure_ids)
            found, checker.errors = checker.errors, outer
            if cache is not None:
                cache.keep_references(f.rel, digest, found, ids_of, parents_of)
        else:
            found, ids_of, parents_of = kept
        checker.errors.extend(found)
        entries += [(f, ("actions", i, "id"), ident) for i, ident in ids_of]
        parent_rows += [(f, ("actions", i, "parent"), ident, parent) for i, ident, parent in parents_of]
    # What links the files: an id used twice, a parent in another file, a cycle of parents.
    action_ids = checker.unique(entries, "identifiant d'action")
    parents: dict[str, str] = {}
    for f, pointer, ident, parent in parent_rows:
        if parent == ident:
            checker.error(f, pointer, "une action ne peut pas être sa propre action parente.")
        elif parent not in action_ids and ids.actions_complete:
            checker.unknown(f, pointer, "action", parent, action_ids)
        elif parent in action_ids:
            parents[ident] = parent
    _cycles(checker, {ident: (f, pointer) for f, pointer, ident, _ in parent_rows}, parents)

    for r in checker.by_kind.get("report", []):
        source: SourceFile = r
        if str(source.data["year"]) != source.stem:
            checker.error(
                source,
                ("year",),
                f"l'année « {source.data['year']} » doit être le nom du fichier sans « .yml » : « {source.stem} ».",
            )
        checker.unique(
            [(source, ("opinions", i, "id"), o["id"]) for i, o in enumerate(source.data.get("opinions", []))],
            "identifiant d'avis",
        )
        for i, opinion in enumerate(source.data.get("opinions", [])):
            for j, nid in enumerate(opinion.get("neighbourhoods", [])):
                if nid not in ids.neighbourhoods:
                    checker.unknown(source, ("opinions", i, "neighbourhoods", j), "quartier", nid, ids.neighbourhoods)
        approval = source.data.get("approval")
        submitted = source.data.get("submitted")
        _real_date(checker, source, ("submitted",), submitted)
        if approval:
            _real_date(checker, source, ("approval", "date"), approval["date"])
        if approval and submitted and _before(approval["date"], submitted):
            checker.error(
                source,
                ("approval", "date"),
                f"la délibération du {fr_date(approval['date'])} précède la soumission aux conseils citoyens "
                f"({fr_date(submitted)}) : le rapport est approuvé après leurs avis.",
            )
        if source.data["status"] not in ("soumis", "approuve") and approval:
            checker.error(
                source,
                ("approval",),
                "un rapport approuvé par délibération n'est plus un projet : écrivez « status: approuve ».",
                key=True,
            )
        for i, opinion in enumerate(source.data.get("opinions", [])):
            _real_date(checker, source, ("opinions", i, "date"), opinion["date"])
            if source.data["status"] not in ("soumis", "approuve"):
                checker.error(
                    source,
                    ("opinions", i),
                    "un avis de conseil citoyen porte sur le rapport qui leur a été soumis : un rapport encore en "
                    "projet n'en a pas. Écrivez « status: soumis » et la date de la soumission (submitted).",
                    key=True,
                )
            elif submitted and _before(opinion["date"], submitted):
                checker.error(
                    source,
                    ("opinions", i, "date"),
                    f"l'avis du {fr_date(opinion['date'])} précède la soumission du rapport aux conseils citoyens "
                    f"({fr_date(submitted)}) : un avis est daté du jour où il est rendu, après la soumission.",
                )


def _before(one: str, other: str) -> bool:
    """Whether the date `one` is certainly before `other`, each as precise as it was written ("2030-05" is
    not before "2030-05-01"): compared at the coarser of the two."""
    size = min(len(one), len(other))
    return one[:size] < other[:size]


def _real_date(checker, source, pointer: tuple, value) -> None:
    """A date of the calendar: the schema checks its form, not that « 2023-02-30 » exists."""
    import datetime

    if not isinstance(value, str) or len(value) != 10:
        return
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        checker.error(
            source, pointer, f"la date « {value} » n'existe pas dans le calendrier : corrigez le jour ou le mois."
        )


def check_party(checker, source, pointer, ref, signatory_ids, organisations=None) -> None:
    """A reference to a signatory (a lead, a partner, a pilot, a porteur, a funder): an id the contract has,
    or a name that is no signatory's organisation."""
    if isinstance(ref, dict) and organisations and ref["name"].strip().casefold() in organisations:
        # Named, a signatory would be a stranger to its own page and its totals: it is written by its id.
        ident = organisations[ref["name"].strip().casefold()]
        checker.error(
            source,
            pointer + ("name",),
            f"« {ref['name']} » est un signataire : écrivez son identifiant « {ident} » au lieu de "
            "{ name: … }, pour que ses financements et ses actions comptent sur sa page.",
        )
    if isinstance(ref, str) and signatory_ids is not None and ref not in signatory_ids:
        listed = ", ".join(sorted(signatory_ids)) or "(aucun)"
        checker.error(
            source,
            pointer,
            f"signataire « {ref} » inconnu ; signataires de contract/signatories.yml : {listed}. "
            "Pour un acteur qui n'est pas signataire, écrivez son nom : { name: … }.",
        )


def _dates(checker, source, base: tuple, action: dict, year: int) -> None:
    """What an action's status, progress and status date say of each other."""
    status = action.get("status")
    progress = action.get("progress")
    if status == "realisee" and progress is not None and progress != 100:
        checker.error(
            source,
            base + ("progress",),
            f"une action réalisée (status: realisee) est avancée à 100 %, pas {progress} % : corrigez "
            "l'avancement ou le statut.",
        )
    if status == "prevue" and progress:
        checker.error(
            source,
            base + ("progress",),
            f"une action prévue (status: prevue) n'a pas encore commencé : un avancement de {progress} % "
            "veut dire qu'elle est en cours (status: en-cours).",
        )
    if "status_date" in action and "status" not in action:
        checker.error(
            source,
            base + ("status_date",),
            "une date de statut sans statut : ajoutez « status: » (prevue, en-cours, realisee ou abandonnee).",
            key=True,
        )


def _action_file_errors(checker, f, ids: KnownIds, measure_ids: set) -> tuple[list, list]:
    """What one actions file's references give against the rest of the project, reported through
    `checker`; returns its actions' [index, id] and [index, id, parent] (checked between files)."""
    ids_of, parents = [], []
    for i, a in enumerate(f.data["actions"]):
        ids_of.append([i, a["id"]])
        base = ("actions", i)
        if "porteur" in a:
            check_party(checker, f, base + ("porteur",), a["porteur"], ids.signatories, ids.organisations)
        for j, nid in enumerate(a["neighbourhoods"]):
            if nid not in ids.neighbourhoods:
                checker.unknown(f, base + ("neighbourhoods", j), "quartier", nid, ids.neighbourhoods)
        for j, pid in enumerate(a.get("priorities", [])):
            if ids.priorities is not None and pid not in ids.priorities:
                checker.unknown(f, base + ("priorities", j), "priorité", pid, ids.priorities)
            elif ids.priority_homes.get(pid, a["neighbourhoods"][0]) not in a["neighbourhoods"]:
                home = ids.priority_homes[pid]
                checker.error(
                    f,
                    base + ("priorities", j),
                    f"la priorité « {pid} » est celle du projet de quartier « {home} », où l'action n'a pas "
                    f"lieu (quartiers : {', '.join(a['neighbourhoods'])}) : ajoutez « {home} » à ses quartiers, "
                    "ou citez une priorité d'un de ses quartiers ou du socle commun.",
                )
        for j, mid in enumerate(a.get("measures", [])):
            if ids.measures_complete and mid not in measure_ids:
                checker.unknown(f, base + ("measures", j), "mesure", mid, measure_ids)
        if "device" in a and a["device"] not in ids.devices:
            checker.unknown(f, base + ("device",), "dispositif", a["device"], ids.devices)
        for j, line in enumerate(a.get("funding", [])):
            if "funder" in line:
                check_party(
                    checker, f, base + ("funding", j, "funder"), line["funder"], ids.signatories, ids.organisations
                )
            if round(line["amount"], 2) != line["amount"]:
                checker.error(
                    f,
                    base + ("funding", j, "amount"),
                    f"un montant s'écrit en euros et centimes, deux décimales au plus : "
                    f"« {line['amount']} » en a davantage.",
                )
            if line.get("per_year") and "year" in line:
                checker.error(
                    f,
                    base + ("funding", j, "per_year"),
                    "une ligne de financement a soit une année (year: …), soit « per_year: true » pour un "
                    "montant annuel que la source donne sans année, pas les deux : pour un montant "
                    "versé chaque année, écrivez une ligne par année.",
                    key=True,
                )
        if "parent" in a:
            parents.append([i, a["id"], a["parent"]])
        _dates(checker, f, base, a, f.data["year"])
        _real_date(checker, f, base + ("status_date",), a.get("status_date"))
        for j, milestone in enumerate(a.get("milestones", [])):
            _real_date(checker, f, base + ("milestones", j, "date"), milestone["date"])
    return ids_of, parents


def _cycles(checker, where: dict, parents: dict[str, str]) -> None:
    reported: set[str] = set()
    for start in parents:
        seen = [start]
        node = parents.get(start)
        while node is not None and node not in seen:
            seen.append(node)
            node = parents.get(node)
        if node is not None and node not in reported:
            loop = seen[seen.index(node) :]
            reported |= set(loop)
            f, pointer = where[loop[0]]
            chain = " → ".join(loop + [loop[0]])
            checker.error(f, pointer, f"les actions parentes forment une boucle ({chain}) : une action ne peut "
                          "pas être, même indirectement, la parente d'elle-même.")  # fmt: skip
