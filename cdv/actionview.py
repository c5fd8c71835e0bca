"""What the site shows of the follow-up: who does what in a neighbourhood, with what money, and how far
it is (« Ce qui se fait ici »), what each signatory funds, carries and pilots, and what implements each
measure of a device.

The model and its totals are cdv.followup's; this module only arranges them for the templates
(`_actions.md.j2`, `_funding.md.j2`, `_signatory_follow_up.md.j2`, device.md.j2). Every contributor value
still reaches HTML through cdv.text (the templates' `finalize`, or to_html here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from . import followup
from .corpus import priorities
from .labels import FOLLOW_UP_STATUS, NO_YEAR, NOT_GIVEN, PER_YEAR, UNKNOWN_FUNDER
from .text import NBSP, fr_amount, fr_date, to_html

if TYPE_CHECKING:
    from .corpus import Corpus


def amount(value) -> str:
    """19000 -> '19 000 €', 19000.5 -> '19 000,50 €' (non-breaking spaces), as the site writes every amount."""
    return fr_amount(value)


def when(line: followup.FundingLine) -> str:
    """The year of a funding line, « par an » for a yearly amount, « année non précisée » otherwise."""
    if line.year is not None:
        return str(line.year)
    return PER_YEAR if line.per_year else NO_YEAR


def status_text(item: dict) -> str:
    """« en cours (31 janvier 2023) »; « non renseigné » when the source gives no status."""
    if "status" not in item:
        return NOT_GIVEN
    text = FOLLOW_UP_STATUS[item["status"]]
    return text + (f" ({fr_date(item['status_date'])})" if "status_date" in item else "")


def party_html(corpus: Corpus, ref, link, none: str = NOT_GIVEN) -> Markup:
    """A porteur, a pilot or a funder: a signatory's organisation linked to its place on the signatories'
    page, a name typed in place as typed; `none` when the source names nobody."""
    if ref is None:
        return Markup(none)
    name, ident = corpus.party(ref)
    shown = to_html(name, line_start=False)
    if ident is None:
        return shown
    return markup(Markup('<a href="'), Markup(link("signatories")), "#", ident, Markup('">'), shown, Markup("</a>"))


def funder_html(corpus: Corpus, funder, link) -> Markup:
    return party_html(corpus, funder, link, none=UNKNOWN_FUNDER)


@dataclass(frozen=True)
class NotedLine(followup.FundingLine):
    """A funding line with the precision its source gives (« crédits FIR ARS »)."""

    note: str | None = None


def markup(*parts) -> Markup:
    """Markup of `parts` in order, each escaped unless it is markup already, as Markup.format escapes its
    arguments, without string.Formatter (a quarter of the time a national corpus's year pages took): a
    piece meant as markup is given as Markup, like the format string of Markup.format."""
    return Markup("".join(part if isinstance(part, Markup) else escape(part) for part in parts))


def funding_lines(actions: list[dict]) -> list[followup.FundingLine]:
    """cdv.followup's lines of `actions`, in the same order, each with its note."""
    raw = [f for a in actions for f in a.get("funding", [])]
    return [
        NotedLine(li.action, li.funder, li.amount, li.year, li.per_year, f.get("note"))
        for li, f in zip(followup.funding_lines(actions), raw, strict=True)
    ]


@dataclass(frozen=True)
class FunderTotal:
    funder: object
    dated: float | None  # the sum of its lines dated by a year; None when it has none
    undated: list[followup.FundingLine]  # its yearly amounts and its amounts without a year, never summed


@dataclass(frozen=True)
class Totals:
    lines: list[followup.FundingLine]
    by_year: list[tuple[int, float]]
    by_funder: list[FunderTotal]
    undated: list[followup.FundingLine]


def totals(lines: list[followup.FundingLine]) -> Totals:
    """The totals per year and per funder of `lines` (cdv.followup's sums); the lines with no year are
    listed apart, by funder and all together, and never added into a year."""
    dated = dict((followup.funder_key(f), total) for f, total in followup.totals_by_funder(lines))
    order: dict[str, object] = {}
    for line in sorted(lines, key=lambda li: -dated.get(followup.funder_key(li.funder), -1)):
        order.setdefault(followup.funder_key(line.funder), line.funder)
    by_funder = [
        FunderTotal(
            funder,
            dated.get(key),
            [li for li in lines if li.year is None and followup.funder_key(li.funder) == key],
        )
        for key, funder in order.items()
    ]
    return Totals(
        lines,
        list(followup.totals_by_year(lines).items()),
        by_funder,
        [li for li in lines if li.year is None],
    )


def undated_html(lines: list[followup.FundingLine]) -> Markup:
    """« 350 000 € par an ; 2 160 € (année non précisée) »."""
    return Markup(" ; ").join(markup(amount(li.amount), NBSP if li.per_year else " ", _when_suffix(li)) for li in lines)


def _when_suffix(line: followup.FundingLine) -> str:
    return PER_YEAR if line.per_year else f"({NO_YEAR})"


@dataclass(frozen=True)
class Group:
    """The actions of a neighbourhood served by one priority of its project (priority None: the others)."""

    priority: dict | None
    actions: list[dict]


def neighbourhood_groups(corpus: Corpus, neighbourhood: dict, year: int | None = None) -> list[Group]:
    """The neighbourhood's actions (of `year`, if given) grouped by the priorities of its project, in the
    project's order; the actions serving none of them (a common-base priority only, or no priority) in a
    last group. An action serving two priorities is in both groups."""
    actions = followup.actions_in(corpus, neighbourhood["id"])
    if year is not None:
        actions = [a for a in actions if a["year"] == year]
    groups = [Group(p, [a for a in actions if p["id"] in a.get("priorities", [])]) for p in priorities(neighbourhood)]
    own = {p["id"] for p in priorities(neighbourhood)}
    rest = [a for a in actions if not own & set(a.get("priorities", []))]
    return [g for g in groups if g.actions] + ([Group(None, rest)] if rest else [])


def common_priorities(corpus: Corpus, action: dict) -> list[dict]:
    """The common-base priorities an action serves, as the common base holds them."""
    by_id = followup.common_priorities_by_id(corpus)
    return [by_id[p] for p in action.get("priorities", []) if p in by_id]


def project_priorities(corpus: Corpus, action: dict) -> list[tuple[dict, dict]]:
    """(neighbourhood, priority) of the neighbourhood-project priorities an action serves."""
    # In the contract's order of neighbourhoods and priorities, as a walk of every project would give them.
    places = followup.priority_places(corpus)
    wanted = sorted({p for p in action.get("priorities", []) if p in places}, key=lambda p: places[p][0])
    return [places[p][1:] for p in wanted]


def measures_of(corpus: Corpus, action: dict) -> list[followup.Measure]:
    known = followup.measures_by_id(corpus)
    return [known[m] for m in action.get("measures", []) if m in known]


def action_anchor(action: dict) -> str:
    return "action-" + action["id"]


def action_page(corpus: Corpus, action: dict, neighbourhood_id: str | None = None) -> tuple[str, str]:
    """The page (kind, id for cdv.pages.page_path) that shows an action in full: the page of its
    neighbourhood (`neighbourhood_id` if it is one of its neighbourhoods, else its first) when that page
    shows the action's year, else that neighbourhood's page of the year."""
    nid = action["neighbourhoods"][0]
    if neighbourhood_id is not None and neighbourhood_id in action["neighbourhoods"]:
        nid = neighbourhood_id
    return programmation_page(corpus, nid, action["year"])


def programmation_page(corpus: Corpus, neighbourhood_id: str, year: int) -> tuple[str, str]:
    """The page (kind, id) listing a neighbourhood's actions of `year`: its page for the year it shows (its
    latest), else its page of that year."""
    if year == followup.shown_year(corpus, neighbourhood_id):
        return "neighbourhood", neighbourhood_id
    return "neighbourhood-year", year_page_id(neighbourhood_id, year)


def year_page_id(neighbourhood_id: str, year: int) -> str:
    return f"{neighbourhood_id}/programmation-{year}"


# A list on a page holds at most this many entries (a signatory's funding lines, the actions it carries,
# those implementing a measure): beyond, the page gives their number and totals, and each entry stays on
# the page of its neighbourhood and year. A national corpus's signatory funds hundreds of thousands.
LIST_LIMIT = 60


@dataclass(frozen=True)
class SignatoryFollowUp:
    funded: list[followup.FundingLine]  # its funding lines, by year then neighbourhood
    totals: Totals
    carried: list[dict]
    piloted: list[followup.Measure]

    def __bool__(self) -> bool:
        return bool(self.funded or self.carried or self.piloted)

    @property
    def funded_actions(self) -> list[dict]:
        """The actions of its lines, each once, in the lines' order."""
        return list({a["id"]: a for a in (li.action for li in self.funded)}.values())


def lines_funded_by(corpus: Corpus, signatory_id: str) -> list[followup.FundingLine]:
    """The funding lines whose funder is the signatory, in the actions' order: from an index of every
    line by funder, built once per corpus (each signatory's heading made its actions' lines again, a
    national corpus's million lines twenty-two times)."""

    def build() -> dict[str, list[followup.FundingLine]]:
        index: dict[str, list[followup.FundingLine]] = {}
        for line in funding_lines(corpus.actions):
            if isinstance(line.funder, str):
                index.setdefault(line.funder, []).append(line)
        return index

    stamp = (id(corpus.actions), len(corpus.actions))
    return list(followup.per_corpus(corpus, "lines-by-funder", stamp, build).get(signatory_id, ()))


def signatory_follow_up(corpus: Corpus, signatory_id: str) -> SignatoryFollowUp:
    """What a signatory funds (funding lines whose funder is its id), carries (porteur) and pilots."""
    lines = lines_funded_by(corpus, signatory_id)
    lines.sort(key=lambda li: (li.year is None, li.year or 0, li.action["neighbourhoods"][0], li.action["year"]))
    return SignatoryFollowUp(
        lines,
        totals(lines),
        followup.actions_carried_by(corpus, signatory_id),
        [m for m in followup.measures(corpus) if m.block.get("pilot") == signatory_id],
    )


@dataclass(frozen=True)
class EarlierYear:
    year: int
    href: str  # its page
    count: int  # its actions
    dated_total: float | None  # the sum of its actions' lines dated by a year; None when none is


@dataclass(frozen=True)
class Tally:
    """What a list too long for a page says instead (LIST_LIMIT): its number, in how many neighbourhoods,
    by year."""

    count: int
    neighbourhoods: int
    by_year: list[tuple[int, int]]


def tally(actions: list[dict]) -> Tally:
    years: dict[int, int] = {}
    for a in actions:
        years[a["year"]] = years.get(a["year"], 0) + 1
    places = {n for a in actions for n in a["neighbourhoods"]}
    return Tally(len(actions), len(places), sorted(years.items()))


def neighbourhood_names(corpus: Corpus, action: dict) -> list[dict]:
    return [corpus.neighbourhood(n) for n in action["neighbourhoods"]]


class View:
    """The follow-up as one page's templates read it: `corpus` and the page's `link` bound once."""

    def __init__(self, corpus: Corpus, link, here: str | None = None, year: int | None = None):
        self.corpus = corpus
        self.link = link
        self.here = here  # the neighbourhood whose page this is, if it is one: its actions are on it
        # The year of programmation the page shows: a neighbourhood's latest on its page, or its page's year.
        self.year = year if year is not None else (followup.shown_year(corpus, here) if here else None)
        self.year_page = year is not None and here is not None  # a neighbourhood's page of an earlier year
        self.list_limit = LIST_LIMIT
        # A signatory shown as a funder or porteur, made once a page: a national page shows thousands of lines.
        self._signatories: dict[str, Markup] = {}

    def lines_of(self, action: dict) -> list[followup.FundingLine]:
        return funding_lines([action])

    def groups(self, neighbourhood: dict) -> list[Group]:
        return neighbourhood_groups(self.corpus, neighbourhood, self.year)

    def earlier_years(self, neighbourhood: dict) -> list[EarlierYear]:
        """On a neighbourhood's page, each earlier year of its actions, on a page of its own."""
        if self.year_page:
            return []
        out = []
        for y in followup.neighbourhood_years(self.corpus, neighbourhood["id"])[1:]:
            actions = self.actions_in(neighbourhood, y)
            dated = [li.amount for li in funding_lines(actions) if li.year is not None]
            href = self.link("neighbourhood-year", year_page_id(neighbourhood["id"], y))
            out.append(EarlierYear(y, href, len(actions), followup.total(dated) if dated else None))
        return out

    def priority_href(self, neighbourhood: dict, priority: dict) -> Markup:
        """A priority of the neighbourhood's project, in its project on the neighbourhood's page."""
        page = self.link("neighbourhood", neighbourhood["id"]) if self.year_page else ""
        return markup(Markup(page), "#", priority["id"])

    def tally(self, actions: list[dict]) -> Tally:
        return tally(actions)

    def totals_of(self, actions: list[dict]) -> Totals:
        return totals(funding_lines(actions))

    def actions_in(self, neighbourhood: dict, year: int | None = None) -> list[dict]:
        """The neighbourhood's actions of `year` (by default the year the page shows)."""
        year = self.year if year is None else year
        return [a for a in followup.actions_in(self.corpus, neighbourhood["id"]) if a["year"] == year]

    def years(self, actions: list[dict]) -> list[int]:
        return sorted({a["year"] for a in actions})

    def party(self, ref) -> Markup:
        """A porteur or a pilot, as a markdown link to the signatory when it is one."""
        return self._party(ref, NOT_GIVEN)

    def funder(self, ref) -> Markup:
        return self._party(ref, UNKNOWN_FUNDER)

    def _party(self, ref, none: str) -> Markup:
        if ref is None:
            return Markup(none)
        if not isinstance(ref, str):  # {name: …}
            return self._shown_party(ref)
        if ref not in self._signatories:
            self._signatories[ref] = self._shown_party(ref)
        return self._signatories[ref]

    def _shown_party(self, ref) -> Markup:
        name, ident = self.corpus.party(ref)
        shown = to_html(name, line_start=False)
        if ident is None:
            return shown
        return markup("[", shown, "](", Markup(self.link("signatories")), "#", ident, ")")

    def action_link(self, action: dict) -> Markup:
        """The action's title linked to its place on its (first) neighbourhood's page."""
        if self.here in action["neighbourhoods"] and action["year"] == self.year:
            href = "#" + action_anchor(action)
        else:
            href = f"{self.link(*action_page(self.corpus, action, self.here))}#{action_anchor(action)}"
        return markup("[", to_html(action["title"], markup=False, line_start=False), "](", Markup(href), ")")

    def measure_link(self, m: followup.Measure) -> Markup:
        label = m.block.get("label") or m.block["measure"]
        href = f"{self.link('device', m.device['id'])}#{m.id}"
        return markup("[", to_html(label, markup=False, line_start=False), "](", Markup(href), ")")

    def device_link(self, ident: str) -> Markup:
        d = self.corpus.device(ident)
        shown = to_html(d.get("acronym") or d["name"], markup=False, line_start=False)
        return markup("[", shown, "](", Markup(self.link("device", ident)), ")")

    def measures_of(self, action: dict) -> list[followup.Measure]:
        return measures_of(self.corpus, action)

    def common_priorities(self, action: dict) -> list[dict]:
        return common_priorities(self.corpus, action)

    def other_priorities(self, action: dict, neighbourhood: dict) -> list[tuple[dict, dict]]:
        """The project priorities of other neighbourhoods an action serves (shown on this page's action)."""
        return [(n, p) for n, p in project_priorities(self.corpus, action) if n["id"] != neighbourhood["id"]]

    def parent(self, action: dict) -> dict | None:
        return followup.action_by_id(self.corpus, action["parent"]) if "parent" in action else None

    def signatory(self, signatory_id: str) -> SignatoryFollowUp:
        return signatory_follow_up(self.corpus, signatory_id)

    def measures(self, device: dict) -> list[followup.Measure]:
        return [m for m in followup.measures(self.corpus) if m.device["id"] == device["id"]]

    def actions_for(self, m: followup.Measure) -> list[dict]:
        return followup.actions_for_measure(self.corpus, m.id)

    def neighbourhoods_of(self, action: dict) -> Markup:
        return Markup(", ").join(
            markup(
                "[",
                to_html(self.corpus.neighbourhood(n)["name"], markup=False, line_start=False),
                "](",
                Markup(self.link("neighbourhood", n)),
                ")",
            )
            for n in action["neighbourhoods"]
        )


def line_html(view: View, line: followup.FundingLine, with_funder: bool = True, with_year: bool = True) -> Markup:
    """One funding line: « [ARS](…) : 19 000 € (2022) — crédits FIR ARS » (a table of one funder's lines
    with a year column gives neither the funder nor the year)."""
    out = markup(view.funder(line.funder), " : ") if with_funder else Markup("")
    out += amount(line.amount)
    if line.per_year:
        out += Markup(NBSP + PER_YEAR)
    elif with_year:
        out += markup(" (", when(line), ")")
    note = getattr(line, "note", None)
    if note:
        out += Markup(" — ") + to_html(note, line_start=False)
    return out
