"""What the checks of the follow-up files found, kept between validations.

A national corpus holds half a million actions in thousands of files (actions/*.yml) that mostly do not
change from one validation to the next: an editor corrects one file, CI checks a pull request that
touches a few. Parsing and checking each file again is nearly all the time a validation takes (about
200 µs an action), so what one file's checks found is kept, keyed by the file's exact bytes and by
everything else the result depends on:

- the first stage (parse, schema, the file's own integrity and link checks) depends on the bytes, the
  schemas and this code (`code_digest`: our sources, the schemas, the libraries' versions);
- the references of its actions (porteur, neighbourhoods, priorities, measures, device, funders, dates)
  depend in addition on the ids the rest of the project defines (`universe`).

A file whose bytes are known is not parsed: it is a deferred SourceFile (cdv.yamlload.LoadedYaml.deferred),
read only if something asks for its data (an error to locate, a page to build). What links the files
together (an action id used twice, a parent in another file, a cycle of parents) is checked again at
every validation, from the ids and parents each file's entry keeps. The result is the one a validation
without the cache gives, error for error (tests/test_checkcache.py).

The cache is a file of ours in the project (.cdv-cache/, ignored by git, like .mypy_cache): JSON, never
executed; unreadable or from another version of the code, it is ignored and written anew. CDV_CACHE=0
turns it off; CDV_CACHE_DIR puts it elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from .errors import SourceError

FORMAT = 1
KINDS = frozenset({"actions"})  # the follow-up's bulk; the other files are needed whole by every check


def enabled() -> bool:
    return os.environ.get("CDV_CACHE", "1").strip() not in ("0", "no", "non", "false", "")


def cache_file(root: Path) -> Path:
    folder = os.environ.get("CDV_CACHE_DIR", "").strip()
    return (Path(folder) if folder else Path(root) / ".cdv-cache") / "suivi.json"


def code_digest(schema_dir: str) -> str:
    """Our code, the schemas and the libraries that judge a file: any change makes every entry stale.
    The schemas are read each time (a live preview's editor may change one); the code once a process."""
    digest = hashlib.sha256(_package_digest().encode())
    for path in sorted(Path(schema_dir).glob("*.schema.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _package_digest() -> str:
    from importlib import metadata

    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("PyYAML", "jsonschema-rs", "jsonschema"):
        try:
            digest.update(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist} absent".encode())
    return digest.hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stat_key(stat: os.stat_result) -> list:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _errors_out(errors: list[SourceError]) -> list:
    return [[e.file, e.line, e.column, e.pointer, e.message] for e in errors]


def _errors_in(rows: list) -> list[SourceError]:
    return [SourceError(*row) for row in rows]


class CheckCache:
    """The entries of one project: `first[rel]` (digest, stage-one result) and `refs[rel]` (digest,
    references result) under the current code digest and universe."""

    def __init__(self, root: Path, schema_dir: Path):
        self.path = cache_file(root)
        self.code = code_digest(str(schema_dir))
        self.first: dict[str, list] = {}
        self.refs: dict[str, list] = {}
        self.universe = ""
        self.changed = False
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("code") == self.code:
                self.first = stored.get("first", {})
                self.refs = stored.get("refs", {})
                self.universe = stored.get("universe", "")
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or not one we can read: everything is checked

    # --- stage one: what the file alone decides -----------------------------------------------------

    def digest_if_unchanged(self, rel: str, stat: os.stat_result) -> str | None:
        """The digest kept for the file when its size, time of change and inode are those it had then (as
        git's index trusts them): its bytes need not be read again to know them."""
        entry = self.first.get(rel)
        if entry is None or entry[4] != _stat_key(stat):
            return None
        return entry[0]

    def first_stage(self, rel: str, digest: str):
        """(own errors, link errors, may cite a figure) of a file with these bytes, or None."""
        entry = self.first.get(rel)
        if entry is None or entry[0] != digest:
            return None
        return _errors_in(entry[1]), _errors_in(entry[2]), entry[3]

    def keep_first_stage(self, rel: str, digest: str, own, links, may_cite: bool, stat: os.stat_result) -> None:
        self.first[rel] = [digest, _errors_out(own), _errors_out(links), may_cite, _stat_key(stat)]
        self.changed = True

    # --- stage two: the references of the file's actions to the rest of the project -----------------

    def use_universe(self, universe: str) -> None:
        if universe != self.universe:
            self.refs, self.universe, self.changed = {}, universe, True

    def references(self, rel: str, digest: str | None):
        """(errors, ids, parents) kept for the file with these bytes under the current universe, or None."""
        entry = self.refs.get(rel)
        if digest is None or entry is None or entry[0] != digest:
            return None
        return _errors_in(entry[1]), entry[2], entry[3]

    def keep_references(self, rel: str, digest: str | None, errors, ids, parents) -> None:
        if digest is None:
            return
        self.refs[rel] = [digest, _errors_out(errors), ids, parents]
        self.changed = True

    def forget_others(self, present: set[str]) -> None:
        """Entries of files that are no longer there."""
        for table in (self.first, self.refs):
            for rel in [r for r in table if r not in present]:
                del table[rel]
                self.changed = True

    def save(self) -> None:
        """Written whole, to a temporary file renamed over the old one: an interrupted validation leaves
        the previous cache or none, never half of one. A cache that cannot be written is not an error."""
        if not self.changed:
            return
        stored = {"code": self.code, "universe": self.universe, "first": self.first, "refs": self.refs}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Fichiers de travail de cdv validate, recréés au besoin.\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".suivi-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(stored, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            return


def universe_digest(ids, measure_ids: set) -> str:
    """Everything besides a file's bytes that its actions' references are checked against."""
    parts = {
        "signatories": None if ids.signatories is None else sorted(ids.signatories),
        "neighbourhoods": sorted(ids.neighbourhoods),
        "priorities": None if ids.priorities is None else sorted(ids.priorities),
        "devices": sorted(ids.devices),
        "measures_complete": ids.measures_complete,
        "measures": sorted(measure_ids),
        "homes": sorted(ids.priority_homes.items()),
        "organisations": sorted(ids.organisations.items()),
    }
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
