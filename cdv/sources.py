"""Find the source files of a project, tell their kind from where they stand, and load them.

Sources are regular files inside the repository. A symbolic link (even to a file of the repository: what
is published must be what is reviewed, in the file the diff shows), a named pipe, a device or an unreadable
file is an error naming its path, never its content; pipes and devices are never opened. Every other file
under contract/ or neighbourhoods/ that is not a source (`.yaml`, `.YML`, no extension, `.yml.txt`, a
trailing space, a misspelt sub-folder), and every YAML file in a misspelt top folder (`quartiers/`,
`neighbourhood/`, `Contract/`), is an error "fichier ignoré … : voulez-vous dire … ?", never skipped.
Ignored on purpose, because they are never sources: `.gitkeep`-like markers, operating-system files
(`.DS_Store`, `Thumbs.db`, `desktop.ini`), and an editor's backup, swap or lock file of a source that
exists next to it (`planoise.yml~`, `.planoise.yml.swp`, `#planoise.yml#`, `.~lock.planoise.yml#`).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .yamlload import LoadedYaml, YamlError, load_yaml, read_regular_file

# Single documents, by path relative to the project root.
SINGLE_FILES = {
    "contract/contract.yml": "contract",
    "contract/objectives.yml": "objectives",
    "contract/signatories.yml": "signatories",
    "contract/social-centres.yml": "social-centres",
    "contract/glossary.yml": "glossary",
    "contract/figures.yml": "figures",
}
# Folders holding one document per file; the file name is the document's id.
COLLECTIONS = {
    "contract/articles": "article",
    "contract/commitments": "commitment",
    "contract/devices": "device",
    "contract/amendments": "amendment",
    "neighbourhoods": "neighbourhood",
    # The follow-up after the signature: the actions of each year (any file name, e.g. 2025.yml or
    # 2025-planoise.yml; the ids are inside) and the annual reports (reports/<year>.yml).
    "actions": "actions",
    "reports": "report",
}
# The contract itself (what is signed, hashed into the PDF and compared between versions) and its
# follow-up (what changes every year without an avenant).
CONTRACT_DIRS = ("contract", "neighbourhoods")
FOLLOW_UP_DIRS = ("actions", "reports")
FOLLOW_UP_KINDS = frozenset(COLLECTIONS[d] for d in FOLLOW_UP_DIRS)  # never a term of the contract
SOURCE_DIRS = CONTRACT_DIRS + FOLLOW_UP_DIRS
FILE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.yml$")


@dataclass
class SourceFile:
    rel: str  # path relative to the project root, with forward slashes
    kind: str
    loaded: LoadedYaml

    @property
    def data(self):
        return self.loaded.data

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


_CDV_PLUGIN = re.compile(r"^\s*-\s*cdv\s*(:.*)?$", re.M)


def is_project(folder: Path) -> bool:
    """Whether a folder holds a contract's sources, complete or not: contract/contract.yml, a contract/ or
    neighbourhoods/ folder, or an mkdocs.yml that uses the cdv plugin. Inside such a folder a deleted
    contract/contract.yml is a missing required file (exit 1), not "no project here" (exit 2)."""
    if (folder / "contract" / "contract.yml").is_file() or any((folder / d).is_dir() for d in SOURCE_DIRS):
        return True
    try:
        return bool(_CDV_PLUGIN.search((folder / "mkdocs.yml").read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def find_project_root(start: Path) -> Path:
    """The nearest folder, `start` or one of its parents, that holds a contract's sources (see is_project)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return start


def classify(rel: str) -> tuple[str | None, str | None]:
    """Kind of a source file from its place, or (None, reason) when it has no place there."""
    if rel in SINGLE_FILES:
        return SINGLE_FILES[rel], None
    folder, _, name = rel.rpartition("/")
    if name != name.rstrip():
        return None, "espace à la fin du nom de fichier : renommez-le sans espace, terminé par « .yml »."
    if (
        folder in COLLECTIONS
        or folder == "contract"
        and name.lower().endswith((".yml", ".yaml"))
        and name.lower() in {n.rpartition("/")[2] for n in SINGLE_FILES}
    ):
        if name.lower().endswith(".yaml"):
            return None, "extension « .yaml » : nommez le fichier en « .yml »."
        if name.endswith((".YML", ".Yml", ".yML")) or re.search(r"\.ya?ml\.[A-Za-z0-9]+$", name, re.I):
            return None, "extension incorrecte : le nom doit se terminer par « .yml » en minuscules."
        if "." not in name:
            return None, "fichier sans extension : ajoutez « .yml » à la fin du nom."
        if not FILE_NAME.match(name):
            return None, (
                "nom de fichier invalide : minuscules sans accent, chiffres et tirets, "
                "terminé par « .yml » (ex. « planoise.yml »)."
            )
        return COLLECTIONS[folder], None
    expected = ", ".join(list(SINGLE_FILES) + [f"{d}/*.yml" for d in COLLECTIONS])
    return None, f"fichier au mauvais endroit : les sources attendues sont {expected}."


