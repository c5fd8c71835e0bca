"""Generate the site's pages (markdown) from the corpus: one page per article, neighbourhood,
commitment and device, plus index pages. Pure functions: MkDocs only receives the results."""

from __future__ import annotations

import json
import math
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .charts import neighbourhoods_chart
from .corpus import (
    Corpus,
    data_years,
    population,
    priorities,
    priority_count,
    uses_insee_small_areas,
)
from .glossary import by_letter
from .glossary import entries as glossary_entries
from .history import common_base_ids, element_history, ids_under, place_of, timeline
from .indicators import Shared, change, comparisons, difference, observation_source, shared_indicators
from .labels import FIRST_OBSERVATION, SINCE_BASELINE, STATUS_LABELS, VERSION_STATUS
from .render import COMPARE_NEIGHBOURHOODS, BlockRenderer
from .shape import count, lower_first, reference
from .signature import signature_record, status_sentence
from .templatecache import bytecode_cache
from .text import (
    NBSP,
    change_html,
    code_spans_html,
    external_link,
    figures,
    fr_date,
    fr_number,
    fr_value,
    md,
    page_links,
    plain_text,
    plural,
    resolve_figures,
    title_html,
    value_html,
)

PATHS = {
    "contract": "contrat/index.md",
    "foreword": "contrat/avant-propos.md",
    "article": "contrat/{id}.md",
    "neighbourhoods": "quartiers/index.md",
    "neighbourhood": "quartiers/{id}.md",
    "common-base": "socle-commun.md",
    "signatories": "signataires/index.md",
    "commitment": "signataires/{id}.md",
    "devices": "dispositifs/index.md",
    "device": "dispositifs/{id}.md",
    "changes": "ce-qui-change.md",
    "glossary": "glossaire.md",
    "data": "donnees.md",
    "history": "historique.md",
    "indicators": "indicateurs/index.md",
    "indicator": "indicateurs/{id}.md",
    "reports": "rapports/index.md",
    "report": "rapports/{id}.md",
}


@dataclass(frozen=True)
class Page:
    path: str  # inside docs/, e.g. "quartiers/planoise.md"
    title: str
    markdown: str
    source: str | None  # repo-relative YAML file the page is generated from (its "edit" link), if one


def page_path(kind: str, ident: str = "") -> str:
    return PATHS[kind].format(id=ident)


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives the page `path` (a .md file of docs/), from the site root."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5] if directory_urls else stem + ".html"
    return stem + "/" if directory_urls else stem + ".html"


@cache
def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for two paths inside docs/, without reading the working directory each time
    (a site of 1,362 neighbourhoods makes tens of thousands of links)."""
    return posixpath.relpath(target, start)


def relative_page_href(target: str, anchor: str | None, here: str, directory_urls: bool = True) -> str:
    """A link written in contributor text to the page `target` (path of docs/), as an href that works
    from the page `here`. Written as HTML, MkDocs does not rewrite it: the final URL is made here."""
    url, base = page_url(target, directory_urls), page_url(here, directory_urls)
    base_dir = base.rstrip("/") if directory_urls else posixpath.dirname(base)
    rel = _relpath(url.rstrip("/") or ".", base_dir or ".")
    if url.endswith("/") or not url:
        rel = rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cdv", "templates"),
        undefined=StrictUndefined,
        finalize=md,  # every value printed by a template is escaped unless already Markup
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        fr_number=fr_number,
        fr_date=fr_date,
        plain=title_html,
        code_spans=code_spans_html,
        fr_value=fr_value,
        value_html=value_html,
        lower_first=lower_first,
    )
    env.globals.update(
        plural=plural,
        external_link=external_link,
        count=count,
        STATUS_LABELS=STATUS_LABELS,
        VERSION_STATUS=VERSION_STATUS,
        signature_record=signature_record,
        status_sentence=status_sentence,
        population=population,
        priority_count=priority_count,
        priorities=priorities,
        data_years=data_years,
        uses_insee_small_areas=uses_insee_small_areas,
        observation_source=observation_source,
        glossary_entries=glossary_entries,
        glossary_by_letter=by_letter,
    )
    env.globals.update(_follow_up_globals())
    return env


def _follow_up_globals() -> dict[str, Any]:
    """What the follow-up's templates print (cdv.actionview): its labels and formatting."""
    from . import actionview, labels

    return {
        "FOLLOW_UP_HEADINGS": labels.FOLLOW_UP_HEADINGS,
        "FOLLOW_UP_FIELDS": labels.FOLLOW_UP_FIELDS,
        "FOLLOW_UP_STATUS": labels.FOLLOW_UP_STATUS,
        "ACTION_FIELDS": labels.ACTION_FIELDS,
        "NOT_GIVEN": labels.NOT_GIVEN,
        "NBSP": Markup(NBSP),
        "status_text": actionview.status_text,
        "amount": actionview.amount,
        "when": actionview.when,
        "line_html": actionview.line_html,
        "undated_html": actionview.undated_html,
    }


