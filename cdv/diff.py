"""Compare two versions of the contract element by element, by stable id, and say what each change
needs under the contract's own governance (article 13): a routine update of a portrait (article 9.1),
the comité de pilotage (projets de quartier), or an amendment signed by the signatories."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import tarfile
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from .corpus import Corpus, load_corpus
from .errors import UsageError
from .flatten import blocks_shown_text, shown_text
from .render import source_with_period
from .schemas import load_schemas
from .text import fr_value

LEVELS = {
    "avenant": "Avenant signé par les signataires (contrat cadre, signataires et engagements)",
    "copil": "Validation par le comité de pilotage (projets de quartier, article 13)",
    "routine": "Mise à jour courante d'un portrait de quartier (article 9.1)",
    "editorial": "Information sur la version (sans effet sur les engagements)",
}
LEVEL_ORDER = list(LEVELS)
ACTIONS = {
    "added": "ajouté",
    "removed": "supprimé",
    "changed": "modifié",
    "moved": "déplacé",
    "reworded": "reformulé",
    "observation": "nouvelle observation",
    "reordered": "modifié",
}
FEMININE_KINDS = {"priorité"}


def action_label(change: Change) -> str:
    label = ACTIONS[change.action]
    if change.kind in FEMININE_KINDS and change.action != "observation":
        label += "e"
    return label


@dataclass
class Change:
    level: str
    kind: str
    action: str
    id: str
    title: str  # French label of the element
    old: str | None = None
    new: str | None = None
    detail: str = ""

    def redline(self) -> list[tuple[str, str]]:
        """Word-level differences: ('=', text), ('-', removed), ('+', inserted)."""
        return redline(self.old or "", self.new or "")


@dataclass
class Diff:
    old_label: str
    new_label: str
    changes: list[Change] = field(default_factory=list)

    def by_level(self) -> dict[str, list[Change]]:
        return {level: [c for c in self.changes if c.level == level] for level in LEVEL_ORDER}

    def highest_level(self) -> str | None:
        levels = [LEVEL_ORDER.index(c.level) for c in self.changes]
        return LEVEL_ORDER[min(levels)] if levels else None

    def as_dict(self) -> dict:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "summary": {level: len(items) for level, items in self.by_level().items()},
            "highest_level": self.highest_level(),
            "changes": [
                dict(asdict(c), level_label=LEVELS[c.level], redline=c.redline() if c.old and c.new else [])
                for c in self.changes
            ],
        }


_WORD = re.compile(r"\s+|[^\s]+")


def redline(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", "".join(b[j1:j2])))
    return out


# --- loading a version ---------------------------------------------------------------------------

_REVISIONS: dict[tuple[str, str], tuple[Corpus, str]] = {}


def load_version(spec: str, repo: Path) -> tuple[Corpus, str]:
    """A version from a folder, or from a git revision of `repo` (its sources extracted to a temp dir).
    A full commit hash names content that never changes: it is loaded once per process."""
    if re.fullmatch(r"[0-9a-f]{40}", spec) and (str(repo), spec) in _REVISIONS:
        return _REVISIONS[(str(repo), spec)]
    result = _load_version(spec, repo)
    if re.fullmatch(r"[0-9a-f]{40}", spec):
        _REVISIONS[(str(repo), spec)] = result
    return result


def _load_version(spec: str, repo: Path) -> tuple[Corpus, str]:
    from .safety import TemporaryFolder

    path = Path(spec)
    if path.is_dir() and (path / "contract" / "contract.yml").is_file():
        corpus = load_corpus(path)
        return corpus, f"{corpus.contract['version']} ({spec})"
    if spec.startswith("-"):  # never an option of git (`--output=…` would write a file)
        raise UsageError(f"« {spec} » n'est ni un dossier de projet ni une révision git.")
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", spec, "contract", "neighbourhoods", "schemas"],
            cwd=repo,
            capture_output=True,
        )
    except FileNotFoundError:
        raise UsageError(
            f"« {spec} » n'est pas un dossier de projet, et git est introuvable pour y lire une "
            "révision : installez git, ou donnez le dossier d'une version."
        ) from None
    if archive.returncode != 0:
        raise UsageError(
            f"« {spec} » n'est ni un dossier de projet ni une révision git : "
            f"{archive.stderr.decode(errors='replace').strip()}"
        )
    # The copy is removed as soon as it is read (the corpus keeps its data, not the files); a killed
    # process's copy is removed by the next cdv (see cdv.safety.TemporaryFolder).
    with TemporaryFolder("cdv-version-") as folder:
        target = Path(folder)
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
        corpus = load_corpus(target)
    return corpus, f"{corpus.contract['version']} ({spec})"


# --- comparing -----------------------------------------------------------------------------------
#
# Two passes. The first compares what readers read, element by element, and says it in contract terms
# (a priority reworded, an observation added...). The second makes the comparison complete by
# construction: every source is cut into elements by stable id, and every field of every element, known
# today or added to a schema later, is compared raw; a difference the first pass did not explain is
# reported at its element's level. So nothing a reader sees can change without a line in the changelog.

# Approval needed by a change of an element of each kind (README, "cdv diff").
ELEMENT_LEVELS = {
    "contrat": "avenant",
    "avant-propos": "avenant",
    "article": "avenant",
    "engagement": "avenant",
    "liste des signataires": "avenant",
    "groupe de signataires": "avenant",
    "signataire": "avenant",
    "socle commun": "avenant",
    "objectif du socle commun": "avenant",
    "centres sociaux": "avenant",
    "centre social": "avenant",
    "quartier": "avenant",
    # The glossary is not signed, but it is what residents read as the meaning of the contract's words (on
    # every page), some definitions quoting the contract itself: the comité de pilotage validates it, as it
    # does the descriptions of the devices. Never editorial, never a "routine" portrait update.
    "dispositif": "copil",
    "terme du glossaire": "copil",
    "projet de quartier": "copil",
    "thème": "copil",
    "priorité": "copil",
    "portrait": "routine",
    "indicateur": "routine",
}
# Fields of an element whose change needs another level than the element's.
FIELD_LEVELS = {("contrat", "version"): "editorial", ("contrat", "status"): "editorial"}
# What the items of an ordered list are called, for "Ordre des … modifié" (by element kind and field).
ORDER_NOUNS = {
    ("article", "sections"): "sous-articles",
    ("portrait", "sections"): "rubriques du portrait",
    ("portrait", "indicators"): "indicateurs",
    ("projet de quartier", "themes"): "thèmes",
    ("thème", "priorities"): "priorités",
    ("liste des signataires", "signatories"): "signataires",
    ("liste des signataires", "groups"): "groupes de signataires",
    ("centres sociaux", "centres"): "centres sociaux",
    ("socle commun", "axes"): "axes du socle commun",
    ("objectif du socle commun", "objectives"): "objectifs",
    ("objectif du socle commun", "priorities"): "priorités communes",
    ("contrat", "parts"): "parties du contrat",
    ("signataire", "signers"): "personnes qui signent",
    ("indicateur", "observations"): "observations",
    ("centre social", "neighbourhoods"): "quartiers du centre social",
}
_ABSENT = object()
_PARENT = ("@parent",)  # pseudo-path: the element that holds this one


def _shown(value) -> str:
    if value is _ABSENT:
        return "—"
    if isinstance(value, str):
        return shown_text(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " ; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_shown(v)}" for k, v in value.items())
    return str(value)


def _shown_pair(old, new) -> tuple[str, str]:
    """Two values as a reader is given them; as typed when that alone differs (bold, italics, spaces)."""
    a, b = _shown(old), _shown(new)
    if a != b:
        return a, b
    raw = lambda v: v if isinstance(v, str) else _canon(v)  # noqa: E731
    return raw(old), raw(new)


@dataclass
class _Element:
    kind: str
    id: str
    title: str  # as a change's title
    label: str  # as an item of an ordered list
    raw: dict  # every field, but the sub-elements (compared as elements of their own)
    parent: tuple | None = None
    where: str = ""
    children: dict = field(default_factory=dict)  # field -> ordered ids of the sub-elements

    @property
    def level(self) -> str:
        return ELEMENT_LEVELS.get(self.kind, "avenant")


class _Elements(dict):
    """Every element of a version by (kind, id)."""

    def put(self, kind, ident, title, label, data, subs=(), parent=None, field_name=None) -> tuple:
        raw = {k: v for k, v in data.items() if k not in subs} if isinstance(data, dict) else {"valeur": data}
        key = (kind, ident)
        if key in self:  # ids are unique where the validator says so; elsewhere keep both apart
            key = (kind, f"{parent[1] if parent else ''}/{ident}")
        where = self[parent].title if parent else ""
        self[key] = _Element(kind, key[1], title, label, raw, parent, where)
        if parent and field_name:
            self[parent].children.setdefault(field_name, []).append(key)
        return key


def _elements(corpus: Corpus) -> _Elements:
    out = _Elements()
    t = shown_text
    handled = {"root", "source_of", "single_sources"}

    c = corpus.contract
    top = out.put("contrat", "contrat", t(c.get("title", "Contrat")), "contrat", c, subs=("foreword",))
    if "foreword" in c:
        out.put(
            "avant-propos",
            "avant-propos",
            t(c["foreword"].get("title", "Avant-propos")),
            "avant-propos",
            c["foreword"],
            parent=top,
        )
    for a in corpus.articles:
        out.put("article", a["id"], _article_title(a), _article_title(a), a)
    for x in corpus.commitments:
        out.put("engagement", x["id"], f"Engagement « {t(x['title'])} »", t(x["title"]), x)
    holder = out.put("liste des signataires", "signataires", "Signataires", "signataires", {})
    for g in corpus.signatory_groups:
        out.put("groupe de signataires", g["id"], t(g["title"]), t(g["title"]), g, parent=holder, field_name="groups")
    for s in corpus.signatories:
        out.put(
            "signataire",
            s["id"],
            t(s["organisation"]),
            t(s["organisation"]),
            s,
            parent=holder,
            field_name="signatories",
        )
    o = corpus.objectives
    if o:
        base = out.put(
            "socle commun", "socle-commun", t(o.get("title", "Le socle commun")), "socle commun", o, subs=("axes",)
        )
        for axis in o.get("axes", []):
            ak = out.put(
                "objectif du socle commun",
                axis["id"],
                f"Axe {axis['number']} – {t(axis['title'])}",
                t(axis["title"]),
                axis,
                subs=("objectives",),
                parent=base,
                field_name="axes",
            )
            for ob in axis["objectives"]:
                ok = out.put(
                    "objectif du socle commun",
                    ob["id"],
                    f"Objectif « {t(ob['title'])} »",
                    t(ob["title"]),
                    ob,
                    subs=("priorities",),
                    parent=ak,
                    field_name="objectives",
                )
                for p in ob["priorities"]:
                    out.put(
                        "objectif du socle commun",
                        p["id"],
                        f"Priorité commune ({t(ob['title'])})",
                        t(p["text"]),
                        p,
                        parent=ok,
                        field_name="priorities",
                    )
    for d in corpus.devices:
        out.put("dispositif", d["id"], t(d["name"]), t(d["name"]), d)
    sc = corpus.social_centres
    if sc:
        centres = out.put(
            "centres sociaux",
            "centres-sociaux",
            "Centres sociaux et espaces de vie sociale",
            "centres sociaux",
            sc,
            subs=("centres",),
        )
        for x in sc.get("centres", []):
            out.put("centre social", x["id"], t(x["name"]), t(x["name"]), x, parent=centres, field_name="centres")
    for term in corpus.glossary:
        out.put("terme du glossaire", term["id"], f"Glossaire — {t(term['term'])}", t(term["term"]), term)
    for n in corpus.neighbourhoods:
        name = t(n["name"])
        nk = out.put("quartier", n["id"], name, name, n, subs=("portrait", "project"))
        if n.get("portrait") is not None:
            pk = out.put(
                "portrait", n["id"], f"{name} — portrait", "portrait", n["portrait"], subs=("indicators",), parent=nk
            )
            for ind in n["portrait"].get("indicators", []):
                out.put(
                    "indicateur",
                    f"{n['id']}/{ind['id']}",
                    f"{name} — {t(ind['label'])}",
                    t(ind["label"]),
                    ind,
                    parent=pk,
                    field_name="indicators",
                )
        if n.get("project") is not None:
            jk = out.put(
                "projet de quartier",
                n["id"],
                f"{name} — projet de quartier",
                "projet",
                n["project"],
                subs=("themes",),
                parent=nk,
            )
            for theme in n["project"].get("themes", []):
                tk = out.put(
                    "thème",
                    theme["id"],
                    f"{name} — {t(theme['title'])}",
                    t(theme["title"]),
                    theme,
                    subs=("priorities",),
                    parent=jk,
                    field_name="themes",
                )
                for p in theme["priorities"]:
                    out.put(
                        "priorité",
                        p["id"],
                        f"{name} — {t(theme['title'])}",
                        t(p["text"]),
                        p,
                        parent=tk,
                        field_name="priorities",
                    )
    handled |= {
        "contract",
        "articles",
        "commitments",
        "signatory_groups",
        "signatories",
        "objectives",
        "devices",
        "social_centres",
        "glossary",
        "neighbourhoods",
    }
    # A kind of source added to the corpus later is compared whole until it gets its own elements.
    for f in fields(corpus):
        if f.name not in handled:
            out.put("source", f.name, f"Source « {f.name} »", f.name, getattr(corpus, f.name))
    return out


def _list_ids(items: list) -> list | None:
    """The ids of a list whose items all have one, distinct; None for any other list."""
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
        return ids
    return None


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _same(a, b) -> bool:
    # 1 and 1.0 read the same; True and 1 do not.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _raw_diff(a, b, path=()):
    """Every difference between two raw values: ('value', path, old, new) for a field or an item, ('order',
    path, old, new) for a list whose items are the same but in another order. Lists whose items have ids are
    matched by id; other lists item by item, aligned as a text diff aligns lines."""
    if type(a) is type(b) and type(a) in (dict, list) and a == b:
        return  # the usual case, at C speed (a schema never lets a number stand where a boolean is)
    if isinstance(a, dict) and isinstance(b, dict):
        for k in [*a, *(k for k in b if k not in a)]:
            yield from _raw_diff(a.get(k, _ABSENT), b.get(k, _ABSENT), (*path, k))
    elif isinstance(a, list) and isinstance(b, list):
        ia, ib = _list_ids(a), _list_ids(b)
        if ia is not None and ib is not None:
            da, db = dict(zip(ia, a, strict=True)), dict(zip(ib, b, strict=True))
            for k in [*ia, *(k for k in ib if k not in da)]:
                yield from _raw_diff(da.get(k, _ABSENT), db.get(k, _ABSENT), (*path, ("id", k)))
            if [k for k in ia if k in db] != [k for k in ib if k in da]:
                yield ("order", path, a, b)
            return
        ca, cb = [_canon(x) for x in a], [_canon(x) for x in b]
        if ca != cb and sorted(ca) == sorted(cb):
            yield ("order", path, a, b)
            return
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ca, cb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    yield from _raw_diff(a[i], b[j], (*path, j))
                continue
            for i in range(i1, i2):
                yield ("value", (*path, i), a[i], _ABSENT)
            for j in range(j1, j2):
                yield ("value", (*path, j), _ABSENT, b[j])
    elif not _same(a, b):
        yield ("value", path, a, b)


def _covered(path: tuple, explained: set) -> bool:
    return any(path[: len(p)] == p for p in explained)


@lru_cache(maxsize=8)
def _field_titles(schema_dir: str) -> dict[str, str]:
    """French title of each field, as the schemas give it to editors."""
    titles: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            for name, spec in (node.get("properties") or {}).items():
                if isinstance(spec, dict) and spec.get("title"):
                    titles.setdefault(name, spec["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with suppress(OSError, ValueError):
        walk(list(load_schemas(schema_dir).values()))
    return titles


def _orders(old: list[str], new: list[str]) -> tuple[str, str]:
    """Old and new order, numbered, from the first place that differs to the last."""
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    last = max(len(old), len(new))
    while last > first + 1 and last <= min(len(old), len(new)) and old[last - 1] == new[last - 1]:
        last -= 1
    numbered = lambda labels: "\n".join(f"{i}. {labels[i - 1]}" for i in range(first + 1, min(last, len(labels)) + 1))  # noqa: E731
    return numbered(old), numbered(new)


def _item_label(item) -> str:
    if isinstance(item, dict):
        for key in ("title", "name", "organisation", "text", "term", "label", "p", "heading", "period"):
            if isinstance(item.get(key), str):
                return shown_text(item[key])
        return _shown(item)
    return _shown(item)


class _Comparer:
    def __init__(self, old: Corpus, new: Corpus):
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.explained: dict[tuple, set] = {}  # element -> paths of the fields the first pass reported
        self.titles = _field_titles(str(Path(new.root) / "schemas"))

    def add(
        self, level, kind, action, ident, title, old=None, new=None, detail="", *, element=None, paths=((),)
    ) -> None:
        if old is not None and old == new and action != "moved":
            return  # what it would show is the same on both sides: the second pass reports it field by field
        self.changes.append(Change(level, kind, action, ident, title, old, new, detail))
        self.explain(element or (kind, ident), *paths)

    def explain(self, element: tuple, *paths: tuple) -> None:
        self.explained.setdefault(element, set()).update(paths)

    def keyed(self, kind, level, old_items: dict, new_items: dict, title, text, fields=((),)) -> None:
        """Elements by id: added, removed, or changed text (`fields`: what the text shows of them)."""
        for ident in sorted(old_items.keys() | new_items.keys()):
            o, n = old_items.get(ident), new_items.get(ident)
            if o is None:
                self.add(level, kind, "added", ident, title(n), None, text(n))
            elif n is None:
                self.add(level, kind, "removed", ident, title(o), text(o), None)
            elif text(o) != text(n):
                self.add(level, kind, "changed", ident, title(n), text(o), text(n), paths=fields)

    def run(self) -> list[Change]:
        o, n = self.old, self.new
        t = shown_text
        self.contract()
        self.articles()
        self.keyed(
            "engagement",
            "avenant",
            {c["id"]: c for c in o.commitments},
            {c["id"]: c for c in n.commitments},
            lambda c: f"Engagement « {t(c['title'])} »",
            lambda c: t(c["title"]) + "\n" + blocks_shown_text(c["body"]),
            fields=(("title",), ("body",)),
        )
        self.order(
            "engagement",
            "ordre des engagements",
            "engagements",
            "Engagements des partenaires (annexe 1)",
            o.commitments,
            n.commitments,
            lambda c: t(c["title"]),
        )
        self.signatories()
        for kind_items, fields_ in (("axes", ("title",)), ("objectives", ("title",)), ("priorities", ("text",))):
            self.keyed(
                "objectif du socle commun",
                "avenant",
                _common_base(o, kind_items),
                _common_base(n, kind_items),
                lambda item: item[0],
                lambda item: item[1],
                fields=(fields_,),
            )
        self.keyed(
            "centre social",
            "avenant",
            {c["id"]: c for c in o.social_centres.get("centres", [])},
            {c["id"]: c for c in n.social_centres.get("centres", [])},
            lambda c: t(c["name"]),
            lambda c: f"{t(c['name'])} ({c['kind']}) : {', '.join(c['neighbourhoods'])}",
            fields=(("name",), ("kind",), ("neighbourhoods",)),
        )
        self.keyed(
            "dispositif",
            "copil",
            {d["id"]: d for d in o.devices},
            {d["id"]: d for d in n.devices},
            lambda d: t(d["name"]),
            _device_text,
            fields=(("name",), ("acronym",), ("summary",), ("source",), ("articles",), ("body",)),
        )
        self.keyed(
            "terme du glossaire",
            "copil",
            {g["id"]: g for g in o.glossary},
            {g["id"]: g for g in n.glossary},
            lambda g: f"Glossaire — {t(g['term'])}",
            _term_text,
            fields=(("term",), ("expansion",), ("definition",), ("source",)),
        )
        quoted = {g["id"]: g["source"] for g in [*o.glossary, *n.glossary] if g.get("source", "").startswith("Contrat")}
        for c in self.changes:
            if c.kind == "terme du glossaire" and c.id in quoted:
                c.detail = f"définition reprise du contrat : {shown_text(quoted[c.id])}"
        self.neighbourhoods()
        self.catch_all()
        return sorted(self.changes, key=lambda c: (LEVEL_ORDER.index(c.level), c.kind, c.title, c.id))

    def order(self, kind, order_kind, ident, title, old_items, new_items, label, holder=None) -> None:
        """The order in which readers find elements sorted by a position field: a change of its own."""
        oa, ob = [x["id"] for x in old_items], [x["id"] for x in new_items]
        labels = {x["id"]: label(x) for x in [*old_items, *new_items]}
        if [i for i in oa if i in ob] != [i for i in ob if i in oa]:
            self.add(
                ELEMENT_LEVELS[kind],
                order_kind,
                "reordered",
                ident,
                title,
                *_orders([labels[i] for i in oa], [labels[i] for i in ob]),
                element=holder or ("@order", ident),
                paths=((),),
            )
        for i in {*oa, *ob}:  # positions only order the elements; the order is compared above
            self.explain((kind, i), ("position",), ("signature", "position"))

    def contract(self) -> None:
        o, n = self.old.contract, self.new.contract
        status = {"signed": "signé", "draft": "projet"}
        element = ("contrat", "contrat")
        if o["version"] != n["version"]:
            self.add(
                "editorial",
                "contrat",
                "changed",
                "version",
                "Version",
                o["version"],
                n["version"],
                element=element,
                paths=(("version",),),
            )
        if o["status"] != n["status"]:
            self.add(
                "editorial",
                "contrat",
                "changed",
                "status",
                "Statut",
                status.get(o["status"], o["status"]),
                status.get(n["status"], n["status"]),
                element=element,
                paths=(("status",),),
            )
        terms = {
            "title": "Titre",
            "subtitle": "Sous-titre",
            "programme": "Programme",
            "period": "Période",
            "signature": "Lieu et date de signature",
            "author": "Auteur",
            "territory": "Territoires de comparaison",
            "parts": "Parties du contrat",
            "fragile_project_notice": "Projet des quartiers fragiles",
            "credits": "Crédits",
            "licence": "Licence",
        }
        for key, label in terms.items():
            if not _same_raw(o.get(key, _ABSENT), n.get(key, _ABSENT)):
                self.add(
                    "avenant",
                    "contrat",
                    "changed",
                    key,
                    label,
                    _flat(o.get(key)),
                    _flat(n.get(key)),
                    element=element,
                    paths=((key,),),
                )
        fo, fn = o.get("foreword") or {}, n.get("foreword") or {}
        text = lambda f: "\n".join(filter(None, [shown_text(f.get("title", "")), blocks_shown_text(f.get("body"))]))  # noqa: E731
        if text(fo) != text(fn):
            self.add(
                "avenant",
                "avant-propos",
                "changed",
                "avant-propos",
                shown_text(fn.get("title", "Avant-propos")),
                text(fo),
                text(fn),
                paths=(("title",), ("body",)),
            )

    def articles(self) -> None:
        old = {a["id"]: a for a in self.old.articles}
        new = {a["id"]: a for a in self.new.articles}
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            if a is None:
                self.add("avenant", "article", "added", ident, _article_title(b), None, _article_text(b))
            elif b is None:
                self.add("avenant", "article", "removed", ident, _article_title(a), _article_text(a), None)
            else:
                # Part by part, sub-articles by id: a reorder alone is reported as a reorder.
                pa, pb = _article_parts(a), _article_parts(b)
                differ = [k for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k)]
                if differ:
                    self.add(
                        "avenant",
                        "article",
                        "changed",
                        ident,
                        _article_title(b),
                        _article_text(a),
                        _article_text(b),
                        paths=tuple(p for k in differ for p in _ARTICLE_PATHS.get(k, (k,))),
                    )

    def signatories(self) -> None:
        old = {s["id"]: s for s in self.old.signatories}
        new = {s["id"]: s for s in self.new.signatories}
        t = shown_text
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            if a is None:
                self.add("avenant", "signataire", "added", ident, t(b["organisation"]), None, _signers(b))
            elif b is None:
                self.add("avenant", "signataire", "removed", ident, t(a["organisation"]), _signers(a), None)
            else:
                sa, sb = a["signature"]["signers"], b["signature"]["signers"]
                if sa != sb and sorted(map(_canon, sa)) == sorted(map(_canon, sb)):
                    self.add(
                        "avenant",
                        "ordre des personnes qui signent",
                        "reordered",
                        ident,
                        t(b["organisation"]),
                        *_orders(_signers(a, None), _signers(b, None)),
                        element=("signataire", ident),
                        paths=(("signature", "signers"),),
                    )
                elif _signers(a) != _signers(b):
                    self.add(
                        "avenant",
                        "signataire",
                        "changed",
                        ident,
                        t(b["organisation"]),
                        _signers(a),
                        _signers(b),
                        detail="personne qui signe",
                        paths=(("signature", "signers"),),
                    )
                if (a["organisation"], a["group"], a.get("commitment")) != (
                    b["organisation"],
                    b["group"],
                    b.get("commitment"),
                ):
                    self.add(
                        "avenant",
                        "signataire",
                        "changed",
                        ident,
                        t(b["organisation"]),
                        f"{t(a['organisation'])} ({a['group']}, engagement {a.get('commitment', '—')})",
                        f"{t(b['organisation'])} ({b['group']}, engagement {b.get('commitment', '—')})",
                        paths=(("organisation",), ("group",), ("commitment",)),
                    )
        position = lambda s: s["signature"]["position"]  # noqa: E731
        self.order(
            "signataire",
            "ordre des signatures",
            "signatures",
            "Page des signatures",
            sorted(self.old.signatories, key=position),
            sorted(self.new.signatories, key=position),
            lambda s: t(s["organisation"]),
        )

    def neighbourhoods(self) -> None:
        old = {x["id"]: x for x in self.old.neighbourhoods}
        new = {x["id"]: x for x in self.new.neighbourhoods}
        t = shown_text
        for ident in sorted(old.keys() | new.keys()):
            a, b = old.get(ident), new.get(ident)
            if a is None or b is None:
                present = a or b
                self.add(
                    "avenant",
                    "quartier",
                    "added" if a is None else "removed",
                    ident,
                    f"{t(present['name'])} ({t(present['commune'])})",
                    None if a is None else present["kind"],
                    present["kind"] if a is None else None,
                )
            elif _identity(a) != _identity(b):
                self.add(
                    "avenant",
                    "quartier",
                    "changed",
                    ident,
                    t(b["name"]),
                    _identity(a),
                    _identity(b),
                    paths=(("name",), ("kind",), ("commune",), ("qpv_code",)),
                )
            self.portrait(a or {}, b or {})
            self.project(a or {}, b or {})
        self.priorities(old, new)

    def portrait(self, a: dict, b: dict) -> None:
        hood = b or a
        name = shown_text(hood["name"])
        pa, pb = a.get("portrait") or {}, b.get("portrait") or {}
        if bool(a.get("portrait")) != bool(b.get("portrait")):
            self.explain(("portrait", hood["id"]), ())
        ia = {i["id"]: i for i in pa.get("indicators", [])}
        ib = {i["id"]: i for i in pb.get("indicators", [])}
        for ident in sorted(ia.keys() | ib.keys()):
            x, y = ia.get(ident), ib.get(ident)
            key = f"{hood['id']}/{ident}"
            title = f"{name} — {shown_text((y or x)['label'])}"
            if x is None:
                self.add("routine", "indicateur", "added", key, title, None, _observation(y, y["observations"][-1]))
                continue
            if y is None:
                self.add("copil", "indicateur", "removed", key, title, _observation(x, x["observations"][-1]), None)
                continue
            old_obs = {(o["period"], o["source"]): o for o in x["observations"]}
            new_obs = {(o["period"], o["source"]): o for o in y["observations"]}
            explains = {"paths": (("observations",),)}
            for k, obs in new_obs.items():
                if k not in old_obs:
                    self.add(
                        "routine",
                        "indicateur",
                        "observation",
                        key,
                        title,
                        _observation(x, x["observations"][-1]),
                        _observation(y, obs),
                        **explains,
                    )
                elif old_obs[k] != obs:
                    before, after = _observation(x, old_obs[k]), _observation(y, obs)
                    others = [
                        f for f in {**old_obs[k], **obs} if f not in ("value", "period", "source", "explicit_sign")
                    ]

                    def extra(o, others=others):
                        return ", ".join(f"{self.path_label((f,))} : {_shown(o.get(f, _ABSENT))}" for f in others)

                    if extra(old_obs[k]) != extra(obs):  # comparison values (commune, EPCI...) as well
                        before, after = f"{before} ; {extra(old_obs[k])}", f"{after} ; {extra(obs)}"
                    self.add(
                        "routine",
                        "indicateur",
                        "changed",
                        key,
                        title,
                        before,
                        after,
                        detail="valeur corrigée",
                        **explains,
                    )
            for k, obs in old_obs.items():
                if k not in new_obs:
                    self.add(
                        "copil",
                        "indicateur",
                        "removed",
                        key,
                        title,
                        _observation(x, obs),
                        None,
                        **explains,
                        detail="observation supprimée : une actualisation ajoute des observations sans retirer les précédentes",
                    )
        # Rubriques by id: the text of those that changed; a reorder alone is reported as a reorder.
        sa = {s["id"]: s for s in pa.get("sections", [])}
        sb = {s["id"]: s for s in pb.get("sections", [])}
        section = lambda s: f"{shown_text(s['title'])}\n{blocks_shown_text(s['blocks'])}"  # noqa: E731
        differ = [i for i in sa.keys() | sb.keys() if (i in sa) != (i in sb) or section(sa[i]) != section(sb[i])]
        if differ:
            text_a = "\n".join(section(s) for s in pa.get("sections", []))
            text_b = "\n".join(section(s) for s in pb.get("sections", []))
            self.add(
                "routine",
                "portrait",
                "added" if not pa else "removed" if not pb else "changed",
                hood["id"],
                f"{name} — portrait",
                text_a or None,
                text_b or None,
                paths=tuple(("sections", ("id", i)) for i in differ) if pa and pb else ((),),
            )

    def project(self, a: dict, b: dict) -> None:
        hood = b or a
        name = shown_text(hood["name"])
        pa, pb = a.get("project") or {}, b.get("project") or {}

        def head(p):
            parts = [shown_text(p.get("title", "")), shown_text(p.get("priorities_heading", ""))]
            return "\n".join(filter(None, [*parts, blocks_shown_text(p.get("introduction"))]))

        if bool(a.get("project")) != bool(b.get("project")):
            self.explain(("projet de quartier", hood["id"]), ())
        if head(pa) != head(pb):
            self.add(
                "copil",
                "projet de quartier",
                "added" if not pa else "removed" if not pb else "changed",
                hood["id"],
                f"{name} — projet de quartier",
                head(pa) or None,
                head(pb) or None,
                paths=(("title",), ("priorities_heading",), ("introduction",)),
            )
        ta = {t["id"]: t for t in pa.get("themes", [])}
        tb = {t["id"]: t for t in pb.get("themes", [])}
        self.keyed(
            "thème",
            "copil",
            ta,
            tb,
            lambda t: f"{name} — {shown_text(t['title'])}",
            lambda t: shown_text(t["title"]) + "\n" + blocks_shown_text(t.get("intro")),
            fields=(("title",), ("intro",)),
        )

    def priorities(self, old: dict, new: dict) -> None:
        pa, pb = _priorities(old), _priorities(new)
        for ident in sorted(pa.keys() | pb.keys()):
            x, y = pa.get(ident), pb.get(ident)
            if x is None:
                self.add("copil", "priorité", "added", ident, f"{y['where']}", None, y["text"])
            elif y is None:
                self.add("copil", "priorité", "removed", ident, f"{x['where']}", x["text"], None)
            else:
                if (x["neighbourhood"], x["theme"]) != (y["neighbourhood"], y["theme"]):
                    self.add(
                        "copil",
                        "priorité",
                        "moved",
                        ident,
                        y["where"],
                        x["where"],
                        y["where"],
                        detail=f"déplacée de « {x['where']} » vers « {y['where']} »",
                        paths=(_PARENT,),
                    )
                if x["text"] != y["text"]:
                    self.add(
                        "copil", "priorité", "reworded", ident, y["where"], x["text"], y["text"], paths=(("text",),)
                    )
                if (x["objectives"], x["devices"]) != (y["objectives"], y["devices"]):
                    self.add(
                        "copil",
                        "priorité",
                        "changed",
                        ident,
                        y["where"],
                        _links(x),
                        _links(y),
                        detail="rattachements au socle commun ou aux dispositifs",
                        paths=(("objectives",), ("devices",)),
                    )

    # --- the second pass: every field of every element ---------------------------------------------

    def catch_all(self) -> None:
        old, new = _elements(self.old), _elements(self.new)
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            done = self.explained.get(key, set())
            if () in done:
                continue
            el = b or a
            if a is None or b is None:
                self.add(
                    el.level,
                    el.kind,
                    "added" if a is None else "removed",
                    el.id,
                    el.title,
                    None if a is None else self.listing(a),
                    self.listing(b) if a is None else None,
                    element=key,
                )
                continue
            if a.parent != b.parent and not _covered(_PARENT, done):
                self.add(
                    el.level,
                    el.kind,
                    "moved",
                    el.id,
                    b.title,
                    a.where,
                    b.where,
                    detail=f"déplacé de « {a.where} » vers « {b.where} »",
                    element=key,
                    paths=(_PARENT,),
                )
            for name in sorted(a.children.keys() & b.children.keys()):
                ca, cb = a.children[name], b.children[name]
                if [k for k in ca if k in cb] != [k for k in cb if k in ca] and not _covered((name,), done):
                    labels = lambda ks, els: [els[k].label for k in ks]  # noqa: E731
                    self.reorder(b, name, labels(ca, old), labels(cb, new))
            leaves: dict[str, list] = {}
            for what, path, x, y in _raw_diff(a.raw, b.raw):
                if _covered(path, done):
                    continue
                if what == "order":
                    self.reorder(b, path, [_item_label(i) for i in x], [_item_label(i) for i in y])
                else:
                    leaves.setdefault(FIELD_LEVELS.get((el.kind, path[0]), el.level), []).append((path, x, y))
            for level, items in leaves.items():
                pairs = [(self.path_label(p), *_shown_pair(x, y)) for p, x, y in items]
                self.add(
                    level,
                    el.kind,
                    "changed",
                    el.id,
                    b.title,
                    "\n".join(f"{label} : {x}" for label, x, _ in pairs),
                    "\n".join(f"{label} : {y}" for label, _, y in pairs),
                    detail="champs : " + ", ".join(dict.fromkeys(self.path_label(p[:1]) for p, _, _ in items)),
                    element=key,
                    paths=(),
                )

    def reorder(self, el: _Element, path, old_labels: list[str], new_labels: list[str]) -> None:
        path = (path,) if isinstance(path, str) else path
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        noun = ORDER_NOUNS.get((el.kind, name)) or f"éléments de « {self.path_label(path)} »"
        self.add(
            el.level,
            f"ordre des {noun}",
            "reordered",
            el.id,
            el.title,
            *_orders(old_labels, new_labels),
            element=(el.kind, el.id),
            paths=(),
        )

    def listing(self, el: _Element) -> str:
        lines = [f"{self.path_label(p)} : {_shown(v)}" for _, p, _, v in _raw_diff({}, el.raw)]
        return "\n".join(lines) or el.title

    def path_label(self, path: tuple) -> str:
        parts = []
        for p in path:
            if isinstance(p, tuple):
                parts.append(f"« {p[1]} »")
            elif isinstance(p, int):
                parts.append(f"n° {p + 1}")
            else:
                parts.append(self.titles.get(p, p))
        return " › ".join(parts)


_ARTICLE_PATHS = {"title": (("title",), ("number",)), "chapter": (("chapter",),), "body": (("body",),)}


def _same_raw(a, b) -> bool:
    return not any(True for _ in _raw_diff(a, b))


def _identity(n: dict) -> str:
    return ", ".join(
        filter(
            None,
            [shown_text(n["name"]), n["kind"], shown_text(n["commune"]), n.get("qpv_code") and f"code {n['qpv_code']}"],
        )
    )


def _article_title(a: dict) -> str:
    return f"Article {a['number']} – {shown_text(a['title'])}"


def _article_parts(article: dict) -> dict:
    parts: dict[str | tuple, str] = {"title": _article_title(article)}
    if article.get("chapter"):
        parts["chapter"] = (
            shown_text(article["chapter"]["title"]) + "\n" + blocks_shown_text(article["chapter"].get("intro"))
        )
    parts["body"] = blocks_shown_text(article["body"])
    for s in article.get("sections", []):
        parts[("sections", ("id", s["id"]))] = (
            f"{s['number']} - {shown_text(s['title'])}\n{blocks_shown_text(s['body'])}"
        )
    return parts


def _article_text(article: dict) -> str:
    parts = _article_parts(article)
    return "\n".join(p for k, p in parts.items() if p and k != "title")


def _device_text(d: dict) -> str:
    head = shown_text(d["name"]) + (f" ({shown_text(d['acronym'])})" if d.get("acronym") else "")
    return "\n".join(
        filter(
            None,
            [
                head,
                shown_text(d.get("summary", "")),
                d.get("source") and "Source : " + shown_text(d["source"]),
                d.get("articles") and "Articles : " + ", ".join(d["articles"]),
                blocks_shown_text(d.get("body")),
            ],
        )
    )


def _term_text(g: dict) -> str:
    head = shown_text(g["term"]) + (f" ({shown_text(g['expansion'])})" if g.get("expansion") else "")
    return "\n".join(
        filter(
            None, [head, shown_text(g.get("definition", "")), g.get("source") and "Source : " + shown_text(g["source"])]
        )
    )


def _common_base(corpus: Corpus, level: str) -> dict:
    out = {}
    t = shown_text
    for axis in corpus.objectives.get("axes", []):
        if level == "axes":
            out[axis["id"]] = (f"Axe {axis['number']}", t(axis["title"]))
        for ob in axis["objectives"]:
            if level == "objectives":
                out[ob["id"]] = (f"Objectif « {t(ob['title'])} »", t(ob["title"]))
            for p in ob["priorities"]:
                if level == "priorities":
                    out[p["id"]] = (f"Priorité commune ({t(ob['title'])})", t(p["text"]))
    return out


def _priorities(neighbourhoods: dict) -> dict:
    out = {}
    for n in neighbourhoods.values():
        for theme in (n.get("project") or {}).get("themes", []):
            for p in theme["priorities"]:
                out[p["id"]] = {
                    "neighbourhood": n["id"],
                    "theme": theme["id"],
                    "where": f"{shown_text(n['name'])} — {shown_text(theme['title'])}",
                    "text": shown_text(p["text"]),
                    "objectives": p.get("objectives", []),
                    "devices": p.get("devices", []),
                }
    return out


def _links(p: dict) -> str:
    return f"objectifs : {', '.join(p['objectives']) or '—'} ; dispositifs : {', '.join(p['devices']) or '—'}"


def _signers(s: dict, sep: str | None = " ; "):
    names = [shown_text(" ".join(x["title"] + [x["name"]] + x.get("after", []))) for x in s["signature"]["signers"]]
    return names if sep is None else sep.join(names)


def _observation(ind: dict, obs: dict) -> str:
    shown = {**obs, "source": shown_text(obs["source"]), "period": shown_text(obs["period"])}
    return (
        f"{fr_value(obs['value'], ind['unit'], obs.get('explicit_sign', False))} ({source_with_period(shown)})".replace(
            "\u00a0", " "
        )
    )


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ; ".join(_flat(v) for v in value)
    if isinstance(value, str):
        return shown_text(value)
    return "—" if value is None else str(value)


def compare(old: Corpus, new: Corpus, old_label: str = "ancienne version", new_label: str = "nouvelle version") -> Diff:
    return Diff(old_label, new_label, _Comparer(old, new).run())


# --- output --------------------------------------------------------------------------------------

from .text import to_html  # noqa: E402  (the output section's one escaping boundary)


def _redline_markdown(change: Change) -> str:
    """The changed passages only, each as a word-level redline; unchanged paragraphs are left out."""
    old_lines, new_lines = (change.old or "").split("\n"), (change.new or "").split("\n")
    hunks = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op != "equal":
            hunks.append(_redline_text("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])))
    return "<br>…<br>".join(hunks)


def _redline_text(old: str, new: str) -> str:
    parts = []
    for op, text in redline(old, new):
        if op != "=" and text.strip():
            tag = "del" if op == "-" else "ins"
            parts.append(f"<{tag}>{_escape(text)}</{tag}>")
        else:  # the unchanged words around a change are contributor text too
            parts.append(_escape(text, line_start=not parts))
    return "".join(parts)


def _escape(text: str, line_start: bool = False) -> str:
    """Contributor text in a changelog, shown exactly as typed (links and emphasis included: a changed link
    target must be read, not followed), through the one escaping boundary. Word by word, so that spaces
    (non-breaking ones too) and line breaks stay where they were (change_body turns line breaks into <br>)."""
    pieces = re.findall(r"\s+|\S+", str(text))
    return "".join(
        piece if piece.isspace() else str(to_html(piece, markup=False, line_start=line_start and i == 0))
        for i, piece in enumerate(pieces)
    )


def change_body(change: Change) -> str:
    """A change's passage as HTML-in-markdown: old → new for a figure, a redline for a text, nothing for a
    move (its detail says where it went)."""
    if change.action == "moved":
        return ""
    if (change.kind == "indicateur" or change.action == "reordered") and change.old and change.new:
        body = f"{_escape(change.old, line_start=True)} → <ins>{_escape(change.new)}</ins>"
    elif change.old and change.new:
        body = _redline_markdown(change)
    elif change.new:
        body = f"<ins>{_escape(change.new)}</ins>"
    else:
        body = f"<del>{_escape(change.old or '')}</del>"
    return body.replace("\n", "<br>")


def to_markdown(diff: Diff, heading: str = "##") -> str:
    lines = [f"{heading} Ce qui change entre {_escape(diff.old_label)} et {_escape(diff.new_label)}", ""]
    if not diff.changes:
        lines.append("Aucune modification des termes du contrat, des projets de quartier ni des portraits.")
        return "\n".join(lines) + "\n"
    counts = ", ".join(
        f"{len(items)} × {LEVELS[level].split(' (')[0].lower()}" for level, items in diff.by_level().items() if items
    )
    lines += [f"{len(diff.changes)} modification(s) : {counts}.", ""]
    for level, items in diff.by_level().items():
        if not items:
            continue
        lines += [f"{heading}# {LEVELS[level]}", ""]
        for c in items:
            head = f"- **{c.kind.capitalize()} {action_label(c)}** : {_escape(c.title)}"
            if c.detail:
                head += f" ({_escape(c.detail)})"
            lines.append(head)
            body = change_body(c)
            if body:
                lines.append(f"  {body}")
        lines.append("")
    return "\n".join(lines)