_MARKERS = {
    ".gitkeep",
    ".keep",
    ".gitignore",
    ".gitattributes",
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    ".directory",
    "Icon\r",
}
# Editor and office leftovers, with the name of the file they belong to.
_LEFTOVERS = (
    re.compile(r"^(?P<of>.+)~$"),
    re.compile(r"^(?P<of>.+)\.(?:bak|orig|swp|swo)$"),
    re.compile(r"^\.(?P<of>.+)\.sw[a-p]$"),
    re.compile(r"^#(?P<of>.+)#$"),
    re.compile(r"^\.#(?P<of>.+)$"),
    re.compile(r"^\.~lock\.(?P<of>.+)#$"),
)
_TOP_ALIASES = {
    "contract": {"contract", "contracts", "contrat", "contrats", "contract-cadre", "contratcadre"},
    "neighbourhoods": {
        "neighbourhoods",
        "neighbourhood",
        "neighborhoods",
        "neighborhood",
        "quartiers",
        "quartier",
        "qpv",
        "quartiersprioritaires",
    },
    "actions": {"actions", "action", "programmation", "programmations"},
    "reports": {"reports", "report", "rapports", "rapport", "rapportsannuels", "rapportannuel"},
}
_SUB_ALIASES = {
    "contract/articles": {"articles", "article", "art"},
    "contract/commitments": {"commitments", "commitment", "engagements", "engagement", "annexe", "annexes"},
    "contract/devices": {"devices", "device", "dispositifs", "dispositif"},
    "contract/amendments": {"amendments", "amendment", "avenants", "avenant"},
    "neighbourhoods": _TOP_ALIASES["neighbourhoods"],
    "actions": _TOP_ALIASES["actions"],
    "reports": _TOP_ALIASES["reports"],
}


@dataclass(frozen=True)
class _Entry:
    rel: str
    kind: str  # file, link, special, unreadable-dir


def _walk(root: Path, rel: str, out: list[_Entry]) -> None:
    """Entries under root/rel, never following a symbolic link."""
    try:
        with os.scandir(root / rel) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        out.append(_Entry(rel, "unreadable-dir"))
        return
    for entry in entries:
        child = f"{rel}/{entry.name}"
        try:
            if entry.is_symlink():
                out.append(_Entry(child, "link"))
            elif entry.is_dir(follow_symlinks=False):
                _walk(root, child, out)
            elif entry.is_file(follow_symlinks=False):
                out.append(_Entry(child, "file"))
            else:
                out.append(_Entry(child, "special"))
        except OSError:
            out.append(_Entry(child, "special"))


def _fold(name: str) -> str:
    """A folder name without case, accents, spaces or separators, to recognise a misspelling."""
    name = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in name if not unicodedata.combining(c)))


def _closest(name: str, aliases: dict[str, set]) -> str | None:
    folded = _fold(name)
    for target, names in aliases.items():
        if folded in names:
            return target
    for target in aliases:
        if difflib.SequenceMatcher(None, folded, _fold(target.rsplit("/", 1)[-1])).ratio() >= 0.8:
            return target
    return None