def block_reference(corpus: Corpus, article_id: str, block_id: str) -> str:
    """How a sentence names the (sub-)article that holds a block: "article 9.2", after the contract's
    article pattern."""
    shape = corpus.shape
    article = corpus.article(article_id)
    number = corpus.block_section(article_id, block_id)
    section = next((s for s in article.get("sections", []) if s["number"] == number), None)
    title = section["title"] if section else article["title"]
    return reference(shape.headings["article"], number, title)


# The page of the site that shows what an annex of the contract holds (shape `annexes[].shows`).
ANNEX_PAGES = {"commitments": "signatories", "devices": "devices"}


@dataclass(frozen=True)
class Annex:
    number: int  # its position among the contract's annexes
    title: str  # as the contract numbers it: "Annexe 1 : L'engagement de chaque signataire"
    reference: str  # inside a sentence: "annexe 1"
    shows: str
    page: str  # the page kind (PATHS) that shows it


def annexes(corpus: Corpus) -> list[Annex]:
    """The contract's annexes that hold something (an annex with no content is not shown), numbered by
    their place in contract.yml `shape.annexes`."""
    shape = corpus.shape
    holds = {"commitments": bool(corpus.commitments), "devices": bool(corpus.devices)}
    pattern = shape.headings.get("annex", "{titre}")
    return [
        Annex(
            number,
            shape.annex_title(a, number),
            reference(pattern, number, a["title"]),
            a["shows"],
            ANNEX_PAGES[a["shows"]],
        )
        for number, a in enumerate(shape.annexes, 1)
        if holds.get(a["shows"])
    ]


def annex_showing(corpus: Corpus, shows: str) -> Annex | None:
    return next((a for a in annexes(corpus) if a.shows == shows), None)


def common_base_reach(corpus: Corpus) -> str:
    """Whom the common base is common to, in the contract's words: the kinds of neighbourhood whose
    projects print it ("quartiers prioritaires"), in their order; "" if no project prints it."""
    kinds = {n["kind"] for n in corpus.neighbourhoods if (n.get("project") or {}).get("common_base")}
    return " et ".join(lower_first(k.plural) for k in corpus.shape.kinds if k.id in kinds)


def strategy_fields(corpus: Corpus, neighbourhood: dict, priority: dict, link) -> Markup:
    """The structured fields of a priority (pilot, partners, levers, funding, criteria, indicators), one
    line each as "Label : value, value.", then its items as a nested list: the markdown that follows the
    priority's text inside its list item. Nothing when the priority has none."""
    labels = corpus.shape.field_labels

    def show(e) -> str:
        if e.typed:
            return md(e.text, line_start=False)
        if e.target == "signatory":
            return f"[{title_html(e.text)}]({link('signatories')}#{e.ident})"
        if e.target == "device":
            return f"[{title_html(e.text)}]({link('device', e.ident)})"
        # An indicator's label; an id the contract does not have (validation names it) as typed.
        return md(e.text, markup=e.target is not None, line_start=False)

    lines = []
    for key, entries in corpus.strategy_entries(neighbourhood, priority):
        if entries:
            shown = ", ".join(show(e) for e in entries)
            lines.append(f'<br>\n  <span class="cdv-strategy">{md(labels[key], line_start=False)} : {shown}.</span>')
    out = "".join(lines)
    items = priority.get("items") or []
    if items:
        out += "".join(
            f'\n    - <span class="cdv-item" id="{md(i["id"], markup=False)}">{md(i["text"], line_start=False)}</span>'
            for i in items
        )
    return Markup(out)


