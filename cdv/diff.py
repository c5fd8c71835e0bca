"""Compare two versions of the contract element by element, by stable id, and say what each change
needs under the contract's own governance (article 13): a routine update of a portrait (article 9.1),
the comité de pilotage (projets de quartier), or an amendment signed by the signatories."""
from __future__ import annotations

import difflib
import re
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path

from .corpus import Corpus, load_corpus
from .errors import UsageError
from .flatten import blocks_text
from .render import source_with_period
from .text import fr_value, plain_text

LEVELS = {
    "avenant": "Avenant signé par les signataires (contrat cadre, signataires et engagements)",
    "copil": "Validation par le comité de pilotage (projets de quartier, article 13)",
    "routine": "Mise à jour courante d'un portrait de quartier (article 9.1)",
    "editorial": "Information sur la version (sans effet sur les engagements)",
}
LEVEL_ORDER = list(LEVELS)
ACTIONS = {"added": "ajouté", "removed": "supprimé", "changed": "modifié", "moved": "déplacé",
           "reworded": "reformulé", "observation": "nouvelle observation"}
FEMININE_KINDS = {"priorité"}


def action_label(change: "Change") -> str:
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
            "old": self.old_label, "new": self.new_label,
            "summary": {level: len(items) for level, items in self.by_level().items()},
            "highest_level": self.highest_level(),
            "changes": [dict(asdict(c), level_label=LEVELS[c.level], redline=c.redline() if c.old and c.new else [])
                        for c in self.changes],
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
    path = Path(spec)
    if path.is_dir() and (path / "contract" / "contract.yml").is_file():
        corpus = load_corpus(path)
        return corpus, f"{corpus.contract['version']} ({spec})"
    archive = subprocess.run(["git", "archive", "--format=tar", spec, "contract", "neighbourhoods", "schemas"],
                             cwd=repo, capture_output=True)
    if archive.returncode != 0:
        raise UsageError(f"« {spec} » n'est ni un dossier de projet ni une révision git : "
                         f"{archive.stderr.decode(errors='replace').strip()}")
    target = Path(tempfile.mkdtemp(prefix="cdv-version-"))
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    corpus = load_corpus(target)
    return corpus, f"{corpus.contract['version']} ({spec})"


# --- comparing -----------------------------------------------------------------------------------

