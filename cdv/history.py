"""The life of the contract as its records tell it: the signature, each avenant (signed or in preparation,
with its entry into force) and the comité de pilotage decisions it records.

Read from the sources only (contract.yml's signature, contract/amendments/), never from git: the history a
reader is shown is what the signatories signed, dated by them, and a fork's copy without history shows the
same. The "Historique" page lists every event in date order; an element's page (an article, a signatory, a
neighbourhood…) lists the events that name it."""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import Corpus


@dataclass(frozen=True)
class Event:
    date: str | None  # ISO date; None for an avenant in preparation, which has none yet
    kind: str  # "signature" | "amendment" | "in-force" | "decision" | "draft-amendment"
    amendment: dict | None  # the avenant the event belongs to (None: the contract's own signature)
    decision: dict | None = None  # a comité de pilotage decision
    reason: str | None = None  # why the avenant changes the element (its `changes[].reason`), on an element's page


def timeline(corpus: Corpus) -> list[Event]:
    """Every event of the contract, oldest first; avenants in preparation last."""
    events: list[Event] = []
    signature = corpus.contract.get("signature")
    if signature and (corpus.contract.get("status") == "signed" or corpus.amendments):
        events.append(Event(signature["date"], "signature", None))
    for amendment in corpus.amendments:
        events += [Event(d["date"], "decision", amendment, d) for d in amendment.get("decisions", [])]
        if amendment["status"] == "signed":
            events.append(Event(amendment["signature"]["date"], "amendment", amendment))
            if amendment["in_force"] != amendment["signature"]["date"]:
                events.append(Event(amendment["in_force"], "in-force", amendment))
        else:
            events.append(Event(None, "draft-amendment", amendment))
    # Dated events in date order (a signature before a decision of the same day: the order they are told);
    # the avenants being prepared after them, by number.
    order = {"signature": 0, "decision": 1, "amendment": 2, "in-force": 3, "draft-amendment": 4}
    return sorted(events, key=lambda e: (e.date is None, e.date or "", order[e.kind], _number(e)))


def element_history(corpus: Corpus, *idents: str) -> list[Event]:
    """The avenants that change one of `idents` (an element and its sub-elements: an article and its
    sub-articles) and the decisions that name one of them, oldest first."""
    wanted = set(idents)
    events: list[Event] = []
    for event in timeline(corpus):
        amendment = event.amendment
        if amendment is None:  # the contract's own signature: it changed nothing
            continue
        if event.kind == "decision" and event.decision is not None:
            if wanted & set(event.decision.get("elements", [])):
                events.append(event)
        elif event.kind in ("amendment", "draft-amendment"):
            reasons = [c.get("reason") for c in amendment["changes"] if c["element"] in wanted]
            if reasons:
                events.append(Event(event.date, event.kind, amendment, reason=next((r for r in reasons if r), None)))
    return events


def _number(event: Event) -> int:
    return event.amendment["number"] if event.amendment else 0


@dataclass(frozen=True)
class Place:
    """Where an element of the contract is read on the site: its name, its page (a cdv.pages PATHS kind
    and id) and its anchor there."""

    label: str
    page: str
    page_id: str = ""
    anchor: str | None = None


def place_of(corpus: Corpus, ident: str) -> Place | None:
    """The page and anchor of the element `ident` names (an avenant's change, a decision's element)."""
    shape = corpus.shape
    for article in corpus.articles:
        if article["id"] == ident:  # its page, at the article's own stable anchor
            return Place(shape.article_title(article), "article", ident, ident)
        for section in article.get("sections", []):
            if section["id"] == ident:
                return Place(shape.section_title(section), "article", article["id"], ident)
    for s in [*corpus.signatories, *corpus.signatory_groups]:
        if s["id"] == ident:
            return Place(s.get("organisation") or s["title"], "signatories", "", ident)
    for cm in corpus.commitments:
        if cm["id"] == ident:
            return Place(f"Engagement : {cm['title']}", "commitment", ident)
    for n in corpus.neighbourhoods:
        if n["id"] == ident:
            return Place(n["name"], "neighbourhood", ident)
        for theme in (n.get("project") or {}).get("themes", []):
            if theme["id"] == ident:
                return Place(f"{n['name']} : {theme['title']}", "neighbourhood", n["id"], ident)
            for p in theme["priorities"]:
                if p["id"] == ident or any(it["id"] == ident for it in p.get("items", [])):
                    return Place(f"{n['name']} : {p['text']}", "neighbourhood", n["id"], p["id"])
    for d in corpus.devices:
        if d["id"] == ident:
            return Place(d["name"], "device", ident)
    for t in corpus.glossary:
        if t["id"] == ident:
            return Place(t["term"], "glossary", "", ident)
    if ident in corpus.figures:  # an amount cited by several texts: the glossary's table of them
        return Place(corpus.figures[ident]["label"], "glossary", "", "montants-et-chiffres")
    for axis in corpus.objectives.get("axes", []):
        for ob in [axis, *axis["objectives"]]:
            if ob["id"] == ident:
                return Place(ob["title"], "common-base", "", ident)
            for p in ob.get("priorities", []):
                if p["id"] == ident:
                    return Place(p["text"], "common-base", "", ident)
    return None


def common_base_ids(corpus: Corpus) -> list[str]:
    """The common base's own id (as cdv.compare names it) and the ids of its axes, objectives and common
    priorities: an avenant changing one of them changes the common base's page."""
    out = ["socle-commun"]
    for axis in corpus.objectives.get("axes", []):
        out.append(axis["id"])
        for objective in axis["objectives"]:
            out += [objective["id"], *(p["id"] for p in objective["priorities"])]
    return out


def ids_under(corpus: Corpus, document: dict) -> list[str]:
    """A document's id and the ids of its sub-elements (an article's sub-articles, a neighbourhood's themes,
    priorities and items): an avenant changing one of them changes the page the document is read on."""
    out = [document["id"]]
    out += [s["id"] for s in document.get("sections", [])]
    for theme in (document.get("project") or {}).get("themes", []):
        out.append(theme["id"])
        for p in theme["priorities"]:
            out += [p["id"], *(it["id"] for it in p.get("items", []))]
    return out
