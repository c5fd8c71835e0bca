"""Validate the sources: each file against its schema, then the references between files.

Every error is collected and reported at once, each with its file, line, column and path.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import blocks, checkcache, followup, workers
from .characters import FOREIGN_LETTER, SPACES
from .errors import SourceError, YamlError
from .indicators import OBSERVATION_FIELDS, comparison_ids, comparisons, period_year
from .links import _locate, link_errors, page_links_of
from .messages import _suggest, agree, french_message
from .schemas import blockless_kinds, fast_validators, validators
from .shape import pattern_problem, site_metadata
from .sources import COLLECTIONS, SINGLE_FILES, SourceFile, classify, discover, load_bytes, load_one, load_sources
from .text import REFERENCE, REFERENCE_LIKE, fr_number
from .yamlload import LoadedYaml, _pointer_text, read_regular_file

_SCHEMA_CACHE: dict[tuple, list[SourceError]] = {}


def schema_state(schema_dir: Path) -> tuple:
    """The schemas' names and times: part of every cache key, read once per validation."""
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(schema_dir.glob("*.schema.json")))


def cached_schema_errors(
    source: SourceFile, root: Path, schema_dir: Path, schemas: tuple | None = None
) -> list[SourceError]:
    """schema_errors, remembered per file state: a live preview revalidates only the file just saved."""
    path = root / source.rel
    stat = path.stat()
    schemas = schema_state(schema_dir) if schemas is None else schemas
    key = (str(path), stat.st_mtime_ns, stat.st_size, schemas)
    if key not in _SCHEMA_CACHE:
        if len(_SCHEMA_CACHE) > 20000:
            _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[key] = schema_errors(source, schema_dir, root)
    return _SCHEMA_CACHE[key]


def error_at(source: SourceFile, pointer: tuple, message: str, key: bool = False) -> SourceError:
    """An error on the value (or, with `key`, the field name) at `pointer` in `source`, where the loader
    saw it."""
    line, col = source.loaded.mark(pointer, key=key)
    return SourceError(source.rel, line, col, _pointer_text(pointer), message)


def _blocks_with_several_main_keys(source: SourceFile, schema_dir: Path) -> list[SourceError]:
    """A block holds exactly one main key. The schema says "at least one" (anyOf: cheap, it stops at the
    first match); "at most one" is checked here, with the same French sentence."""
    keys = blocks.NAMES
    found: list[SourceError] = []
    if source.kind in blockless_kinds(str(schema_dir)):
        return found
    for pointer, block in _walk_blocks_with_pointer(source.data):
        present = [k for k in keys if k in block]
        if len(present) > 1:
            found.append(
                error_at(
                    source,
                    pointer,
                    f"« Bloc de contenu » : un bloc ne peut contenir qu'un seul de ces champs : "
                    f"{', '.join(keys)} (ici : {', '.join(present)}) ; faites-en plusieurs blocs.",
                )
            )
    return found


def _typed_from(root: Path | None, source: SourceFile, line: int, col: int) -> str | None:
    """The rest of a line as the editor typed it, from (line, col): a text YAML split at « : » is quoted back
    in the message exactly as typed (its spaces before « : » included), never rebuilt from the parts."""
    if root is None or line < 1:
        return None
    try:
        lines = (root / source.rel).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return lines[line - 1][col - 1 :].rstrip() if line <= len(lines) else None


def schema_errors(source: SourceFile, schema_dir: Path, root: Path | None = None) -> list[SourceError]:
    fast = fast_validators(str(schema_dir)).get(source.kind)
    if fast is None:
        return [SourceError(source.rel, 1, 1, "", f"aucun schéma pour ce fichier dans {schema_dir.name}/.")]
    found = []
    valid = fast.is_valid(source.data)
    validator = None if valid else validators(str(schema_dir))[source.kind]  # jsonschema: invalid files only
    for error in () if validator is None else validator.iter_errors(source.data):
        pointer = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Point at the unknown key itself, not at the object that holds it.
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            line, col = (
                source.loaded.mark(pointer + (unknown[0],), key=True) if unknown else source.loaded.mark(pointer)
            )
        elif error.validator == "required" and list(error.relative_schema_path)[-2:] == ["then", "required"]:
            # Required only in some case (if/then): on the field that makes the case (« status: signed »).
            line, col = source.loaded.mark(_condition_field(validator.schema, error, pointer))
        else:
            line, col = source.loaded.mark(pointer)
        raw = source.loaded.scalar_text.get(pointer)
        if raw is None and isinstance(error.instance, dict) and len(error.instance) == 1:
            key_line, key_col = source.loaded.mark(pointer + (next(iter(error.instance)),), key=True)
            raw = _typed_from(root, source, key_line, key_col)
        found.append(SourceError(source.rel, line, col, _pointer_text(pointer), french_message(error, raw)))
    found += _blocks_with_several_main_keys(source, schema_dir)
    for pointer in sorted(source.loaded.plain_dates, key=str):
        text = source.loaded.scalar_text[pointer]
        found.append(
            error_at(
                source,
                pointer,
                f'date « {text} » sans guillemets : écrivez-la entre guillemets ("{text}"), '
                "d'autres lecteurs YAML la liraient comme une date et non comme un texte.",
            )
        )
    return found


def _condition_field(root_schema: Any, error, pointer: tuple) -> tuple:
    """For an error of an if/then's `then`: the pointer of the first field its `if` tests (the field that
    makes the case), else the object's."""
    schema: Any = root_schema
    for part in list(error.schema_path)[:-2]:
        schema = schema[part]
    fields = list(((schema or {}).get("if") or {}).get("properties", {}))
    present = [f for f in fields if isinstance(error.instance, dict) and f in error.instance]
    return pointer + (present[0],) if present else pointer


# An unknown id's message lists the valid ones up to this many, else the closest few.
LISTED_IDS = 40


def _closest(value: str, valid: list[str], shown: int = 5, pool_size: int = 5000) -> list[str]:
    """The valid ids nearest to a mistyped one, among those sharing its longest first letters (up to 4):
    a national corpus has half a million action ids, and difflib over all of them takes seconds an error."""
    for length in (4, 3, 2, 1):
        pool = [v for v in valid if v.startswith(value[:length])]
        if pool:
            return difflib.get_close_matches(value, pool[:pool_size], n=shown, cutoff=0.6)
    return difflib.get_close_matches(value, valid, n=shown, cutoff=0.6) if len(valid) <= pool_size else []


