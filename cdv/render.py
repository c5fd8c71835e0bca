"""Render content blocks of the sources as markdown (with small HTML parts) for the site and the PDF.

Each kind of block renders as cdv.blocks (its registry) says; this module holds what a rendering needs to
know of the document (corpus, indicators, links, anchors) and the indicator cards.
Every value of the sources goes through cdv.text.to_html (md, inline_html and title_html are its forms).
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from .blocks import kind_of
from .corpus import Corpus, latest
from .indicators import change, compared, difference, gaps, observation_source, target_gap
from .labels import FIRST_OBSERVATION, GAP_WITH, SINCE_BASELINE, SOURCE, TARGET
from .text import change_html, figures, inline_html, md, page_href, plain_text, title_html, value_html


def source_with_period(obs: dict) -> str:
    """'OPS 2022' stays as is; a source that does not name its period gets it in brackets (as does the
    mention of a source the contract does not give)."""
    source = observation_source(obs)
    return source if obs.get("source") and obs["period"] in source else f"{source} ({obs['period']})"


def trend(ind: dict) -> str:
    """The latest observation against the previous one: '↗ +132 depuis 2018', in points for shares."""
    previous, last = ind["observations"][-2], ind["observations"][-1]
    delta = difference(last["value"], previous["value"])
    arrow = "↗" if delta > 0 else "↘" if delta < 0 else "→"
    return f"{arrow} {change_html(delta, ind['unit'])} depuis {inline_html(previous['period'])}"


def evaluation_items(ind: dict, contract: dict) -> list[Markup]:
    """What the figures say of an indicator, each a phrase: its change since the baseline (or, named so,
    since its first observation), its target and how far the latest value stands from it, its gap to each
    comparison territory at the first and at the latest observation that gives one."""
    unit = ind["unit"]
    items = []
    moved = change(ind)
    if moved is not None:
        start = SINCE_BASELINE if moved.from_baseline else FIRST_OBSERVATION
        items.append(
            Markup("Évolution depuis {} ({}) : <strong>{}</strong> ({} → {} en {})").format(
                start,
                inline_html(moved.since),
                change_html(moved.delta, unit),
                value_html(moved.start, unit),
                value_html(moved.end, unit),
                inline_html(moved.end_period),
            )
        )
    target = ind.get("target")
    if target is not None:
        last = ind["observations"][-1]
        items.append(
            Markup("{} pour {} : <strong>{}</strong> ; écart en {} : {}").format(
                TARGET,
                target["year"],
                value_html(target["value"], unit),
                inline_html(last["period"]),
                change_html(target_gap(ind), unit),
            )
            + (Markup(" ({})").format(inline_html(target["note"])) if target.get("note") else "")
        )
    for gap in gaps(ind, contract):
        words = Markup("{} {} : <strong>{}</strong> en {}").format(
            GAP_WITH, inline_html(gap.label), change_html(gap.last, unit), inline_html(gap.last_period)
        )
        if not gap.once:
            words += Markup(" ({} en {})").format(change_html(gap.first, unit), inline_html(gap.first_period))
        items.append(words)
    return items


# The words of the site's indicator evaluation (BlockRenderer.indicator_evaluation, comparison_link).
_EVALUATION = "Ce que disent les chiffres"
COMPARE_NEIGHBOURHOODS = "Comparer les quartiers"


class BlockRenderer:
    """Renders blocks for one document; `indicators` is the portrait's indicators, by id."""

    def __init__(
        self,
        corpus: Corpus,
        indicators: dict | None = None,
        heading_level: int = 3,
        links=None,
        id_prefix: str = "",
        place: str | None = None,
        indicator_pages: Mapping[str, str] | None = None,
    ):
        # The site's renderer gives the indicators that have a comparison page, id -> its path (cdv.pages):
        # it shows each indicator's evaluation and links that page. The PDF prints the contract alone.
        self.indicator_pages = indicator_pages
        self.corpus = corpus
        self.place = place  # the neighbourhood's name, for the charts
        self.id_prefix = id_prefix  # keeps anchors unique where several documents share one page (the PDF)
        self.indicators = indicators or {}
        self.heading_level = heading_level
        self.links = links  # callable(kind, id) -> relative URL, provided by the page being built

    def render(self, blocks: list[dict]) -> Markup:
        with figures(self.corpus.figures):  # the [[figures]] the blocks cite (cdv.text)
            return Markup("".join(self.block(b) for b in blocks))

    def block(self, b: dict) -> str:
        anchor = f'<a id="{self.id_prefix}{b["id"]}"></a>\n' if "id" in b else ""
        kind = kind_of(b)
        if kind is None:
            raise ValueError(f"unknown block {sorted(b)}")  # the schema makes this unreachable
        return anchor + kind.render(self, b) + "\n"

    @property
    def shows_follow_up(self) -> bool:
        """Whether the document shows the contract's follow-up (a measure's pilot and status): the site does;
        the PDF prints the contract as signed, which a status update must not change."""
        return self.indicator_pages is not None

    def nested(self) -> BlockRenderer:
        """A renderer for blocks inside a block (a quote's), with the same context."""
        return BlockRenderer(
            self.corpus,
            self.indicators,
            self.heading_level,
            self.links,
            self.id_prefix,
            self.place,
            self.indicator_pages,
        )

    def link(self, kind, ident, text) -> str:
        # A link's label is its words only: a link inside a link is neither valid HTML nor wanted.
        return f"[{title_html(text)}]({self.links(kind, ident)})" if self.links else str(md(text))

    # --- portrait blocks -----------------------------------------------------------------------
    def indicator_evaluation(self, ind: dict) -> str:
        """The site's evaluation of an indicator, beside its charts (nothing when the figures say nothing)."""
        if self.indicator_pages is None:
            return ""
        items = evaluation_items(ind, self.corpus.contract)
        if not items:
            return ""
        lines = Markup("").join(Markup("<li>{}</li>").format(i) for i in items)
        return (
            f'<div class="cdv-evaluation" id="{self.id_prefix}evaluation-{ind["id"]}">'
            f"<p><strong>{_EVALUATION}</strong></p><ul>{lines}</ul></div>"
        )

    def comparison_link(self, ind: dict) -> str:
        """On the site, the link from an indicator's card to the page comparing every neighbourhood on it;
        its accessible name adds the indicator's label, which the card shows (the same words would else
        name several links of the page)."""
        page = (self.indicator_pages or {}).get(ind["id"])
        href = page_href(page) if page else None
        if not href:
            return ""
        return Markup('<a class="cdv-card__link" href="{}" aria-label="{} : {}">{}</a>').format(
            Markup(href), COMPARE_NEIGHBOURHOODS, plain_text(ind["label"]), COMPARE_NEIGHBOURHOODS
        )

    def indicator_card(self, ind: dict) -> str:
        obs = latest(ind)
        value = value_html(obs["value"], ind["unit"], obs.get("explicit_sign", False))
        prefix = f"{inline_html(ind['prefix'])} " if ind.get("prefix") else ""
        compare = [
            f"{value_html(figure, ind['unit'])} {inline_html(label)}"
            for _, label, figure in compared(obs, self.corpus.contract)
        ]
        parts = [
            f'<span class="cdv-card__value">{prefix}{value}</span>',
            f'<span class="cdv-card__label">{inline_html(ind["label"])}</span>',
        ]
        if compare:
            parts.append(f'<span class="cdv-card__compare">({" / ".join(compare)})</span>')
        if len(ind["observations"]) > 1:
            parts.append(f'<span class="cdv-card__trend">{trend(ind)}</span>')
        if obs.get("note"):
            parts.append(f'<span class="cdv-card__note">{inline_html(obs["note"])}</span>')
        parts.append(f'<span class="cdv-card__source">{SOURCE} : {inline_html(source_with_period(obs))}</span>')
        link = self.comparison_link(ind)
        if link:
            parts.append(link)
        # Spaces between the parts keep "15 378 habitants" one phrase for screen readers and search.
        return f'<div class="cdv-card" id="{self.id_prefix}indicateur-{ind["id"]}">' + " ".join(parts) + "</div>"
