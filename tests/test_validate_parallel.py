"""A big project is checked file by file in several processes (cdv.validate): the same files, the same
errors in the same order, with the same places, as one process gives."""
from __future__ import annotations

import pickle

import cdv.validate as validate
from cdv.validate import validate_project
from cdv.yamlload import load_yaml

from conftest import ROOT


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} absent de {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_file_sent_to_another_process_keeps_every_place():
    text = (ROOT / "neighbourhoods" / "planoise.yml").read_text(encoding="utf-8")
    loaded = load_yaml(text, "neighbourhoods/planoise.yml")
    copy = pickle.loads(pickle.dumps(loaded))
    assert copy.data == loaded.data
    # The places are not sent: they are made again from the text, only when asked for.
    assert "value_marks" not in copy.__dict__
    for record in ("value_marks", "key_marks", "scalar_text", "plain_dates", "quoted"):
        assert getattr(copy, record) == getattr(loaded, record), record
    pointer = ("portrait", "indicators", 0, "observations", 0, "period")
    assert copy.mark(pointer) == loaded.mark(pointer) != (1, 1)


def test_processes_give_the_same_errors_in_the_same_order_as_one(project, monkeypatch):
    hood = project / "neighbourhoods"
    battant = (hood / "battant.yml").read_text(encoding="utf-8")
    for i in range(40):  # copies of a real file: their theme and priority ids clash with battant's
        (hood / f"copie-{i:02d}.yml").write_text(battant.replace("id: battant\n", f"id: copie-{i:02d}\n", 1),
                                                  encoding="utf-8")
    edit(hood / "planoise.yml", "name: Planoise\n", "name: Planoise\nchamp_inconnu: 1\n")  # schema
    edit(hood / "battant.yml", "name: Battant\n", 'name: "Battant [voir](javascript:alert(1))"\n')  # link
    edit(hood / "montrapon.yml", "name: Montrapon\n", "name: Montrapon\n\tcommune: x\n")  # YAML
    edit(hood / "copie-07.yml", "id: copie-07\n", "id: copie-7\n")  # id and file name differ

    monkeypatch.setattr(validate, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setenv("CDV_JOBS", "1")
    files, errors = validate_project(project)
    monkeypatch.setenv("CDV_JOBS", "2")
    assert validate._jobs(len(files)) == 2
    files_2, errors_2 = validate_project(project)

    assert [e.format_text() for e in errors_2] == [e.format_text() for e in errors]
    assert [(f.rel, f.kind, f.data) for f in files_2] == [(f.rel, f.kind, f.data) for f in files]
    reported = {e.file for e in errors}
    assert {"neighbourhoods/planoise.yml", "neighbourhoods/battant.yml", "neighbourhoods/montrapon.yml",
            "neighbourhoods/copie-07.yml", "neighbourhoods/copie-39.yml"} <= reported
    assert any("en double" in e.message for e in errors)


def test_a_small_project_is_checked_in_this_process(monkeypatch):
    monkeypatch.setenv("CDV_JOBS", "2")
    assert validate._jobs(len(list((ROOT / "neighbourhoods").glob("*.yml")))) == 1
