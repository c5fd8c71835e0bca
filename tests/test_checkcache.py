"""What `cdv validate` keeps of the follow-up files' checks (cdv.checkcache) never changes what it says.

Every scenario is validated three ways on the real project with extra actions files: without the cache,
with an empty cache (it is filled) and with the filled one; the errors must be the same, error for error.
Then the cache must follow every change it depends on: a file's bytes, the ids of the rest of the
project, the schemas."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cdv.checkcache import cache_file
from cdv.validate import validate_project

EXTRA = "actions/2024-essai.yml"


def write_actions(project: Path, rel: str, actions: list[dict], year: int = 2024) -> None:
    text = yaml.safe_dump({"year": year, "source": "Programmation d'essai", "actions": actions},
                          allow_unicode=True, sort_keys=False)
    (project / rel).write_text(text, encoding="utf-8")


def action(ident: str, **fields) -> dict:
    return {"id": ident, "title": f"Action {ident}", "neighbourhoods": ["planoise"], **fields}


def three_ways(project: Path, monkeypatch) -> list:
    """The errors without the cache, then with it empty, then filled: all must agree."""
    monkeypatch.setenv("CDV_CACHE_DIR", str(project.parent / "cache"))
    shutil.rmtree(project.parent / "cache", ignore_errors=True)
    monkeypatch.setenv("CDV_CACHE", "0")
    _, without = validate_project(project, keep=True)
    assert not (project.parent / "cache").exists()
    monkeypatch.setenv("CDV_CACHE", "1")
    _, filling = validate_project(project, keep=True)
    _, filled = validate_project(project, keep=True)
    assert filling == without
    assert filled == without
    return without


def deferred(files) -> set[str]:
    return {f.rel for f in files if "deferred" in f.loaded.__dict__}


def test_a_clean_project_is_not_parsed_again_and_its_data_still_reads(project, monkeypatch):
    write_actions(project, EXTRA, [action("essai-1", priorities=["planoise-formation"],
                                          funding=[{"funder": "ars-bfc", "amount": 1200, "year": 2024}])])
    assert three_ways(project, monkeypatch) == []
    files, errors = validate_project(project, keep=True)
    assert errors == []
    assert deferred(files) == {"actions/2023.yml", EXTRA}
    extra = next(f for f in files if f.rel == EXTRA)
    assert extra.data["actions"][0]["funding"][0]["amount"] == 1200  # read when asked for
    assert extra.loaded.mark(("actions", 0, "id")) == (4, 7)
    assert cache_file(project).is_file() and project not in cache_file(project).parents


def test_errors_between_files_are_found_with_or_without_the_cache(project, monkeypatch):
    # A duplicate id across files, a parent in another file, a cycle through two files, an unknown parent.
    write_actions(project, EXTRA, [
        action("cite-educative-planoise"),
        action("essai-enfant", parent="cite-de-l-emploi-planoise"),
        action("essai-a", parent="essai-b"),
        action("essai-inconnue", parent="essai-absente"),
    ])
    write_actions(project, "actions/2025-essai.yml", [action("essai-b", parent="essai-a")], year=2025)
    errors = three_ways(project, monkeypatch)
    messages = [e.message for e in errors]
    assert any("« cite-educative-planoise » en double" in m and "actions/2023.yml" in m for m in messages)
    assert any("boucle (essai-a → essai-b → essai-a)" in m for m in messages)
    assert any("action « essai-absente » inconnue" in m for m in messages)
    assert not [e for e in errors if e.file == EXTRA and e.pointer == "/actions/1/parent"]  # found in 2023.yml


def test_errors_inside_a_file_are_kept_and_reported_again(project, monkeypatch):
    write_actions(project, EXTRA, [
        action("essai-1", neighbourhoods=["planoize"]),
        action("essai-2", priorities=["montrapon-inconnue"], funding=[{"funder": "ars", "amount": 10.005}]),
    ])
    errors = three_ways(project, monkeypatch)
    assert {e.file for e in errors} == {EXTRA}
    assert len(errors) >= 3
    assert any("quartier « planoize » inconnu" in e.message for e in errors)


def test_a_changed_file_is_checked_again(project, monkeypatch):
    write_actions(project, EXTRA, [action("essai-1")])
    assert three_ways(project, monkeypatch) == []
    write_actions(project, EXTRA, [action("essai-1", neighbourhoods=["planoize"])])
    _, errors = validate_project(project, keep=True)
    assert [(e.file, e.line) for e in errors] == [(EXTRA, 7)]  # safe_dump: the list item on its own line
    write_actions(project, EXTRA, [action("essai-1")])  # put back: clean again, from the cache or not
    assert validate_project(project, keep=True)[1] == []


def test_a_change_of_the_ids_elsewhere_checks_the_kept_files_again(project, monkeypatch):
    """The file's bytes do not change, but the signatory it names is removed from the project."""
    write_actions(project, EXTRA, [action("essai-1", funding=[{"funder": "ars-bfc", "amount": 500, "year": 2024}])])
    assert three_ways(project, monkeypatch) == []
    path = project / "contract" / "signatories.yml"
    text = path.read_text(encoding="utf-8")
    assert "id: ars-bfc\n" in text
    path.write_text(text.replace("id: ars-bfc\n", "id: ars-bourgogne\n"), encoding="utf-8")
    errors = three_ways(project, monkeypatch)
    assert any(e.file == EXTRA and "ars-bfc" in e.message for e in errors)


