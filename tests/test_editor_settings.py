"""Editor set-up shipped with the repository: VS Code's YAML schemas, and the pre-commit hooks."""
from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml

from cdv.schemas import SCHEMA_FILES
from cdv.sources import COLLECTIONS, SINGLE_FILES, classify, discover

ROOT = Path(__file__).resolve().parents[1]


def yaml_schemas() -> dict[str, list[str]]:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    return {schema: [patterns] if isinstance(patterns, str) else patterns for schema, patterns in mapping.items()}


def schema_name(key: str) -> str:
    assert key.startswith("./schemas/"), key  # relative to the workspace folder, the repository's root
    return key.removeprefix("./schemas/")


def matching(rel: str) -> list[tuple[str, str]]:
    return [(schema_name(key), pattern) for key, patterns in yaml_schemas().items()
            for pattern in patterns if fnmatchcase(rel, pattern)]


def test_every_source_schema_is_mapped_and_exists():
    mapped = {schema_name(key) for key in yaml_schemas()}
    assert mapped == set(SCHEMA_FILES.values())
    for name in mapped:
        assert (ROOT / "schemas" / name).is_file(), name
    assert "common.schema.json" not in mapped  # only referenced by the others


def test_every_source_file_is_matched_by_exactly_one_pattern_of_its_schema():
    sources = discover(ROOT)
    assert sources
    for rel in sources:
        kind, _ = classify(rel)
        assert kind is not None, rel
        assert [schema for schema, _ in matching(rel)] == [SCHEMA_FILES[kind]], (rel, matching(rel))


@pytest.mark.parametrize("rel,kind", [*SINGLE_FILES.items(),
                                      *((f"{folder}/exemple.yml", kind) for folder, kind in COLLECTIONS.items())])
def test_every_place_of_a_source_is_mapped(rel, kind):
    """Files that do not exist yet (a first glossary, a new device) get their schema too."""
    assert [schema for schema, _ in matching(rel)] == [SCHEMA_FILES[kind]]


@pytest.mark.parametrize("rel", ["mkdocs.yml", "docs/index.md", ".github/workflows/pull-request.yml",
                                 ".pre-commit-config.yaml"])
def test_other_files_get_no_contract_schema(rel):
    assert matching(rel) == []


def test_the_yaml_extension_is_recommended():
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_the_yaml_extension_does_not_reformat_the_sources():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings.get("yaml.format.enable") is False  # cdv fmt is the one canonical form


# --- pre-commit ------------------------------------------------------------------------------------------

def hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    return {hook["id"]: hook for hook in repo["hooks"]}


SOURCE_HOOKS = ("cdv-validate", "cdv-fmt")
CODE_HOOKS = ("ruff-check", "ruff-format", "mypy")


def source_hooks() -> dict[str, dict]:
    return {id: hook for id, hook in hooks().items() if id in SOURCE_HOOKS}


def test_pre_commit_has_the_source_hooks_and_the_code_hooks_only():
    assert sorted(hooks()) == sorted(SOURCE_HOOKS + CODE_HOOKS)


def test_pre_commit_runs_validate_and_fmt_on_the_whole_project():
    found = source_hooks()
    assert {hook["entry"] for hook in found.values()} == {".venv/bin/cdv validate", ".venv/bin/cdv fmt"}
    for hook in found.values():
        assert hook["language"] == "system"
        assert hook["pass_filenames"] is False


def test_pre_commit_runs_when_a_source_changes_and_only_then():
    for hook in source_hooks().values():
        files = re.compile(hook["files"])
        for rel in discover(ROOT):
            assert files.search(rel), (hook["id"], rel)
        for rel in ("docs/index.md", "mkdocs.yml", "schemas/contract.schema.json", "cdv/cli.py",
                    ".github/workflows/publish.yml", "tests/invalid/contract/contract.yml"):
            assert not files.search(rel), (hook["id"], rel)


def test_pre_commit_checks_the_package_code_and_not_the_sources():
    for id in CODE_HOOKS:
        hook = hooks()[id]
        assert hook["language"] == "system" and hook["entry"].startswith(".venv/bin/"), id
        files = re.compile(hook["files"])
        assert files.search("cdv/cli.py"), id
        for rel in [*discover(ROOT), "tests/test_cli.py", "docs/index.md"]:
            assert not files.search(rel), (id, rel)