class _RefChecker:
    """Cross-reference checks over schema-valid documents."""

    def __init__(
        self, files: list[SourceFile], invalid_kinds: set, present_ids: dict[str, set], absent: frozenset = frozenset()
    ):
        self.files = files
        self.absent = absent  # kinds of single file the project does not have (a draft's signatories…)
        self.all_neighbourhoods: list[SourceFile] = []  # schema-valid or not (set by the caller)
        # Kinds whose schema has no content block (cdv.schemas.blockless_kinds; set by the caller): their
        # files, schema-valid here, are not walked for blocks.
        self.blockless: frozenset = frozenset()
        # A file that is unreadable or schema-invalid is reported on its own; its id (its file name)
        # still counts as known, so one bad file does not cascade into "unknown id" errors elsewhere.
        self.invalid_kinds = invalid_kinds
        self.invalid_ids = present_ids
        self.errors: list[SourceError] = []
        # What earlier validations found in the follow-up files, and the digests of their bytes (set by
        # the caller; see cdv.checkcache).
        self.cache: checkcache.CheckCache | None = None
        self.digests: dict[str, str] = {}
        self._blocks: dict[int, list] = {}
        self.by_kind: dict[str, list[SourceFile]] = defaultdict(list)
        for f in files:
            self.by_kind[f.kind].append(f)

    def error(self, source: SourceFile, pointer: tuple, message: str, key: bool = False) -> None:
        self.errors.append(error_at(source, pointer, message, key))

    def one(self, kind: str):
        items = self.by_kind.get(kind, [])
        return items[0] if items else None

    def unknown(self, source, pointer, what: str, value, valid) -> None:
        valid = sorted(set(valid))
        if len(valid) <= LISTED_IDS:
            listed = "identifiants valides : " + (", ".join(valid) if valid else "(aucun)")
        else:  # a national corpus's actions: half a million ids would make one message megabytes long
            close = _closest(str(value), valid)
            among = fr_number(len(valid))
            listed = (
                f"les plus proches des {among} identifiants valides : {', '.join(close)}"
                if close
                else f"aucun des {among} identifiants valides ne lui ressemble"
            )
        self.error(source, pointer, f"{what} « {value} » {agree(what, 'inconnu')} ; {listed}.")

    def unique(self, entries, what: str) -> set:
        """entries: (source, pointer, id). Reports every duplicate with the place of the first."""
        first: dict[str, tuple] = {}
        for source, pointer, ident in entries:
            if ident in first:
                other_source, other_pointer = first[ident]
                line, _ = other_source.loaded.mark(other_pointer)
                self.error(
                    source,
                    pointer,
                    f"{what} « {ident} » en double (déjà utilisé dans "
                    f"{other_source.rel} ligne {line}) : chaque identifiant doit être unique.",
                )
            else:
                first[ident] = (source, pointer)
        return set(first)

    def participation_refs(self, contract: SourceFile, article_ids: set, device_ids: set) -> None:
        """The articles and devices that « Participer » (each neighbourhood page) and « Contact » cite."""
        data = contract.data
        given = data.get("participation") or {}
        for key in ("article", "animation_article"):
            if key in given and given[key] not in article_ids:
                self.unknown(contract, ("participation", key), "article", given[key], article_ids)
        for i, ident in enumerate(given.get("devices", [])):
            if ident not in device_ids:
                self.unknown(contract, ("participation", "devices", i), "dispositif", ident, device_ids)
        contact = data.get("contact") or {}
        if "article" in contact and contact["article"] not in article_ids:
            self.unknown(contract, ("contact", "article"), "article", contact["article"], article_ids)

    def comparison_ids(self, contract: SourceFile, neighbourhoods: list[SourceFile]) -> None:
        """An observation compares only with the territories contract.yml declares (shape.comparisons):
        a value under another id would be published nowhere, or under no name."""
        declared = (contract.data.get("shape") or {}).get("comparisons")
        if declared is not None:
            self.unique(
                [(contract, ("shape", "comparisons", i, "id"), c["id"]) for i, c in enumerate(declared)],
                "territoire de comparaison",
            )
            for i, c in enumerate(declared):
                if c["id"] in OBSERVATION_FIELDS:
                    self.error(
                        contract,
                        ("shape", "comparisons", i, "id"),
                        f"« {c['id']} » ne peut pas identifier un territoire de comparaison : c'est déjà un "
                        f"champ des observations ({', '.join(sorted(OBSERVATION_FIELDS))}) ; "
                        "choisissez un autre identifiant.",
                    )
        known = comparisons(contract.data)
        listed = ", ".join(f"« {ident} » ({label})" for ident, label in known) or "aucun"
        where = (
            f"{contract.rel} (shape.comparisons) déclare : {listed}"
            if declared is not None
            else f"{contract.rel} ne déclare pas de territoires de comparaison (shape.comparisons) ; "
            f"sans cette liste, les seuls acceptés sont : {listed}"
        )
        ids = {ident for ident, _ in known}
        for n in neighbourhoods:
            for i, ind in enumerate((n.data.get("portrait") or {}).get("indicators", [])):
                for j, obs in enumerate(ind["observations"]):
                    for ident in comparison_ids(obs):
                        if ident not in ids:
                            self.error(
                                n,
                                ("portrait", "indicators", i, "observations", j, ident),
                                f"territoire de comparaison « {ident} » non déclaré : {where}. Déclarez-le "
                                f"dans shape.comparisons (identifiant et libellé) ou corrigez l'identifiant.",
                                key=True,
                            )

    def run(self) -> list[SourceError]:
        contract = self.one("contract")
        objectives = self.one("objectives")
        signatories = self.one("signatories")
        centres = self.one("social-centres")
        articles = self.by_kind.get("article", [])
        neighbourhoods = self.by_kind.get("neighbourhood", [])
        devices = self.by_kind.get("device", [])
        commitments = self.by_kind.get("commitment", [])

        # One document per file: the file name is the id.
        for source in articles + neighbourhoods + devices + commitments:
            if source.data["id"] != source.stem:
                self.error(
                    source,
                    ("id",),
                    f"l'identifiant « {source.data['id']} » doit être le nom du "
                    f"fichier sans « .yml » : « {source.stem} ».",
                )

        if contract:
            self.shape(contract, neighbourhoods)
        # A signatory that joined by an avenant names it by its number (contract/amendments/<n>.yml).
        amendment_numbers = {a.data.get("number") for a in self.by_kind.get("amendment", [])}
        if signatories:
            signatory_ids = {s["id"] for s in signatories.data["signatories"]}
        elif "signatories" in self.invalid_kinds:
            signatory_ids = None  # invalid or missing, reported on its own: no "unknown signatory" cascade
        else:
            signatory_ids = set()

        part_ids = {p["id"] for p in contract.data["parts"]} if contract else set()
        article_ids = self.unique([(a, ("id",), a.data["id"]) for a in articles], "identifiant d'article")
        article_ids |= self.invalid_ids["article"]
        self.unique([(a, ("number",), str(a.data["number"])) for a in articles], "numéro d'article")
        section_ids = self.unique(
            [(a, ("sections", i, "id"), s["id"]) for a in articles for i, s in enumerate(a.data.get("sections", []))],
            "identifiant de sous-article",
        )
        for a in articles:
            if contract and a.data["part"] not in part_ids:
                self.unknown(a, ("part",), "partie", a.data["part"], part_ids)
            for i, s in enumerate(a.data.get("sections", [])):
                if not s["number"].startswith(f"{a.data['number']}."):
                    self.error(
                        a,
                        ("sections", i, "number"),
                        f"le sous-article « {s['number']} » doit commencer "
                        f"par le numéro de l'article ({a.data['number']}.).",
                    )
        del section_ids

        for source in self.files:
            self.block_ids(source)

        if contract and "fragile_project_notice" in contract.data and "article" not in self.invalid_kinds:
            notice = contract.data["fragile_project_notice"]
            target = next((a for a in articles if a.data["id"] == notice["article"]), None)
            if target is None:
                self.unknown(contract, ("fragile_project_notice", "article"), "article", notice["article"], article_ids)
            elif notice["block"] not in self.block_ids(target, report=False):
                self.unknown(
                    contract,
                    ("fragile_project_notice", "block"),
                    "bloc",
                    notice["block"],
                    self.block_ids(target, report=False),
                )

        # Common base: axes, objectives and priorities.
        objective_ids: set = set()
        common_priorities = []
        if objectives:
            axes = objectives.data["axes"]
            self.unique([(objectives, ("axes", i, "id"), ax["id"]) for i, ax in enumerate(axes)], "identifiant d'axe")
            objective_ids = self.unique(
                [
                    (objectives, ("axes", i, "objectives", j, "id"), ob["id"])
                    for i, ax in enumerate(axes)
                    for j, ob in enumerate(ax["objectives"])
                ],
                "identifiant d'objectif",
            )
            common_priorities = [
                (objectives, ("axes", i, "objectives", j, "priorities", k, "id"), pr["id"])
                for i, ax in enumerate(axes)
                for j, ob in enumerate(ax["objectives"])
                for k, pr in enumerate(ob["priorities"])
            ]

        device_ids = self.unique([(d, ("id",), d.data["id"]) for d in devices], "identifiant de dispositif")
        device_ids |= self.invalid_ids["device"]
        if contract:
            self.participation_refs(contract, article_ids, device_ids)
        for d in devices:
            for i, art in enumerate(d.data.get("articles", [])):
                if art not in article_ids:
                    self.unknown(d, ("articles", i), "article", art, article_ids)

        neighbourhood_ids = self.unique([(n, ("id",), n.data["id"]) for n in neighbourhoods], "identifiant de quartier")
        neighbourhood_ids |= self.invalid_ids["neighbourhood"]
        self.unique(
            [(n, ("qpv_code",), n.data["qpv_code"]) for n in neighbourhoods if n.data.get("qpv_code")], "code QPV"
        )
        project_priorities = []
        themes = []
        items = []
        for n in neighbourhoods:
            self.portrait(n)
            for i, entry in enumerate(n.data.get("participation", [])):
                if "device" in entry and entry["device"] not in device_ids:
                    self.unknown(n, ("participation", i, "device"), "dispositif", entry["device"], device_ids)
                elif "device" not in entry and "name" not in entry:
                    self.error(
                        n,
                        ("participation", i),
                        "une instance de participation sans nom ni dispositif : indiquez son nom (name: …) ou "
                        "le dispositif du contrat qu'elle met en œuvre (device: …).",
                    )
            project = n.data.get("project")
            if not project:
                continue
            # Not when a part includes the common base: the missing file is then reported once, as such.
            if project.get("common_base") and "objectives" in self.absent and "objectives" not in self.invalid_kinds:
                self.error(
                    n,
                    ("project", "common_base"),
                    "le projet s'inscrit dans le socle commun (common_base: true), imprimé à sa suite, mais "
                    "contract/objectives.yml est absent : ajoutez ce fichier ou retirez cette ligne.",
                )
            indicator_ids = {ind["id"] for ind in (n.data.get("portrait") or {}).get("indicators", [])}
            for t, theme in enumerate(project["themes"]):
                themes.append((n, ("project", "themes", t, "id"), theme["id"]))
                for p, prio in enumerate(theme["priorities"]):
                    base = ("project", "themes", t, "priorities", p)
                    project_priorities.append((n, base + ("id",), prio["id"]))
                    self.strategy_fields(n, base, prio, signatory_ids, device_ids, indicator_ids)
                    items += [(n, base + ("items", i, "id"), it["id"]) for i, it in enumerate(prio.get("items", []))]
                    for i, ob in enumerate(prio.get("objectives", [])):
                        if ob not in objective_ids and "objectives" not in self.invalid_kinds:
                            self.unknown(n, base + ("objectives", i), "objectif du socle commun", ob, objective_ids)
                    for i, dev in enumerate(prio.get("devices", [])):
                        if dev not in device_ids:
                            self.unknown(n, base + ("devices", i), "dispositif", dev, device_ids)
        self.unique(themes, "identifiant de thème")
        priority_ids = self.unique(common_priorities + project_priorities, "identifiant de priorité")
        self.items(items, common_priorities + project_priorities, priority_ids)
        if contract and "contract" not in self.invalid_kinds:
            self.comparison_ids(contract, neighbourhoods)

        if centres:
            self.unique(
                [(centres, ("centres", i, "id"), c["id"]) for i, c in enumerate(centres.data["centres"])],
                "identifiant d'équipement",
            )
            for i, c in enumerate(centres.data["centres"]):
                for j, nid in enumerate(c["neighbourhoods"]):
                    if nid not in neighbourhood_ids:
                        self.unknown(centres, ("centres", i, "neighbourhoods", j), "quartier", nid, neighbourhood_ids)
        for source in self.files:
            if not centres and any("social-centres" in blocks.needs(b) for _, b in self.blocks(source)):
                self.error(
                    source,
                    (),
                    "le tableau des centres sociaux est inséré ici mais contract/social-centres.yml est absent.",
                )
            for pointer, block in self.blocks(source):
                if "objectives" in self.absent and "objectives" in blocks.needs(block):
                    self.error(
                        source,
                        pointer,
                        "le renvoi au socle commun (include: common_base) est inséré ici mais "
                        "contract/objectives.yml est absent : ajoutez-le ou retirez ce bloc.",
                    )
                self.block_place(source, pointer, block)

        glossary = self.one("glossary")
        if glossary:
            terms = glossary.data["terms"]
            self.unique([(glossary, ("terms", i, "id"), t["id"]) for i, t in enumerate(terms)], "identifiant de terme")
            self.unique(
                [(glossary, ("terms", i, "term"), t["term"]) for i, t in enumerate(terms)], "terme du glossaire"
            )

        commitment_ids = self.unique([(c, ("id",), c.data["id"]) for c in commitments], "identifiant d'engagement")
        commitment_ids |= self.invalid_ids["commitment"]
        self.unique([(c, ("position",), str(c.data["position"])) for c in commitments], "position dans l'annexe")
        if signatories and contract and contract.data.get("status") == "signed" and not signatories.data["signatories"]:
            line, _ = contract.loaded.mark(("status",))
            self.error(
                signatories,
                ("signatories",),
                f"un contrat signé (status: signed, contract/contract.yml ligne {line}) doit avoir au moins un "
                "signataire : ajoutez-les sous « signatories: », ou laissez le contrat en projet (status: draft).",
                key=True,
            )
        if signatories:
            sig = signatories.data
            group_ids = self.unique(
                [(signatories, ("groups", i, "id"), g["id"]) for i, g in enumerate(sig["groups"])],
                "identifiant de groupe",
            )
            self.unique(
                [(signatories, ("signatories", i, "id"), s["id"]) for i, s in enumerate(sig["signatories"])],
                "identifiant de signataire",
            )
            positions = self.unique(
                [
                    (signatories, ("signatories", i, "signature", "position"), str(s["signature"]["position"]))
                    for i, s in enumerate(sig["signatories"])
                ],
                "position de signature",
            )
            expected = {str(i) for i in range(1, len(sig["signatories"]) + 1)}
            if positions and positions != expected and len(positions) == len(sig["signatories"]):
                self.error(
                    signatories,
                    ("signatories",),
                    f"les positions de signature doivent aller de 1 à {len(sig['signatories'])} sans trou.",
                )
            for i, s in enumerate(sig["signatories"]):
                if s["group"] not in group_ids:
                    self.unknown(signatories, ("signatories", i, "group"), "groupe", s["group"], group_ids)
                if "commitment" in s and s["commitment"] not in commitment_ids:
                    self.unknown(
                        signatories, ("signatories", i, "commitment"), "engagement", s["commitment"], commitment_ids
                    )
                if "joined_by" in s and s["joined_by"] not in amendment_numbers:
                    known = ", ".join(str(n) for n in sorted(n for n in amendment_numbers if isinstance(n, int)))
                    self.error(
                        signatories,
                        ("signatories", i, "joined_by"),
                        f"l'avenant n° {s['joined_by']} n'existe pas : aucun fichier "
                        f"contract/amendments/{s['joined_by']}.yml (avenants existants : {known or 'aucun'}). "
                        "Indiquez le numéro de l'avenant par lequel ce signataire rejoint le contrat, ou "
                        f"créez cet avenant (cdv amendment new {s['joined_by']}).",
                    )
        followup.reference_errors(
            self,
            followup.KnownIds(
                signatories=signatory_ids,
                neighbourhoods=neighbourhood_ids,
                priorities=None if {"neighbourhood", "objectives"} & self.invalid_kinds else priority_ids,
                devices=device_ids,
                measures_complete="device" not in self.invalid_kinds,
                actions_complete="actions" not in self.invalid_kinds,
                # The neighbourhood of each project priority: an action serving it takes place there.
                priority_homes={ident: source.data["id"] for source, _, ident in project_priorities},
                organisations=(
                    {s["organisation"].casefold(): s["id"] for s in signatories.data["signatories"]}
                    if signatories
                    else {}
                ),
            ),
        )
        self.figures(article_ids)
        self.amendments(contract, signatory_ids)
        return self.errors

    def amendments(self, contract: SourceFile | None, signatory_ids: set | None) -> None:
        """What an avenant's record says of itself, without git: its number is its file name, its signatories
        exist, it names each element once, it enters into force once signed, and while it produces the
        contract's version both say the same status (cdv.amendments compares it with its base)."""
        records = sorted(self.by_kind.get("amendment", []), key=lambda r: r.rel)
        self.unique([(r, ("number",), str(r.data["number"])) for r in records], "numéro d'avenant")
        self.unique([(r, ("version",), r.data["version"]) for r in records], "version produite par un avenant")
        self.unique(
            [(r, ("decisions", i, "id"), d["id"]) for r in records for i, d in enumerate(r.data.get("decisions", []))],
            "identifiant de décision",
        )
        for record in records:
            data = record.data
            number = data["number"]
            if str(number) != record.stem:
                self.error(
                    record,
                    ("number",),
                    f"l'avenant n° {number} est écrit dans {record.rel} : son fichier doit porter son numéro, "
                    f"contract/amendments/{number}.yml (ou son numéro être {record.stem}).",
                )
            if signatory_ids is not None:
                for i, ident in enumerate(data.get("signatories", [])):
                    if ident not in signatory_ids:
                        self.unknown(record, ("signatories", i), "signataire", ident, signatory_ids)
            self.unique(
                [(record, ("changes", i, "element"), c["element"]) for i, c in enumerate(data["changes"])],
                "élément modifié",
            )
            signature, in_force = data.get("signature"), data.get("in_force")
            if signature and in_force and in_force < signature["date"]:
                self.error(
                    record,
                    ("in_force",),
                    f"l'avenant n° {number} entrerait en vigueur le {in_force}, avant d'être signé le "
                    f"{signature['date']} : l'entrée en vigueur suit la signature.",
                )
            if contract is None or data["version"] != contract.data.get("version"):
                continue
            signed, contract_signed = data["status"] == "signed", contract.data.get("status") == "signed"
            if contract_signed and not signed:
                self.error(
                    record,
                    ("status",),
                    f"la version {data['version']} est signée (status: signed dans contract/contract.yml) mais "
                    f"l'avenant n° {number} qui la produit est encore en préparation : passez-le en status: "
                    "signed avec sa signature et son entrée en vigueur, ou laissez la version en draft.",
                )
            elif signed and not contract_signed:
                self.error(
                    contract,
                    ("status",),
                    f"l'avenant n° {number}, qui produit la version {data['version']}, est signé : passez aussi "
                    "« status » de contract/contract.yml à signed.",
                )

    # --- figures: the amounts texts cite as [[id]] (cdv.text) ---------------------------------------
    def figures(self, article_ids: set) -> None:
        """Every [[…]] of every text names a figure of contract/figures.yml (else an error at the reference,
        with the closest id: a reference is never printed raw); a figure's article exists and cites it; a
        figure's own texts cite none (a value is never read again)."""
        source = self.one("figures")
        if "figures" in self.invalid_kinds:
            return  # reported on its own; its ids unknown, references to them would only cascade
        table = source.data["figures"] if source else []
        ids = (
            self.unique(
                [(source, ("figures", i, "id"), f["id"]) for i, f in enumerate(table)], "identifiant de chiffre"
            )
            if source
            else set()
        )
        cited: dict[str, set] = defaultdict(set)  # figure id -> ids of the documents citing it
        for f in self.files:
            if not _may_cite(f):
                continue
            for pointer, value in f.loaded.scalar_text.items():
                if "[[" not in value:
                    continue
                for match in REFERENCE_LIKE.finditer(value):
                    ident = match.group("id")
                    if f is source:
                        self.figure_error(
                            f, pointer, value, match.start(),
                            f"un chiffre ne peut pas en citer un autre ({match.group()}) : écrivez ce texte en toutes lettres.",
                        )  # fmt: skip
                    elif REFERENCE.fullmatch(match.group()) and ident in ids:
                        cited[ident].add(f.data.get("id") if isinstance(f.data, dict) else None)
                    else:
                        self.figure_error(f, pointer, value, match.start(), _unknown_reference(ident, ids))
        # A figure no text cites yet is accepted (written before the avenant's texts that will cite it): the
        # glossary page lists it and `cdv diff` says it is cited nowhere.
        for i, figure in enumerate(table):
            article = figure.get("article")
            if article is None or "article" in self.invalid_kinds:
                continue
            if article not in article_ids:
                self.unknown(source, ("figures", i, "article"), "article", article, article_ids)
            elif figure["id"] in cited and article not in cited[figure["id"]]:
                self.error(
                    source,
                    ("figures", i, "article"),
                    f"l'article « {article} » fixe ce chiffre mais ne le cite pas : écrivez « [[{figure['id']}]] » "
                    "dans son texte, ou corrigez « article ».",
                )

    def figure_error(self, source: SourceFile, pointer: tuple, value: str, offset: int, message: str) -> None:
        text = source.loaded.source[0] if source.loaded.source else ""
        line, column = _locate(text, source.loaded.mark(pointer), value, offset)
        field = next((str(p) for p in reversed(pointer) if not isinstance(p, int)), "document")
        self.errors.append(
            SourceError(source.rel, line, column, _pointer_text(pointer), f"champ « {field} » : {message}")
        )

    def shape(self, contract: SourceFile, neighbourhoods: list[SourceFile]) -> None:
        """The contract's own shape against what uses it: kinds of neighbourhood, parts, heading patterns."""
        shape = contract.data.get("shape")
        if not isinstance(shape, dict):
            return  # a version older than the shape block, read against its own schemas (cdv diff)
        kinds = shape["neighbourhood_kinds"]
        kind_ids = self.unique(
            [(contract, ("shape", "neighbourhood_kinds", i, "id"), k["id"]) for i, k in enumerate(kinds)],
            "identifiant de type de quartier",
        )
        declared = ", ".join(f"« {k['id']} »" for k in kinds)
        # A neighbourhood's kind is checked even in a file the schema refuses for another reason: the one
        # error an editor who typed « prioritaire » must read is the list of the kinds declared.
        for n in self.all_neighbourhoods:
            kind = n.data.get("kind") if isinstance(n.data, dict) else None
            if isinstance(kind, str) and kind and kind not in kind_ids:
                self.error(
                    n,
                    ("kind",),
                    f"type de quartier « {kind} » inconnu : les types déclarés dans "
                    f"contract/contract.yml (shape.neighbourhood_kinds) sont : {declared}."
                    + _suggest(kind, [k["id"] for k in kinds]),
                )
        included: set = set()
        for i, part in enumerate(contract.data["parts"]):
            for j, entry in enumerate(part.get("includes", [])):
                pointer = ("parts", i, "includes", j)
                if "neighbourhoods" in entry:
                    included.add(entry["neighbourhoods"])
                    if entry["neighbourhoods"] not in kind_ids:
                        self.error(
                            contract,
                            pointer + ("neighbourhoods",),
                            f"type de quartier « {entry['neighbourhoods']} » inconnu : les types déclarés "
                            f"(shape.neighbourhood_kinds) sont : {declared}."
                            + _suggest(entry["neighbourhoods"], [k["id"] for k in kinds]),
                        )
                elif entry.get("common_base") and "objectives" in self.absent:
                    self.error(
                        contract,
                        pointer + ("common_base",),
                        f"la partie « {part['id']} » inclut le socle commun (common_base: true) mais "
                        "contract/objectives.yml est absent : ajoutez ce fichier ou retirez cette ligne.",
                    )
        for i, kind in enumerate(kinds):
            members = sorted(n.data["id"] for n in neighbourhoods if n.data["kind"] == kind["id"])
            if members and kind["id"] not in included:
                self.error(
                    contract,
                    ("shape", "neighbourhood_kinds", i, "id"),
                    f"les quartiers de type « {kind['id']} » ({', '.join(members)}) ne figureraient dans aucune "
                    f"partie du PDF : ajoutez « - neighbourhoods: {kind['id']} » aux « includes » d'une partie.",
                )
        for key, pattern in shape.get("headings", {}).items():
            problem = pattern_problem(pattern)
            if problem:
                self.error(contract, ("shape", "headings", key), f"intitulé « {key} » : {problem}")

    def strategy_fields(self, n: SourceFile, base: tuple, prio: dict, signatory_ids, device_ids, indicator_ids):
        """The structured fields of a priority: who (signatories), with what (devices), measured by what
        (the neighbourhood's own indicators)."""
        parties: list[tuple[tuple, Any]] = [(("lead",), prio["lead"])] if "lead" in prio else []
        parties += [(("partners", i), p) for i, p in enumerate(prio.get("partners", []))]
        for sub, ref in parties:
            followup.check_party(self, n, base + sub, ref, signatory_ids)
        for field in ("levers", "funding"):
            for i, ref in enumerate(prio.get(field, [])):
                if isinstance(ref, str) and ref not in device_ids:
                    listed = ", ".join(sorted(device_ids)) or "(aucun)"
                    self.error(
                        n,
                        base + (field, i),
                        f"dispositif « {ref} » inconnu ; dispositifs de contract/devices/ : {listed}. "
                        "Pour un texte libre, écrivez { text: … }.",
                    )
        for i, ref in enumerate(prio.get("indicators", [])):
            if ref not in indicator_ids:
                listed = ", ".join(sorted(indicator_ids)) or "(aucun)"
                self.error(
                    n,
                    base + ("indicators", i),
                    f"indicateur « {ref} » inconnu : ce n'est pas un indicateur du portrait de ce quartier ; "
                    f"indicateurs du portrait : {listed}.",
                )

    def items(self, items: list, priorities: list, priority_ids: set) -> None:
        """Ids of the items under priorities: unique among themselves and distinct from every priority's."""
        self.unique(items, "identifiant d'élément")
        first = {ident: (source, pointer) for source, pointer, ident in reversed(priorities)}
        for source, pointer, ident in items:
            if ident in priority_ids:
                other, other_pointer = first[ident]
                line, _ = other.loaded.mark(other_pointer)
                self.error(
                    source,
                    pointer,
                    f"identifiant d'élément « {ident} » déjà utilisé par une priorité ({other.rel} ligne {line}) : "
                    "chaque identifiant doit être unique.",
                )

    def block_place(self, source: SourceFile, pointer: tuple, block: dict) -> None:
        kind = blocks.kind_of(block)
        if kind is None or kind.places is None:
            return
        place = blocks.place_of(source.kind, pointer)
        if place not in kind.places:
            allowed = " ou ".join(blocks.PLACES[p] for p in sorted(kind.places))
            here = f" : ici, il est dans {blocks.PLACES[place]}" if place else ""
            self.error(
                source,
                pointer + (kind.name,),
                f"un bloc « {kind.name} » ne peut figurer que dans {allowed}{here}."
                + (
                    " Il affiche des chiffres du portrait, que seul un portrait a."
                    if kind.places == blocks.PORTRAIT
                    else ""
                ),
                key=True,
            )

    def blocks(self, source: SourceFile) -> list[tuple[tuple, dict]]:
        """The file's content blocks with their pointers, walked once whatever asks for them."""
        if id(source) not in self._blocks:
            blockless = source.kind in self.blockless
            self._blocks[id(source)] = [] if blockless else _walk_blocks_with_pointer(source.data)
        return self._blocks[id(source)]

    def block_ids(self, source: SourceFile, report: bool = True) -> set:
        entries = [(source, ptr + ("id",), b["id"]) for ptr, b in self.blocks(source) if "id" in b]
        if not report:
            return {e[2] for e in entries}
        return self.unique(entries, "identifiant de bloc")

    def portrait(self, n: SourceFile) -> None:
        portrait = n.data.get("portrait")
        if not portrait:
            return
        ids = self.unique(
            [(n, ("portrait", "indicators", i, "id"), ind["id"]) for i, ind in enumerate(portrait["indicators"])],
            "identifiant d'indicateur",
        )
        self.unique(
            [(n, ("portrait", "sections", i, "id"), s["id"]) for i, s in enumerate(portrait["sections"])],
            "identifiant de rubrique",
        )
        shown: dict[str, int] = defaultdict(int)
        # The portrait's blocks, from the walk of the whole file (the same, in the same order).
        for ptr, block in ((p[1:], b) for p, b in self.blocks(n) if p[0] == "portrait"):
            for sub, ref in blocks.indicator_refs(block):
                shown[ref] += 1
                if ref not in ids:
                    self.unknown(n, ("portrait",) + ptr + sub, "indicateur", ref, ids)
        for i, ind in enumerate(portrait["indicators"]):
            self.evaluation(n, i, ind)
            if shown[ind["id"]] == 0:
                self.error(
                    n,
                    ("portrait", "indicators", i, "id"),
                    f"l'indicateur « {ind['id']} » n'est affiché "
                    "dans aucune rubrique : ajoutez-le à un bloc « indicators » ou « schools ».",
                )
            elif shown[ind["id"]] > 1:
                self.error(
                    n,
                    ("portrait", "indicators", i, "id"),
                    f"l'indicateur « {ind['id']} » est affiché "
                    f"{shown[ind['id']]} fois : il ne doit l'être qu'une fois.",
                )

    def evaluation(self, n: SourceFile, i: int, ind: dict) -> None:
        """An indicator's baseline is a state already observed, and its target comes after it."""
        baseline, target = ind.get("baseline"), ind.get("target")
        at = ("portrait", "indicators", i)
        last = period_year(ind["observations"][-1]["period"])
        if baseline is not None and last is not None and baseline["year"] > last:
            self.error(
                n,
                (*at, "baseline", "year"),
                f"la référence de l'indicateur « {ind['id']} » est de {baseline['year']}, après sa dernière "
                f"observation ({last}) : la référence est une situation déjà observée ; corrigez son année ou "
                "ajoutez l'observation qui manque.",
            )
        if baseline is not None and target is not None and target["year"] < baseline["year"]:
            self.error(
                n,
                (*at, "target", "year"),
                f"la cible de l'indicateur « {ind['id']} » est fixée pour {target['year']}, avant l'année de "
                f"sa référence ({baseline['year']}) : une cible vient après la situation de départ.",
            )
        first = period_year(ind["observations"][0]["period"])
        if baseline is None and target is not None and first is not None and target["year"] < first:
            self.error(
                n,
                (*at, "target", "year"),
                f"la cible de l'indicateur « {ind['id']} » est fixée pour {target['year']}, avant sa première "
                f"observation ({first}) : une cible vient après la situation de départ.",
            )


