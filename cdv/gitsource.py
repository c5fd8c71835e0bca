"""A version of the sources, read from a project folder or from a git revision.

The only module of the comparison that runs git. A revision's sources are extracted (`git archive`) into a
temporary folder that `checkout` removes on leaving, whatever ends it (an error, Ctrl-C); a killed
process's copy is removed by the next cdv (cdv.safety.TemporaryFolder). Git failures raise GitError."""

from __future__ import annotations

import re
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from .corpus import Corpus, load_corpus
from .errors import GitError, UnknownRevision
from .sources import FOLLOW_UP_DIRS

# What a version is made of: everything else in a revision (docs, code, tests) is not the contract. The
# follow-up folders (actions/, reports/) are read when the revision has them: a version that predates
# them has none, and its follow-up is then empty, not unreadable.
SOURCE_FOLDERS = ("contract", "neighbourhoods", "schemas")
OPTIONAL_FOLDERS = FOLLOW_UP_DIRS
TEMPORARY_PREFIX = "cdv-version-"


class GitNotFound(GitError):
    """No git program on PATH."""


class RevisionNotFound(UnknownRevision):
    """Git could not give the sources of a revision (unknown revision, not a repository, no sources)."""


def _unreadable(revision: str, detail: str) -> RevisionNotFound:
    return RevisionNotFound(f"la révision git « {revision} » est illisible", revision=revision, detail=detail)


def _git(repo: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitNotFound("git est introuvable : installez git.") from None
    if result.returncode != 0:
        raise _unreadable(args[-1] if args else "", result.stderr.decode(errors="replace").strip())
    return result.stdout


def archive(repo: Path, revision: str) -> bytes:
    """The sources of `revision` as a tar archive (in memory: a contract is a few megabytes at most)."""
    if revision.startswith("-"):  # never an option of git (`--output=…` would write a file)
        raise _unreadable(revision, "un nom de révision ne commence pas par « - »")
    try:
        present = set(_git(repo, "ls-tree", "--name-only", revision).decode("utf-8", "replace").splitlines())
        folders = [*SOURCE_FOLDERS, *(f for f in OPTIONAL_FOLDERS if f in present)]
        return _git(repo, "archive", "--format=tar", revision, *folders)
    except RevisionNotFound as exc:
        raise _unreadable(revision, exc.detail) from None


@contextmanager
def checkout(repo: Path, revision: str) -> Iterator[Path]:
    """The sources of `revision`, in a temporary folder that exists only inside the `with` block."""
    from .safety import TemporaryFolder

    data = archive(repo, revision)
    with TemporaryFolder(TEMPORARY_PREFIX) as folder:
        with tarfile.open(fileobj=BytesIO(data)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def load_revision(repo: Path, revision: str) -> Corpus:
    """The corpus of a git revision; its temporary copy is gone when this returns (the corpus keeps its
    data, not the files)."""
    with checkout(repo, revision) as folder:
        return load_corpus(folder)


# --- a version named on the command line ---------------------------------------------------------

_REVISIONS: dict[tuple[str, str], tuple[Corpus, str]] = {}
_FULL_HASH = re.compile(r"[0-9a-f]{40}")


def load_version(spec: str, repo: Path) -> tuple[Corpus, str]:
    """A version from a folder, or from a git revision of `repo`, with its label ("2024 (v2024)").
    A full commit hash names content that never changes: it is loaded once per process."""
    cacheable = bool(_FULL_HASH.fullmatch(spec))
    if cacheable and (str(repo), spec) in _REVISIONS:
        return _REVISIONS[(str(repo), spec)]
    path = Path(spec)
    if path.is_dir() and (path / "contract" / "contract.yml").is_file():
        corpus = load_corpus(path)
    else:
        # A name that is neither a project folder nor a revision is the caller's mistake (UnknownRevision,
        # exit status 2); no git where a revision must be read is a GitError (status 1).
        try:
            corpus = load_revision(repo, spec)
        except GitNotFound:
            raise GitError(
                f"« {spec} » n'est pas un dossier de projet, et git est introuvable pour y lire une "
                "révision : installez git, ou donnez le dossier d'une version.",
                revision=spec,
            ) from None
        except RevisionNotFound as exc:
            raise UnknownRevision(
                f"« {spec} » n'est ni un dossier de projet ni une révision git", revision=spec, detail=exc.detail
            ) from None
    result = corpus, f"{corpus.contract['version']} ({spec})"
    if cacheable:
        _REVISIONS[(str(repo), spec)] = result
    return result
