"""What a neighbourhood page opens with and how residents take part: the summary of its priorities, of what
is done and funded there and of who leads it (« En bref »), the « Participer » section (the contract's
participation devices, the neighbourhood's own instances, its social centres with their coordinates) and
the site's « Contact » page.

Only what the sources give is shown: every field of a place or an instance is optional (schemas,
`coordinates`), and a missing one is left out, never guessed. Every contributor value reaches HTML
through cdv.text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import followup
from .corpus import priorities
from .labels import CENTRE_KINDS, COORDINATE_FIELDS, PARTICIPATION_HEADINGS
from .text import allowed_link, fr_amount, to_html

if TYPE_CHECKING:
    from .corpus import Corpus

# The anchors of the sections the summary links to (stable: other pages and the tests link them).
ANCHORS = {"summary": "en-bref", "participation": "participer", "project": "projet-de-quartier"}


def coordinates(given: dict | None) -> list[tuple[str, Markup]]:
    """(label, value as HTML) of each coordinate a place or a service gives, in COORDINATE_FIELDS' order:
    an address keeps its lines, a phone number and an e-mail address are links, a web address is a link
    only when the link rules allow it."""
    out = []
    for key, label in COORDINATE_FIELDS.items():
        value = (given or {}).get(key)
        if not value:
            continue
        if key == "address":
            shown = Markup("<br>").join(
                to_html(line.strip(), markup=False) for line in value.splitlines() if line.strip()
            )
        elif key == "phone":
            shown = Markup('<a href="tel:{}">{}</a>').format(value.replace(" ", ""), value)
        elif key == "email":
            shown = Markup('<a href="mailto:{}">{}</a>').format(value, value)
        elif key == "website" and allowed_link(value):
            shown = Markup('<a href="{}">{}</a>').format(value, value)
        elif key in ("hours", "source"):
            shown = to_html(value, line_start=False)
        else:
            shown = to_html(value, markup=False)
        out.append((label, shown))
    return out


def coordinates_html(given: dict | None) -> Markup:
    """The coordinates as a definition list (nothing when none is given)."""
    rows = coordinates(given)
    if not rows:
        return Markup("")
    items = Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(label, value) for label, value in rows)
    return Markup('<dl class="cdv-coordinates">{}</dl>').format(items)


@dataclass(frozen=True)
class Means:
    """One way of taking part in a neighbourhood: a device of the contract (its page, its summary) and what
    the neighbourhood's sources say of it there (its instances: name, text, coordinates)."""

    device: dict | None
    entries: list[dict]


def means_of(corpus: Corpus, neighbourhood: dict) -> list[Means]:
    """The contract's participation devices (contract.yml `participation.devices`), each with the
    neighbourhood's instances of it; then the neighbourhood's instances of no listed device, one each."""
    listed = list((corpus.contract.get("participation") or {}).get("devices", []))
    entries = neighbourhood.get("participation") or []
    out = [Means(corpus.device(d), [e for e in entries if e.get("device") == d]) for d in listed]
    out += [
        Means(corpus.device(e["device"]) if "device" in e else None, [e])
        for e in entries
        if e.get("device") not in listed
    ]
    return out


def centre_kind(centre: dict) -> str:
    return CENTRE_KINDS[centre["kind"]]


@dataclass(frozen=True)
class Who:
    """Who leads a neighbourhood's project and acts there, as its sources name them."""

    leads: list[Markup]  # the priorities' `lead`
    partners: list[Markup]  # the priorities' `partners`
    porteurs: list[Markup]  # who carries its actions
    funders: list[Markup]  # who funds them

    def __bool__(self) -> bool:
        return bool(self.leads or self.partners or self.porteurs or self.funders)


def who(corpus: Corpus, neighbourhood: dict, view) -> Who:
    """The leads and partners of the project's priorities (each once, in the project's order), then the
    porteurs and funders of the neighbourhood's actions; a signatory is a link to its commitments."""

    def party(entry) -> Markup:
        return view.party(entry.ident if entry.target == "signatory" else {"name": entry.text})

    fields: dict[str, dict[str, Markup]] = {"lead": {}, "partners": {}}
    for p in priorities(neighbourhood):
        for key, entries in corpus.strategy_entries(neighbourhood, p):
            if key in fields:
                for e in entries:
                    fields[key].setdefault(e.ident or "name:" + e.text, party(e))
    actions = followup.actions_in(corpus, neighbourhood["id"])
    porteurs: dict[str, Markup] = {}
    funders: dict[str, Markup] = {}
    for a in actions:
        if a.get("porteur") is not None:
            porteurs.setdefault(followup.funder_key(a["porteur"]), view.party(a["porteur"]))
        for f in a.get("funding", []):
            if f.get("funder") is not None:
                funders.setdefault(followup.funder_key(f["funder"]), view.funder(f["funder"]))

    def signatories_first(found: dict[str, Markup]) -> list[Markup]:
        return [v for _, v in sorted(found.items(), key=lambda kv: kv[0].startswith("name:"))]

    return Who(
        signatories_first(fields["lead"]),
        signatories_first(fields["partners"]),
        signatories_first(porteurs),
        signatories_first(funders),
    )


def heading(key: str) -> str:
    return PARTICIPATION_HEADINGS[key]


# Names the summary shows of a list of leads, porteurs or funders before « et N autres » (the rest is in the
# section the summary links to): the opening of the page stays within two phone screens.
SHORTLIST = 3


def shortlist(names: list[Markup], more: str) -> Markup:
    """« A, B, C et 11 autres », the rest a link to `more` (an anchor of the page)."""
    if len(names) <= SHORTLIST:
        return Markup(", ").join(names)
    rest = len(names) - SHORTLIST
    return Markup("{} et [{} {}]({})").format(
        Markup(", ").join(names[:SHORTLIST]), rest, "autre" if rest == 1 else "autres", Markup(more)
    )


def amount_html(value) -> Markup:
    """An amount as the site writes it, its non-breaking spaces kept (« 40 000 € » never splits before « € »)."""
    return Markup.escape(fr_amount(value))
