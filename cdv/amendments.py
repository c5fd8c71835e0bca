"""An avenant accounts for what it changes.

`amendment_errors` is the check `cdv validate` runs once the sources are valid: the avenant that
produces the sources' version (contract/amendments/<n>.yml whose `version` is contract.yml's) is compared
with the published version it modifies (`base`: its v<year> tag, else what mike published), and every
change that needs an avenant must be in its `changes`; an element listed there must have changed. A
version that modifies the version in force by such changes without any avenant is an error too.
`new_amendment` writes the record `cdv amendment new N` starts from, its `changes` already listing them.

Sources without git history are not checked (nothing to compare with: a normal state, as in
cdv.versions)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from . import compare as cmp
from .corpus import Corpus, corpus_from_files
from .diffrender import present
from .errors import SourceError, UsageError
from .history import place_of
from .provenance import head_commit
from .sources import SourceFile
from .text import figures
from .validate import error_at
from .versions import VersionState, in_force, published_commit, published_versions, version_tag

AMENDMENTS_DIR = "contract/amendments"
CONTRACT_ELEMENT = "contrat"  # how an avenant names the contract's own fields (cdv.compare's element id)


@dataclass(frozen=True)
class Since:
    """The changes of the sources since a published version, as the coverage check reads them."""

    base: str  # the version compared with (its year)
    changes: list[cmp.Change]
    titles: dict[str, str]  # change id -> its French title
    parents: dict[str, str | None]  # every element id of either version -> its parent element's id
    old: Corpus
    new: Corpus

    def needing_amendment(self) -> list[cmp.Change]:
        return [c for c in self.changes if c.level == cmp.Level.AMENDMENT]

    def ancestors(self, ident: str) -> list[str]:
        chain, seen = [], {ident}
        parent = self.parents.get(ident)
        while parent and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.parents.get(parent)
        return chain

    def covers(self, element: str, change: cmp.Change) -> bool:
        """Whether naming `element` accounts for `change`: the element itself, one that holds it (an
        article for its text or a sub-article's, a neighbourhood for its priorities), or a sub-article of a
        changed article."""
        if element == change.id or element in self.ancestors(change.id):
            return True
        if change.kind == cmp.Kind.CONTRACT and element == CONTRACT_ELEMENT:
            return True
        for corpus in (self.new, self.old):
            place = place_of(corpus, element)
            if place is not None and place.anchor == element and place.page_id == change.id:
                return True
            # A change located in a sub-article (its id) is accounted for by naming its article.
            where = place_of(corpus, change.id) if change.kind == cmp.Kind.ARTICLE else None
            if where is not None and where.page == "article" and where.page_id == element:
                return True
        return False

    def known(self, element: str) -> bool:
        return (
            element in self.parents
            or element == CONTRACT_ELEMENT
            or any(c.id == element for c in self.changes)  # a field of the contract: its title, its period
            or any(place_of(c, element) is not None for c in (self.new, self.old))
        )

    @staticmethod
    def element_of(change: cmp.Change) -> str:
        """The id an avenant names a change by: the contract's own fields by « contrat »."""
        return CONTRACT_ELEMENT if change.kind == cmp.Kind.CONTRACT else change.id

    def label(self, change: cmp.Change) -> str:
        return f"« {self.titles.get(change.id, change.id)} » ({change.id})"


def _base_commit(root: Path, version: str) -> str | None:
    commit = published_commit(root, version)
    if commit:
        return commit
    return next((s.commit for s in published_versions(root) if s.version == version), None)


def changes_since(root: Path, base_commit: str, base: str, new: Corpus) -> Since:
    from .gitsource import load_version

    old, _ = load_version(base_commit, root)
    comparison = cmp.compare(old, new)
    # An avenant accounts for changes of terms; the follow-up (actions, measures' status, reports) is
    # never one, and `cdv validate` compares the sources without reading it.
    changes = [c for c in comparison.changes if c.kind != cmp.Kind.AMENDMENT_RECORD and c.level != cmp.Level.FOLLOW_UP]
    with figures({**old.figures, **new.figures}):  # the texts compared may cite a figure (cdv.text)
        titles = {c.id: c.title for c in present(comparison, base, new.contract["version"]).changes}
    parents = {**cmp.element_parents(old), **cmp.element_parents(new)}
    return Since(base, changes, titles, parents, old, new)


def _unknown(element: str, since: Since) -> str:
    """The message of an id a record names that is no element of either version, with the close ones."""
    close = difflib.get_close_matches(element, list(since.parents), n=3, cutoff=0.7)
    hint = f" (identifiants proches : {', '.join(close)})" if close else ""
    return (
        f"« {element} » n'est l'identifiant d'aucun élément du contrat, ni dans la version {since.base} ni dans "
        f"les sources{hint}."
    )


def amendment_errors(root: Path, files: list[SourceFile]) -> list[SourceError]:
    """The errors of the avenant that produces the sources' version against the version it modifies."""
    root = Path(root)
    contract = next((f for f in files if f.kind == "contract"), None)
    if contract is None or not head_commit(root):
        return []
    version = contract.data["version"]
    records = [f for f in files if f.kind == "amendment"]
    record = next((f for f in records if f.data.get("version") == version), None)
    new = corpus_from_files(root, files)
    if record is None:
        return _without_record(root, contract, records, new)
    data = record.data
    number, base = data["number"], data["base"]
    errors = []
    if base >= version:
        return [
            error_at(
                record,
                ("base",),
                f"l'avenant n° {number} modifie la version {base} pour produire la version {version} : la "
                "version modifiée doit être plus ancienne. Indiquez dans « base » l'année de la version publiée "
                "qu'il modifie.",
            )
        ]
    commit = _base_commit(root, base)
    if commit is None:
        return [
            error_at(
                record,
                ("base",),
                f"la version {base} que modifie l'avenant n° {number} n'est pas publiée dans ce dépôt : aucune "
                f"étiquette git {version_tag(base)} ni version {base} sur la branche gh-pages. Vérifiez « base », "
                "ou récupérez les étiquettes du dépôt (git fetch --tags).",
            )
        ]
    current = in_force(root)
    if current is not None and base < current.version < version:
        return [
            error_at(
                record,
                ("base",),
                f"l'avenant n° {number} modifie la version {base}, mais la version en vigueur est la "
                f"{current.version} : un avenant modifie la version en vigueur. Indiquez base: "
                f'"{current.version}".',
            )
        ]
    since = changes_since(root, commit, base, new)
    listed = [(i, e["element"]) for i, e in enumerate(data["changes"])]
    for change in since.needing_amendment():
        if not any(since.covers(element, change) for _, element in listed):
            errors.append(
                error_at(
                    record,
                    ("changes",),
                    f"l'avenant n° {number} ne mentionne pas {since.label(change)}, modifié depuis la version "
                    f"{base} : une modification des termes du contrat est signée par avenant. Ajoutez-la à "
                    f"« changes » (- element: {since.element_of(change)}), ou annulez-la dans les sources.",
                    key=True,
                )
            )
    for i, element in listed:
        if not since.known(element):
            errors.append(error_at(record, ("changes", i, "element"), _unknown(element, since)))
        elif not any(since.covers(element, change) for change in since.changes):
            errors.append(
                error_at(
                    record,
                    ("changes", i, "element"),
                    f"« {element} » n'a pas changé depuis la version {base} : l'avenant n° {number} ne le modifie "
                    "pas. Retirez-le de « changes », ou vérifiez l'identifiant.",
                )
            )
    for d, decision in enumerate(data.get("decisions", [])):
        for e, element in enumerate(decision.get("elements", [])):
            if not since.known(element):
                errors.append(error_at(record, ("decisions", d, "elements", e), _unknown(element, since)))
    return errors


def _without_record(root: Path, contract: SourceFile, records: list[SourceFile], new: Corpus) -> list[SourceError]:
    """A version that modifies the version in force by changes needing an avenant names one."""
    version = contract.data["version"]
    current = in_force(root)
    if current is None or current.version >= version:
        return []
    since = changes_since(root, current.commit, current.version, new)
    needing = list({c.id: c for c in since.needing_amendment()}.values())  # a signatory and its commitment
    if not needing:
        return []
    number = next_number([f.data for f in records])
    shown = ", ".join(since.label(c) for c in needing[:5]) + (", …" if len(needing) > 5 else "")
    return [
        error_at(
            contract,
            ("version",),
            f"la version {version} modifie la version {current.version} en vigueur par {len(needing)} "
            f"modification{'s' if len(needing) > 1 else ''} des termes du contrat ({shown}), et aucun avenant "
            f"ne produit la version {version} : créez-le avec « cdv amendment new {number} » "
            f"({AMENDMENTS_DIR}/{number}.yml).",
        )
    ]


def next_number(records: list[dict]) -> int:
    """The number of the next avenant after `records` (their data, valid or not): avenants follow one
    another without gap."""
    return max((r["number"] for r in records if isinstance(r.get("number"), int)), default=0) + 1


# --- cdv amendment new N ---------------------------------------------------------------------------


def _yaml_scalar(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def new_amendment(root: Path, number: int) -> Path:
    """Write contract/amendments/<number>.yml for the sources' version: its base is the version in force,
    its `changes` the elements changed since that need an avenant, each named in a comment."""
    from .corpus import load_corpus

    root = Path(root)
    target = root / AMENDMENTS_DIR / f"{number}.yml"
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target.relative_to(root)} existe déjà : cdv ne remplace pas un avenant écrit.")
    current: VersionState | None = in_force(root) if head_commit(root) else None
    if current is None:
        raise UsageError(
            "aucune version publiée n'est en vigueur (ni étiquette v<année> signée, ni version publiée sur "
            "gh-pages) : un avenant modifie une version publiée. Publiez d'abord la version signée "
            "(git tag v<année>, cdv publish)."
        )
    version = _sources_version(root)
    _check_records_on_disk(root, number, version)
    # The record is written first, bare, so that sources already naming it (a signatory's joined_by) read
    # as valid; it is removed again if they do not.
    created = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_record_text(number, version, current.version, [], []), encoding="utf-8")
    try:
        corpus = load_corpus(root)
        _check_version(corpus, current)
        since = changes_since(root, current.commit, current.version, corpus)
        needing = list({since.element_of(c): c for c in since.needing_amendment()}.values())
        committee = [c for c in since.changes if c.level == cmp.Level.COMMITTEE]
        text = _record_text(
            number,
            corpus.contract["version"],
            current.version,
            [(since.element_of(c), since.titles.get(c.id, c.id)) for c in needing],
            [f"{since.titles.get(c.id, c.id)} ({c.id})" for c in committee],
        )
        from .fmt import canonical_text

        # Written as cdv fmt writes it, so the new file is already canonical (fmt --check in CI).
        target.write_text(canonical_text(text, "amendment", root / "schemas", target.name), encoding="utf-8")
    except BaseException:
        target.unlink(missing_ok=True)
        if created:
            target.parent.rmdir()
        raise
    return target


