"""Plain text of content blocks, for comparisons and search: what a reader reads, without markup.

How each kind of block reads as text is said by its entry in cdv.blocks."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .blocks import KEY_ORDER, kind_of, rest
from .text import plain_text, resolve_figures

if TYPE_CHECKING:
    from .corpus import Corpus

# A priority's structured fields, in the order they are printed (the contract's strategy model).
STRATEGY_FIELDS = ("lead", "partners", "levers", "funding", "criteria", "indicators")

_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def blocks_text(blocks: list[dict] | None) -> str:
    """Blocks as paragraphs of plain text, one per line (tables cell by cell, lists item by item)."""
    return "\n".join(_lines(blocks or [], plain_text))


def shown_text(text) -> str:
    """What a reader is given of contributor text, for comparisons: plain text, but a link keeps its target,
    written after its label (« texte (https://…) »), so that redirecting a link is a visible change."""
    return _shown_text(resolve_figures(str(text)))


@lru_cache(maxsize=1 << 16)  # a comparison asks for each text of both versions, often twice
def _shown_text(text: str) -> str:
    text = " ".join(text.split())
    # Emphasis marks are dropped around and inside labels, never inside a target: every character of a
    # target stays as typed.
    targets: list[str] = []

    def hold(m: re.Match) -> str:
        targets.append(m.group(2).strip())
        return f"{m.group(1)} (\x00{len(targets) - 1}\x00)"

    text = _LINK.sub(hold, text.replace("\x00", "\ufffd"))
    text = _ITALIC.sub(r"\1", text.replace("**", "").replace("__", ""))
    return re.sub("\x00([0-9]+)\x00", lambda m: targets[int(m.group(1))], text)


def blocks_shown_text(blocks: list[dict] | None) -> str:
    """blocks_text for comparisons: link targets kept, and every field of every block, including ones the
    layout above does not know (a later schema's), so that no change of a block goes unseen."""
    return "\n".join(_lines(blocks or [], shown_text, complete=True))


# Every key the registry knows (ids, main keys, kinds' fields): the rest is a later schema's, shown whole.
_KNOWN = set(KEY_ORDER)


def _lines(blocks, text, complete=False):
    def nested(inner):
        return _lines(inner, text, complete)

    for b in blocks:
        kind = kind_of(b)
        if kind is not None:
            yield from kind.flatten(b, text, complete, nested)
        if complete:
            extra = rest(b, _KNOWN, text)
            if extra:
                yield "[…]" + extra


def strategy_entries(priority: dict, neighbourhood: dict, corpus: Corpus) -> dict[str, list[str]]:
    """A priority's structured fields as readers are given them (shown_text), each entry by its name in this
    version: a signatory by its organisation, a device by its name, an indicator of the neighbourhood's
    portrait by its label, a {name} or {text} as typed. An id the version does not know is shown as typed
    (the validator names it)."""
    return {
        key: [shown_text(e.text) for e in entries] for key, entries in corpus.strategy_entries(neighbourhood, priority)
    }
