"""One error flow: every error a command ends with is said in French, in one line (a list of located lines
for invalid sources), with the status its class declares, and never a traceback unless asked for.

Run as a user runs it (`python -m cdv.cli …` in a subprocess), on the minimal project of tests/invalid/ and
its invalid cases, and in throwaway git repositories.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from test_invalid_inputs import ERROR_LINE, MANIFEST, apply_case, make_project

from cdv.gitsource import GitNotFound, RevisionNotFound
from cdv.errors import (BuildFailed, CdvError, FormatError, GitError, InvalidSources, MissingReport, SourceError,
                        UnknownRevision, UnsafeTarget, UsageError, YamlError)

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
TRACEBACK = "Traceback (most recent call last)"


def env_with(**extra) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "CDV_DEBUG")}
    env.update(GIT_ENV, PYTHONPATH=str(ROOT), **extra)
    return env


def cdv(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, env=env or env_with(),
                          capture_output=True, text=True, timeout=300)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env_with(), check=True, capture_output=True)


def one_line(result: subprocess.CompletedProcess, status: int, *fragments: str) -> str:
    """The run ended with `status` and one French line on stderr holding every fragment; no traceback."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert TRACEBACK not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cdv : "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def minimal(tmp_path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def repo(tmp_path) -> Path:
    """The minimal project as a git repository with one commit."""
    project = make_project(tmp_path)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Contrat signé")
    return project


# --- the family: each class says its status -------------------------------------------------------

def family(cls=CdvError) -> set[type]:
    return {cls} | {sub for direct in cls.__subclasses__() for sub in family(direct)}


# One instance of each class of the family, as the toolkit raises it, and the status it must end with.
INSTANCES = {
    CdvError: (CdvError("la variable d'environnement X vaut « y »."), 1),
    UsageError: (UsageError("chemin introuvable : ailleurs"), 2),
    InvalidSources: (InvalidSources([SourceError("neighbourhoods/a.yml", 3, 7, "/kind", "« Type » : inconnu.")]), 1),
    YamlError: (YamlError([SourceError("neighbourhoods/a.yml", 2, 1, "", "crochet « [ » jamais fermé.")]), 1),
    GitError: (GitError("git a échoué dans /p (git log)", detail="fatal: bad config line 1\nhint: more\n"), 1),
    UnknownRevision: (UnknownRevision("« NOPE » n'est ni un dossier de projet ni une révision git", "NOPE",
                                      "fatal: not a valid object name: 'NOPE'\n"), 2),
    GitNotFound: (GitNotFound("git est introuvable : installez git."), 1),
    RevisionNotFound: (RevisionNotFound("la révision git « NOPE » est illisible", "NOPE",
                                        "fatal: not a valid object name: 'NOPE'\n"), 2),
    UnsafeTarget: (UnsafeTarget("dossier de sortie refusé : . (le projet lui-même)."), 1),
    FormatError: (FormatError("a.yml : la mise en forme changerait les données ; fichier laissé tel quel."), 1),
    BuildFailed: (BuildFailed("la construction du site a échoué : lien cassé."), 1),
    MissingReport: (MissingReport("aucun rapport annuel pour 2031 : créez reports/2031.yml"), 1),
}


def test_every_error_class_says_its_status_and_is_tested_here():
    """A class added to the family without a status of its own inherits 1; one added without a case here
    fails this test, so the handler is checked on it below."""
    classes = {cls for cls in family() if cls.__module__.startswith("cdv")}
    assert classes == set(INSTANCES), classes ^ set(INSTANCES)
    for cls, (instance, status) in INSTANCES.items():
        assert type(instance) is cls and instance.status == status in (1, 2)


def test_historical_imports_are_the_family():
    from cdv.build import BuildFailed as build_failed
    from cdv.fmt import FormatError as format_error
    from cdv.safety import UnsafeTarget as unsafe_target
    from cdv.yamlload import YamlError as yaml_error

    assert (build_failed, format_error, unsafe_target, yaml_error) == (BuildFailed, FormatError, UnsafeTarget,
                                                                      YamlError)
    assert issubclass(YamlError, InvalidSources)


@pytest.mark.parametrize("cls", list(INSTANCES), ids=lambda c: c.__name__)
def test_errors_survive_pickling(cls):
    """Errors cross process boundaries (a validation on both cores) whole."""
    instance, _ = INSTANCES[cls]
    again = pickle.loads(pickle.dumps(instance))
    assert type(again) is cls and str(again) == str(instance)
    if isinstance(instance, InvalidSources):
        assert again.errors == instance.errors


def raising(expression: str, *argv: str, cwd: Path, debug: bool = False, env: dict | None = None):
    """Run the real entry point (cdv.cli.run) with `cdv validate` replaced by a function raising
    `expression`: how main says each kind of error."""
    code = ("import sys, cdv.cli, cdv.errors as E\n"
            "from cdv.errors import SourceError\n"
            "def fail(args):\n"
            f"    raise {expression}\n"
            "cdv.cli.cmd_validate = fail\n"
            "sys.argv = ['cdv', *sys.argv[1:]]\n"
            "cdv.cli.run()\n")
    args = ["--debug", "validate", *argv] if debug else ["validate", *argv]
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env or env_with(), capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("cls", [c for c in INSTANCES if not issubclass(c, InvalidSources)], ids=lambda c: c.__name__)
def test_each_error_class_ends_in_its_status_and_one_french_line(cls, tmp_path):
    instance, status = INSTANCES[cls]
    result = raising(f"__import__('pickle').loads({pickle.dumps(instance)!r})", cwd=tmp_path)
    line = one_line(result, status)
    assert line == f"cdv : {instance}"
    if isinstance(instance, GitError) and instance.detail:  # git's cause kept, its hints (the lines after it) not
        assert "fatal:" in line and "hint" not in line


@pytest.mark.parametrize("cls", [InvalidSources, YamlError], ids=lambda c: c.__name__)
def test_invalid_sources_end_in_their_located_lines_and_one_summary(cls, tmp_path):
    instance, status = INSTANCES[cls]
    result = raising(f"__import__('pickle').loads({pickle.dumps(instance)!r})", cwd=tmp_path)
    assert result.returncode == status and TRACEBACK not in result.stderr
    located, summary = result.stderr.strip().splitlines()
    assert located == instance.errors[0].format_text()
    assert summary == "1 erreur dans 1 fichier : rien n'a été construit, le site existant est inchangé."


@pytest.mark.parametrize("expression, status, fragments", [
    ("KeyboardInterrupt()", 130, ["interrompu (Ctrl-C)"]),
    ("PermissionError(13, 'Permission denied', '/srv/site')", 1, ["erreur du système sur « /srv/site »",
                                                                   "permission refusée"]),
    ("b'\\xff'.decode('utf-8')", 1, ["fichier illisible (pas en UTF-8)", "à l'octet 0"]),
    ("{}['clé']", 1, ["erreur interne (KeyError", "cdv --debug validate"]),
    ("RuntimeError('ligne 1\\nligne 2')", 1, ["erreur interne (RuntimeError : ligne 1⏎ligne 2)"]),
])
def test_what_python_raises_is_one_french_line_too(expression, status, fragments, tmp_path):
    one_line(raising(expression, cwd=tmp_path), status, *fragments)


def test_a_closed_pipe_says_nothing_more(tmp_path):
    result = raising("BrokenPipeError(32, 'Broken pipe')", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""


@pytest.mark.parametrize("how", ["--debug", "CDV_DEBUG=1"])
@pytest.mark.parametrize("expression, status", [("E.UsageError('chemin introuvable : x')", 2),
                                                ("E.GitError('git a échoué', detail='fatal: x')", 1),
                                                ("{}['clé']", 1), ("KeyboardInterrupt()", 130)])
def test_debug_shows_one_traceback_after_the_same_line(how, expression, status, tmp_path):
    plain = raising(expression, cwd=tmp_path)
    if how == "--debug":
        debug = raising(expression, cwd=tmp_path, debug=True)
    else:
        debug = raising(expression, cwd=tmp_path, env=env_with(CDV_DEBUG="1"))
    assert plain.returncode == debug.returncode == status
    assert TRACEBACK not in plain.stderr
    assert debug.stderr.count(TRACEBACK) == 1, debug.stderr
    first = [line for line in plain.stderr.splitlines() if line.strip()][0]
    assert first in debug.stderr and debug.stderr.index(first) < debug.stderr.index(TRACEBACK)
    assert "in fail" in debug.stderr  # the trace reaches where the error was raised


def test_debug_on_a_real_usage_error(tmp_path):
    plain = cdv("validate", "ailleurs", cwd=tmp_path)
    debug = cdv("--debug", "validate", "ailleurs", cwd=tmp_path)
    one_line(plain, 2, "chemin introuvable : ailleurs")
    assert debug.returncode == 2 and debug.stderr.count(TRACEBACK) == 1 and "UsageError" in debug.stderr


# --- the reporters, on real invalid files ---------------------------------------------------------

REPORTED_CASES = ["unclosed-bracket", "unknown-device", "integer-below-minimum"]


@pytest.mark.parametrize("name", REPORTED_CASES)
def test_text_json_and_github_say_the_same_errors(name, minimal):
    case = MANIFEST[name]
    apply_case(minimal, name, case)
    text = cdv("validate", str(minimal), cwd=minimal)
    as_json = cdv("validate", "--format", "json", str(minimal), cwd=minimal)
    github = cdv("validate", "--format", "github", str(minimal), cwd=minimal)
    assert text.returncode == as_json.returncode == github.returncode == 1
    for result in (text, as_json, github):
        assert TRACEBACK not in result.stderr + result.stdout

    # json: the documented shape (README, « Validation »), nothing else on stdout or stderr
    report = json.loads(as_json.stdout)
    assert as_json.stderr == ""
    assert set(report) == {"valid", "files", "errors"} and report["valid"] is False
    assert isinstance(report["files"], int) and report["files"] >= 4  # the files that could be read
    for error in report["errors"]:
        assert set(error) == {"file", "line", "column", "pointer", "message"}
        assert all(isinstance(error[k], str) for k in ("file", "pointer", "message"))
        assert all(isinstance(error[k], int) and error[k] >= 0 for k in ("line", "column"))
    assert any(e["file"] == case["target"] and e["line"] == case["line"] and case["expect"] in e["message"]
               for e in report["errors"]), report

    # text: one located line per error of the json report, in its order, then the summary
    *lines, summary = text.stdout.strip().splitlines()
    expected = [SourceError(**e).format_text() for e in report["errors"]]
    assert lines == expected
    assert all(ERROR_LINE.match(line) for line in lines)
    files = len({e["file"] for e in report["errors"]})
    n = len(report["errors"])
    assert summary == (f"{n} erreur{'s' if n > 1 else ''} dans {files} fichier{'s' if files > 1 else ''} ; "
                       f"{report['files']} fichiers lus.")

    # github: one annotation per error on stdout, at its line and column; the summary on stderr
    annotations = github.stdout.strip().splitlines()
    assert len(annotations) == n
    for annotation, error in zip(annotations, report["errors"]):
        match = re.fullmatch(r"::error file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)", annotation)
        assert match, annotation
        assert (match[1], int(match[2]), int(match[3])) == (error["file"], error["line"], error["column"])
        assert match[5] == error["message"].replace("%", "%25")
    assert github.stderr.strip() == summary


def test_summary_agrees_in_number(minimal):
    """« 1 erreur dans 1 fichier », « 2 erreurs dans 2 fichiers »: never « erreur(s) »."""
    apply_case(minimal, "unknown-device", MANIFEST["unknown-device"])
    apply_case(minimal, "integer-below-minimum", MANIFEST["integer-below-minimum"])
    result = cdv("validate", str(minimal), cwd=minimal)
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"2 erreurs dans 2 fichiers ; \d+ fichiers lus\.", summary), result.stdout
    built = cdv("build", str(minimal), cwd=minimal)
    assert built.returncode == 1 and TRACEBACK not in built.stderr
    assert built.stderr.strip().splitlines()[-1] == ("2 erreurs dans 2 fichiers : rien n'a été construit, le site "
                                                     "existant est inchangé.")
    assert "(s)" not in result.stdout + built.stderr


def test_error_summary_wordings():
    from cdv.reporters import error_summary

    one = SourceError("a.yml", 1, 1, "", "x")
    assert error_summary([one], files_read=1) == "1 erreur dans 1 fichier ; 1 fichier lu."
    assert error_summary([one, SourceError("b.yml", 2, 1, "", "y")], files_read=2) == \
        "2 erreurs dans 2 fichiers ; 2 fichiers lus."
    assert error_summary([one, one], outcome="aucun PDF n'a été écrit.") == \
        "2 erreurs dans 1 fichier : aucun PDF n'a été écrit."
    assert error_summary([], files_read=1) == "Sources valides : 1 fichier lu, aucune erreur."
    assert error_summary([], files_read=0) == "Sources valides : 0 fichier lu, aucune erreur."


def test_validate_offers_exactly_the_reporters(minimal):
    from cdv.reporters import REPORTERS

    result = cdv("validate", "--format", "xml", str(minimal), cwd=minimal)
    assert result.returncode == 2
    assert all(f"'{name}'" in result.stderr for name in REPORTERS)


# --- git: no history is a normal state, a failing git an error -------------------------------------

def test_a_missing_revision_is_one_line_status_2(repo):
    """Decision: a revision that does not exist is a usage error (status 2), as a path that does not exist
    is: the command line names nothing. It is a GitError (UnknownRevision) carrying the revision."""
    line = one_line(cdv("diff", "NOPE", cwd=repo), 2, "« NOPE » n'est ni un dossier de projet ni une révision git")
    assert "fatal:" in line or "fatal :" in line  # git's cause, without its hints


def test_a_revision_with_a_line_break_stays_on_one_line(repo):
    one_line(cdv("diff", "NO\nPE", cwd=repo), 2, "« NO⏎PE »")


def test_a_revision_outside_any_repository(minimal, tmp_path):
    one_line(cdv("diff", "HEAD", cwd=minimal, env=env_with(GIT_CEILING_DIRECTORIES=str(tmp_path))), 2,
             "« HEAD » n'est ni un dossier de projet ni une révision git")


def test_git_missing_is_status_1(repo, tmp_path):
    no_git = tmp_path / "bin"
    no_git.mkdir()
    one_line(cdv("diff", "HEAD", cwd=repo, env=env_with(PATH=str(no_git))), 1, "git est introuvable")


def test_a_repository_git_cannot_read_is_a_git_error_not_hors_depot(repo):
    """A checkout whose git fails must not be built as if it had no history (« hors dépôt git », no
    version in force): the build stops with git's cause, and nothing is built."""
    (repo / ".git" / "config").write_text("[core\n", encoding="utf-8")
    line = one_line(cdv("build", cwd=repo), 1, "git ne peut pas lire le dépôt", "bad config")
    assert str(repo) in line
    assert not (repo / "site").exists()


def test_no_history_is_a_normal_state(minimal, tmp_path, monkeypatch):
    """A tarball of the sources (no .git) and a repository without commits: provenance says
    « hors dépôt git », there is no version in force, nothing fails."""
    from cdv.provenance import head_commit, provenance
    from cdv.versions import history, in_force

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert head_commit(minimal) == "" and provenance(minimal).commit_label == "hors dépôt git"
    assert history(minimal) == [] and in_force(minimal) is None
    git(minimal, "init", "-q", "-b", "main")
    assert head_commit(minimal) == "" and provenance(minimal).commit_label == "hors dépôt git"
    assert history(minimal) == [] and in_force(minimal) is None


def test_no_git_at_all_is_a_normal_state_for_provenance(repo, monkeypatch, tmp_path):
    from cdv.provenance import provenance
    from cdv.versions import history

    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert provenance(repo).commit == "" and history(repo) == []


def test_history_skips_a_commit_that_deleted_the_contract(repo):
    from cdv.versions import history

    contract = (repo / "contract" / "contract.yml").read_bytes()
    git(repo, "rm", "-q", "contract/contract.yml")
    git(repo, "commit", "-q", "-m", "supprimé")
    (repo / "contract" / "contract.yml").write_bytes(contract)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rétabli")
    states = history(repo)
    assert len(states) == 1 and states[0].version


# --- the navigation: an unknown marker is a located French error -----------------------------------

def nav_marker_place(mkdocs_yml: str, marker: str) -> tuple[int, int]:
    for number, line in enumerate(mkdocs_yml.splitlines(), 1):
        if marker in line:
            return number, line.index(marker) + 1
    raise AssertionError(marker)


@pytest.mark.parametrize("wrong", ["cdv:quartiers", "CDV:neighbourhoods", "cdv:neighbourhood"])
def test_an_unknown_navigation_marker_is_located_in_mkdocs_yml(wrong, minimal):
    config = minimal / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "Les quartiers: cdv:neighbourhoods" in text
    text = text.replace("Les quartiers: cdv:neighbourhoods", f"Les quartiers: {wrong}")
    config.write_text(text, encoding="utf-8")
    line, column = nav_marker_place(text, f"Les quartiers: {wrong}")
    column += len("Les quartiers: ")
    result = cdv("build", str(minimal), cwd=minimal)
    assert result.returncode == 1 and TRACEBACK not in result.stderr, result.stderr
    located, summary = result.stderr.strip().splitlines()
    assert located.startswith(f"mkdocs.yml:{line}:{column}: marqueur de navigation inconnu « {wrong} » ; "
                              "marqueurs possibles : « cdv:contract », "), located
    assert located.endswith("(à l'emplacement /nav/2/Les quartiers)")
    assert summary == "1 erreur dans 1 fichier : rien n'a été construit, le site existant est inchangé."
    if wrong != "cdv:quartiers":
        assert "Voulez-vous dire « cdv:neighbourhoods » ?" in located
    assert not (minimal / "site").exists()


def test_every_unknown_marker_is_reported_at_once(corpus):
    from cdv.pages import expand_nav, navigation

    nav = [{"Accueil": "index.md"}, {"A": "cdv:un"}, {"B": [{"C": "cdv:deux"}, {"D": "page.md"}]}]
    with pytest.raises(InvalidSources) as exc:
        expand_nav(nav, navigation(corpus), str(ROOT / "mkdocs.yml"))
    assert [(e.file, e.line, e.pointer) for e in exc.value.errors] == [("mkdocs.yml", 0, "/nav/1/A"),
                                                                       ("mkdocs.yml", 0, "/nav/2/B/0/C")]
    assert all("marqueur de navigation inconnu" in e.message for e in exc.value.errors)


def test_the_real_navigation_expands(corpus):
    from cdv.pages import expand_nav, navigation

    nav = expand_nav([{"Les quartiers": "cdv:neighbourhoods"}, "index.md"], navigation(corpus))
    assert nav[1] == "index.md" and nav[0]["Les quartiers"][0] == "quartiers/index.md"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the checkout to another user")
def test_a_checkout_of_another_user_is_built_without_history_and_said_so(repo):
    """git refuses a folder of another user's (« dubious ownership »: a CI runner, a shared copy): the site
    is built « hors dépôt git », and the build says so once, with the command that lets git read it."""
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 4321, 4321)
    result = cdv("build", cwd=repo)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "git refuse de lire" in line]
    assert len(warnings) == 1 and f"safe.directory {repo.resolve()}" in warnings[0], result.stderr
    from cdv.provenance import provenance
    from cdv.versions import in_force

    assert provenance(repo).commit_label == "hors dépôt git" and in_force(repo) is None