_BLOCK_LISTS = frozenset(blocks.BLOCK_LISTS + blocks.NESTING)


def _unknown_reference(ident: str, ids: set) -> str:
    """The message of a [[…]] that names no figure, with the id meant when one is close."""
    import difflib

    typed = ident.strip()
    close = difflib.get_close_matches(re.sub(r"[\s_]+", "-", typed.lower()), sorted(ids), n=1, cutoff=0.6)
    hint = f" Voulez-vous dire « [[{close[0]}]] » ?" if close else ""
    if not hint and not ids:
        hint = " Ajoutez-la à ce fichier avec son id, son label, sa value et son unit."
    known = ", ".join(sorted(ids)) or "aucune"
    return f"la valeur « [[{typed}]] » n'existe pas dans contract/figures.yml (valeurs existantes : {known}).{hint}"


def _may_cite(source: SourceFile) -> bool:
    """Whether a text of the file can hold « [[ ». A file a worker process checked comes back without its
    records of places (cdv.yamlload.LoadedYaml.__getstate__): reading its texts here would parse it again,
    in this one process, every file of a national corpus in turn. Its text tells: a value holds « [[ » only
    if the file does, or if an escape (« \\ ») writes a bracket."""
    if "deferred" in source.loaded.__dict__:
        return source.loaded.__dict__["may_cite"]  # known from its checks (cdv.checkcache)
    return "scalar_text" in source.loaded.__dict__ or _text_may_cite(source)


