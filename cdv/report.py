"""The annual report of a year (art. L.1111-2 CGCT, décret n° 2015-1118): what the contract aims at, how
its neighbourhoods evolved, what was done that year and what comes next, with the conseils citoyens'
opinions annexed.

Every figure is computed from the sources: the orientations are the contract's own strategy (the common
base's axes and objectives, each neighbourhood project's themes), the evolution is every observation of
the portraits, the year's actions are `actions/*.yml` of that year, grouped by neighbourhood, priority and
funder with totals (cdv.followup: a yearly amount with no year is shown apart, never added). Only what the
data cannot say is written in `reports/<year>.yml`: its introduction, outlook, status and the opinions.

`annual_report(corpus, year)` is the model; the site page (cdv.pages, `report.md.j2`) and the PDF
(`write_report_pdf`, `print/report.html.j2`) print the same body, rendered once from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from .actionview import programmation_page
from .corpus import Corpus, priorities
from .errors import MissingReport
from .followup import (
    FundingLine,
    funder_key,
    funding_lines,
    grouped,
    report,
    total,
    totals_by_funder,
    totals_by_year,
)
from .indicators import period_year
from .labels import FOLLOW_UP_STATUS, NO_PRIORITY, NOT_GIVEN, PER_YEAR, REPORT_APPROVAL, REPORT_STATUS, UNKNOWN_FUNDER
from .text import fr_amount, fr_date, md, title_html, value_html

# The report lists the year's actions one by one up to this many (a contract's programmation is a few
# hundred); beyond (a national corpus), each stays on its neighbourhood's page of the year, which the table
# by neighbourhood links to, and the report gives their counts and totals.
ACTIONS_LISTED = 500

# --- amounts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amounts:
    """What a set of funding lines adds up to: the dated lines summed per year; a yearly amount the source
    gives with no year (per_year) and an amount with no year at all are listed, never added."""

    by_year: dict[int, float]
    per_year: tuple[FundingLine, ...]
    undated: tuple[FundingLine, ...]

    @property
    def total(self) -> float:
        return total(self.by_year.values())

    @property
    def empty(self) -> bool:
        return not (self.by_year or self.per_year or self.undated)


def amounts(lines: list[FundingLine]) -> Amounts:
    return Amounts(
        totals_by_year(lines),
        tuple(line for line in lines if line.year is None and line.per_year),
        tuple(line for line in lines if line.year is None and not line.per_year),
    )


# --- the groups of the year's actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Actions of the year under one heading (a neighbourhood, a priority, a funder), with their amounts."""

    key: str  # the neighbourhood's, priority's or funder's id; "" for the actions without one
    label: str  # contributor text: a name, a priority's text
    where: str  # for a priority, what holds it (a neighbourhood's name, the common base's objective)
    link: tuple[str, str, str] | None  # (page kind, page id, anchor) of its page on the site, if it has one
    actions: tuple[dict, ...]
    amounts: Amounts


@dataclass(frozen=True)
class Funder:
    """One funder of the year's actions: its dated total, and its lines without a year apart."""

    key: str
    name: str  # contributor text; UNKNOWN_FUNDER when the source names no funder
    signatory: str | None
    amounts: Amounts
    actions: tuple[dict, ...]


# --- the evolution of the neighbourhoods -------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    value: float
    period: str
    source: str | None
    new: bool  # its period ends in the report's year: what this year's report adds


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: dict
    observations: tuple[Observation, ...]

    @property
    def has_new(self) -> bool:
        return any(o.new for o in self.observations)


@dataclass(frozen=True)
class Evolution:
    neighbourhood: dict
    series: tuple[IndicatorSeries, ...]

    @property
    def new_count(self) -> int:
        return sum(o.new for s in self.series for o in s.observations)


# --- the orientations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Objective:
    axis: dict
    objective: dict
    actions: tuple[dict, ...]  # the year's actions serving it (its priorities, or a project priority linked to it)


@dataclass(frozen=True)
class Project:
    neighbourhood: dict
    themes: tuple[tuple[dict, int], ...]  # (theme, the year's actions for its priorities)


