"""Find the source files of a project, tell their kind from where they stand, and load them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .yamlload import LoadedYaml, YamlError, load_yaml_file

# Single documents, by path relative to the project root.
SINGLE_FILES = {
    "contract/contract.yml": "contract",
    "contract/objectives.yml": "objectives",
    "contract/signatories.yml": "signatories",
    "contract/social-centres.yml": "social-centres",
    "contract/glossary.yml": "glossary",
}
# Folders holding one document per file; the file name is the document's id.
COLLECTIONS = {
    "contract/articles": "article",
    "contract/commitments": "commitment",
    "contract/devices": "device",
    "neighbourhoods": "neighbourhood",
}
SOURCE_DIRS = ("contract", "neighbourhoods")
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
    if folder in COLLECTIONS:
        if name.lower().endswith(".yaml"):
            return None, "extension « .yaml » : nommez le fichier en « .yml »."
        if not FILE_NAME.match(name):
            return None, ("nom de fichier invalide : minuscules sans accent, chiffres et tirets, "
                          "terminé par « .yml » (ex. « planoise.yml »).")
        return COLLECTIONS[folder], None
    expected = ", ".join(list(SINGLE_FILES) + [f"{d}/*.yml" for d in COLLECTIONS])
    return None, f"fichier au mauvais endroit : les sources attendues sont {expected}."


def discover(root: Path) -> list[str]:
    """Every YAML file under the source folders, as sorted relative paths."""
    found = []
    for top in SOURCE_DIRS:
        base = root / top
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file() and path.suffix.lower() in (".yml", ".yaml"):
                    found.append(path.relative_to(root).as_posix())
    return sorted(found)


def load_sources(root: Path) -> tuple[list[SourceFile], list[SourceError]]:
    """Load every source of the project; errors are collected, never raised one at a time."""
    files: list[SourceFile] = []
    errors: list[SourceError] = []
    seen_lower: dict[str, str] = {}
    # Of two names equal but for case, the lowercase (valid) one is read; the other is the error.
    for rel in sorted(discover(root), key=lambda r: (r.lower(), r != r.lower(), r)):
        lower = rel.lower()
        if lower in seen_lower:
            errors.append(SourceError(rel, 1, 1, "", f"nom de fichier identique à « {seen_lower[lower]} » "
                                      "à la casse près : renommez l'un des deux."))
            continue
        seen_lower[lower] = rel
        kind, reason = classify(rel)
        if kind is None:
            errors.append(SourceError(rel, 1, 1, "", reason))
            continue
        try:
            files.append(SourceFile(rel, kind, load_yaml_file(root / rel, rel)))
        except YamlError as exc:
            errors.extend(exc.errors)
    present = {f.rel for f in files} | {e.file for e in errors}
    for rel, kind in SINGLE_FILES.items():
        if rel not in present and kind in ("contract", "objectives", "signatories"):
            errors.append(SourceError(rel, 0, 0, "", f"fichier obligatoire absent : le projet doit contenir {rel} ; "
                                      "s'il a été supprimé par erreur, restaurez-le depuis l'historique (git)."))
    return files, errors