def _walk_blocks_with_pointer(node, pointer=()) -> list[tuple[tuple, dict]]:
    """Every content block (a dict inside a list of blocks) with its pointer, depth first, in document
    order. A loop over a stack, not nested generators: every block of a deep tree would climb through
    each generator above it."""
    found = []
    stack = [(node, pointer, False)]  # (node, its pointer, whether it is a block), next one last
    while stack:
        node, pointer, is_block = stack.pop()
        if is_block:
            found.append((pointer, node))
        children: list[tuple[Any, tuple, bool]] = []
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _BLOCK_LISTS and isinstance(value, list):
                    children += [
                        (block, pointer + (key, i), True) for i, block in enumerate(value) if isinstance(block, dict)
                    ]
                elif isinstance(value, (dict, list)):
                    children.append((value, pointer + (key,), False))
        elif isinstance(node, list):
            children = [(item, pointer + (i,), False) for i, item in enumerate(node) if isinstance(item, (dict, list))]
        stack += reversed(children)
    return found


def _page_link_errors(files, root: Path, found) -> list[SourceError]:
    from .corpus import corpus_from_files
    from .links import page_link_errors

    return page_link_errors(files, root, lambda found: corpus_from_files(root, found), found)


def _walk_blocks(node):
    return (block for _, block in _walk_blocks_with_pointer(node))


