"""The JSON Schemas of the sources (draft 2020-12), loaded once per project."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema_rs

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

# Kind of document -> schema file in schemas/.
SCHEMA_FILES = {
    "contract": "contract.schema.json",
    "article": "article.schema.json",
    "objectives": "objectives.schema.json",
    "neighbourhood": "neighbourhood.schema.json",
    "signatories": "signatories.schema.json",
    "commitment": "commitment.schema.json",
    "device": "device.schema.json",
    "social-centres": "social-centres.schema.json",
    "glossary": "glossary.schema.json",
    "figures": "figures.schema.json",
    "amendment": "amendment.schema.json",
    "actions": "actions.schema.json",
    "report": "report.schema.json",
}


@lru_cache(maxsize=8)
def load_schemas(schema_dir: str) -> dict[str, dict]:
    """Every schema of the folder, by file name."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(schema_dir).glob("*.schema.json"))}


def _schemas_by_kind(schemas: dict[str, dict]) -> dict[str, dict]:
    # An older version of the sources may not have every kind yet.
    return {kind: schemas[name] for kind, name in SCHEMA_FILES.items() if name in schemas}


_BLOCK_DEFS = ("common.schema.json", "block"), ("common.schema.json", "blocks")


@lru_cache(maxsize=8)
def blockless_kinds(schema_dir: str) -> frozenset[str]:
    """The kinds whose schema reaches no content block (common.schema.json's $defs/block), following its
    $refs: a schema-valid file of such a kind holds no block, so the walks looking for blocks skip it
    (an actions file of a national corpus is a tree of thousands of values and never a block)."""
    schemas = load_schemas(schema_dir)

    def reaches_blocks(name: str) -> bool:
        seen: set[tuple[str, str]] = set()
        stack: list[tuple[str, object]] = [(name, schemas[name])]
        while stack:
            current, node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and "#/$defs/" in ref:
                    target, _, definition = ref.partition("#/$defs/")
                    key = (target or current, definition)
                    if key in _BLOCK_DEFS:
                        return True
                    found = schemas.get(key[0], {}).get("$defs", {}).get(definition)
                    if key not in seen and found is not None:
                        seen.add(key)
                        stack.append((key[0], found))
                stack.extend((current, value) for value in node.values())
            elif isinstance(node, list):
                stack.extend((current, value) for value in node)
        return False

    return frozenset(kind for kind, name in SCHEMA_FILES.items() if name in schemas and not reaches_blocks(name))


@lru_cache(maxsize=8)
def validators(schema_dir: str) -> dict[str, Draft202012Validator]:
    # Imported here: only an invalid file needs jsonschema, and importing it costs a build 30 ms.
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    schemas = load_schemas(schema_dir)
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    # Relative $ref ("common.schema.json#/...") resolve against each schema's $id.
    return {
        kind: Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
        for kind, schema in _schemas_by_kind(schemas).items()
    }


@lru_cache(maxsize=8)
def fast_validators(schema_dir: str) -> dict[str, jsonschema_rs.Validator]:
    """The same schemas compiled by jsonschema-rs: a yes/no answer a few hundred times faster.

    Only `jsonschema` (above) explains an error in terms an editor can act on, so a file is first asked
    here whether it is valid and only the invalid ones go through `validators`. Both must agree: the
    invalid-input corpus checks that every file one refuses, the other refuses too.
    """
    schemas = load_schemas(schema_dir)
    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in schemas.values()])
    return {
        kind: jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)
        for kind, schema in _schemas_by_kind(schemas).items()
    }