@dataclass(frozen=True)
class PageSpec:
    """A generated page before it is rendered: its template, place, title, source and template values."""

    template: str
    path: str
    title: str
    source: str | None
    boost: float | None = None
    context: dict = field(default_factory=dict)


def page_specs(corpus: Corpus) -> list[PageSpec]:
    """Every generated page of the site but "Ce qui change", in reading order. A new kind of page is one
    more entry here, its template in cdv/templates/ and its path in PATHS."""
    c = corpus
    shape = c.shape
    contract_src = c.source(c.contract)
    specs = [
        PageSpec("contract.md.j2", page_path("contract"), "Le contrat", contract_src),
        PageSpec("foreword.md.j2", page_path("foreword"), c.contract["foreword"]["title"], contract_src),
    ]
    specs += [
        PageSpec(
            "article.md.j2",
            page_path("article", a["id"]),
            shape.article_title(a),
            c.source(a),
            context={"article": a},
        )
        for a in c.articles
    ]
    specs.append(PageSpec("neighbourhoods.md.j2", page_path("neighbourhoods"), "Les quartiers", None))
    specs += [
        PageSpec(
            "neighbourhood.md.j2",
            page_path("neighbourhood", n["id"]),
            n["name"],
            c.source(n),
            boost=4,
            context={"n": n, "indicators": {i["id"]: i for i in (n.get("portrait") or {}).get("indicators", [])}},
        )
        for n in c.neighbourhoods
    ]
    # A contract without a common base (no contract/objectives.yml) or, being a draft, without signatories
    # and commitments yet has no page for them, and its navigation no entry (navigation()).
    if c.objectives:
        specs.append(
            PageSpec("common_base.md.j2", page_path("common-base"), c.objectives["title"], c.source(c.objectives))
        )
    if c.signatories or c.commitments:
        specs.append(
            PageSpec(
                "signatories.md.j2",
                page_path("signatories"),
                "Les signataires et leurs engagements",
                c.single_sources.get("signatories"),
            )
        )
    specs += [
        PageSpec(
            "commitment.md.j2",
            page_path("commitment", cm["id"]),
            f"Engagement : {cm['title']}",
            c.source(cm),
            context={"commitment": cm},
        )
        for cm in c.commitments
    ]
    specs.append(PageSpec("devices.md.j2", page_path("devices"), "Les dispositifs", None))
    specs.append(PageSpec("data.md.j2", page_path("data"), "Données", None))  # its values: _data_context
    specs.append(PageSpec("glossary.md.j2", page_path("glossary"), "Glossaire", c.single_sources.get("glossary")))
    specs.append(PageSpec("history.md.j2", page_path("history"), "Historique", None, context={"events": timeline(c)}))
    specs += [
        PageSpec("device.md.j2", page_path("device", d["id"]), d["name"], c.source(d), context={"device": d})
        for d in c.devices
    ]
    shared = _shape_context(c)["shared_indicators"]
    if shared:
        specs.append(
            PageSpec("indicators.md.j2", page_path("indicators"), INDICATORS_TITLE, None, context={"shared": shared})
        )
        specs += [
            PageSpec(
                "indicator.md.j2",
                page_path("indicator", s.ident),
                s.label,
                None,
                context={"shared": s},
            )
            for s in shared
        ]
    specs += report_specs(c)
    return specs