def validate_project(root: Path, keep: bool = False) -> tuple[list[SourceFile], list[SourceError]]:
    """Load and validate the whole project. Returns the files and every error, sorted by place.

    `keep`: what the checks of the follow-up files find is kept in the user's cache folder and used
    again (cdv.checkcache; `cdv validate`); a follow-up file whose bytes were found clean is then returned
    deferred, parsed only if its data is asked for. Without it nothing is read from or written to the
    cache (a build needs every file's data anyway, and writes nothing it is refused)."""
    # The loaded documents are trees without cycles, millions of objects on a big corpus: the cyclic
    # garbage collector would walk all of them again and again while they are built, for nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _validate_project(Path(root), keep)
    finally:
        if collecting:
            gc.enable()


def _validate_project(root: Path, keep: bool) -> tuple[list[SourceFile], list[SourceError]]:
    schema_dir = root / "schemas"
    schemas = schema_state(schema_dir)
    # path -> (schema and integrity errors, link errors, links to pages, schema-valid)
    checked: dict[str, tuple] = {}
    cache = checkcache.CheckCache(root, schema_dir) if keep and checkcache.enabled() else None
    digests: dict[str, str] = {}  # the bytes' digest of each follow-up file that was read

    def load(root: Path, items: list[tuple[str, str]]):
        results: list = [None] * len(items)
        if cache is not None:
            for index, (rel, kind) in enumerate(items):
                if kind in checkcache.KINDS:
                    results[index] = _known_file(root, rel, kind, cache, digests)
        todo = [(index, item) for index, item in enumerate(items) if results[index] is None]
        jobs = _jobs(len(todo))
        checked_now = (
            _in_processes(root, [item for _, item in todo], schemas, jobs)
            if jobs > 1
            else [_check_file(root, rel, kind, schemas, cached=True) for _, (rel, kind) in todo]
        )
        for (index, (rel, _kind)), result in zip(todo, checked_now, strict=True):
            results[index] = result[:6]
            if result[6] is not None:
                digests[rel] = result[6]
                if cache is not None and _clean(result):
                    cache.keep_first_stage(rel, result[6], [], [], _text_may_cite(result[0]), result[7])
        for (rel, _), (_source, _, *found) in zip(items, results, strict=False):
            checked[rel] = found
        return [(source, load_errors) for source, load_errors, *_ in results]

    files, errors = load_sources(root, load)
    absent = frozenset(kind for rel, kind in SINGLE_FILES.items() if not os.path.lexists(root / rel))
    errors.extend(_required_files(files, absent))
    valid: list = []
    invalid_kinds: set = set()
    link_found: list = []
    page_links: list = []
    for source in files:
        own, links, pages, schema_valid = checked[source.rel]
        errors.extend(own)
        link_found.extend(links)
        page_links.extend((source, *link) for link in pages)
        if schema_valid:
            valid.append(source)
        else:
            invalid_kinds.add(source.kind)
    # A missing or unreadable required file is reported once, not again as every id it would have defined.
    invalid_kinds |= {SINGLE_FILES[e.file] for e in errors if e.file in SINGLE_FILES}
    errors.extend(link_found)  # links and remote resources in the text (cdv.links)
    loaded = {f.rel for f in valid}
    present_ids: dict[str, set] = defaultdict(set)
    for rel in discover(root):
        kind, _ = classify(rel)
        if kind in COLLECTIONS.values() and rel not in loaded:
            present_ids[kind].add(Path(rel).stem)
            invalid_kinds.add(kind)
    checker = _RefChecker(valid, invalid_kinds, present_ids, absent)
    checker.cache, checker.digests = cache, digests
    checker.all_neighbourhoods = [f for f in files if f.kind == "neighbourhood"]
    checker.blockless = blockless_kinds(str(schema_dir))
    errors.extend(checker.run())
    errors.extend(_site_metadata_errors(root, valid))
    errors.extend(_page_link_errors(files, root, page_links) if not errors else [])  # pages and anchors the text links
    if cache is not None:
        cache.forget_others(set(digests))
        cache.save()
    return files, sorted(set(errors), key=lambda e: (e.file, e.line, e.column, e.message))


