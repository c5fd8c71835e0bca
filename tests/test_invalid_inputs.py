"""Invalid inputs: `cdv build` refuses each one with a located French message and keeps the built site.

The cases are listed in tests/invalid/cases.yml; each file of tests/invalid/cases/ is one file of the
minimal valid project (tests/invalid/minimal/) with one defect. A valid site is built once per session;
every case gets a copy of it, so only validation runs per case.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, copy_minimal_project, load_manifest

HERE = Path(__file__).resolve().parent / "invalid"
CASES = HERE / "cases"
MANIFEST = load_manifest(HERE / "cases.yml")

ERROR_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")
# What libyaml, PyYAML or Python say when their message leaks through untranslated.
ENGLISH = re.compile(r"\b(found|did not|expected|while (parsing|scanning)|not allowed|unacceptable|character"
                     r"|stream|invalid literal|Exceeds|Traceback)\b")


def make_project(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid sources and the toolkit files they need (schemas, docs, theme)."""
    return copy_minimal_project(tmp_path / "projet")


CASE_TIMEOUT = 30  # seconds; a valid run takes well under one


def cdv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=CASE_TIMEOUT)


def build_and_validate_json(project: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """`cdv build` as a user runs it, in its own process; meanwhile `cdv validate --format json` through the
    same entry point in this process (`cdv.cli.main`: parser, handler, reporter), which spares the suite
    a second interpreter start per case. Other tests run the JSON reporter as a process."""
    import contextlib
    import io

    from cdv.cli import main

    args = ("build", str(project))
    build = subprocess.Popen([sys.executable, "-m", "cdv.cli", *args], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["validate", str(project), "--format", "json"])
        try:
            build_out, build_err = build.communicate(timeout=CASE_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"cdv build took more than {CASE_TIMEOUT} s")
    finally:
        if build.poll() is None:
            build.kill()
            build.communicate()
    return (subprocess.CompletedProcess(args, build.returncode, build_out, build_err),
            subprocess.CompletedProcess(("validate",), status, out.getvalue(), err.getvalue()))


def case_bytes(name: str, case: dict) -> bytes:
    data = (CASES / f"{name}.yml").read_bytes()
    generate = case.get("generate")
    if generate == "huge":
        filler = b"# " + b"x" * 1021 + b"\n"
        data += filler * (2 * 1024 * 1024 // len(filler) + 4)
    elif generate == "crlf":  # stored with LF: .gitattributes normalises *.yml
        data = data.replace(b"\n", b"\r\n")
    elif generate == "deep":
        data = data.replace(b"@@DEEP@@", b"[" * 100_000 + b"]" * 100_000)
    elif generate is not None:
        raise AssertionError(f"{name}: unknown generate: {generate}")
    return data


def apply_case(project: Path, name: str, case: dict) -> None:
    mode = case.get("mode", "replace")
    target = project / case["target"]
    if mode == "replace":
        assert target.is_file(), f"{name}: {case['target']} is not a file of the minimal project"
    elif mode == "add":
        assert not target.exists(), f"{name}: {case['target']} already exists"
    elif mode == "move":
        (project / case["from"]).unlink()
    else:
        raise AssertionError(f"{name}: unknown mode {mode}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case_bytes(name, case))


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def valid_site(tmp_path_factory) -> Path:
    """The minimal project built once, with its PDF: the site every case must leave untouched."""
    from cdv.build import build_site

    project = make_project(tmp_path_factory.mktemp("valide"))
    site = build_site(project, project / "site", with_pdf=True)
    assert (site / "contrat.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "index.html").is_file()
    return site


@pytest.mark.slow
def test_minimal_project_builds(valid_site):
    """If this fails, every case below errors: the toolkit files (docs/, mkdocs.yml) no longer build a
    project made of the minimal sources."""
    assert (valid_site / "quartiers").is_dir()


def test_minimal_project_is_valid(tmp_path):
    project = make_project(tmp_path)
    result = cdv("validate", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sources valides : 5 fichiers lus" in result.stdout


def test_manifest_and_case_files_match():
    stored = {p.stem for p in CASES.iterdir()}
    assert stored == set(MANIFEST), (stored ^ set(MANIFEST))
    assert len(MANIFEST) >= 45
    for name, case in MANIFEST.items():
        assert {"target", "line", "expect"} <= set(case), name
        assert set(case) <= {"about", "target", "mode", "from", "line", "expect", "generate"}, name
        assert (case.get("mode") == "move") == ("from" in case), name
        assert (case.get("generate") == "deep") == (b"@@DEEP@@" in (CASES / f"{name}.yml").read_bytes()), name


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MANIFEST))
def test_invalid_input_is_refused_and_site_kept(name, valid_site, tmp_path):
    case = MANIFEST[name]
    project = make_project(tmp_path)
    shutil.copytree(valid_site, project / "site")
    before = tree_hashes(project / "site")
    assert "contrat.pdf" in before and "index.html" in before
    apply_case(project, name, case)
    target, line, expect = case["target"], case["line"], case["expect"]

    result, json_result = build_and_validate_json(project)
    report = f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr[-3000:]}"
    assert "Traceback" not in result.stderr, report
    assert result.returncode == 1, report
    errors = [m.groupdict() for m in map(ERROR_LINE.match, result.stderr.splitlines()) if m]
    in_target = [e for e in errors if e["file"] == target]
    assert in_target, f"no error located in {target}\n{report}"
    assert int(in_target[0]["line"]) == line, f"first error of {target} expected at line {line}\n{report}"
    assert any(int(e["line"]) == line and expect in e["message"] for e in in_target), \
        f"expected {target}:{line}: … {expect} …\n{report}"
    for e in in_target:
        assert not ENGLISH.search(e["message"]), f"untranslated message: {e['message']}"
    assert f"{target}:{line}:" in result.stderr

    assert tree_hashes(project / "site") == before, "the built site changed"
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site")], "staging folder left behind"

    assert json_result.returncode == 1, json_result.stdout[-3000:] + json_result.stderr[-3000:]
    data = json.loads(json_result.stdout)
    assert data["valid"] is False
    assert_one_line_per_error(result.stderr, data["errors"])
    assert any(e["file"] == target and e["line"] == line and expect in e["message"] for e in data["errors"]), \
        json.dumps(data, ensure_ascii=False, indent=1)[:3000]


SUMMARY = re.compile(r"^\d+ erreurs?(\(s\))? ")
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u00a0\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def assert_one_line_per_error(output: str, errors: list[dict]) -> None:
    """Each error is exactly one printed line, `file:line:col: message`, whatever value it quotes: no line
    break, tab or invisible character reaches a message (a broken line would read as another error)."""
    lines = [line for line in output.splitlines() if line.strip() and not SUMMARY.match(line)]
    assert len(lines) == len(errors), output[-3000:]
    for line, e in zip(lines, errors):
        assert not INVISIBLE.search(e["message"]) and not INVISIBLE.search(line), line
        where = f"{e['file']}:{e['line']}:{e['column']}" if e["line"] else e["file"]
        assert line.startswith(f"{where}: {e['message']}"), (line, e)
        assert ERROR_LINE.match(line) or not e["line"], line


def test_fast_validator_refuses_what_jsonschema_refuses(tmp_path):
    """Validation asks jsonschema-rs first and only asks jsonschema (which explains errors) when the file
    is invalid: on every case and on the real sources, both must give the same verdict."""
    from cdv.schemas import fast_validators, validators
    from cdv.sources import load_sources

    def verdicts(project: Path) -> list[tuple[str, bool, bool]]:
        files, _ = load_sources(project)
        schema_dir = str(project / "schemas")
        return [(f.rel, fast_validators(schema_dir)[f.kind].is_valid(f.data),
                 validators(schema_dir)[f.kind].is_valid(f.data)) for f in files]

    refused = 0
    for name, case in MANIFEST.items():
        project = make_project(tmp_path / name)
        apply_case(project, name, case)
        for rel, fast, explained in verdicts(project):
            assert fast == explained, f"{name}: {rel}: jsonschema-rs says valid={fast}, jsonschema {explained}"
            refused += not explained
    assert refused >= 20, "the corpus no longer exercises schema errors"
    real = verdicts(ROOT)
    assert len(real) > 60 and all(fast and explained for _, fast, explained in real)