class _Comparer:
    def __init__(self, old: Corpus, new: Corpus):
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, *args, **kwargs) -> None:
        self.changes.append(Change(*args, **kwargs))

    def keyed(self, kind, level, old_items: dict, new_items: dict, title, text) -> None:
        """Elements by id: added, removed, or changed text."""
        for ident in old_items.keys() | new_items.keys():
            o, n = old_items.get(ident), new_items.get(ident)
            if o is None:
                self.add(level, kind, "added", ident, title(n), None, text(n))
            elif n is None:
                self.add(level, kind, "removed", ident, title(o), text(o), None)
            elif text(o) != text(n):
                self.add(level, kind, "changed", ident, title(n), text(o), text(n))

    def run(self) -> list[Change]:
        o, n = self.old, self.new
        self.contract()
        article_title = lambda a: f"Article {a['number']} – {plain_text(a['title'])}"  # noqa: E731
        self.keyed("article", "avenant", {a["id"]: a for a in o.articles}, {a["id"]: a for a in n.articles},
                   article_title, lambda a: article_title(a) + "\n" + _article_text(a))
        self.keyed("engagement", "avenant", {c["id"]: c for c in o.commitments}, {c["id"]: c for c in n.commitments},
                   lambda c: f"Engagement « {c['title']} »", lambda c: blocks_text(c["body"]))
        self.signatories()
        self.keyed("objectif du socle commun", "avenant", _common_base(o), _common_base(n),
                   lambda item: item[0], lambda item: item[1])
        self.keyed("centre social", "avenant", {c["id"]: c for c in o.social_centres.get("centres", [])},
                   {c["id"]: c for c in n.social_centres.get("centres", [])}, lambda c: c["name"],
                   lambda c: f"{c['name']} ({c['kind']}) : {', '.join(c['neighbourhoods'])}")
        self.keyed("dispositif", "copil", {d["id"]: d for d in o.devices}, {d["id"]: d for d in n.devices},
                   lambda d: d["name"], lambda d: "\n".join(filter(None, [d["name"], plain_text(d.get("summary", "")),
                                                                          blocks_text(d.get("body"))])))
        self.neighbourhoods()
        return sorted(self.changes, key=lambda c: (LEVEL_ORDER.index(c.level), c.kind, c.title, c.id))

    def contract(self) -> None:
        o, n = self.old.contract, self.new.contract
        status = {"signed": "signé", "draft": "projet"}
        if o["version"] != n["version"]:
            self.add("editorial", "contrat", "changed", "version", "Version", o["version"], n["version"])
        if o["status"] != n["status"]:
            self.add("editorial", "contrat", "changed", "status", "Statut", status[o["status"]], status[n["status"]])
        terms = {"title": "Titre", "subtitle": "Sous-titre", "period": "Période", "signature": "Lieu et date de signature",
                 "territory": "Territoires de comparaison", "parts": "Parties du contrat"}
        for key, label in terms.items():
            if o.get(key) != n.get(key):
                self.add("avenant", "contrat", "changed", key, label, _flat(o.get(key)), _flat(n.get(key)))
        if o["foreword"] != n["foreword"]:
            self.add("avenant", "avant-propos", "changed", "avant-propos", n["foreword"]["title"],
                     blocks_text(o["foreword"]["body"]), blocks_text(n["foreword"]["body"]))

    def signatories(self) -> None:
        old = {s["id"]: s for s in self.old.signatories}
        new = {s["id"]: s for s in self.new.signatories}
        for ident in old.keys() | new.keys():
            a, b = old.get(ident), new.get(ident)
            if a is None:
                self.add("avenant", "signataire", "added", ident, b["organisation"], None, _signers(b))
            elif b is None:
                self.add("avenant", "signataire", "removed", ident, a["organisation"], _signers(a), None)
            else:
                if _signers(a) != _signers(b):
                    self.add("avenant", "signataire", "changed", ident, b["organisation"], _signers(a), _signers(b),
                             detail="personne qui signe")
                if (a["organisation"], a["group"], a.get("commitment")) != (b["organisation"], b["group"], b.get("commitment")):
                    self.add("avenant", "signataire", "changed", ident, b["organisation"],
                             f"{a['organisation']} ({a['group']}, engagement {a.get('commitment', '—')})",
                             f"{b['organisation']} ({b['group']}, engagement {b.get('commitment', '—')})")

    def neighbourhoods(self) -> None:
        old = {x["id"]: x for x in self.old.neighbourhoods}
        new = {x["id"]: x for x in self.new.neighbourhoods}
        for ident in old.keys() | new.keys():
            a, b = old.get(ident), new.get(ident)
            if a is None or b is None:
                present = a or b
                self.add("avenant", "quartier", "added" if a is None else "removed", ident,
                         f"{present['name']} ({present['commune']})", None if a is None else present["kind"],
                         present["kind"] if a is None else None)
                continue
            if (a["name"], a["kind"], a["commune"], a.get("qpv_code")) != (b["name"], b["kind"], b["commune"], b.get("qpv_code")):
                self.add("avenant", "quartier", "changed", ident, b["name"],
                         f"{a['name']}, {a['kind']}, {a['commune']}", f"{b['name']}, {b['kind']}, {b['commune']}")
            self.portrait(a, b)
            self.project(a, b)
        self.priorities(old, new)

    def portrait(self, a: dict, b: dict) -> None:
        pa, pb = a.get("portrait") or {}, b.get("portrait") or {}
        ia = {i["id"]: i for i in pa.get("indicators", [])}
        ib = {i["id"]: i for i in pb.get("indicators", [])}
        for ident in ia.keys() | ib.keys():
            x, y = ia.get(ident), ib.get(ident)
            title = f"{b['name']} — {plain_text((y or x)['label'])}"
            if x is None:
                self.add("routine", "indicateur", "added", f"{b['id']}/{ident}", title, None, _observation(y, y["observations"][-1]))
                continue
            if y is None:
                self.add("copil", "indicateur", "removed", f"{b['id']}/{ident}", title, _observation(x, x["observations"][-1]), None)
                continue
            old_obs = {(o["period"], o["source"]): o for o in x["observations"]}
            new_obs = {(o["period"], o["source"]): o for o in y["observations"]}
            for key, obs in new_obs.items():
                if key not in old_obs:
                    self.add("routine", "indicateur", "observation", f"{b['id']}/{ident}", title,
                             _observation(x, x["observations"][-1]), _observation(y, obs))
                elif old_obs[key] != obs:
                    self.add("routine", "indicateur", "changed", f"{b['id']}/{ident}", title,
                             _observation(x, old_obs[key]), _observation(y, obs), detail="valeur corrigée")
            for key, obs in old_obs.items():
                if key not in new_obs:
                    self.add("copil", "indicateur", "removed", f"{b['id']}/{ident}", title, _observation(x, obs), None,
                             detail="observation supprimée : une actualisation ajoute des observations sans retirer les précédentes")
        text_a = "\n".join(f"{s['title']}\n{blocks_text(s['blocks'])}" for s in pa.get("sections", []))
        text_b = "\n".join(f"{s['title']}\n{blocks_text(s['blocks'])}" for s in pb.get("sections", []))
        if text_a != text_b:
            self.add("routine", "portrait", "changed", b["id"], f"{b['name']} — portrait", text_a, text_b)

    def project(self, a: dict, b: dict) -> None:
        pa, pb = a.get("project") or {}, b.get("project") or {}
        head = lambda p: "\n".join(filter(None, [p.get("title", ""), p.get("priorities_heading", ""),  # noqa: E731
                                                 blocks_text(p.get("introduction"))]))
        if head(pa) != head(pb):
            self.add("copil", "projet de quartier", "added" if not pa else "changed", b["id"], f"{b['name']} — projet de quartier",
                     head(pa) or None, head(pb) or None)
        ta = {t["id"]: t for t in pa.get("themes", [])}
        tb = {t["id"]: t for t in pb.get("themes", [])}
        self.keyed("thème", "copil", ta, tb, lambda t: f"{b['name']} — {t['title']}",
                   lambda t: t["title"] + "\n" + blocks_text(t.get("intro")))

    def priorities(self, old: dict, new: dict) -> None:
        pa, pb = _priorities(old), _priorities(new)
        for ident in pa.keys() | pb.keys():
            x, y = pa.get(ident), pb.get(ident)
            if x is None:
                self.add("copil", "priorité", "added", ident, f"{y['where']}", None, y["text"])
            elif y is None:
                self.add("copil", "priorité", "removed", ident, f"{x['where']}", x["text"], None)
            else:
                if (x["neighbourhood"], x["theme"]) != (y["neighbourhood"], y["theme"]):
                    self.add("copil", "priorité", "moved", ident, y["where"], x["where"], y["where"],
                             detail=f"déplacée de « {x['where']} » vers « {y['where']} »")
                if x["text"] != y["text"]:
                    self.add("copil", "priorité", "reworded", ident, y["where"], x["text"], y["text"])
                if (x["objectives"], x["devices"]) != (y["objectives"], y["devices"]):
                    self.add("copil", "priorité", "changed", ident, y["where"],
                             _links(x), _links(y), detail="rattachements au socle commun ou aux dispositifs")


