"""Every text an editor typed in the sources, with where it stands: what must reach the site and the PDF."""
from __future__ import annotations

from pathlib import Path

from cdv.sources import discover
from cdv.text import plain_text
from cdv.yamlload import load_yaml_file

# Keys whose values are identifiers, references or codes, shown through what they point to, not as typed.
REFERENCE_KEYS = {"id", "kind", "unit", "level", "include", "part", "group", "commitment", "status", "objectives",
                  "devices", "neighbourhoods", "indicators", "pupils", "article", "block", "url", "articles",
                  "date", "version", "ordered", "common_base", "explicit_sign", "programme_url",
                  # shape: a kind of annex, and the patterns of numbered titles (printed filled in)
                  "shows", "section", "annex"}


def source_strings(root: Path, skip_kinds: tuple = ()) -> list[tuple[str, str, str]]:
    """(file, path, text) for every string value of every source file, reference keys excepted."""
    out = []
    for rel in discover(root):
        if any(rel.startswith(prefix) for prefix in skip_kinds):
            continue
        data = load_yaml_file(root / rel, rel).data
        for path, text in _strings(data, ()):
            out.append((rel, "/".join(map(str, path)), text))
    return out


def _strings(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYS:
                continue
            yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))
    elif isinstance(node, str) and node.strip():
        yield path, plain_text(node)
