"""What ties an output to one state of the repository: version, git commit, SHA-256 of the sources."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import CdvError
from .sources import discover

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


def sources_sha256(root: Path) -> str:
    """One hash over every source and schema file, names included, in a fixed order."""
    digest = hashlib.sha256()
    paths = discover(root) + sorted(p.relative_to(root).as_posix() for p in (root / "schemas").glob("*.json"))
    for rel in paths:
        digest.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()


def git_output(root: Path, *args: str) -> str | None:
    """What a git command prints in `root`, or None outside a checkout or on failure."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _git(root: Path, *args: str) -> str:
    return (git_output(root, *args) or "").strip()


def provenance(root: Path) -> Provenance:
    root = Path(root)
    commit = _git(root, "rev-parse", "HEAD")
    dirty = bool(commit and _git(root, "status", "--porcelain", "--", "contract", "neighbourhoods", "schemas"))
    epoch = source_date_epoch()
    if epoch is None and commit:
        epoch = int(_git(root, "log", "-1", "--format=%ct") or 0) or None
    generated = datetime.fromtimestamp(epoch, UTC) if epoch is not None else datetime.now(UTC)
    return Provenance(commit, dirty, sources_sha256(root), generated)
