"""Render content blocks of the sources as markdown (with small HTML parts) for the site and the PDF.

Each kind of block renders as cdv.blocks (its registry) says; this module holds what a rendering needs to
know of the document (corpus, indicators, links, anchors) and the indicator cards.
Every value of the sources goes through cdv.text.to_html (md, inline_html and title_html are its forms).
"""

from __future__ import annotations

from markupsafe import Markup

from .blocks import kind_of
from .corpus import Corpus, latest
from .indicators import compared, observation_source
from .labels import SOURCE
from .text import NBSP, figures, fr_number, inline_html, md, suffix_html, title_html, value_html


def source_with_period(obs: dict) -> str:
    """'OPS 2022' stays as is; a source that does not name its period gets it in brackets (as does the
    mention of a source the contract does not give)."""
    source = observation_source(obs)
    return source if obs.get("source") and obs["period"] in source else f"{source} ({obs['period']})"


def trend(ind: dict) -> str:
    """The latest observation against the previous one: '↗ +132 depuis 2018', in points for shares."""
    previous, last = ind["observations"][-2], ind["observations"][-1]
    delta = round(last["value"] - previous["value"], 6)
    arrow = "↗" if delta > 0 else "↘" if delta < 0 else "→"
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    amount = fr_number(abs(delta))
    points = f"{NBSP}point" + ("s" if abs(delta) >= 2 else "")
    unit = points if ind["unit"] == "pourcent" else suffix_html(ind["unit"])
    return f"{arrow} {sign}{amount}{unit} depuis {inline_html(previous['period'])}"


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
    ):
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

    def nested(self) -> BlockRenderer:
        """A renderer for blocks inside a block (a quote's), with the same context."""
        return BlockRenderer(self.corpus, self.indicators, self.heading_level, self.links, self.id_prefix, self.place)

    def link(self, kind, ident, text) -> str:
        # A link's label is its words only: a link inside a link is neither valid HTML nor wanted.
        return f"[{title_html(text)}]({self.links(kind, ident)})" if self.links else str(md(text))

    # --- portrait blocks -----------------------------------------------------------------------
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
        # Spaces between the parts keep "15 378 habitants" one phrase for screen readers and search.
        return f'<div class="cdv-card" id="{self.id_prefix}indicateur-{ind["id"]}">' + " ".join(parts) + "</div>"
