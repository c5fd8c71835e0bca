"""The registry of block kinds (cdv.blocks) against the JSON Schema editors' tools read, and what rendering,
comparison text, validation and formatting take from it."""
from __future__ import annotations

import json
import re

import pytest

from cdv import blocks
from cdv.flatten import blocks_shown_text, blocks_text
from cdv.render import BlockRenderer
from cdv.text import figures
from cdv.sources import load_sources
from cdv.validate import _walk_blocks_with_pointer, validate_project

from conftest import ROOT

SCHEMAS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.schema.json")}
BLOCK = SCHEMAS["common.schema.json"]["$defs"]["block"]


def test_the_schema_lists_the_registry_kinds_in_its_order():
    branches = BLOCK.get("anyOf", BLOCK.get("oneOf"))
    assert [b["required"] for b in branches] == [[name] for name in blocks.NAMES]
    # What the editors read in their tool's tooltip names the same kinds, in the same order.
    listed = re.search(r"champs principaux \(([^)]*)\)", BLOCK["description"]).group(1)
    assert listed.split(", ") == list(blocks.NAMES)


def test_the_schema_block_properties_are_the_registry_keys_in_fmt_order():
    assert tuple(BLOCK["properties"]) == blocks.KEY_ORDER
    assert BLOCK["additionalProperties"] is False
    for kind in blocks.KINDS:
        assert kind.name in BLOCK["properties"], kind.name
        for field in kind.fields:
            assert field in BLOCK["properties"], (kind.name, field)


def test_nesting_kinds_hold_blocks():
    for name in blocks.NESTING:
        assert BLOCK["properties"][name].get("$ref") == "#/$defs/blocks", name


def _properties_holding_blocks(node, found):
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and str(prop.get("$ref", "")).endswith("#/$defs/blocks"):
                found.add(name)
        for value in node.values():
            _properties_holding_blocks(value, found)
    elif isinstance(node, list):
        for value in node:
            _properties_holding_blocks(value, found)
    return found


def test_every_list_of_blocks_of_the_schemas_is_where_validation_looks():
    found = _properties_holding_blocks(SCHEMAS, set())
    assert found == set(blocks.BLOCK_LISTS) | set(blocks.NESTING)


@pytest.fixture(scope="module")
def real_blocks():
    """Every block of the real sources with the portrait indicators of its document."""
    files, errors = load_sources(ROOT)
    assert errors == []
    out = []
    for source in files:
        portrait = source.data.get("portrait") or {} if isinstance(source.data, dict) else {}
        indicators = {i["id"]: i for i in portrait.get("indicators", [])}
        out += [(source.rel, block, indicators) for _, block in _walk_blocks_with_pointer(source.data)]
    return out


def test_every_kind_is_used_by_the_real_sources_and_each_block_renders_and_reads(real_blocks, corpus):
    used = {blocks.kind_of(b).name for _, b, _ in real_blocks}
    assert used == set(blocks.NAMES)
    links = lambda kind, ident="": f"{kind}/{ident}.md"  # noqa: E731
    with figures(corpus.figures):  # as every document reads them: a [[figure]] is its value
        for rel, block, indicators in real_blocks:
            html = str(BlockRenderer(corpus, indicators, 3, links).render([block]))
            assert html.strip(), (rel, block)
            if "id" in block:
                assert html.startswith(f'<a id="{block["id"]}"></a>')
            assert blocks_text([block]).strip() and blocks_shown_text([block]).strip(), (rel, block)


def test_comparison_text_keeps_a_field_the_registry_does_not_know():
    # A later schema's field, or a kind this version does not know, is still compared, never dropped.
    assert "(couleur : bleu)" in blocks_shown_text([{"p": "Texte", "couleur": "bleu"}])
    assert "(video url : https://exemple.fr)" in blocks_shown_text([{"video": {"url": "https://exemple.fr"}}])
    assert blocks_shown_text([{"list": ["a", "b"], "ordered": True}]) == "1. a\n2. b"
    assert blocks_text([{"list": ["a", "b"], "ordered": True}]) == "- a\n- b"


def test_each_kind_renders_through_the_registry(corpus, monkeypatch):
    """Rendering asks the registry, not a list of its own: replacing a kind's renderer changes the output."""
    import dataclasses

    kinds = tuple(dataclasses.replace(k, render=lambda r, b: f"<{b['note']}>") if k.name == "note" else k
                  for k in blocks.KINDS)
    monkeypatch.setattr(blocks, "KINDS", kinds)
    assert str(BlockRenderer(corpus).render([{"note": "n"}, {"p": "texte"}])) == "<n>\ntexte\n\n"


def test_a_block_with_two_main_keys_is_refused_naming_every_kind(project):
    article = project / "contract" / "articles" / "article-1.yml"
    text = article.read_text(encoding="utf-8")
    first = re.search(r"^  - p: .*$", text, re.M)
    article.write_text(text[:first.end()] + "\n    heading: Intertitre" + text[first.end():], encoding="utf-8")
    [error] = [e for e in validate_project(project)[1] if e.file == "contract/articles/article-1.yml"]
    assert f"un seul de ces champs : {', '.join(blocks.NAMES)} (ici : p, heading)" in error.message
    assert error.line == text[:first.start()].count("\n") + 1


def test_fmt_writes_a_blocks_keys_in_registry_order(monkeypatch):
    import cdv.fmt

    text = ("id: a\nnumber: 1\npart: x\ntitle: t\nbody:\n  - label: Note de lecture\n    note: texte\n    id: b\n"
            "  - ordered: true\n    list: [un, deux]\n")
    out = cdv.fmt.canonical_text(text, "article", ROOT / "schemas")
    assert out.endswith("body:\n  - id: b\n    note: texte\n    label: Note de lecture\n  - list: [un, deux]\n"
                        "    ordered: true\n")
    monkeypatch.setattr(cdv.fmt, "KEY_ORDER", ("label", "note", "id"))  # fmt asks the registry, not the schema
    out = cdv.fmt.canonical_text(text, "article", ROOT / "schemas")
    assert "  - label: Note de lecture\n    note: texte\n    id: b\n" in out