def _check_records_on_disk(root: Path, number: int, version: str) -> None:
    """The records already written, read as they are (the sources may not be valid yet): no second avenant
    for one version, no gap in the numbers."""
    from .yamlload import YamlError, load_yaml_file

    found = []
    for path in sorted((root / AMENDMENTS_DIR).glob("*.yml")):
        try:
            data = load_yaml_file(path).data
        except (YamlError, OSError):
            continue  # reported by the load that follows
        if isinstance(data, dict):
            found.append(data)
    same = next((d for d in found if d.get("version") == version), None)
    if same is not None:
        raise UsageError(
            f"l'avenant n° {same.get('number')} produit déjà la version {version} : complétez-le, ou passez "
            "d'abord « version » de contract/contract.yml à l'année de la mise à jour."
        )
    expected = next_number(found)
    if number != expected:
        raise UsageError(f"le prochain avenant est le n° {expected} : les avenants se suivent sans trou.")


def _sources_version(root: Path) -> str:
    from .yamlload import load_yaml_file

    data = load_yaml_file(root / "contract" / "contract.yml").data
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else "0000"  # an invalid contract.yml is reported by the load


def _check_version(corpus: Corpus, current: VersionState) -> None:
    version = corpus.contract["version"]
    if current.version >= version:
        raise UsageError(
            f"la version des sources ({version}) est celle en vigueur : passez d'abord « version » de "
            'contract/contract.yml à l\'année de la mise à jour (ex. "2027") et « status » à draft.'
        )


def _record_text(number: int, version: str, base: str, changes: list, committee: list) -> str:
    lines = [
        f"# Avenant n° {number} : de la version {base} (en vigueur) à la version {version}.",
        "# cdv validate vérifie que « changes » nomme chaque modification des termes du contrat depuis la",
        f"# version {base} ; les lignes ci-dessous sont celles trouvées à la création de ce fichier.",
        f"number: {number}",
        "# title: Objet de l'avenant, en une phrase",
        f"version: {_yaml_scalar(version)}",
        f"base: {_yaml_scalar(base)}",
        "status: draft",
        "# Une fois signé : status: signed, puis",
        "# signature:",
        "#   place: Lieu de signature",
        '#   date: "AAAA-MM-JJ"',
        '# in_force: "AAAA-MM-JJ"',
    ]
    if changes:
        lines.append("changes:")
        for ident, title in changes:
            lines += [f"  # {_comment(title)}", f"  - element: {_yaml_scalar(ident)}"]
    else:
        lines.append("changes: []")
    if committee:
        lines.append("# Validé par le comité de pilotage (à consigner dans « decisions », avec la date) :")
        lines += [f"#   {_comment(line)}" for line in committee]
    return "\n".join(lines) + "\n"