# --- the report -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualReport:
    year: int
    record: dict  # reports/<year>.yml
    source: str  # its path in the project
    status_line: str
    submitted_line: str | None  # « Soumis aux conseils citoyens le … », also printed once approved
    objectives: tuple[Objective, ...]
    projects: tuple[Project, ...]
    evolutions: tuple[Evolution, ...]
    actions: tuple[dict, ...]
    by_neighbourhood: tuple[Group, ...]
    by_priority: tuple[Group, ...]
    funders: tuple[Funder, ...]
    amounts: Amounts
    neighbourhoods: tuple[dict, ...] = ()  # every neighbourhood of the contract, in its order
    shared_actions: int = 0  # actions of several neighbourhoods: counted in each neighbourhood's group
    opinions: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def without_portrait(self) -> list[dict]:
        """The neighbourhoods whose portrait gives no figure: named, so that none is silently left out."""
        shown = {e.neighbourhood["id"] for e in self.evolutions}
        return [n for n in self.neighbourhoods if n["id"] not in shown]

    @property
    def lists_actions(self) -> bool:
        return len(self.actions) <= ACTIONS_LISTED

    @property
    def new_observations(self) -> int:
        return sum(e.new_count for e in self.evolutions)


def report_path(year: int) -> str:
    return f"reports/{year}.yml"


def status_line(record: dict) -> str:
    """« Projet », « Soumis aux conseils citoyens le 15 mars 2026 », « Approuvé par délibération du Conseil
    communautaire n° 2026/0123 du 30 juin 2026 »: plain text holding contributor text (body, reference)."""
    status = record["status"]
    words = _capitalized(REPORT_STATUS[status])
    if status == "soumis":
        return f"{words} le {fr_date(record['submitted'])}"
    if status == "approuve":
        approval = record["approval"]
        reference = f" {approval['reference']}" if approval.get("reference") else ""
        return f"{words} {REPORT_APPROVAL} {_of(approval['body'])}{reference} du {fr_date(approval['date'])}"
    return words


def submitted_line(record: dict) -> str | None:
    if "submitted" not in record:
        return None
    return f"{_capitalized(REPORT_STATUS['soumis'])} le {fr_date(record['submitted'])}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _of(body: str) -> str:
    """ "de" before the deliberating body, as French contracts it: du Conseil, de l'Assemblée, de la
    Commission (when typed with its article), des Conseils."""
    lowered = body[:1].lower() + body[1:]
    for article, contracted in (("le ", "du "), ("les ", "des "), ("la ", "de la "), ("l'", "de l'"), ("l’", "de l’")):
        if lowered.startswith(article):
            return contracted + body[len(article) :]
    if body[:1].lower() in "aeiouyéèêâîôû":
        return "de l'" + body
    return "du " + body


def annual_report(corpus: Corpus, year: int) -> AnnualReport:
    """The report of `year`; MissingReport (in French, naming the file to write) without reports/<year>.yml."""
    record = report(corpus, year)
    if record is None:
        raise MissingReport(
            f"aucun rapport annuel pour {year} : créez {report_path(year)} (year: {year}, title, status: projet, "
            f"outlook) — « cdv report {year} --new » l'écrit — puis « cdv validate ». Les chiffres du rapport sont "
            "calculés depuis les sources : seuls son texte et ses avis s'écrivent dans ce fichier."
        )
    actions = [a for a in corpus.actions if a["year"] == year]
    by_priority = grouped(actions, _priorities_of)  # what the orientations, projects and priorities count
    return AnnualReport(
        year=year,
        record=record,
        source=corpus.source(record),
        status_line=status_line(record),
        submitted_line=submitted_line(record),
        objectives=tuple(_objectives(corpus, actions, by_priority)),
        projects=tuple(_projects(corpus, by_priority)),
        evolutions=tuple(_evolutions(corpus, year)),
        actions=tuple(actions),
        by_neighbourhood=tuple(_by_neighbourhood(corpus, actions, year)),
        by_priority=tuple(_by_priority(corpus, actions, by_priority)),
        funders=tuple(_funders(corpus, actions)),
        amounts=amounts(funding_lines(actions)),
        neighbourhoods=tuple(corpus.neighbourhoods),
        shared_actions=sum(len(a["neighbourhoods"]) > 1 for a in actions),
        opinions=tuple(sorted(record.get("opinions", []), key=lambda o: o["date"])),
    )