def test_a_change_of_schema_checks_every_kept_file_again(project, monkeypatch):
    write_actions(project, EXTRA, [action("essai-1")])
    assert three_ways(project, monkeypatch) == []
    schema_path = project / "schemas" / "actions.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["actions"]["maxItems"] = 0  # an actions file may hold none
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    # In a new process, as an editor runs it (this one keeps its compiled schemas, cdv.schemas).
    result = subprocess.run([sys.executable, "-m", "cdv", "validate", str(project)], capture_output=True, text=True)
    assert result.returncode == 1
    assert EXTRA in result.stdout + result.stderr and "actions/2023.yml" in result.stdout + result.stderr


@pytest.mark.parametrize("garbage", ["", "{", "[1, 2]", '{"code": 3}', "\x00\xff", "first[]", "first=[]",
                                     "refs=None", "refs-row"])
def test_an_unreadable_cache_is_ignored_and_written_anew(project, monkeypatch, garbage):
    monkeypatch.setenv("CDV_CACHE_DIR", str(project.parent / "cache"))
    assert validate_project(project, keep=True)[1] == []
    cache = cache_file(project)
    stored = json.loads(cache.read_text(encoding="utf-8"))
    if garbage == "first[]":  # valid JSON of another shape: never half trusted
        stored["first"]["actions/2023.yml"] = []
        garbage = json.dumps(stored)
    elif garbage == "first=[]":
        garbage = json.dumps({**stored, "first": []})
    elif garbage == "refs=None":
        garbage = json.dumps({**stored, "refs": None})
    elif garbage == "refs-row":
        stored["refs"]["actions/2023.yml"][1] = [[1]]
        garbage = json.dumps(stored)
    cache.write_bytes(garbage.encode("utf-8", "surrogateescape"))
    write_actions(project, EXTRA, [action("essai-1", neighbourhoods=["planoize"])])
    assert [e.file for e in validate_project(project, keep=True)[1]] == [EXTRA]
    assert json.loads(cache.read_text(encoding="utf-8"))["first"]


def test_the_cache_is_not_in_the_project_and_a_build_does_not_use_it(project, monkeypatch):
    from cdv.corpus import load_corpus

    monkeypatch.setenv("CDV_CACHE_DIR", str(project.parent / "cache"))
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    assert validate_project(project, keep=True)[1] == []
    assert cache_file(project).is_file()
    assert validate_project(project, keep=True)[1] == []
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before  # nothing written there
    files, _ = validate_project(project)
    assert deferred(files) == set()
    assert [a["id"] for a in load_corpus(project).actions][:1] == ["cite-educative-planoise"]


def test_a_file_changed_with_its_size_kept_is_read_again(project, monkeypatch):
    """The kept digest is trusted only while the file's size and times are those it had when read."""
    write_actions(project, EXTRA, [action("essai-1")])
    assert three_ways(project, monkeypatch) == []
    path = project / EXTRA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("planoise", "planoize"), encoding="utf-8")  # same length
    assert [e.file for e in validate_project(project, keep=True)[1]] == [EXTRA]


def test_a_file_saved_during_the_validation_is_never_kept_under_its_old_bytes(project, monkeypatch):
    """A deferred file read again (the ids elsewhere changed) with other bytes than those known: the
    validation says so and keeps nothing of it; the next one finds what the file now says."""
    import cdv.validate as validate
    from cdv.errors import InvalidSources

    monkeypatch.setenv("CDV_CACHE_DIR", str(project.parent / "cache"))
    write_actions(project, EXTRA, [action("essai-1")])
    assert validate_project(project, keep=True)[1] == []
    signatories = project / "contract" / "signatories.yml"
    text = signatories.read_text(encoding="utf-8")
    signatories.write_text(text.replace("organisation: ", "organisation: Le ", 1), encoding="utf-8")
    known = validate._known_file

    def then_saved(root, rel, kind, cache, digests):
        found = known(root, rel, kind, cache, digests)
        if rel == EXTRA and found is not None:
            write_actions(project, EXTRA, [action("essai-1", neighbourhoods=["planoize"])])
        return found

    monkeypatch.setattr(validate, "_known_file", then_saved)
    with pytest.raises(InvalidSources) as raised:
        validate_project(project, keep=True)
    assert "modifié pendant la validation" in raised.value.errors[0].message
    monkeypatch.setattr(validate, "_known_file", known)
    assert [e.file for e in three_ways(project, monkeypatch)] == [EXTRA]


def test_a_cache_file_that_is_a_link_is_not_read(project, monkeypatch, tmp_path):
    monkeypatch.setenv("CDV_CACHE_DIR", str(tmp_path / "cache"))
    write_actions(project, EXTRA, [action("essai-1", neighbourhoods=["planoize"])])
    assert [e.file for e in validate_project(project, keep=True)[1]] == [EXTRA]
    cache = cache_file(project)
    planted = tmp_path / "planted.json"
    planted.write_text(cache.read_text(encoding="utf-8").replace("planoize", "planoise"), encoding="utf-8")
    cache.unlink()
    cache.symlink_to(planted)
    assert [e.file for e in validate_project(project, keep=True)[1]] == [EXTRA]
