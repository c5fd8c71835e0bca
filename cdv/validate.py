"""Validate the sources: each file against its schema, then the references between files.

Every error is collected and reported at once, each with its file, line, column and path.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .errors import SourceError
from .links import link_errors
from .messages import french_message
from .schemas import fast_validators, validators
from .yamlload import _pointer_text
from .sources import COLLECTIONS, SourceFile, classify, discover, load_sources


_SCHEMA_CACHE: dict[tuple, list[SourceError]] = {}


def cached_schema_errors(source: SourceFile, root: Path, schema_dir: Path) -> list[SourceError]:
    """schema_errors, remembered per file state: a live preview revalidates only the file just saved."""
    path = root / source.rel
    stat = path.stat()
    schemas = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(schema_dir.glob("*.schema.json")))
    key = (str(path), stat.st_mtime_ns, stat.st_size, schemas)
    if key not in _SCHEMA_CACHE:
        if len(_SCHEMA_CACHE) > 20000:
            _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[key] = schema_errors(source, schema_dir)
    return _SCHEMA_CACHE[key]


def _block_main_keys(schema_dir: Path) -> list[str]:
    from .schemas import load_schemas

    block = load_schemas(str(schema_dir))["common.schema.json"]["$defs"]["block"]
    return [branch["required"][0] for branch in block.get("anyOf", block.get("oneOf", []))]


def _blocks_with_several_main_keys(source: SourceFile, schema_dir: Path) -> list[SourceError]:
    """A block holds exactly one main key. The schema says "at least one" (anyOf: cheap, it stops at the
    first match); "at most one" is checked here, with the same French sentence."""
    keys = _block_main_keys(schema_dir)
    found = []
    for pointer, block in _walk_blocks_with_pointer(source.data):
        present = [k for k in keys if k in block]
        if len(present) > 1:
            line, col = source.loaded.mark(pointer)
            found.append(SourceError(source.rel, line, col, _pointer_text(pointer),
                                     f"« Bloc de contenu » : un bloc ne peut contenir qu'un seul de ces champs : "
                                     f"{', '.join(keys)} (ici : {', '.join(present)}) ; faites-en plusieurs blocs."))
    return found


def schema_errors(source: SourceFile, schema_dir: Path) -> list[SourceError]:
    fast = fast_validators(str(schema_dir)).get(source.kind)
    if fast is None:
        return [SourceError(source.rel, 1, 1, "", f"aucun schéma pour ce fichier dans {schema_dir.name}/.")]
    found = []
    valid = fast.is_valid(source.data)
    for error in () if valid else validators(str(schema_dir))[source.kind].iter_errors(source.data):
        pointer = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Point at the unknown key itself, not at the object that holds it.
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            line, col = source.loaded.mark(pointer + (unknown[0],), key=True) if unknown else source.loaded.mark(pointer)
        else:
            line, col = source.loaded.mark(pointer)
        raw = source.loaded.scalar_text.get(pointer)
        found.append(SourceError(source.rel, line, col, _pointer_text(pointer), french_message(error, raw)))
    found += _blocks_with_several_main_keys(source, schema_dir)
    for pointer in sorted(source.loaded.plain_dates, key=str):
        text = source.loaded.scalar_text[pointer]
        line, col = source.loaded.mark(pointer)
        found.append(SourceError(source.rel, line, col, _pointer_text(pointer),
                                 f"date « {text} » sans guillemets : écrivez-la entre guillemets (\"{text}\"), "
                                 "d'autres lecteurs YAML la liraient comme une date et non comme un texte."))
    return found


class _RefChecker:
    """Cross-reference checks over schema-valid documents."""

    def __init__(self, files: list[SourceFile], invalid_kinds: set, present_ids: dict[str, set]):
        self.files = files
        # A file that is unreadable or schema-invalid is reported on its own; its id (its file name)
        # still counts as known, so one bad file does not cascade into "unknown id" errors elsewhere.
        self.invalid_kinds = invalid_kinds
        self.invalid_ids = present_ids
        self.errors: list[SourceError] = []
        self.by_kind: dict[str, list[SourceFile]] = defaultdict(list)
        for f in files:
            self.by_kind[f.kind].append(f)

    def error(self, source: SourceFile, pointer: tuple, message: str, key: bool = False) -> None:
        line, col = source.loaded.mark(pointer, key=key)
        self.errors.append(SourceError(source.rel, line, col, _pointer_text(pointer), message))

    def one(self, kind: str):
        items = self.by_kind.get(kind, [])
        return items[0] if items else None

    def unknown(self, source, pointer, what: str, value, valid) -> None:
        valid = sorted(set(valid))
        listed = ", ".join(valid) if valid else "(aucun)"
        self.error(source, pointer, f"{what} « {value} » inconnu ; identifiants valides : {listed}.")

    def unique(self, entries, what: str) -> set:
        """entries: (source, pointer, id). Reports every duplicate with the place of the first."""
        first: dict[str, tuple] = {}
        for source, pointer, ident in entries:
            if ident in first:
                other_source, other_pointer = first[ident]
                line, _ = other_source.loaded.mark(other_pointer)
                self.error(source, pointer, f"{what} « {ident} » en double (déjà utilisé dans "
                                            f"{other_source.rel} ligne {line}) : chaque identifiant doit être unique.")
            else:
                first[ident] = (source, pointer)
        return set(first)

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
                self.error(source, ("id",), f"l'identifiant « {source.data['id']} » doit être le nom du "
                                            f"fichier sans « .yml » : « {source.stem} ».")

        part_ids = {p["id"] for p in contract.data["parts"]} if contract else set()
        article_ids = self.unique([(a, ("id",), a.data["id"]) for a in articles], "identifiant d'article")
        article_ids |= self.invalid_ids["article"]
        self.unique([(a, ("number",), str(a.data["number"])) for a in articles], "numéro d'article")
        section_ids = self.unique([(a, ("sections", i, "id"), s["id"]) for a in articles
                                   for i, s in enumerate(a.data.get("sections", []))], "identifiant de sous-article")
        for a in articles:
            if contract and a.data["part"] not in part_ids:
                self.unknown(a, ("part",), "partie", a.data["part"], part_ids)
            for i, s in enumerate(a.data.get("sections", [])):
                if not s["number"].startswith(f"{a.data['number']}."):
                    self.error(a, ("sections", i, "number"), f"le sous-article « {s['number']} » doit commencer "
                                                             f"par le numéro de l'article ({a.data['number']}.).")
        del section_ids

        for source in self.files:
            self.block_ids(source)

        if contract and "fragile_project_notice" in contract.data and "article" not in self.invalid_kinds:
            notice = contract.data["fragile_project_notice"]
            target = next((a for a in articles if a.data["id"] == notice["article"]), None)
            if target is None:
                self.unknown(contract, ("fragile_project_notice", "article"), "article", notice["article"], article_ids)
            elif notice["block"] not in self.block_ids(target, report=False):
                self.unknown(contract, ("fragile_project_notice", "block"), "bloc", notice["block"],
                             self.block_ids(target, report=False))

        # Common base: axes, objectives and priorities.
        objective_ids: set = set()
        common_priorities = []
        if objectives:
            axes = objectives.data["axes"]
            self.unique([(objectives, ("axes", i, "id"), ax["id"]) for i, ax in enumerate(axes)], "identifiant d'axe")
            objective_ids = self.unique(
                [(objectives, ("axes", i, "objectives", j, "id"), ob["id"])
                 for i, ax in enumerate(axes) for j, ob in enumerate(ax["objectives"])], "identifiant d'objectif")
            common_priorities = [(objectives, ("axes", i, "objectives", j, "priorities", k, "id"), pr["id"])
                                 for i, ax in enumerate(axes) for j, ob in enumerate(ax["objectives"])
                                 for k, pr in enumerate(ob["priorities"])]

        device_ids = self.unique([(d, ("id",), d.data["id"]) for d in devices], "identifiant de dispositif")
        device_ids |= self.invalid_ids["device"]
        for d in devices:
            for i, art in enumerate(d.data.get("articles", [])):
                if art not in article_ids:
                    self.unknown(d, ("articles", i), "article", art, article_ids)

        neighbourhood_ids = self.unique([(n, ("id",), n.data["id"]) for n in neighbourhoods], "identifiant de quartier")
        neighbourhood_ids |= self.invalid_ids["neighbourhood"]
        self.unique([(n, ("qpv_code",), n.data["qpv_code"]) for n in neighbourhoods if n.data.get("qpv_code")], "code QPV")
        project_priorities = []
        themes = []
        for n in neighbourhoods:
            self.portrait(n)
            project = n.data.get("project")
            if not project:
                continue
            for t, theme in enumerate(project["themes"]):
                themes.append((n, ("project", "themes", t, "id"), theme["id"]))
                for p, prio in enumerate(theme["priorities"]):
                    base = ("project", "themes", t, "priorities", p)
                    project_priorities.append((n, base + ("id",), prio["id"]))
                    for i, ob in enumerate(prio.get("objectives", [])):
                        if ob not in objective_ids and "objectives" not in self.invalid_kinds:
                            self.unknown(n, base + ("objectives", i), "objectif du socle commun", ob, objective_ids)
                    for i, dev in enumerate(prio.get("devices", [])):
                        if dev not in device_ids:
                            self.unknown(n, base + ("devices", i), "dispositif", dev, device_ids)
        self.unique(themes, "identifiant de thème")
        self.unique(common_priorities + project_priorities, "identifiant de priorité")

        if centres:
            self.unique([(centres, ("centres", i, "id"), c["id"]) for i, c in enumerate(centres.data["centres"])],
                        "identifiant d'équipement")
            for i, c in enumerate(centres.data["centres"]):
                for j, nid in enumerate(c["neighbourhoods"]):
                    if nid not in neighbourhood_ids:
                        self.unknown(centres, ("centres", i, "neighbourhoods", j), "quartier", nid, neighbourhood_ids)
        for source in self.files:
            if source.kind == "article" and any(b.get("include") == "social_centres" for b in _walk_blocks(source.data)) and not centres:
                self.error(source, (), "le tableau des centres sociaux est inséré ici mais "
                                       "contract/social-centres.yml est absent.")

        glossary = self.one("glossary")
        if glossary:
            terms = glossary.data["terms"]
            self.unique([(glossary, ("terms", i, "id"), t["id"]) for i, t in enumerate(terms)], "identifiant de terme")
            self.unique([(glossary, ("terms", i, "term"), t["term"]) for i, t in enumerate(terms)], "terme du glossaire")

        commitment_ids = self.unique([(c, ("id",), c.data["id"]) for c in commitments], "identifiant d'engagement")
        commitment_ids |= self.invalid_ids["commitment"]
        self.unique([(c, ("position",), str(c.data["position"])) for c in commitments], "position dans l'annexe")
        if signatories:
            sig = signatories.data
            group_ids = self.unique([(signatories, ("groups", i, "id"), g["id"]) for i, g in enumerate(sig["groups"])],
                                    "identifiant de groupe")
            self.unique([(signatories, ("signatories", i, "id"), s["id"]) for i, s in enumerate(sig["signatories"])],
                        "identifiant de signataire")
            positions = self.unique([(signatories, ("signatories", i, "signature", "position"), str(s["signature"]["position"]))
                                     for i, s in enumerate(sig["signatories"])], "position de signature")
            expected = {str(i) for i in range(1, len(sig["signatories"]) + 1)}
            if positions and positions != expected and len(positions) == len(sig["signatories"]):
                self.error(signatories, ("signatories",), "les positions de signature doivent aller de 1 à "
                                                          f"{len(sig['signatories'])} sans trou.")
            for i, s in enumerate(sig["signatories"]):
                if s["group"] not in group_ids:
                    self.unknown(signatories, ("signatories", i, "group"), "groupe", s["group"], group_ids)
                if "commitment" in s and s["commitment"] not in commitment_ids:
                    self.unknown(signatories, ("signatories", i, "commitment"), "engagement", s["commitment"], commitment_ids)
        return self.errors

    def block_ids(self, source: SourceFile, report: bool = True) -> set:
        entries = [(source, ptr + ("id",), b["id"]) for ptr, b in _walk_blocks_with_pointer(source.data) if "id" in b]
        if not report:
            return {e[2] for e in entries}
        return self.unique(entries, "identifiant de bloc")

    def portrait(self, n: SourceFile) -> None:
        portrait = n.data.get("portrait")
        if not portrait:
            return
        ids = self.unique([(n, ("portrait", "indicators", i, "id"), ind["id"])
                           for i, ind in enumerate(portrait["indicators"])], "identifiant d'indicateur")
        self.unique([(n, ("portrait", "sections", i, "id"), s["id"]) for i, s in enumerate(portrait["sections"])],
                    "identifiant de rubrique")
        shown: dict[str, int] = defaultdict(int)
        for ptr, block in _walk_blocks_with_pointer(portrait):
            refs = [(("indicators", i), r) for i, r in enumerate(block.get("indicators", []))]
            for li, level in enumerate(block.get("schools", {}).get("levels", [])):
                refs += [(("schools", "levels", li, "pupils", i), r) for i, r in enumerate(level.get("pupils", []))]
            for sub, ref in refs:
                shown[ref] += 1
                if ref not in ids:
                    self.unknown(n, ("portrait",) + ptr + sub, "indicateur", ref, ids)
        for i, ind in enumerate(portrait["indicators"]):
            if shown[ind["id"]] == 0:
                self.error(n, ("portrait", "indicators", i, "id"), f"l'indicateur « {ind['id']} » n'est affiché "
                           "dans aucune rubrique : ajoutez-le à un bloc « indicators » ou « schools ».")
            elif shown[ind["id"]] > 1:
                self.error(n, ("portrait", "indicators", i, "id"), f"l'indicateur « {ind['id']} » est affiché "
                           f"{shown[ind['id']]} fois : il ne doit l'être qu'une fois.")


def _walk_blocks_with_pointer(node, pointer=()):
    """Every content block (a dict inside a list of blocks) with its pointer, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("body", "blocks", "intro", "introduction", "quote") and isinstance(value, list):
                for i, block in enumerate(value):
                    if isinstance(block, dict):
                        yield pointer + (key, i), block
                        yield from _walk_blocks_with_pointer(block, pointer + (key, i))
            elif isinstance(value, (dict, list)):
                yield from _walk_blocks_with_pointer(value, pointer + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk_blocks_with_pointer(item, pointer + (i,))


def _walk_blocks(node):
    return (block for _, block in _walk_blocks_with_pointer(node))


def validate_project(root: Path) -> tuple[list[SourceFile], list[SourceError]]:
    """Load and validate the whole project. Returns the files and every error, sorted by place."""
    root = Path(root)
    files, errors = load_sources(root)
    schema_dir = root / "schemas"
    valid, invalid_kinds = [], set()
    for source in files:
        found = cached_schema_errors(source, root, schema_dir)
        errors.extend(found)
        if found:
            invalid_kinds.add(source.kind)
        else:
            valid.append(source)
    errors.extend(link_errors(files, root))  # links and remote resources in the text (cdv.links)
    loaded = {f.rel for f in valid}
    present_ids: dict[str, set] = defaultdict(set)
    for rel in discover(root):
        kind, _ = classify(rel)
        if kind in COLLECTIONS.values() and rel not in loaded:
            present_ids[kind].add(Path(rel).stem)
            invalid_kinds.add(kind)
    errors.extend(_RefChecker(valid, invalid_kinds, present_ids).run())
    return files, sorted(set(errors), key=lambda e: (e.file, e.line, e.column, e.message))