def _known_file(root: Path, rel: str, kind: str, cache: checkcache.CheckCache, digests: dict):
    """A follow-up file whose bytes were checked before and found clean: deferred, not parsed. None when
    it must be checked (unknown bytes, or unreadable: then the check says why)."""
    try:
        stat = os.stat(root / rel, follow_symlinks=False)
        digest = cache.digest_if_unchanged(rel, stat)
        if digest is None:
            digest = checkcache.file_digest(read_regular_file(root / rel, rel))
            cache.refresh_times(rel, digest, stat)
    except (OSError, YamlError):
        return None  # the check says why
    known = cache.first_stage(rel, digest)
    if known is None or known[0] or known[1]:
        return None
    digests[rel] = digest
    return SourceFile(rel, kind, LoadedYaml.deferred(root / rel, rel, digest, known[2])), [], [], [], [], True


def _clean(result) -> bool:
    source, load_errors, own, links, pages, schema_valid, _, stat = result
    clean = source is not None and not load_errors and not own and not links and not pages and schema_valid
    return clean and stat is not None


def _text_may_cite(source: SourceFile) -> bool:
    """What the file's text alone tells of « [[ » in its values (see _may_cite)."""
    text = source.loaded.__dict__.get("source")
    return text is None or "[[" in text[0] or "\\" in text[0]