def report_specs(corpus: Corpus) -> list[PageSpec]:
    """The annual reports (reports/<year>.yml): their list, then one page each, newest first. Their
    values are computed when the page is rendered (cdv.report), not here."""
    from .report import status_line

    if not corpus.reports:
        return []
    newest = sorted(corpus.reports, key=lambda r: -r["year"])
    specs = [
        PageSpec(
            "reports.md.j2",
            page_path("reports"),
            "Rapports annuels",
            None,
            context={"entries": [(r, status_line(r)) for r in newest]},
        )
    ]
    specs += [
        PageSpec(
            "report.md.j2",
            page_path("report", str(r["year"])),
            r["title"],
            corpus.source(r),
            context={"year": r["year"]},
        )
        for r in newest
    ]
    return specs


INDICATORS_TITLE = COMPARE_NEIGHBOURHOODS


def _card_anchor(neighbourhood: dict, ident: str) -> str | None:
    """Where an indicator stands on its neighbourhood's page (cdv.render, cdv.blocks): its card, or the
    school level that counts it as pupils."""
    for section in (neighbourhood.get("portrait") or {}).get("sections", []):
        for b in section.get("blocks", []):
            if ident in (b.get("indicators") or []):
                return f"indicateur-{ident}"
            for level in (b.get("schools") or {}).get("levels", []):
                if ident in level.get("pupils", []):
                    return f"ecoles-{level['level']}"
    return None


def compared_territories(corpus: Corpus, shared: Shared) -> list[tuple[str, str]]:
    """The comparison territories (id, label) the latest observation of at least one neighbourhood gives."""
    return [
        (ident, label)
        for ident, label in comparisons(corpus.contract)
        if any(ident in ind["observations"][-1] for _, ind in shared.entries)
    ]


def comparison_rows(corpus: Corpus, shared: Shared, link) -> list[dict]:
    """One row per neighbourhood that gives the indicator: its page (at the indicator's card), its latest
    value and period, each comparison territory's value there with the gap, and the change since the
    baseline or the first observation; every value as markup."""
    rows = []
    declared = compared_territories(corpus, shared)
    for n, ind in shared.entries:
        last = ind["observations"][-1]
        unit = ind["unit"]
        anchor = _card_anchor(n, ind["id"])
        href = link("neighbourhood", n["id"]) + (f"#{anchor}" if anchor else "")
        cells = []
        for ident, _ in declared:
            if ident in last:
                gap = difference(last["value"], last[ident])
                cells.append(Markup("{} ({})").format(value_html(last[ident], unit), change_html(gap, unit)))
            else:
                cells.append(Markup("—"))
        moved = change(ind)
        trend = (
            Markup("{} depuis {} ({})").format(
                change_html(moved.delta, unit),
                SINCE_BASELINE if moved.from_baseline else FIRST_OBSERVATION,
                md(moved.since, line_start=False),
            )
            if moved
            else Markup("—")
        )
        target = ind.get("target")
        rows.append(
            {
                "name": Markup("[{}]({})").format(title_html(n["name"]), Markup(href)),
                "value": value_html(last["value"], unit, last.get("explicit_sign", False)),
                "period": md(last["period"], line_start=False),
                "comparisons": cells,
                "trend": trend,
                "target": Markup("{} en {}").format(value_html(target["value"], unit), target["year"])
                if target
                else Markup("—"),
            }
        )
    return rows


# The CSV files of the open data the Données page documents, in its order.
DATA_CSV_FILES = ("indicateurs.csv", "priorites.csv", "actions.csv", "mesures.csv")


def _data_context(corpus: Corpus, pdf: str | None) -> dict:
    from .followup import measures
    from .opendata import csv_columns, data_dictionary

    observations = sum(
        len(i["observations"]) for n in corpus.neighbourhoods for i in (n.get("portrait") or {}).get("indicators", [])
    )
    return {
        "dictionary": data_dictionary(corpus.root / "schemas", corpus, csv_files=DATA_CSV_FILES),
        "observations": observations,
        "priority_rows": sum(priority_count(n) for n in corpus.neighbourhoods),
        "pdf": pdf,
        "columns": ", ".join(csv_columns(corpus)),
        "funding_rows": sum(len(a.get("funding") or [None]) for a in corpus.actions),
        "action_count": len(corpus.actions),
        "measure_count": len(measures(corpus)),
    }


