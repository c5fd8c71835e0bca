"""Plain text of content blocks, for comparisons and search: what a reader reads, without markup."""

from __future__ import annotations

import re
from functools import lru_cache

from .text import plain_text

_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def blocks_text(blocks: list[dict] | None) -> str:
    """Blocks as paragraphs of plain text, one per line (tables cell by cell, lists item by item)."""
    return "\n".join(_lines(blocks or [], plain_text))


def shown_text(text) -> str:
    """What a reader is given of contributor text, for comparisons: plain text, but a link keeps its target,
    written after its label (« texte (https://…) »), so that redirecting a link is a visible change."""
    return _shown_text(str(text))


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


_LAID_OUT = {
    "id",
    "p",
    "heading",
    "note",
    "label",
    "source",
    "list",
    "table",
    "quote",
    "include",
    "figure",
    "indicators",
    "schools",
    "ranking",
    "transit",
}


def _lines(blocks, text, complete=False):
    for b in blocks:
        for key in ("p", "heading", "note", "source"):
            if key in b:
                label = f"{text(b['label'])} : " if b.get("label") and (key == "note" or complete) else ""
                prefix = "Source : " if key == "source" else ""
                yield prefix + label + text(b[key])
        if "list" in b:
            yield from _items(b["list"], text, ordered=complete and bool(b.get("ordered")))
        if "table" in b:
            t = b["table"]
            cell = text if complete else str
            if complete and t.get("caption"):
                yield "Tableau : " + text(t["caption"])
            yield " | ".join(map(cell, t["headers"]))
            for row in t["rows"]:
                yield " | ".join(map(cell, row))
        if "quote" in b:
            yield from _lines(b["quote"], text, complete)
        if "include" in b:
            yield f"[{b['include']}]"
        if "figure" in b:
            f = b["figure"]
            yield f"[{f['kind']}] {text(f['title'])}" + (_rest(f, {"kind", "title"}, text) if complete else "")
        if "indicators" in b:
            yield "[indicateurs] " + ", ".join(b["indicators"])
        if "schools" in b and not complete:
            for level in b["schools"]["levels"]:
                yield f"{level['level']} : " + ", ".join(level["establishments"])
        if "ranking" in b and not complete:
            r = b["ranking"]
            yield f"{plain_text(r['title'])} ({r['population']['label']} : {r['population']['count']})"
            for e in r["entries"]:
                yield f"{e['name']} : {e['rank']}"
        if "transit" in b and not complete:
            for line in b["transit"]["lines"]:
                yield f"{line['line']} : {line['route']}"
        if complete:
            # Structured blocks, and any field a later schema adds, field by field.
            for key in ("schools", "ranking", "transit"):
                if key in b:
                    yield from _leaves(b[key], text, f"[{key}]")
            extra = _rest(b, _LAID_OUT | {"ordered", "schools", "ranking", "transit"}, text)
            if extra:
                yield "[…]" + extra


def _leaves(value, text, path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, text, f"{path} {key}")
    elif isinstance(value, list):
        for number, item in enumerate(value, 1):
            yield from _leaves(item, text, f"{path} {number}")
    else:
        yield f"{path} : {text(value) if isinstance(value, str) else value}"


def _rest(mapping: dict, known: set, text) -> str:
    return "".join(
        f" ({line.strip()})" for key in mapping if key not in known for line in _leaves(mapping[key], text, key)
    )


def _items(items, text=plain_text, depth=0, ordered=False):
    for number, item in enumerate(items, 1):
        marker = f"{number}. " if ordered else "- "
        if isinstance(item, str):
            yield "  " * depth + marker + text(item)
        else:
            yield "  " * depth + marker + text(item["text"])
            yield from _items(item["items"], text, depth + 1)
