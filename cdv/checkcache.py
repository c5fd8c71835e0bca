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

The cache is a file of ours outside the project, in the user's cache folder ($XDG_CACHE_HOME or
~/.cache, then cdv/<digest of the project's path>/suivi.json): nothing in a clone or a pull request can
plant a verdict there, and `cdv validate` writes nothing in the project. JSON, never executed, read only
if it is a regular file; unreadable, malformed or from another version of the code, it is ignored and
written anew. CDV_CACHE=0 turns it off; CDV_CACHE_DIR=DIR (an absolute path) puts it in DIR.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from .errors import SourceError

FORMAT = 1
KINDS = frozenset({"actions"})  # the follow-up's bulk; the other files are needed whole by every check


def enabled() -> bool:
    return os.environ.get("CDV_CACHE", "1").strip() not in ("0", "no", "non", "false", "")


def cache_file(root: Path) -> Path:
    folder = os.environ.get("CDV_CACHE_DIR", "").strip()
    if folder and Path(folder).is_absolute():
        base = Path(folder)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache") / "cdv"
    project = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:20]
    return base / project / "suivi.json"


# A cache bigger than this is not one we wrote (a national corpus's is about 20 MB).
MAX_CACHE_BYTES = 512 * 1024 * 1024
# A file changed less than this before its times were taken may change again within the same tick of
# a coarse clock, its times unchanged: its times are not trusted for it (git's "racy" entries).
RACY_NS = 2_000_000_000


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
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS:
        return []  # changed just now: its bytes are read next time
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _read(path: Path):
    """The stored cache, or None: only a regular file (never through a link, a pipe or a device) of a
    sensible size, holding JSON."""
    from .yamlload import YamlError, read_regular_file

    try:
        raw = read_regular_file(path, str(path), limit=MAX_CACHE_BYTES)
        return json.loads(raw.decode("utf-8")) if len(raw) <= MAX_CACHE_BYTES else None
    except (YamlError, ValueError):
        return None


def _is_error(row) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 5
        and isinstance(row[0], str)
        and isinstance(row[1], int)
        and isinstance(row[2], int)
        and isinstance(row[3], str)
        and isinstance(row[4], str)
    )


def _is_index(rows) -> bool:
    return isinstance(rows, list) and all(
        isinstance(r, list) and r and isinstance(r[0], int) and all(isinstance(x, str) for x in r[1:]) for r in rows
    )


def _well_formed(stored) -> bool:
    """Whether the stored cache has the shape this code writes, entry by entry: anything else is ignored
    whole (a cache is never half trusted)."""
    if not isinstance(stored, dict) or not isinstance(stored.get("code"), str):
        return False
    if not isinstance(stored.get("universe"), str):
        return False
    first, refs = stored.get("first"), stored.get("refs")
    if not isinstance(first, dict) or not isinstance(refs, dict):
        return False
    for entry in first.values():
        if not (
            isinstance(entry, list)
            and len(entry) == 5
            and isinstance(entry[0], str)
            and isinstance(entry[1], list)
            and all(map(_is_error, entry[1]))
            and isinstance(entry[2], list)
            and all(map(_is_error, entry[2]))
            and isinstance(entry[3], bool)
            and isinstance(entry[4], list)
        ):
            return False
    for entry in refs.values():
        if not (
            isinstance(entry, list)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and isinstance(entry[1], list)
            and all(map(_is_error, entry[1]))
            and _is_index(entry[2])
            and _is_index(entry[3])
        ):
            return False
    return True


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
        stored = _read(self.path)
        if _well_formed(stored) and stored["code"] == self.code:
            self.first, self.refs, self.universe = stored["first"], stored["refs"], stored["universe"]

    # --- stage one: what the file alone decides -----------------------------------------------------

    def digest_if_unchanged(self, rel: str, stat: os.stat_result) -> str | None:
        """The digest kept for the file when its size, time of change and inode are those it had then (as
        git's index trusts them): its bytes need not be read again to know them."""
        entry = self.first.get(rel)
        if entry is None or not entry[4] or entry[4] != _stat_key(stat):  # [] never matches: read it
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

    def refresh_times(self, rel: str, digest: str, stat: os.stat_result) -> None:
        """A file read again and found with the bytes kept (touched, checked out again): its new times are
        kept, so that the next validation need not read it."""
        entry = self.first.get(rel)
        if entry is not None and entry[0] == digest and entry[4] != _stat_key(stat):
            entry[4] = _stat_key(stat)
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
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".suivi-", suffix=".json")
            # One string written at once: json.dump writes a national cache's 20 MB in small chunks,
            # more than twice as slow.
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(stored, ensure_ascii=False, separators=(",", ":")))
            os.replace(tmp, self.path)  # replaces a link itself, never writes through it
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


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