_SHAPE_CONTEXT: list = [None, {}]  # (corpus, its values): computed once per corpus, not once per page


def _shape_context(corpus: Corpus) -> dict:
    """The values every page may print that the whole contract decides (its annexes, whom its common base
    is common to): the same for each page of one build."""
    if _SHAPE_CONTEXT[0] is not corpus:
        _SHAPE_CONTEXT[:] = [
            corpus,
            {
                "annexes": annexes(corpus),
                "commitments_annex": annex_showing(corpus, "commitments"),
                "common_base_reach": common_base_reach(corpus),
                "shared_indicators": shared_indicators(corpus.neighbourhoods),
            },
        ]
    return _SHAPE_CONTEXT[1]


def render_page(
    corpus: Corpus,
    spec: PageSpec,
    pdf: str | None = None,
    directory_urls: bool = True,
    amendment_pdf: str | None = None,
) -> Page:
    """One generated page as markdown: its front matter, then its template rendered with escaped values."""
    path = spec.path
    here = posixpath.dirname(path) or "."

    def link(kind: str, ident: str = "") -> str:
        return _relpath(page_path(kind, ident) if kind != "page" else page_path(ident), here)

    pages = {s.ident: page_path("indicator", s.ident) for s in _shape_context(corpus)["shared_indicators"]}

    def blocks(items, level: int = 3, indicators=None, place=None) -> Markup:
        return BlockRenderer(corpus, indicators, level, link, place=place, indicator_pages=pages).render(items or [])

    context = _data_context(corpus, pdf) if spec.template == "data.md.j2" else spec.context
    if spec.template == "indicator.md.j2":
        shared = context["shared"]
        context = {
            **context,
            "rows": comparison_rows(corpus, shared, link),
            "comparisons": compared_territories(corpus, shared),
            "has_baseline": any("baseline" in ind for _, ind in shared.entries),
            "chart": neighbourhoods_chart(shared),
        }
    if spec.template == "history.md.j2":
        context = {**context, "amendment_pdf": _relpath(amendment_pdf, here) if amendment_pdf else None}
    if spec.template in ("report.md.j2", "reports.md.j2"):  # the annual reports' values (cdv.report)
        from .report import page_context

        context = {**context, **page_context(corpus, context.get("year"), link, here if pdf else None)}
    # Links of contributor text to other pages of the site, relative to this page (cdv validate checked
    # that each page and anchor exists).
    with (
        page_links(lambda target, anchor: relative_page_href(target, anchor, path, directory_urls)),
        figures(corpus.figures),  # the [[figures]] its texts cite (cdv.text)
    ):
        text = (
            _environment()
            .get_template(spec.template)
            .render(
                c=corpus,
                contract=corpus.contract,
                shape=corpus.shape,
                link=link,
                blocks=blocks,
                title=spec.title,
                strategy=lambda n, p: strategy_fields(corpus, n, p, link),
                **_shape_context(corpus),
                block_reference=lambda article, block: block_reference(corpus, article, block),
                history=lambda *ids: element_history(corpus, *ids),
                history_ids_of=lambda document: ids_under(corpus, document),
                common_base_ids=lambda: common_base_ids(corpus),
                place=lambda ident: place_of(corpus, ident),
                follow=_follow_up_view(corpus, link, context),
                **context,
            )
        )
        return Page(path, plain_text(spec.title), front_matter(spec.title, spec.boost) + text, spec.source)


def _follow_up_view(corpus: Corpus, link, context: dict):
    from .actionview import View

    neighbourhood = context.get("n")
    return View(corpus, link, here=neighbourhood["id"] if neighbourhood else None)


def build_pages(
    corpus: Corpus,
    changes: Page | None = None,
    pdf: str | None = None,
    directory_urls: bool = True,
    amendment_pdf: str | None = None,
) -> list[Page]:
    """Every generated page (pdf: the PDF's path in the site, when the build writes it; amendment_pdf: the
    avenant's beside it, linked from the Historique page)."""
    pages = [render_page(corpus, spec, pdf, directory_urls, amendment_pdf) for spec in page_specs(corpus)]
    return pages + [changes] if changes else pages