def _scan(root: Path) -> tuple[list[_Entry], list[_Entry]]:
    """(entries under the source folders, YAML-looking files in misspelt top folders)."""
    entries: list[_Entry] = []
    for top in SOURCE_DIRS:
        base = root / top
        if base.is_symlink():
            entries.append(_Entry(top, "link"))
        elif base.is_dir():
            _walk(root, top, entries)
    strays: list[_Entry] = []
    try:
        with os.scandir(root) as it:
            tops = sorted(e.name for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        tops = []
    for name in tops:
        if name in SOURCE_DIRS or name.startswith(".") or _closest(name, _TOP_ALIASES) is None:
            continue
        found: list[_Entry] = []
        _walk(root, name, found)
        strays += [e for e in found if ".yml" in e.rel.lower() or ".yaml" in e.rel.lower()]
    return entries, strays


def _is_source_name(rel: str) -> bool:
    return rel in SINGLE_FILES or (
        rel.rpartition("/")[0] in COLLECTIONS and bool(FILE_NAME.match(rel.rpartition("/")[2]))
    )


def discover(root: Path, folders: tuple[str, ...] = SOURCE_DIRS) -> list[str]:
    """Every YAML file under the source folders (or those of `folders`) that is a regular file (no link), as
    sorted relative paths."""
    entries, _ = _scan(Path(root))
    return sorted(
        e.rel
        for e in entries
        if e.kind == "file" and e.rel.lower().endswith((".yml", ".yaml")) and e.rel.split("/", 1)[0] in folders
    )


def tree_state(root: Path) -> tuple:
    """What the sources' folders hold, cheaply: every entry `file_problems` and `discover` look at (regular
    files, links, pipes, files in misspelt folders) with its kind, time and size, never following a link.
    Two equal states mean the same sources and the same file problems."""
    root = Path(root)
    entries, strays = _scan(root)
    state: list[tuple] = []
    for e in entries + strays:
        try:
            info = os.lstat(root / e.rel)
            state.append((e.rel, e.kind, info.st_mode, info.st_mtime_ns, info.st_size, info.st_ino))
        except OSError:
            state.append((e.rel, e.kind))
    return tuple(state)


def _is_leftover(rel: str, names: set[str]) -> bool:
    folder, _, name = rel.rpartition("/")
    if name in _MARKERS:
        return True
    for pattern in _LEFTOVERS:
        m = pattern.match(name)
        if m and f"{folder}/{m.group('of')}" in names:
            return True
    return False


def _fixed_name(name: str) -> str:
    """The file name an editor most likely meant: « Planoise.YAML », « planoise.yml.txt », « planoise.yml »."""
    name = unicodedata.normalize("NFKD", name.strip().lower())
    name = "".join(c for c in name if not unicodedata.combining(c)).lstrip(".")
    for junk in (".txt", ".bak", ".orig", "~", ".swp"):
        if name.endswith(junk) and len(name) > len(junk):
            name = name[: -len(junk)].strip()
    stem = re.sub(r"\.(ya?ml)$", "", name)
    stem = re.sub(r"\.+$", "", stem)
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return f"{stem or 'fichier'}.yml"


def suggest(rel: str) -> str | None:
    """The closest valid place for a file that has none."""
    parts = rel.split("/")
    name = _fixed_name(parts[-1])
    folders = parts[:-1]
    top = _closest(folders[0], _TOP_ALIASES) if folders else None
    if top in ("neighbourhoods", *FOLLOW_UP_DIRS):
        return f"{top}/{name}"
    if top != "contract":
        return None
    if len(folders) == 1:
        french = {
            "contrat": "contract",
            "objectifs": "objectives",
            "socle-commun": "objectives",
            "signataires": "signatories",
            "centres-sociaux": "social-centres",
            "glossaire": "glossary",
            "chiffres": "figures",
            "montants": "figures",
        }
        name = french.get(name[:-4], name[:-4]) + ".yml"
        if f"contract/{name}" in SINGLE_FILES:
            return f"contract/{name}"
        close = difflib.get_close_matches(name, [n.rpartition("/")[2] for n in SINGLE_FILES], n=1, cutoff=0.7)
        if close:
            return f"contract/{close[0]}"
        if re.match(r"^article-[0-9]+\.yml$", name):
            return f"contract/articles/{name}"
        return None
    folder = _closest(folders[1], _SUB_ALIASES)
    return f"{folder}/{name}" if folder else None


def _printable(rel: str) -> str:
    """A path safe to print on one line: control and invisible characters written as \\uXXXX."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in rel)


def _quoted(rel: str) -> str:
    shown = f"« {_printable(rel)} »"
    return shown + " (avec une espace à la fin du nom)" if rel != rel.rstrip() else shown


def file_problems(root: Path) -> list[SourceError]:
    """Every file under the source folders (or a misspelt one) that would not be read as a source."""
    root = Path(root)
    entries, strays = _scan(root)
    names = {e.rel for e in entries}
    errors = []
    for e in entries + strays:
        if e.kind == "link":
            errors.append(
                SourceError(
                    _printable(e.rel),
                    0,
                    0,
                    "",
                    "lien symbolique refusé : une source doit être un "
                    "fichier ordinaire du dépôt, pas un lien (son contenu n'est pas lu) ; remplacez "
                    "le lien par le fichier lui-même.",
                )
            )
        elif e.kind == "special":
            errors.append(
                SourceError(
                    _printable(e.rel),
                    0,
                    0,
                    "",
                    "ce n'est pas un fichier ordinaire (tube nommé, "
                    "périphérique ou socket) : il n'est pas ouvert ; supprimez-le du dossier.",
                )
            )
        elif e.kind == "unreadable-dir":
            errors.append(
                SourceError(
                    _printable(e.rel),
                    0,
                    0,
                    "",
                    "dossier illisible (droits insuffisants) : donnez le "
                    "droit de lecture sur ce dossier (chmod a+rx), puis relancez.",
                )
            )
        elif not (_is_source_name(e.rel) or _is_leftover(e.rel, names)):
            kind, reason = classify(e.rel)
            reason = (reason or "") if kind is None else "nom de fichier invalide."
            target = suggest(e.rel)
            if target and target != e.rel:
                if reason.startswith("fichier au mauvais endroit"):
                    folder = e.rel.rpartition("/")[0]
                    reason = "fichier au mauvais endroit : " + (
                        "ce nom n'est pas celui d'une source"
                        if folder == "contract" or folder in COLLECTIONS
                        else "cdv ne lit pas ce dossier"
                    )
                message = f"fichier ignoré {_quoted(e.rel)} : voulez-vous dire « {target} » ? ({reason.rstrip('.')})"
            else:
                message = f"fichier ignoré {_quoted(e.rel)} : {reason}"
            errors.append(SourceError(_printable(e.rel), 1, 1, "", message))
    return errors


def load_one(root: Path, rel: str, kind: str) -> tuple[SourceFile | None, list[SourceError]]:
    """One source read and parsed, or the located errors that keep it from being read."""
    try:
        return SourceFile(rel, kind, load_yaml(read_regular_file(Path(root) / rel, rel), rel)), []
    except YamlError as exc:
        return None, exc.errors


def load_bytes(rel: str, kind: str, raw: bytes) -> tuple[SourceFile | None, list[SourceError]]:
    """One source parsed from the bytes already read, or the located errors that keep it from loading."""
    try:
        return SourceFile(rel, kind, load_yaml(raw, rel)), []
    except YamlError as exc:
        return None, exc.errors


def _load_each(root: Path, items: list[tuple[str, str]]):
    return [load_one(root, rel, kind) for rel, kind in items]


def load_sources(root: Path, load=None) -> tuple[list[SourceFile], list[SourceError]]:
    """Load every source of the project; errors are collected, never raised one at a time.

    `load(root, items)` gives, for each (path, kind) of `items` and in their order, what `load_one` gives:
    by default the files are read one after the other here (cdv.validate spreads a big project over
    processes)."""
    files: list[SourceFile] = []
    errors: list[SourceError] = []
    seen_lower: dict[str, str] = {}
    items: list[tuple[str, str]] = []
    # Of two names equal but for case, the lowercase (valid) one is read; the other is the error.
    problems = {e.file: e for e in file_problems(root)}
    for rel in sorted(discover(root), key=lambda r: (r.lower(), r != r.lower(), r)):
        lower = rel.lower()
        if lower in seen_lower:
            problems.pop(rel, None)
            errors.append(
                SourceError(
                    rel,
                    1,
                    1,
                    "",
                    f"nom de fichier identique à « {seen_lower[lower]} » à la casse près : renommez l'un des deux.",
                )
            )
            continue
        seen_lower[lower] = rel
        kind, reason = classify(rel)
        if kind is None:
            continue  # reported by file_problems, with the place it was meant for
        items.append((rel, kind))
    for source, found in (load or _load_each)(root, items):
        if source is not None:
            files.append(source)
        errors.extend(found)
    errors.extend(problems.values())
    present = {f.rel for f in files} | {e.file for e in errors}
    for rel, kind in SINGLE_FILES.items():
        # Only the contract is always required: a draft may have no signatories yet and a contract no
        # common base; cdv.validate says when the contract needs them (signed, `common_base: true`).
        if rel not in present and kind == "contract":
            errors.append(
                SourceError(
                    rel,
                    0,
                    0,
                    "",
                    f"fichier obligatoire absent : le projet doit contenir {rel} ; "
                    "s'il a été supprimé par erreur, restaurez-le depuis l'historique (git).",
                )
            )
    return files, errors
