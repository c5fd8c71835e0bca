"""The versions of the contract, read from git history: which one is in force, which ones were published.

A version is signed when its contract.yml says `status: signed`; the version in force is the most recent
signed state among the ancestors of HEAD (HEAD included). Sources with no git history (a tarball, a
repository without commits) have no versions: a normal state; a git that fails is a GitError."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .labels import version_title
from .provenance import git_file, git_read, head_commit
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
        return version_title(self.version, self.status)


def _contract_at(root: Path, commit: str) -> dict | None:
    """contract.yml's data at `commit`; None where that commit has none, or one that does not load (an
    old state is history, not a source to fix: it is skipped, as it was never a version)."""
    try:
        text = git_file(root, commit, CONTRACT_FILE)
        data = load_yaml(text, CONTRACT_FILE).data if text is not None else None
    except (YamlError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def history(root: Path) -> list[VersionState]:
    """Every commit where the contract's version or status changed, oldest first."""
    if not head_commit(root):
        return []
    log = git_read(root, "log", "--format=%H %cI", "--", CONTRACT_FILE)
    states: list[VersionState] = []
    for line in reversed(log.strip().splitlines()):
        commit, date = line.split(" ", 1)
        data = _contract_at(root, commit)
        if data is None or "version" not in data or "status" not in data:
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
    head = head_commit(root)
    data = _contract_at(root, head)
    if data and data.get("status") == "signed" and str(data.get("version")) == latest.version:
        return VersionState(latest.version, "signed", head, latest.date, latest.signature_date)
    return latest


TAG_PREFIX = "v"  # a published version is tagged v<year>: v2024, v2027


def version_tag(version: str) -> str:
    return f"{TAG_PREFIX}{version}"


def published_commit(root: Path, version: str) -> str | None:
    """The commit a published version was built from: its tag `v<year>` (an annotated tag is followed to
    its commit); None when the version was never tagged or there is no git history."""
    from .provenance import git_output

    out = git_output(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{version_tag(version)}^{{commit}}")
    return out.strip() if out else None


def amendment_number(root: Path, version: str) -> int:
    """Avenant n° N: how many signed versions precede `version` in the history, at least 1."""
    signed = []
    for state in history(root):
        if state.status == "signed" and state.version not in signed and state.version != version:
            signed.append(state.version)
    return max(1, len(signed))