def change_link(corpus: Corpus, kind, ident: str) -> str | None:
    """Where readers find a changed element (a cdv.compare Kind and id) in `corpus`, the newer version: its
    page and stable anchor, as contributor text links a page ("contrat/article-9.md#article-9-1"). None for
    what no page shows on its own (a social centre, a source compared whole)."""
    from .compare import Kind

    holder = ident.split("/", 1)[0]  # an indicator's id is its neighbourhood's, then its own
    fixed = {
        Kind.CONTRACT: ("contract", "", None),
        Kind.FOREWORD: ("foreword", "", None),
        Kind.SIGNATORY_LIST: ("signatories", "", None),
        Kind.COMMON_BASE: ("common-base", "", None),
        Kind.PORTRAIT: ("neighbourhood", holder, None),
        Kind.INDICATOR: ("neighbourhood", holder, None),
        Kind.PROJECT: ("neighbourhood", holder, "projet-de-quartier"),
    }
    if kind in (Kind.SOCIAL_CENTRES, Kind.SOCIAL_CENTRE, Kind.SOURCE):
        return None
    if kind in fixed:
        page, page_id, anchor = fixed[kind]
        if page == "neighbourhood" and not any(n["id"] == holder for n in corpus.neighbourhoods):
            return None
    else:
        place = place_of(corpus, ident)
        if place is None:
            return None
        page, page_id, anchor = place.page, place.page_id, place.anchor
    return page_path(page, page_id) + (f"#{anchor}" if anchor else "")


def changes_page(
    corpus: Corpus,
    diff,
    in_force_label: str | None,
    base_role: str = "la version en vigueur",
    base_commit: str | None = None,
    sources_commit: str | None = None,
    directory_urls: bool = True,
) -> Page:
    """ "Ce qui change": a published version (in force, or the one before it) against the sources being
    built, for non-specialists; both named by their commits where git knows them. Each change links to the
    element in this version."""
    from .diff import to_markdown

    here = page_path("changes")

    def href(link: str) -> str:
        target, _, anchor = link.partition("#")
        return relative_page_href(target, anchor or None, here, directory_urls)

    text = (
        _environment()
        .get_template("changes.md.j2")
        .render(
            contract=corpus.contract,
            in_force=in_force_label,
            base_role=base_role,
            base_commit=base_commit,
            sources_commit=sources_commit,
            diff=diff,
            body=Markup(to_markdown(diff, heading="##", href=href).split("\n", 1)[1]) if diff is not None else "",
        )
    )
    return Page(page_path("changes"), "Ce qui change", front_matter("Ce qui change") + text, None)


def front_matter(title, boost: float | None = None) -> str:
    """A generated page's front matter. Material writes `title` unescaped into <title> and the header, so
    it is the title's escaped HTML; json.dumps makes it one double-quoted YAML scalar whatever it holds
    (quotes, backslashes, colons, "---"). Generated pages are never rendered by mkdocs-macros: their text
    is data, not template."""
    quoted = json.dumps(str(title_html(title)), ensure_ascii=False)
    for char in "\u2028\u2029\x85":  # line breaks to YAML, not to JSON
        quoted = quoted.replace(char, f"\\u{ord(char):04x}")
    front = f"---\nrender_macros: false\ntitle: {quoted}\n"
    if boost:  # Material ranks this page first when its name is searched (a neighbourhood, say)
        front += f"search:\n  boost: {boost}\n"
    return front + "---\n\n"


def _nav(title) -> Markup:
    """A navigation title: Material inserts it unescaped (`{{ nav_item.title }}`), so it is escaped HTML.
    As Markup, Jinja's `| e` in Material's attributes (aria-label) leaves it escaped once, not twice."""
    return title_html(title)


def navigation(corpus: Corpus) -> dict[str, Any]:
    """Navigation sections for the `cdv:` markers of mkdocs.yml, in reading order."""
    with figures(corpus.figures):  # a title may cite a figure (cdv.text)
        return _navigation(corpus)


