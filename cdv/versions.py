"""The versions of the contract, read from git history: which one is in force, which ones were published.

A version is signed when its contract.yml says `status: signed`; the version in force is the most recent
signed state among the ancestors of HEAD (HEAD included)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .provenance import git_output as _git
from .yamlload import YamlError, load_yaml

CONTRACT_FILE = "contract/contract.yml"


@dataclass(frozen=True)
class VersionState:
    version: str
    status: str  # signed | draft
    commit: str
    date: str  # committer date, ISO 8601
    signature_date: str | None

    @property
    def title(self) -> str:
        """How the version selector names it: "2024 (signée)", "2027 (projet)"."""
        return f"{self.version} ({'signée' if self.status == 'signed' else 'projet'})"


def history(root: Path) -> list[VersionState]:
    """Every commit where the contract's version or status changed, oldest first."""
    log = _git(root, "log", "--format=%H %cI", "--", CONTRACT_FILE)
    if not log:
        return []
    states: list[VersionState] = []
    for line in reversed(log.strip().splitlines()):
        commit, date = line.split(" ", 1)
        text = _git(root, "show", f"{commit}:{CONTRACT_FILE}")
        if text is None:
            continue
        try:
            data = load_yaml(text, CONTRACT_FILE).data
        except YamlError:
            continue
        if not isinstance(data, dict) or "version" not in data or "status" not in data:
            continue
        state = VersionState(
            str(data["version"]), str(data["status"]), commit, date, (data.get("signature") or {}).get("date")
        )
        if not states or (states[-1].version, states[-1].status) != (state.version, state.status):
            states.append(state)
    return states


def in_force(root: Path) -> VersionState | None:
    """The most recent signed state in HEAD's history: the version the public can rely on."""
    signed = [s for s in history(root) if s.status == "signed"]
    if not signed:
        return None
    latest = signed[-1]
    # Later commits of the same signed version (routine updates of portraits) are still that version.
    head = _git(root, "rev-parse", "HEAD")
    text = _git(root, "show", f"HEAD:{CONTRACT_FILE}")
    if head and text:
        try:
            data = load_yaml(text, CONTRACT_FILE).data
            if isinstance(data, dict) and data.get("status") == "signed" and str(data.get("version")) == latest.version:
                return VersionState(latest.version, "signed", head.strip(), latest.date, latest.signature_date)
        except YamlError:
            pass
    return latest


def amendment_number(root: Path, version: str) -> int:
    """Avenant n° N: how many signed versions precede `version` in the history, at least 1."""
    signed = []
    for state in history(root):
        if state.status == "signed" and state.version not in signed and state.version != version:
            signed.append(state.version)
    return max(1, len(signed))
