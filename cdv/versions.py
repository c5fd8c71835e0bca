"""The versions of the contract: which one is in force, which ones were published.

A published version is a git tag v<year> (`version_tag`) or a version mike published on the gh-pages
branch (its versions.json, with the commit our publication records). The version in force is the last
published signed version: the highest v<year> tag that is HEAD or an ancestor of HEAD and whose
contract.yml is signed; else the version mike publishes as `en-vigueur`. It is never guessed from the
history of contract.yml: a commit saying `status: signed` is not a publication. Sources with no git
history (a tarball, a repository without commits) have no versions: a normal state; a git that fails
is a GitError."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .labels import VERSION_STATUS, version_title
from .provenance import git_file, git_output, git_read, head_commit
from .yamlload import YamlError, load_yaml

CONTRACT_FILE = "contract/contract.yml"
TAG_PREFIX = "v"  # a published version is tagged v<year>: v2024, v2027
IN_FORCE_ALIAS = "en-vigueur"  # mike's alias of the version in force, the site's default
# mike's alias of a draft published for review, never the default: the site's own word for a draft, so the
# address (/projet/) says what the announcement bar says.
DRAFT_ALIAS = VERSION_STATUS["draft"]
PAGES_BRANCH = "gh-pages"


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


def _state(root: Path, commit: str) -> VersionState | None:
    data = _contract_at(root, commit)
    if data is None or "version" not in data or "status" not in data:
        return None
    date = git_read(root, "log", "-1", "--format=%cI", commit).strip()
    signature = data.get("signature")
    signed_on = signature.get("date") if isinstance(signature, dict) else None
    return VersionState(str(data["version"]), str(data["status"]), commit, date, signed_on)


def history(root: Path) -> list[VersionState]:
    """Every commit where the contract's version or status changed, oldest first (what the avenant's
    number is counted from; never what decides the version in force)."""
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


def version_tag(version: str) -> str:
    return f"{TAG_PREFIX}{version}"


def published_commit(root: Path, version: str) -> str | None:
    """The commit a published version was built from: its tag `v<year>` (an annotated tag is followed to
    its commit); None when the version was never tagged or there is no git history."""
    out = git_output(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{version_tag(version)}^{{commit}}")
    return out.strip() if out else None


def _is_ancestor(root: Path, commit: str, head: str) -> bool:
    return commit == head or git_output(root, "merge-base", "--is-ancestor", commit, head) is not None


def tagged_versions(root: Path) -> list[VersionState]:
    """The versions tagged v<year> in HEAD's history (HEAD included), oldest first, with their status at
    the tagged commit. A tag on another branch is not a version of these sources."""
    head = head_commit(root)
    if not head:
        return []
    states = []
    for tag in git_read(root, "tag", "--list", f"{TAG_PREFIX}[0-9][0-9][0-9][0-9]").split():
        year = tag[len(TAG_PREFIX) :]
        commit = published_commit(root, year)
        if not commit or not _is_ancestor(root, commit, head):
            continue
        state = _state(root, commit)
        if state is not None and state.version == year:  # a tag v2027 on the 2024 text is not version 2027
            states.append(state)
    return sorted(states, key=lambda s: s.version)


# --- what mike published on the gh-pages branch ------------------------------------------------------

COMMIT_PROPERTY = "commit"  # versions.json properties.commit: written by cdv publish


def mike_versions(root: Path, branch: str = PAGES_BRANCH) -> list[dict]:
    """mike's versions.json on `branch` (newest first, as mike writes it); [] when nothing was published."""
    text = git_output(root, "show", f"refs/heads/{branch}:versions.json")
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    return (
        [v for v in data if isinstance(v, dict) and isinstance(v.get("version"), str)] if isinstance(data, list) else []
    )


_PDF_COMMIT = re.compile(r"commit\s+([0-9a-f]{40})\b")


def recorded_commit(root: Path, entry: dict, branch: str = PAGES_BRANCH) -> str | None:
    """The commit the published version `entry` (of versions.json) was built from, as the published site
    records it: the property cdv publish writes, else the provenance line of its PDF (« commit <40
    hex> »). None when neither says it or the commit is not in this repository: never a guess."""
    props = entry.get("properties")
    commit = props.get(COMMIT_PROPERTY) if isinstance(props, dict) else None
    if not isinstance(commit, str) or not re.fullmatch(r"[0-9a-f]{40}", commit):
        commit = _pdf_commit(root, f"{entry['version']}/contrat.pdf", branch)
    if commit and git_output(root, "cat-file", "-e", f"{commit}^{{commit}}") is not None:
        return commit
    return None


def _pdf_commit(root: Path, path: str, branch: str) -> str | None:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return None
    blob = subprocess.run(["git", "show", f"refs/heads/{branch}:{path}"], cwd=root, capture_output=True)
    if blob.returncode != 0 or not blob.stdout.startswith(b"%PDF"):
        return None
    text = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=blob.stdout, capture_output=True)
    found = _PDF_COMMIT.search(" ".join(text.stdout.decode("utf-8", "replace").split()))
    return found.group(1) if found else None


def published_versions(root: Path, branch: str = PAGES_BRANCH) -> list[VersionState]:
    """Every published version these sources know of, oldest first: the v<year> tags of HEAD's history,
    then the versions on `branch` mike published that no tag names (with the commit the site records)."""
    states = {s.version: s for s in tagged_versions(root)}
    if head_commit(root):
        for entry in mike_versions(root, branch):
            if entry["version"] in states:
                continue
            commit = recorded_commit(root, entry, branch)
            state = _state(root, commit) if commit else None
            if state is not None and state.version == entry["version"]:
                states[state.version] = state
    return sorted(states.values(), key=lambda s: s.version)


def _mike_in_force(root: Path, branch: str) -> VersionState | None:
    entry = next((v for v in mike_versions(root, branch) if IN_FORCE_ALIAS in (v.get("aliases") or [])), None)
    commit = recorded_commit(root, entry, branch) if entry else None
    state = _state(root, commit) if commit else None
    return state if state is not None and state.status == "signed" else None


def in_force(root: Path, branch: str = PAGES_BRANCH) -> VersionState | None:
    """The last published signed version: the highest signed v<year> tag of HEAD's history, else the
    version mike publishes as `en-vigueur`; None when there is neither (the page says so)."""
    if not head_commit(root):
        return None
    signed = [s for s in tagged_versions(root) if s.status == "signed"]
    return signed[-1] if signed else _mike_in_force(root, branch)


def published_before(root: Path, version: str, branch: str = PAGES_BRANCH) -> VersionState | None:
    """The last published signed version older than `version`: what a published version changed from."""
    older = [s for s in published_versions(root, branch) if s.status == "signed" and s.version < version]
    return older[-1] if older else None