def _serving(actions: list[dict], by_priority: dict[str, list[dict]], ids) -> tuple[dict, ...]:
    """The actions serving any of the priorities `ids`, each once, in the actions' order."""
    chosen = {id(a) for ident in ids for a in by_priority.get(ident, ())}
    return tuple(a for a in actions if id(a) in chosen) if chosen else ()


def _priorities_of(action: dict) -> list[str]:
    return action.get("priorities", [])


def _objectives(corpus: Corpus, actions: list[dict], by_priority: dict[str, list[dict]]) -> list[Objective]:
    out = []
    for axis in corpus.objectives.get("axes", []):
        for objective in axis["objectives"]:
            own = {p["id"] for p in objective["priorities"]}
            serving = {p["id"] for _, p in corpus.priorities_serving(objective["id"])}
            out.append(Objective(axis, objective, _serving(actions, by_priority, own | serving)))
    return out


def _projects(corpus: Corpus, by_priority: dict[str, list[dict]]) -> list[Project]:
    out = []
    for n in corpus.neighbourhoods:
        themes = (n.get("project") or {}).get("themes", [])
        if themes:
            counted = []
            for theme in themes:
                ids = {p["id"] for p in theme["priorities"]}
                counted.append((theme, len({id(a) for ident in ids for a in by_priority.get(ident, ())})))
            out.append(Project(n, tuple(counted)))
    return out


def _evolutions(corpus: Corpus, year: int) -> list[Evolution]:
    out = []
    for n in corpus.neighbourhoods:
        indicators = (n.get("portrait") or {}).get("indicators", [])
        if indicators:
            series = tuple(
                IndicatorSeries(
                    ind,
                    tuple(
                        Observation(o["value"], o["period"], o.get("source"), period_year(o["period"]) == year)
                        for o in ind["observations"]
                    ),
                )
                for ind in indicators
            )
            out.append(Evolution(n, series))
    return out


def _by_neighbourhood(corpus: Corpus, actions: list[dict], year: int) -> list[Group]:
    by_neighbourhood = grouped(actions, lambda a: a["neighbourhoods"])
    out = []
    for n in corpus.neighbourhoods:
        mine = by_neighbourhood.get(n["id"])
        if mine:
            link = _programmation(corpus, n["id"], year)
            out.append(Group(n["id"], n["name"], "", link, tuple(mine), amounts(funding_lines(mine))))
    return out


def _programmation(corpus: Corpus, neighbourhood_id: str, year: int) -> tuple[str, str, str]:
    """Where the site lists a neighbourhood's actions of the year, at the start of its list."""
    kind, ident = programmation_page(corpus, neighbourhood_id, year)
    return (kind, ident, "ce-qui-se-fait-ici" if kind == "neighbourhood" else "")


def _priority_places(corpus: Corpus) -> dict[str, tuple[str, str, tuple[str, str, str]]]:
    """Each priority id -> (its text, what holds it, its place on the site), in the contract's order:
    the neighbourhoods' projects, then the common base."""
    places: dict[str, tuple[str, str, tuple[str, str, str]]] = {}
    for n in corpus.neighbourhoods:
        for p in priorities(n):
            places[p["id"]] = (p["text"], n["name"], ("neighbourhood", n["id"], p["id"]))
    for axis in corpus.objectives.get("axes", []):
        for objective in axis["objectives"]:
            for p in objective["priorities"]:
                places[p["id"]] = (p["text"], objective["title"], ("page", "common-base", p["id"]))
    return places


def _by_priority(corpus: Corpus, actions: list[dict], by_priority: dict[str, list[dict]]) -> list[Group]:
    out = []
    for ident, (text, where, link) in _priority_places(corpus).items():
        mine = by_priority.get(ident)
        if mine:
            out.append(Group(ident, text, where, link, tuple(mine), amounts(funding_lines(mine))))
    unattached = [a for a in actions if not a.get("priorities")]
    if unattached:
        out.append(Group("", "", "", None, tuple(unattached), amounts(funding_lines(unattached))))
    return out


