"""French labels shared by several outputs are defined once, in cdv/labels.py."""
from __future__ import annotations

import ast

from cdv import labels

from conftest import ROOT

# Modules another change is reshaping; the lead points them at cdv.labels when merging (then empty this).
PENDING: set[str] = set()
TABLES = (labels.STATUS_LABELS, labels.VERSION_STATUS, labels.STATUS_IN_FORCE, labels.COVER_STATUS,
          labels.APPROVAL_LEVELS, labels.CHANGE_ACTIONS)


def test_shared_labels_are_written_nowhere_else_in_the_code():
    shared = {value for table in TABLES for value in table.values()}
    found = []
    for path in sorted((ROOT / "cdv").rglob("*.py")):
        if path.name == "labels.py" or path.name in PENDING:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in shared:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_every_status_and_kind_of_the_schemas_has_its_labels():
    import json

    contract = json.loads((ROOT / "schemas" / "contract.schema.json").read_text(encoding="utf-8"))
    statuses = set(contract["properties"]["status"]["enum"])
    for table in (labels.STATUS_LABELS, labels.VERSION_STATUS, labels.STATUS_IN_FORCE, labels.COVER_STATUS):
        assert set(table) == statuses
    assert not hasattr(labels, "KIND_TITLES")  # the kinds are the contract's own (shape.neighbourhood_kinds)
    common = json.loads((ROOT / "schemas" / "common.schema.json").read_text(encoding="utf-8"))
    block = common["$defs"]["block"]["properties"]
    assert set(labels.SCHOOL_LEVELS) == set(block["schools"]["properties"]["levels"]["items"]["properties"]["level"]["enum"])
    assert set(labels.FIGURE_KINDS) == set(block["figure"]["properties"]["kind"]["enum"])


def test_version_titles():
    assert labels.version_title("2024", "signed") == "2024 (signée)"
    assert labels.version_title("2027", "draft") == "2027 (projet)"