def _required_files(files: list[SourceFile], absent: frozenset) -> list[SourceError]:
    """The single files this contract cannot do without: its signatories once signed, its common base
    when a part includes it. Without a readable contract.yml nothing tells, so both are asked for."""
    contract = next((f.data for f in files if f.kind == "contract"), None)
    readable = isinstance(contract, dict) and isinstance(contract.get("parts"), list)
    found = []
    for kind, why in (
        ("signatories", "un contrat signé (status: signed) doit avoir ses signataires"),
        ("objectives", "le contrat inclut le socle commun (common_base: true dans une partie)"),
    ):
        if kind not in absent:
            continue
        if readable and kind == "signatories" and contract.get("status") != "signed":
            continue
        if readable and kind == "objectives" and not _includes_common_base(contract):
            continue
        rel = next(r for r, k in SINGLE_FILES.items() if k == kind)
        reason = f" : {why}" if readable else ""
        found.append(
            SourceError(
                rel,
                0,
                0,
                "",
                f"fichier obligatoire absent : le projet doit contenir {rel}{reason} ; "
                "s'il a été supprimé par erreur, restaurez-le depuis l'historique (git).",
            )
        )
    return found


def _includes_common_base(contract: dict) -> bool:
    """Whether a part of a (maybe schema-invalid) contract includes the common base."""
    parts = [p for p in contract["parts"] if isinstance(p, dict) and isinstance(p.get("includes"), list)]
    return any(isinstance(i, dict) and i.get("common_base") is True for p in parts for i in p["includes"])


def _site_metadata_errors(root: Path, valid: list[SourceFile]) -> list[SourceError]:
    """mkdocs.yml names the site after the contract: a title or period changed in contract.yml alone
    would leave the site's name, description and author saying the old ones."""
    from .yamlload import YamlError, load_yaml_file

    contract = next((f for f in valid if f.kind == "contract"), None)
    config_path = root / "mkdocs.yml"
    if contract is None or not config_path.is_file():
        return []
    try:
        config = load_yaml_file(config_path, "mkdocs.yml")
    except (YamlError, OSError):
        return []  # MkDocs says what is wrong with its own file
    if not isinstance(config.data, dict):
        return []
    found = []
    for key, expected in site_metadata(contract.data).items():
        value = config.data.get(key)
        if value == expected:
            continue
        line, col = config.mark((key,)) if key in config.data else (1, 1)
        said = f"il indique « {value} »" if key in config.data else "il ne l'indique pas"
        found.append(
            SourceError(
                "mkdocs.yml",
                line,
                col,
                f"/{key}",
                f"« {key} » doit reprendre contract/contract.yml : « {key}: {expected} » ({said}).",
            )
        )
    return found


def _check_file(root: Path, rel: str, kind: str, schemas: tuple, cached: bool):
    """Everything that one file alone decides: (the file or None, errors that kept it from loading, its
    schema and integrity errors, its link errors, its links to pages, whether it is schema-valid)."""
    digest = stat = None
    if kind in checkcache.KINDS:  # its digest, of the bytes parsed here, keys what its checks find
        try:  # taken before the bytes are read: a change while they are makes it differ next time
            stat = os.stat(Path(root) / rel, follow_symlinks=False)
        except OSError:
            stat = None  # reading says why
        try:
            raw = read_regular_file(Path(root) / rel, rel)
        except YamlError as exc:
            return None, exc.errors, [], [], [], False, None, None
        digest = checkcache.file_digest(raw)
        source, load_errors = load_bytes(rel, kind, raw)
    else:
        source, load_errors = load_one(root, rel, kind)
    if source is None:
        return None, load_errors, [], [], [], False, digest, stat
    schema_dir = root / "schemas"
    if cached:
        found = cached_schema_errors(source, root, schema_dir, schemas)
        own = found + integrity_errors(source, root, schema_dir, schema_valid=not found)
    else:
        found = schema_errors(source, schema_dir, root)
        own = found + _integrity_found(source, schema_dir, schema_valid=not found)
    return source, load_errors, own, link_errors([source], root), page_links_of(source), not found, digest, stat


# --- A big project, checked file by file in several processes --------------------------------------
#
# Reading, parsing and checking one file needs nothing of the others, and is nearly all the time spent on
# a big corpus: above PARALLEL_MIN_FILES files, the files are split into consecutive slices checked in
# worker processes (cdv.workers), and the results taken back in the files' order, so the errors are the
# same, in the same order, as one process gives. The checks between files run afterwards, here.

PARALLEL_MIN_FILES = 300


def _jobs(count: int) -> int:
    return workers.jobs(count, PARALLEL_MIN_FILES)


def _check_slice(task):
    root, items, schemas = task
    return [_check_file(root, rel, kind, schemas, cached=False) for rel, kind in items]


def _in_processes(root: Path, items: list[tuple[str, str]], schemas: tuple, jobs: int) -> list:
    fast_validators(str(root / "schemas"))  # compiled once, here: every worker inherits them
    tasks = [(root, items[part.start : part.stop], schemas) for part in workers.slices(len(items), jobs)]
    return [result for part in workers.fork_map(_check_slice, tasks, jobs) for result in part]


# --- What the schema cannot say: periods, order of observations, empty texts, identifiers. ---