def _navigation(corpus: Corpus) -> dict[str, Any]:
    c = corpus
    shape = c.shape
    articles = [
        {_nav(shape.article_title(a, a.get("short_title") or a["title"])): page_path("article", a["id"])}
        for a in c.articles
    ]
    by_kind = [
        {
            _nav(kind.plural): bounded_nav_list(
                [{_nav(n["name"]): page_path("neighbourhood", n["id"])} for n in c.neighbourhoods_of_kind(kind.id)]
            )
        }
        for kind in shape.kinds
        if c.neighbourhoods_of_kind(kind.id)
    ]
    return {
        "cdv:contract": [
            page_path("contract"),
            {_nav(c.contract["foreword"]["title"]): page_path("foreword")},
            *articles,
        ],
        "cdv:neighbourhoods": [page_path("neighbourhoods"), *by_kind],
        "cdv:common-base": page_path("common-base") if c.objectives else None,
        "cdv:signatories": [
            page_path("signatories"),
            *({_nav(cm["title"]): page_path("commitment", cm["id"])} for cm in c.commitments),
        ]
        if c.signatories or c.commitments
        else None,
        "cdv:changes": page_path("changes"),
        "cdv:glossary": page_path("glossary"),
        "cdv:history": page_path("history"),
        "cdv:data": page_path("data"),
        "cdv:indicators": [
            page_path("indicators"),
            *({_nav(s.label): page_path("indicator", s.ident)} for s in _shape_context(c)["shared_indicators"]),
        ]
        if _shape_context(c)["shared_indicators"]
        else None,
        "cdv:reports": [
            page_path("reports"),
            *(
                {_nav(str(r["year"])): page_path("report", str(r["year"]))}
                for r in sorted(c.reports, key=lambda r: -r["year"])
            ),
        ]
        if c.reports
        else None,
        "cdv:devices": [
            page_path("devices"),
            *({_nav(d.get("acronym") or d["name"]): page_path("device", d["id"])} for d in c.devices),
        ],
    }


# Entries a navigation list shows before it is split into ranges ("Amitié – Montrapon", …).
NAV_LIST_LIMIT = 30


def bounded_nav_list(entries: list[dict]) -> list[dict]:
    """A navigation list of at most NAV_LIST_LIMIT entries: a longer one becomes ranges of even size, in
    the same order, and ranges of ranges if need be. With Material's navigation.prune, a page then carries
    the links of its own range only: a site of 1,362 neighbourhoods does not repeat 1,362 links on each of
    its 1,362 pages (which made the build quadratic)."""
    if len(entries) <= NAV_LIST_LIMIT:
        return entries
    count = math.ceil(len(entries) / NAV_LIST_LIMIT)
    size = math.ceil(len(entries) / count)
    ranges = [entries[i : i + size] for i in range(0, len(entries), size)]
    return bounded_nav_list(
        [{Markup("{} – {}").format(_leaf_title(r[0], 0), _leaf_title(r[-1], -1)): r} for r in ranges]
    )


def _leaf_title(entry: dict, end: int) -> str:
    """The title of the first (end=0) or last (end=-1) page under a navigation entry."""
    ((title, target),) = entry.items()
    return title if isinstance(target, str) else _leaf_title(target[end], end)


def expand_nav(nav, sections: dict[str, Any], config_file: str | None = None):
    """Replace the `cdv:` markers of a MkDocs nav by the generated sections (dropping empty ones).

    An unknown marker (« cdv:quartiers », « CDV:contract ») is an InvalidSources naming every one, each at
    its line and column of `config_file` (mkdocs.yml) when it is given, and its place in the nav."""
    unknown: list[tuple[tuple, str]] = []

    def expand(item, pointer: tuple):
        if isinstance(item, list):
            items = [expand(sub, (*pointer, i)) for i, sub in enumerate(item)]
            return [i for i in items if i is not None and not (isinstance(i, dict) and None in i.values())]
        if isinstance(item, dict):
            return {key: expand(value, (*pointer, key)) for key, value in item.items()}
        if isinstance(item, str) and item.strip().lower().startswith("cdv:"):
            if item not in sections:
                unknown.append((pointer, item))
                return item
            return sections[item]
        return item

    expanded = expand(nav, ("nav",))
    if unknown:
        from pathlib import Path

        from .errors import InvalidSources, SourceError, shown
        from .messages import _suggest

        file = Path(config_file).name if config_file else "mkdocs.yml"
        possible = ", ".join(f"« {m} »" for m in sections)
        raise InvalidSources(
            [
                SourceError(
                    file,
                    *_nav_position(config_file, pointer),
                    "/" + "/".join(map(str, pointer)),
                    f"marqueur de navigation inconnu « {shown(marker)} » ; marqueurs possibles : {possible}."
                    + _suggest(marker.strip(), list(sections)),
                )
                for pointer, marker in unknown
            ]
        )
    return expanded