def _funders(corpus: Corpus, actions: list[dict]) -> list[Funder]:
    lines = funding_lines(actions)
    order = [funder_key(f) for f, _ in totals_by_funder(lines)]
    known = set(order)
    for line in lines:  # funders of undated lines only, after the others, in the order the sources give them
        if funder_key(line.funder) not in known:
            known.add(funder_key(line.funder))
            order.append(funder_key(line.funder))
    by_funder: dict[str, list[FundingLine]] = {}
    for line in lines:
        by_funder.setdefault(funder_key(line.funder), []).append(line)
    out = []
    for key in order:
        mine = by_funder[key]
        funder = mine[0].funder
        name, signatory = corpus.party(funder) if funder is not None else (UNKNOWN_FUNDER, None)
        funded = tuple({id(line.action): line.action for line in mine}.values())
        out.append(Funder(key, name, signatory, amounts(mine), funded))
    return out


# --- writing the report's file and its PDF -----------------------------------------------------------------


def new_report(root: Path, year: int) -> Path:
    """Write reports/<year>.yml with what a report needs to validate (status projet, an outlook to
    write): never over an existing file."""
    from .errors import UnsafeTarget

    path = Path(root) / report_path(year)
    if path.exists() or path.is_symlink():
        raise UnsafeTarget(f"{report_path(year)} existe déjà : cdv ne le remplace pas. Rien n'a été écrit.")
    path.parent.mkdir(exist_ok=True)
    text = (
        f"# Rapport annuel {year} du contrat de ville : son texte et les avis des conseils citoyens. Les chiffres\n"
        "# (orientations, indicateurs, actions, montants) sont calculés depuis les sources : ne les écrivez pas ici.\n"
        f"year: {year}\n"
        f"title: Rapport annuel {year}\n"
        "status: projet\n"
        "outlook:\n"
        "  - p: À rédiger — les perspectives pour l'année suivante.\n"
    )
    with open(path, "x", encoding="utf-8") as out:
        out.write(text)
    return path


# --- how the body prints its values (the site and the PDF alike) ---------------------------------------


class Printer:
    """The report's values as markup for its body: contributor text through cdv.text, amounts in French,
    and links to the site's pages when the body is a page of the site (`link`: cdv.pages' link maker),
    plain words in the PDF (link None)."""

    def __init__(self, corpus: Corpus, link=None):
        self.corpus = corpus
        self.link = link

    def named(self, label, target: tuple[str, str, str] | None) -> Markup:
        if self.link is None or target is None:
            return md(label, line_start=False)
        kind, ident, anchor = target
        href = self.link(kind, ident) + (f"#{anchor}" if anchor else "")
        return Markup(f"[{title_html(label)}]({href})")

    def neighbourhoods(self, action: dict) -> Markup:
        shown = []
        for ident in action["neighbourhoods"]:
            n = self.corpus.neighbourhoods_by_id().get(ident)
            shown.append(self.named(n["name"], ("neighbourhood", ident, "")) if n else md(ident))
        return Markup(", ").join(shown)

    def party(self, ref) -> Markup:
        if ref is None:
            return md(NOT_GIVEN)
        name, signatory = self.corpus.party(ref)
        return self.named(name, ("signatories", "", signatory) if signatory else None)

    def euros(self, amount: float) -> Markup:
        return Markup(fr_amount(amount))

    def line(self, line: FundingLine, funder: bool = True) -> Markup:
        """One funding line: « 50 000 € (2024, Ville) », « 350 000 € par an (ANCT) »."""
        details = [Markup(str(line.year))] if line.year is not None else []
        if funder:
            details.append(self.party(line.funder) if line.funder is not None else md(UNKNOWN_FUNDER))
        amount = self.euros(line.amount) + (Markup(f" {PER_YEAR}") if line.per_year else Markup(""))
        return amount + (Markup(" (") + Markup(", ").join(details) + Markup(")") if details else Markup(""))

    def funding(self, action: dict) -> Markup:
        lines = funding_lines([action])
        if not lines:
            return md(NOT_GIVEN)
        return Markup(" ; ").join(self.line(line) for line in lines)

    def total(self, given: Amounts, year: int) -> Markup:
        """The dated total, with its years when they are not the report's alone."""
        if not given.by_year:
            return Markup("—")
        out = self.euros(given.total)
        if list(given.by_year) != [year]:
            out += (
                Markup(" (")
                + Markup(" ; ").join(Markup(f"{y} : ") + self.euros(v) for y, v in given.by_year.items())
                + Markup(")")
            )
        return out

    def apart(self, given: Amounts, funder: bool = True) -> Markup:
        """The lines with no year, listed, never added: « 350 000 € par an (ANCT) »."""
        lines = given.per_year + given.undated
        if not lines:
            return Markup("—")
        return Markup(" ; ").join(self.line(line, funder) for line in lines)

    def status(self, action: dict) -> Markup:
        if "status" not in action:
            return md(NOT_GIVEN)
        words = FOLLOW_UP_STATUS[action["status"]]
        if "status_date" in action:
            words += f" ({fr_date(action['status_date'])})"
        if "progress" in action:
            words += f", {action['progress']} %"
        return md(words)

    def observation(self, indicator: dict, obs: Observation) -> Markup:
        return Markup(f"{md(obs.period, line_start=False)} : ") + value_html(obs.value, indicator["unit"])