_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_POINT = r"(?:(?P<{m}>" + "|".join(_MONTHS) + r")\s+)?(?<![0-9])(?P<{y}>(?:19|20)[0-9]{{2}})(?![0-9])"
_RANGE = re.compile(
    _POINT.format(m="m1", y="y1")
    + r"(?:\s*(?:[-/–—]|\ba\b|\bau\b)\s*(?:"
    + _POINT.format(m="m2", y="y2")
    + r"|(?P<yy>[0-9]{2})\b))?"
)
_YEAR_ANYWHERE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def parse_period(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(start, end) as (year, month) of a period as printed: « 2018 », « 2017-2019 », « 2020/2021 »,
    « 2020-21 », « juin 2023 », « juin 2022 - juin 2023 ». None when it names no single period."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    if len(_YEAR_ANYWHERE.findall(folded)) > 2:
        return None
    matches = list(_RANGE.finditer(folded))
    if len(matches) != 1:
        return None
    m = matches[0]

    def month(name):
        return _MONTHS.get(name) if name else None

    if (m.group("m1") and month(m.group("m1")) is None) or (m.group("m2") and month(m.group("m2")) is None):
        return None
    y1, m1 = int(m.group("y1")), month(m.group("m1"))
    start = (y1, m1 or 1)
    if m.group("y2"):
        y2, m2 = int(m.group("y2")), month(m.group("m2"))
        return start, (y2, m2 or 12)
    if m.group("yy"):
        yy = int(m.group("yy"))
        if yy == (y1 + 1) % 100 or not 1 <= yy <= 12:
            return start, (y1 // 100 * 100 + yy, 12)  # « 2020-21 »: a school year; « 2021-19 »: ends before
        return (y1, yy), (y1, yy)  # « 2023-03 »: a month
    return start, (y1, m1 or 12)


def _swapped(text: str, span) -> str:
    parts = re.split(r"(\s*(?:[-/–—]|\bà\b|\bau\b)\s*)", text.strip(), maxsplit=1)
    if len(parts) == 3 and _YEAR_ANYWHERE.search(parts[2]):
        return parts[2] + parts[1] + parts[0]
    return f"{span[1][0]}-{span[0][0]}"


def _observation_errors(source: SourceFile) -> list[SourceError]:
    """Observations are kept oldest first and the site shows the last: a period given twice, a newer figure
    written above an older one, or a period that ends before it starts would publish the wrong figure."""
    found = []
    portrait = source.data.get("portrait") if isinstance(source.data, dict) else None
    for i, ind in enumerate((portrait or {}).get("indicators", [])):
        seen: dict = {}
        previous = None
        for j, obs in enumerate(ind.get("observations", [])):
            pointer = ("portrait", "indicators", i, "observations", j, "period")
            text = obs["period"]
            line, _ = source.loaded.mark(pointer)  # said in the messages of the observations after it
            span = parse_period(text)
            if span and span[1] < span[0]:
                found.append(
                    error_at(
                        source,
                        pointer,
                        f"période « {text} » : sa fin est avant son début ; écrivez le début en "
                        f"premier (« {_swapped(text, span)} »).",
                    )
                )
                span = None
            key = span or " ".join(unicodedata.normalize("NFC", text).casefold().split())
            if key in seen:
                first_line, first_text = seen[key]
                same = f"« {text} »" + (f" (comme « {first_text} »)" if first_text != text else "")
                found.append(
                    error_at(
                        source,
                        pointer,
                        f"deux observations de l'indicateur « {ind['id']} » pour la même période {same}, "
                        f"déjà donnée ligne {first_line} : gardez-en une seule, avec sa valeur et sa source.",
                    )
                )
            else:
                seen[key] = (line, text)
            if span and previous and (span[1], span[0]) < (previous[0][1], previous[0][0]):
                prev_span, prev_text, prev_pointer = previous
                found.append(
                    error_at(
                        source,
                        prev_pointer,
                        f"observations dans le désordre : « {prev_text} » est plus récente que « {text} » "
                        f"écrite après elle (ligne {line}) ; rangez les observations de la plus ancienne "
                        "à la plus récente : la dernière est celle que le site affiche.",
                    )
                )
            if span:
                previous = (span, text, pointer)
    return found


def _empty_text_errors(source: SourceFile) -> list[SourceError]:
    """An article with nothing to read, a sub-article or a list of blocks left empty, a text of spaces only."""
    found = []
    data = source.data

    def add(pointer, message, key=True):
        found.append(error_at(source, pointer, message, key))

    if source.kind == "article" and isinstance(data, dict):
        if data.get("body") == [] and not data.get("sections"):
            add(
                ("body",),
                f"l'article {data.get('number', '')} n'a aucun texte : « body » est vide et il n'a pas de "
                "sous-article ; écrivez son texte sous « body: » (par exemple « - p: … »).",
            )
        for i, section in enumerate(data.get("sections") or []):
            if isinstance(section, dict) and section.get("body") == []:
                add(
                    ("sections", i, "body"),
                    f"le sous-article {section.get('number', '')} n'a aucun texte : « body » est "
                    "vide ; écrivez son texte (par exemple « - p: … ») ou supprimez le sous-article.",
                )

    # Read from the loader's records of every key and every scalar's text, not by walking the tree: a
    # number, true/false or null is never a text of spaces.
    for pointer in source.loaded.key_marks:
        k = pointer[-1]
        if k in ("blocks", "intro", "introduction") and _at(data, pointer) == []:
            add(pointer, f"« {k} » est vide : écrivez le texte (par exemple « - p: … ») ou supprimez la ligne.")
    for pointer, text in source.loaded.scalar_text.items():
        if text and not text.strip():
            add(pointer, "texte fait seulement d'espaces : écrivez le texte ou supprimez le champ.", key=False)
    return found


def _at(data, pointer: tuple):
    for part in pointer:
        data = data[part]
    return data


@lru_cache(maxsize=8)
def _identifier_fields(schema_dir: str) -> frozenset:
    """Names of the fields that hold identifiers or codes (the schemas' id definition or a pattern, alone or in
    a list)."""
    from .schemas import load_schemas

    names = set()

    def is_id(schema) -> bool:
        return isinstance(schema, dict) and (str(schema.get("$ref", "")).endswith("#/$defs/id") or "pattern" in schema)

    def walk(node):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if is_id(prop) or isinstance(prop, dict) and is_id(prop.get("items")):
                    names.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_schemas(schema_dir))
    return frozenset(names)


# A character _identifier_errors refuses: a foreign letter, a space other than U+0020, a line break.
_ID_SUSPECT = re.compile(FOREIGN_LETTER.pattern[:-1] + SPACES + "\n]")


def _identifier_errors(source: SourceFile, schema_dir: Path) -> list[SourceError]:
    """An id holding a character an editor cannot tell apart (Cyrillic а, non-breaking space) or a line
    break (`id: |`): named at its exact column, where the schema would only say « forme attendue »."""
    from .characters import FOREIGN_LETTER, OTHER_SPACE, letter_name, space_name

    fields = _identifier_fields(str(schema_dir))
    found = []

    def check(pointer, value):
        line, col = source.loaded.mark(pointer)
        col += 1 if pointer in source.loaded.quoted else 0
        problems = []
        for m in FOREIGN_LETTER.finditer(value):
            problems.append((m.start(), f"{letter_name(m.group())} dans l'identifiant « {value.strip()} »."))
        for m in OTHER_SPACE.finditer(value):
            problems.append(
                (
                    m.start(),
                    f"{space_name(m.group())} dans l'identifiant « {value.strip()} » : un "
                    "identifiant n'a pas d'espace ; reliez les mots par des tirets.",
                )
            )
        if "\n" in value:
            first = value.strip().split()[0] if value.strip() else "…"
            problems.append(
                (
                    None,
                    f"saut de ligne dans l'identifiant ou le code « {value.strip()} » : écrivez-le sur "
                    f"la même ligne que son champ, sans « | » ni « > » (« {pointer[-1]}: {first} »).",
                )
            )
        for offset, message in problems[:3]:
            at = (line, col + offset) if offset is not None and "\n" not in value[:offset] else (line, col)
            found.append(SourceError(source.rel, *at, _pointer_text(pointer), message))

    # Only a text holding one of these characters can be refused: the others are passed over at once, read
    # from the loader's record of every scalar's text (a number or true/false holds none of them).
    suspect = _ID_SUSPECT.search
    for pointer, value in source.loaded.scalar_text.items():
        if suspect(value):
            # The field a value belongs to: the last key of its place (the items of a list of ids are ids).
            field = next((p for p in reversed(pointer) if not isinstance(p, int)), None)
            if field in fields:
                check(pointer, value)
    return found


_INTEGRITY_CACHE: dict[tuple, list[SourceError]] = {}


def integrity_errors(source: SourceFile, root: Path, schema_dir: Path, schema_valid: bool) -> list[SourceError]:
    """The checks of this section for one file; the structural ones only on a schema-valid file.
    Remembered per file state, as schema errors are: a live preview rechecks only the file just saved."""
    stat = (root / source.rel).stat()
    key = (str(root / source.rel), stat.st_mtime_ns, stat.st_size, str(schema_dir), schema_valid)
    if key not in _INTEGRITY_CACHE:
        if len(_INTEGRITY_CACHE) > 20000:
            _INTEGRITY_CACHE.clear()
        _INTEGRITY_CACHE[key] = _integrity_found(source, schema_dir, schema_valid)
    return _INTEGRITY_CACHE[key]


def _integrity_found(source: SourceFile, schema_dir: Path, schema_valid: bool) -> list[SourceError]:
    found = _identifier_errors(source, schema_dir)
    if schema_valid:
        found += _observation_errors(source) + _empty_text_errors(source)
    return found
