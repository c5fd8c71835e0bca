"""Plain text of content blocks, for comparisons and search: what a reader reads, without markup."""
from __future__ import annotations

from .text import plain_text


def blocks_text(blocks: list[dict] | None) -> str:
    """Blocks as paragraphs of plain text, one per line (tables cell by cell, lists item by item)."""
    return "\n".join(_lines(blocks or []))


def _lines(blocks):
    for b in blocks:
        for key in ("p", "heading", "note", "source"):
            if key in b:
                label = f"{b['label']} : " if key == "note" and b.get("label") else ""
                prefix = "Source : " if key == "source" else ""
                yield prefix + label + plain_text(b[key])
        if "list" in b:
            yield from _items(b["list"])
        if "table" in b:
            t = b["table"]
            yield " | ".join(t["headers"])
            for row in t["rows"]:
                yield " | ".join(row)
        if "quote" in b:
            yield from _lines(b["quote"])
        if "include" in b:
            yield f"[{b['include']}]"
        if "figure" in b:
            yield f"[{b['figure']['kind']}] {plain_text(b['figure']['title'])}"
        if "indicators" in b:
            yield "[indicateurs] " + ", ".join(b["indicators"])
        if "schools" in b:
            for level in b["schools"]["levels"]:
                yield f"{level['level']} : " + ", ".join(level["establishments"])
        if "ranking" in b:
            r = b["ranking"]
            yield f"{plain_text(r['title'])} ({r['population']['label']} : {r['population']['count']})"
            for e in r["entries"]:
                yield f"{e['name']} : {e['rank']}"
        if "transit" in b:
            for line in b["transit"]["lines"]:
                yield f"{line['line']} : {line['route']}"


def _items(items, depth=0):
    for item in items:
        if isinstance(item, str):
            yield "  " * depth + "- " + plain_text(item)
        else:
            yield "  " * depth + "- " + plain_text(item["text"])
            yield from _items(item["items"], depth + 1)