def pdf_path(year: int) -> str:
    """Where the site offers the report's PDF, beside its page."""
    return f"rapports/rapport-annuel-{year}.pdf"


def page_context(corpus: Corpus, year: int | None, link, here: str | None) -> dict:
    """What the reports' pages print on the site: the printer (links to the site's pages) and, for one
    report, its values and its PDF's link (`here`: the page's folder, None for a site without PDFs)."""
    import posixpath

    out: dict = {"p": Printer(corpus, link)}
    if year is not None:
        pdf = posixpath.relpath(pdf_path(year), here) if here is not None else None
        out.update(
            rep=annual_report(corpus, year),
            report_pdf=pdf,
            report_pdf_file=pdf_path(year),  # its label's size (cdv.siteinfo.download)
            NO_PRIORITY=NO_PRIORITY,
            for_print=False,
        )
    return out


def report_sources(corpus: Corpus, year: int) -> list[str]:
    """The files the report's PDF carries (PDF/A-3): its own text and the year's actions files."""
    files = {corpus.source(r) for r in corpus.reports if r["year"] == year}
    files |= {corpus.source(a) for a in corpus.actions if a["year"] == year}
    return sorted(files)


def report_body(corpus: Corpus, rep: AnnualReport) -> Markup:
    """The report's body as the PDF prints it: report.md.j2 (the page of the site) without its links,
    its markdown made HTML."""
    import markdown

    from .pages import _environment
    from .pdf import _MARKDOWN_EXTENSIONS
    from .render import BlockRenderer
    from .text import figures, page_links

    def blocks(items, level: int = 3) -> Markup:
        return BlockRenderer(corpus, None, level).render(items or [])

    # A link of contributor text to a page of the site is its words in the PDF, never a dead link.
    with page_links(lambda path, anchor: None), figures(corpus.figures):
        text = (
            _environment()
            .get_template("report.md.j2")
            .render(
                c=corpus,
                contract=corpus.contract,
                shape=corpus.shape,
                blocks=blocks,
                rep=rep,
                p=Printer(corpus),
                report_pdf=None,
                NO_PRIORITY=NO_PRIORITY,
                for_print=True,
            )  # fmt: skip
        )
    return Markup(markdown.markdown(text, extensions=_MARKDOWN_EXTENSIONS))


def write_report_pdf(root: Path, year: int, output: Path, corpus: Corpus | None = None) -> Path:
    """Validate, compute and write the report of `year` as a PDF/A-3 (its text and the year's actions
    attached); the output file is replaced only when complete, the same sources give the same bytes."""
    from .corpus import load_corpus
    from .pdf import _environment, _fonts, _write, print_inline
    from .provenance import provenance
    from .shape import lower_first
    from .text import figures

    root = Path(root).resolve()
    corpus = corpus or load_corpus(root)
    rep = annual_report(corpus, year)
    origin = provenance(root)

    def inline(text) -> Markup:
        return print_inline(corpus, text)

    env = _environment()
    env.filters["lower_first"] = lower_first
    with figures(corpus.figures):
        html = env.get_template("report.html.j2").render(
            c=corpus,
            contract=corpus.contract,
            rep=rep,
            origin=origin,
            fonts=_fonts(),
            inline=inline,
            body=report_body(corpus, rep),
        )
    sources = report_sources(corpus, year)
    identity = origin.sources_sha256 + origin.commit + f"rapport-{year}" + "".join(sources)
    return _write(html, root, Path(output), identity, origin, None, sources)
