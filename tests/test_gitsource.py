"""cdv.gitsource: a revision's sources read through a temporary copy that never outlives its use, and
git failures raised as GitError."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from cdv import gitsource
from cdv.errors import CdvError, GitError, InvalidSources

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The real sources committed once (v1), then a commit whose contract.yml is broken (cassé)."""
    repo = copy_project(tmp_path_factory.mktemp("depot") / "projet")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    contract = repo / "contract" / "contract.yml"
    good = contract.read_text(encoding="utf-8")
    contract.write_text("version: [\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "cassé")
    git(repo, "tag", "casse")
    contract.write_text(good, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "réparé")
    return repo


@pytest.fixture
def tmp(tmp_path, monkeypatch) -> Path:
    """This test's own temporary folder, where cdv makes its copies."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def left(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("cdv-version-"))


def test_a_bad_revision_raises_a_git_error_and_leaves_nothing(repo, tmp):
    with pytest.raises(GitError) as raised, gitsource.checkout(repo, "pas-une-revision"):
        pytest.fail("no folder for a revision that does not exist")
    assert isinstance(raised.value, CdvError)
    assert "pas-une-revision" in str(raised.value)
    assert left(tmp) == []


def test_a_revision_that_is_an_option_never_reaches_git(repo, tmp):
    with pytest.raises(GitError):
        gitsource.load_revision(repo, "--output=fuite.tar")
    assert not (repo / "fuite.tar").exists()
    assert left(tmp) == []


def test_outside_a_repository_is_a_git_error(tmp_path, tmp):
    plain = copy_project(tmp_path / "sans-git")
    with pytest.raises(GitError):
        gitsource.load_revision(plain, "HEAD")
    assert left(tmp) == []


def test_without_git_is_a_git_error(repo, tmp, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp))
    with pytest.raises(gitsource.GitNotFound):
        gitsource.load_revision(repo, "v1")
    assert left(tmp) == []


def test_the_copy_exists_inside_the_block_only(repo, tmp):
    with gitsource.checkout(repo, "v1") as folder:
        assert folder.parent == tmp and folder.name.startswith("cdv-version-")
        assert (folder / "contract" / "contract.yml").is_file()
        assert not (folder / "cdv").exists()  # the sources, not the code nor the docs
        # The contract's folders, and the follow-up folders the revision has (the real project: actions/).
        optional = [n for n in gitsource.OPTIONAL_FOLDERS if (repo / n).is_dir()]
        assert optional == ["actions"]
        assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
            [*gitsource.SOURCE_FOLDERS, *optional])
    assert not folder.exists()
    assert left(tmp) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_the_copy_is_removed_when_its_use_is_interrupted(repo, tmp, interruption):
    with pytest.raises(interruption), gitsource.checkout(repo, "v1") as folder:
        assert folder.is_dir()
        raise interruption()
    assert left(tmp) == []


def test_a_revision_with_invalid_sources_is_reported_and_its_copy_removed(repo, tmp):
    with pytest.raises(InvalidSources):
        gitsource.load_revision(repo, "casse")
    assert left(tmp) == []


def test_a_loaded_revision_keeps_its_data_not_its_files(repo, tmp):
    corpus, label = gitsource.load_version("v1", repo)
    assert label == f"{corpus.contract['version']} (v1)"
    assert corpus.neighbourhoods and left(tmp) == []


def test_cdv_diff_of_a_bad_revision_leaves_no_copy(repo, tmp_path):
    tmp = tmp_path / "tmp-cli"
    tmp.mkdir()
    env = {**os.environ, **GIT_ENV, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    for spec in ("pas-une-revision", "casse"):
        result = subprocess.run([sys.executable, "-m", "cdv.cli", "diff", spec], cwd=repo, env=env,
                                capture_output=True, text=True, check=False)
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
        assert left(tmp) == []
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "diff", "pas-une-revision"], cwd=repo, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "ni un dossier de projet ni une révision git" in result.stderr


def test_a_revision_before_the_follow_up_existed_has_no_actions(tmp_path):
    """A version published before actions/ existed reads with an empty follow-up (not unreadable), and the
    actions of a later one are read from its own tree."""
    import shutil

    repo = copy_project(tmp_path / "projet")
    git(repo, "init", "-q", "-b", "main")
    kept = tmp_path / "actions"
    shutil.move(repo / "actions", kept)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "avant le suivi")
    git(repo, "tag", "avant")
    shutil.move(kept, repo / "actions")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "programmation")
    assert gitsource.load_revision(repo, "avant").actions == []
    later = gitsource.load_revision(repo, "HEAD").actions
    assert later and {a["year"] for a in later} == {2023}
