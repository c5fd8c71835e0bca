"""What ties an output to one state of the repository: version, git commit, SHA-256 of the sources."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from .errors import CdvError, GitError
from .sources import CONTRACT_DIRS, discover

_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a date can hold


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, None when unset; a French error when it is not a number
    (MkDocs and the PDF would otherwise fail with a traceback)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > _MAX_EPOCH:
        raise CdvError(
            f"la variable d'environnement SOURCE_DATE_EPOCH vaut « {value} » : ce doit être un nombre "
            "entier de secondes depuis le 1er janvier 1970 (ex. 1719792000), ou retirez-la."
        )
    return int(value)


@dataclass(frozen=True)
class Provenance:
    commit: str  # full git commit, or "" outside a git checkout
    dirty: bool  # sources differ from that commit
    sources_sha256: str
    generated: datetime  # reproducible: SOURCE_DATE_EPOCH, else the commit's date

    @property
    def commit_label(self) -> str:
        if not self.commit:
            return "hors dépôt git"
        return self.commit[:12] + (" (modifié)" if self.dirty else "")


def hashed_paths(root: Path) -> list[str]:
    """The files the sources' hash covers (the YAML sources, then the schemas), as repository paths."""
    return discover(root, CONTRACT_DIRS) + sorted(
        p.relative_to(root).as_posix() for p in (root / "schemas").glob("*.json")
    )


def sources_sha256(root: Path) -> str:
    """One hash over every source and schema file, names included, in a fixed order."""
    digest = hashlib.sha256()
    for rel in hashed_paths(root):
        digest.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()


# --- reading git ----------------------------------------------------------------------------------
#
# Having no history is a normal state, said so on the outputs (« hors dépôt git », no version in force):
# git is not installed, the sources are not a git checkout (a tarball, a copy), or the repository has no
# commit yet. Anything else git fails at is a GitError: history read wrongly would make a page say
# something false (« hors dépôt git » of a checkout, no change since the signed version).

_GIT_TIMEOUT = 60  # seconds


def _run_git(root: Path, args: tuple[str, ...], env: dict | None = None) -> subprocess.CompletedProcess | None:
    """git's answer in `root`; None when git cannot be run at all (not installed)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            env={**os.environ, **env} if env else None,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git n'a pas répondu en {_GIT_TIMEOUT} s (git {' '.join(args)}) dans {root}") from None
    except OSError:
        return None


def git_output(root: Path, *args: str) -> str | None:
    """What a git command prints in `root`, or None outside a checkout or on any failure: for callers to
    whom a failure is the answer (cdv.publish: « is this a repository? », « does this branch exist? »)."""
    try:
        result = _run_git(root, args)
    except GitError:
        return None
    if result is None or result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def head_commit(root: Path) -> str:
    """HEAD's full commit, or "" when there is no history to read (no git, not a checkout, no commit yet:
    a normal state; a folder of another user's that git refuses to read is said so on stderr, once). A
    repository git fails to read (a broken .git, a bad configuration) is a GitError."""
    result = _run_git(root, ("rev-parse", "--verify", "--quiet", "HEAD^{commit}"), env={"LC_ALL": "C"})
    if result is None:
        return ""
    if result.returncode == 0:
        return result.stdout.decode("ascii").strip()
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode == 1 and not stderr.strip():  # --quiet: HEAD names no commit yet
        return ""
    if "not a git repository" in stderr:
        return ""
    if "dubious ownership" in stderr:
        # The folder belongs to another user and this machine's git refuses to read it (a CI runner, a
        # shared copy): the sources are built as having no history, and said so where it is seen.
        _warn_once(
            f"cdv : attention, git refuse de lire l'historique de {root.resolve()} (dossier d'un autre utilisateur) : "
            "le site et le PDF sont construits « hors dépôt git », sans version en vigueur. Pour lire "
            f"l'historique : git config --global --add safe.directory {root.resolve()}"
        )
        return ""
    raise GitError(f"git ne peut pas lire le dépôt de {root}", detail=stderr)


@cache
def _warn_once(message: str) -> None:
    print(message, file=sys.stderr)


def git_read(root: Path, *args: str) -> str:
    """What a git command prints in `root`, a repository with a HEAD (see head_commit); a GitError
    if git is missing or fails."""
    result = _run_git(root, args)
    if result is None:
        raise GitError(f"git est introuvable pour lire l'historique de {root} : installez git")
    if result.returncode != 0:
        raise GitError(
            f"git a échoué dans {root} (git {' '.join(args)})", detail=result.stderr.decode("utf-8", "replace")
        )
    return result.stdout.decode("utf-8")


def changed_on(root: Path, path: Path) -> datetime:
    """When a file of the repository last changed: its last commit's date; once edited since (or never
    committed, or outside git), the build's date (SOURCE_DATE_EPOCH, else now). A page that gives its own
    date (the accessibility statement) is then never older than its text."""
    root = Path(root)
    rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    if head_commit(root) and not git_read(root, "status", "--porcelain", "--", rel).strip():
        last = git_read(root, "log", "-1", "--format=%ct", "--", rel).strip()
        if last:
            return datetime.fromtimestamp(int(last), UTC)
    epoch = source_date_epoch()
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else datetime.now(UTC)


def git_file(root: Path, revision: str, path: str) -> str | None:
    """The text of `path` at `revision`, or None when that revision has no such file (a commit deleting
    it); a GitError if git fails otherwise."""
    result = _run_git(root, ("show", f"{revision}:{path}"))
    if result is not None and result.returncode == 0:
        return result.stdout.decode("utf-8")
    exists = _run_git(root, ("rev-parse", "--verify", "--quiet", f"{revision}:{path}"))
    if exists is not None and exists.returncode == 1 and not exists.stderr.strip():
        return None
    raise GitError(
        f"git ne peut pas lire {path} à la révision {revision}",
        revision=revision,
        detail=(result.stderr if result is not None else b"").decode("utf-8", "replace"),
    )


def provenance(root: Path) -> Provenance:
    """What ties an output to the sources. Outside a git checkout (a tarball), no commit: said
    « hors dépôt git », not an error; a git that fails inside a checkout is a GitError."""
    root = Path(root)
    commit = head_commit(root)
    dirty = bool(
        commit and git_read(root, "status", "--porcelain", "--", "contract", "neighbourhoods", "schemas").strip()
    )
    epoch = source_date_epoch()
    if epoch is None and commit:
        epoch = int(git_read(root, "log", "-1", "--format=%ct", commit).strip() or 0) or None
    generated = datetime.fromtimestamp(epoch, UTC) if epoch is not None else datetime.now(UTC)
    return Provenance(commit, dirty, sources_sha256(root), generated)
