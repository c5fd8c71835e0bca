"""Typing mistakes of a French editor: `cdv validate` names the real cause, where it is, and the fix.

The cases are listed in tests/typos/cases.yml (see its header); each is one file of the minimal project
of tests/invalid/ with one mistake. The command runs as a user runs it, in a subprocess, and its text
output is read as the editor reads it: file:line:column of the cause, and a keyword of the cause.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_manifest
from test_invalid_inputs import ENGLISH, INVISIBLE, MINIMAL, cdv, make_project

HERE = Path(__file__).resolve().parent / "typos"
CASES = HERE / "cases"
VALID = HERE / "valid"
MANIFEST = load_manifest(HERE / "cases.yml")

# file:line:column: message, or file: message when the file itself is missing.
REPORTED = re.compile(r"^(?P<file>[^:\n]+\.yml)(?::(?P<line>\d+):(?P<column>\d+))?: (?P<message>.*)$")
# Words of JSON, YAML or Python that mean nothing to an editor.
FORBIDDEN = re.compile(r"\b(dictionnaires?|scalaires?|mapping|objets?|booléens?|null|tableau de|None|True|False)\b")


def reported(output: str) -> list[dict]:
    found = []
    for m in map(REPORTED.match, output.splitlines()):
        if m:
            e = m.groupdict()
            e["line"], e["column"] = int(e["line"] or 0), int(e["column"] or 0)
            found.append(e)
    return found


def apply(project: Path, name: str, case: dict) -> None:
    target = project / case["target"]
    if case.get("mode", "replace") == "delete":
        assert target.exists(), f"{name}: {case['target']} is not in the minimal project"
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        return
    assert target.is_file(), f"{name}: {case['target']} is not a file of the minimal project"
    target.write_bytes((CASES / f"{name}.yml").read_bytes())


def assert_editor_words(message: str, own_words: set[str]) -> None:
    assert not ENGLISH.search(message), f"untranslated message: {message}"
    for word in FORBIDDEN.findall(message):
        assert word.lower() in own_words, f"« {word} » means nothing to an editor: {message}"


def test_manifest_and_case_files_match():
    stored = {p.stem for p in CASES.iterdir()}
    written = {name for name, case in MANIFEST.items() if case.get("mode", "replace") == "replace"}
    assert stored == written, stored ^ written
    assert len(MANIFEST) >= 60
    for name, case in MANIFEST.items():
        assert {"about", "target", "line", "column", "expect"} <= set(case) <= \
            {"about", "target", "mode", "line", "column", "expect", "file"}, name
        if name in written:
            # One mistake in one file of the minimal project: the rest of the file is as it was.
            original = (MINIMAL / case["target"]).read_text(encoding="utf-8").splitlines()
            typed = (CASES / f"{name}.yml").read_text(encoding="utf-8").splitlines()
            assert typed != original, name
            assert len(set(typed) ^ set(original)) <= 8, f"{name}: more than one mistake?"


@pytest.mark.parametrize("name", list(MANIFEST))
def test_typo_names_its_cause(name, tmp_path):
    case = MANIFEST[name]
    project = make_project(tmp_path)
    apply(project, name, case)
    result = cdv("validate", str(project))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    errors = reported(result.stdout)
    assert errors, output
    file, line, column, expect = case.get("file", case["target"]), case["line"], case["column"], case["expect"]
    at_cause = [e for e in errors if e["file"] == file and (e["line"], e["column"]) == (line, column)]
    assert at_cause, f"no error at the cause {file}:{line}:{column}\n{output}"
    assert any(expect in e["message"] for e in at_cause), f"expected « {expect} » at {file}:{line}:{column}\n{output}"
    source = CASES / f"{name}.yml"
    own_words = set(re.findall(r"\w+", source.read_text(encoding="utf-8").lower())) if source.exists() else set()
    for e in errors:
        assert_editor_words(e["message"], own_words)
    # Every line printed is one whole error or the count: no message broken by a quoted line break.
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(errors) == len(lines) - 1 and re.match(r"\d+ erreurs? dans ", lines[-1]), output
    assert not any(INVISIBLE.search(line) for line in lines), output


@pytest.mark.parametrize("name", sorted(p.stem for p in VALID.iterdir()))
def test_what_looks_like_a_mistake_but_is_valid(name, tmp_path):
    """Typographic quotes, apostrophes in plain text, a colon without a space: valid, and read as typed."""
    project = make_project(tmp_path)
    text = (VALID / f"{name}.yml").read_text(encoding="utf-8")
    (project / "contract" / "articles" / "article-1.yml").write_text(text, encoding="utf-8")
    result = cdv("validate", str(project))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("layout", ["empty", "only-schemas", "docs-and-readme"])
def test_a_folder_that_is_not_a_project_is_a_usage_error(layout, tmp_path):
    folder = tmp_path / layout
    folder.mkdir()
    if layout == "only-schemas":
        shutil.copytree(make_project(tmp_path / "p") / "schemas", folder / "schemas")
    elif layout == "docs-and-readme":
        (folder / "docs").mkdir()
        (folder / "README.md").write_text("# Un dossier\n", encoding="utf-8")
        (folder / "mkdocs.yml").write_text("site_name: Autre site\nplugins:\n  - search\n", encoding="utf-8")
    result = cdv("validate", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "aucun projet trouvé" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_project_without_sources_reports_each_missing_file(tmp_path):
    """A folder whose mkdocs.yml uses the cdv plugin is a project: its missing sources are named."""
    project = make_project(tmp_path)
    shutil.rmtree(project / "contract")
    shutil.rmtree(project / "neighbourhoods")
    result = cdv("validate", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    missing = {e["file"] for e in reported(result.stdout) if "fichier obligatoire absent" in e["message"]}
    assert missing == {"contract/contract.yml", "contract/objectives.yml", "contract/signatories.yml"}


def test_a_missing_file_is_reported_from_inside_the_project(tmp_path):
    """Validating one file of a project whose contract.yml was deleted: the project is still found."""
    project = make_project(tmp_path)
    (project / "contract" / "contract.yml").unlink()
    result = cdv("build", str(project / "neighbourhoods"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "contract/contract.yml: fichier obligatoire absent" in result.stderr


# The mistakes behind the messages quoted in CONTRIBUTING.md (« Lire un message d'erreur »), made on a
# copy of the real sources: the guide shows what editors will really read.
GUIDE_MISTAKES = [
    ("contract/articles/article-12.yml", "  - p: Les associations jouent un rôle majeur",
     "  - p: 'Les associations jouent l'un des rôles majeurs"),
    ("contract/articles/article-12.yml", "title: Les associations", "title: Article 12 : les associations"),
    ("contract/articles/article-12.yml", "      - de nombreux savoir-faire thématiques ou généralistes,",
     "      - Savoir-faire : thématiques ou généralistes,"),
    ("neighbourhoods/planoise.yml", "          text: Mener à bien le projet de **renouvellement urbain**",
     "          text: **Mener à bien** le projet de **renouvellement urbain**"),
    ("neighbourhoods/planoise.yml", "      label: habitants\n", "       label: habitants\n"),
    ("neighbourhoods/planoise.yml", "    - id: evolution-population", "   - id: evolution-population"),
    ("neighbourhoods/planoise.yml", "      label: habitants\n", "      label:habitants\n"),
    ("contract/articles/article-12.yml", "title: Les associations", 'title: "Les associations'),
    ("contract/articles/article-12.yml", "  - p: Les associations jouent", "  p: Les associations jouent"),
    ("neighbourhoods/planoise.yml", "          devices: [npru]", "          devices: [anru]"),
    ("neighbourhoods/planoise.yml", "          text: Mener à bien", "          texte: Mener à bien"),
]


@pytest.mark.slow
def test_the_guide_quotes_real_messages(tmp_path):
    from conftest import ROOT, copy_project

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide.split("### Lire un message d'erreur", 1)[1].split("\n### ", 1)[0]
    quoted = [line.strip() for line in section.splitlines() if REPORTED.match(line.strip()) and line.startswith("    ")]
    assert len(quoted) >= 10
    produced = set()
    for i, (rel, old, new) in enumerate(GUIDE_MISTAKES):
        project = copy_project(tmp_path / str(i))
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        result = cdv("validate", str(project))
        assert result.returncode == 1, result.stdout + result.stderr
        produced |= {line.strip() for line in result.stdout.splitlines()}
    missing = [line for line in quoted if line not in produced and not line.startswith("contract/contract.yml")]
    assert not missing, "CONTRIBUTING.md quotes messages cdv no longer gives:\n" + "\n".join(missing)


_PIECES = ["title", "p", "- ", "  ", " ", ": ", ":", "'", '"', "l'emploi", "Axe 1", "**", "*", "[", "]", "{", "}",
           ",", "#", " #", "|", ">", "&", "@", "`", "%", "?", "\n", "\n  ", "\n    ", "\n - ", "texte", "\\"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_any_broken_text_gets_a_located_french_message(pieces):
    """Whatever an editor types, the loader answers with located French errors, never anything else."""
    from cdv.yamlload import YamlError, load_yaml

    text = "".join(pieces) + "\n"
    try:
        load_yaml(text, "source.yml")
    except YamlError as exc:
        lines = text.count("\n") + 1
        for error in exc.errors:
            assert 1 <= error.line <= lines and error.column >= 1, (text, error)
            assert not ENGLISH.search(error.message), (text, error.message)
            assert not FORBIDDEN.search(error.message.replace(text, "")) or \
                all(w.lower() in text.lower() for w in FORBIDDEN.findall(error.message)), (text, error.message)