def _nav_position(config_file: str | None, pointer: tuple) -> tuple[int, int]:
    """Line and column (1-based) of the nav entry at `pointer` in the MkDocs config, (0, 0) if not found.
    The file is composed, not constructed: its tags (!ENV, !!python/name) need no meaning here."""
    from pathlib import Path

    import yaml

    try:
        node = yaml.compose(Path(config_file).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        for step in pointer:
            if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step]
            elif isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(step))
            else:
                return (0, 0)
    except (TypeError, OSError, UnicodeDecodeError, yaml.YAMLError, IndexError, StopIteration):
        return (0, 0)
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def abbreviations(corpus: Corpus) -> dict[str, str]:
    """Each acronym of the glossary and its expansion: Markdown's abbr extension explains them on hover."""
    with figures(corpus.figures):
        return {
            term["term"]: " ".join(resolve_figures(term["expansion"]).split())
            for term in glossary_entries(corpus.glossary)
        }


def glossary_links(corpus: Corpus) -> dict[str, str]:
    """Each acronym the site explains and its glossary entry (docs path and anchor): its first occurrence
    on a page links there (cdv.abbrlinks), so that its definition is reached by keyboard and touch."""
    return {term["term"]: f"{page_path('glossary')}#{term['id']}" for term in glossary_entries(corpus.glossary)}


# --- the editors' guide on the site ----------------------------------------------------------------

GUIDE_FILE = "CONTRIBUTING.md"
_GUIDE_SPAN = re.compile(r"(`+)(?:.+?)\1|\[([^\]]*)\]\(([^)\s]+)\)")


def repository_file_base(edit_uri: str | None, repo_url: str | None, docs_dir: str = "docs") -> str | None:
    """The address files of the repository are read at, from the site's configuration: its absolute edit
    address (.../edit/main/docs/ → .../blob/main/), else its repository (.../blob/main/); None without."""
    if edit_uri and "/edit/" in edit_uri and re.match(r"^https://", edit_uri):
        base = edit_uri.replace("/edit/", "/blob/", 1).rstrip("/")
        return base.removesuffix("/" + docs_dir.strip("/")) + "/"
    return f"{repo_url.rstrip('/')}/blob/main/" if repo_url else None


def contributing_markdown(root: Path, file_base: str | None = None) -> str | None:
    """The editors' guide (CONTRIBUTING.md) as the site's "Contribuer" page, so that one text is read in
    both places: its title left to the page, its links to the site's own pages (docs/x.md) made relative to
    the site, its links to other files of the repository pointed at the repository (or dropped without
    one). Code, spans and fences, is left exactly as written. None when the project has no guide."""
    path = Path(root) / GUIDE_FILE
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]

    def link(target: str) -> str | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):
            return target
        if target.startswith("docs/"):
            return target.removeprefix("docs/")
        return f"{file_base}{target}" if file_base else None

    def rewrite(line: str) -> str:
        def one(m: re.Match) -> str:
            if m.group(3) is None:
                return m.group(0)  # a code span
            target = link(m.group(3))
            return f"[{m.group(2)}]({target})" if target else m.group(2)

        out = _GUIDE_SPAN.sub(one, line)
        return out

    result, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        result.append(line if fenced or line.lstrip().startswith("```") else rewrite(line))
    return "\n".join(result).lstrip("\n")
