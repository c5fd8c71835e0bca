"""Every text an editor typed in the sources, with where it stands: what must reach the site and the PDF."""
from __future__ import annotations

from pathlib import Path

from cdv.sources import discover
from cdv.text import figures, plain_text
from cdv.yamlload import load_yaml_file

# Keys whose values are identifiers, references or codes, shown through what they point to, not as typed.
REFERENCE_KEYS = {"id", "kind", "unit", "level", "include", "part", "group", "commitment", "status", "objectives",
                  "devices", "neighbourhoods", "indicators", "pupils", "article", "block", "url", "articles",
                  "date", "version", "ordered", "common_base", "explicit_sign", "programme_url",
                  # shape: a kind of annex, and the patterns of numbered titles (printed filled in)
                  "shows", "section", "annex",
                  # the follow-up: a signatory, a priority, a measure, a device or an action named by its id
                  "pilot", "porteur", "funder", "priorities", "measures", "device", "parent", "status_date",
                  # « Participer »: the article that says who animates the projects, shown by its title
                  "animation_article"}


def source_strings(root: Path, skip_kinds: tuple = ()) -> list[tuple[str, str, str]]:
    """(file, path, text) for every string value of every source file, reference keys excepted, as a reader
    is given it: a [[figure]] is its value ("800 €", contract/figures.yml), every other word as typed."""
    out = []
    with figures(figure_table(root)):
        for rel in discover(root):
            if any(rel.startswith(prefix) for prefix in skip_kinds):
                continue
            data = load_yaml_file(root / rel, rel).data
            for path, text in _strings(data, ()):
                out.append((rel, "/".join(map(str, path)), text))
    return out


def figure_table(root: Path) -> dict[str, dict]:
    """The figures of contract/figures.yml by id, read as the file is, not through the corpus."""
    path = root / "contract" / "figures.yml"
    if not path.exists():
        return {}
    return {f["id"]: f for f in load_yaml_file(path, "contract/figures.yml").data["figures"]}


# Keys whose value is a reference (a signatory's or a device's id, shown by its name) or a text typed in
# place ({name: …}, {text: …}): the ids are skipped, the typed texts kept.
REFERENCE_OR_TEXT_KEYS = {"lead", "partners", "levers", "funding"}


def _strings(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYS:
                continue
            if key in REFERENCE_OR_TEXT_KEYS:
                items = value if isinstance(value, list) else [value]
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        yield from _strings(item, path + (key, i) if isinstance(value, list) else path + (key,))
                continue
            yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))
    elif isinstance(node, str) and node.strip():
        yield path, plain_text(node)


def shown_only_with_their_subject(root: Path, pdf: bool = False) -> set[str]:
    """Paths of the texts of contract.yml `shape` that name something this contract may not print: a kind
    of neighbourhood without neighbourhoods, an annex with nothing in it, the names of strategy levels
    and fields (printed where a project uses them), comparison labels (on charts that compare), and the
    approval levels and opening words of an avenant (printed in an avenant, tests/test_pdf.py). The
    rest of the shape, and every other text, must be printed.

    `pdf`: the printed contract is the signed text, which names a neighbourhood without saying its kind
    unless its kind is presented as a group ("Quartiers fragiles" then "Quartier fragile, commune de …");
    the site says every neighbourhood's kind, its description and its QPV code."""
    from cdv.corpus import load_corpus

    corpus = load_corpus(root)
    shape = corpus.contract.get("shape") or {}
    skipped = {"shape/amendment_basis"}
    skipped |= {f"shape/approvals/{key}" for key in shape.get("approvals", {})}
    for i, kind in enumerate(shape.get("neighbourhood_kinds", [])):
        if not corpus.neighbourhoods_of_kind(kind["id"]):
            skipped |= {f"shape/neighbourhood_kinds/{i}/{key}" for key in ("singular", "plural", "description")}
        elif pdf:
            skipped.add(f"shape/neighbourhood_kinds/{i}/description")
            if not kind.get("grouped"):
                skipped |= {f"shape/neighbourhood_kinds/{i}/singular", f"shape/neighbourhood_kinds/{i}/plural"}
    if pdf:
        skipped |= {f"{corpus.source(n)}:qpv_code" for n in corpus.neighbourhoods}
    if pdf:
        # What a figure measures is said on the site (the glossary's table) and in comparisons, never in the
        # signed text: only its value is, where the texts cite it.
        skipped |= {f"contract/figures.yml:figures/{i}/label" for i in range(len(corpus.figures))}
    if pdf:
        # How to take part and whom to reach (« Participer », « Contact », a place's coordinates) is
        # practical information the site gives beside the contract, never part of the signed text.
        skipped |= {f"{file}:{path}" for file, path, _ in source_strings(root)
                    if path.startswith(("participation/", "contact/")) or "/coordinates/" in path}
    contents = {"commitments": corpus.commitments, "devices": corpus.devices}
    for i, annex in enumerate(shape.get("annexes", [])):
        if not contents[annex["shows"]]:
            skipped.add(f"shape/annexes/{i}/title")
    return skipped


def is_shown_only_with_its_subject(skipped: set[str], path: str, file: str = "") -> bool:
    return path in skipped or f"{file}:{path}" in skipped or path.startswith(("shape/strategy/", "shape/comparisons/"))