def _article_text(article: dict) -> str:
    parts = []
    if article.get("chapter"):
        parts += [article["chapter"]["title"], blocks_text(article["chapter"].get("intro"))]
    parts.append(blocks_text(article["body"]))
    for s in article.get("sections", []):
        parts += [f"{s['number']} - {s['title']}", blocks_text(s["body"])]
    return "\n".join(p for p in parts if p)


def _common_base(corpus: Corpus) -> dict:
    out = {}
    for axis in corpus.objectives.get("axes", []):
        out[axis["id"]] = (f"Axe {axis['number']}", plain_text(axis["title"]))
        for ob in axis["objectives"]:
            out[ob["id"]] = (f"Objectif « {plain_text(ob['title'])} »", plain_text(ob["title"]))
            for p in ob["priorities"]:
                out[p["id"]] = (f"Priorité commune ({plain_text(ob['title'])})", plain_text(p["text"]))
    return out


def _priorities(neighbourhoods: dict) -> dict:
    out = {}
    for n in neighbourhoods.values():
        for theme in (n.get("project") or {}).get("themes", []):
            for p in theme["priorities"]:
                out[p["id"]] = {"neighbourhood": n["id"], "theme": theme["id"], "where": f"{n['name']} — {theme['title']}",
                                "text": plain_text(p["text"]), "objectives": p.get("objectives", []),
                                "devices": p.get("devices", [])}
    return out


def _links(p: dict) -> str:
    return f"objectifs : {', '.join(p['objectives']) or '—'} ; dispositifs : {', '.join(p['devices']) or '—'}"


def _signers(s: dict) -> str:
    return " ; ".join(" ".join(x["title"] + [x["name"]] + x.get("after", [])) for x in s["signature"]["signers"])


def _observation(ind: dict, obs: dict) -> str:
    return f"{fr_value(obs['value'], ind['unit'], obs.get('explicit_sign', False))} ({source_with_period(obs)})".replace("\u00a0", " ")


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ; ".join(_flat(v) for v in value)
    return str(value)


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
    return "".join(piece if piece.isspace() else str(to_html(piece, markup=False, line_start=line_start and i == 0))
                   for i, piece in enumerate(pieces))


def change_body(change: Change) -> str:
    """A change's passage as HTML-in-markdown: old → new for a figure, a redline for a text, nothing for a
    move (its detail says where it went)."""
    if change.action == "moved":
        return ""
    if change.kind == "indicateur" and change.old and change.new:
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
    counts = ", ".join(f"{len(items)} × {LEVELS[level].split(' (')[0].lower()}"
                       for level, items in diff.by_level().items() if items)
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
