"""The schemas serve every territory: their descriptions and examples name none (they are published on the
site's « Données » page, copied into every new contract and shown by the editors' tools)."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from territory import territory_mentions, territory_names


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_the_list_of_names_is_read_from_the_real_sources():
    names, surnames = territory_names(ROOT)
    folded = {n.casefold() for n in names}
    assert {"besançon", "planoise", "grand besançon métropole", "anne vignot", "battant"} <= folded
    assert "VIGNOT" in surnames and len(surnames) > 20


@pytest.mark.parametrize("schema", sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json")))
def test_no_schema_names_this_territory(schema):
    data = json.loads((ROOT / "schemas" / schema).read_text(encoding="utf-8"))
    found = {text: territory_mentions(text, ROOT) for text in _strings(data)}
    assert {text: names for text, names in found.items() if names} == {}


def test_a_mention_is_found_in_any_spelling():
    assert territory_mentions("ex. « Besancon »", ROOT) == ["Besançon"]
    assert territory_mentions("Nom tel qu'imprimé (ex. « Anne VIGNOT »)", ROOT) == ["Anne VIGNOT", "VIGNOT"]
    assert territory_mentions("« de la population bisontine »", ROOT) == ["bisontin"]
    assert territory_mentions("ex. « Marie DUPONT », « Exempleville »", ROOT) == []
