"""Start new sources from a valid skeleton: a neighbourhood of this contract, or a whole new contract.

`new_neighbourhood` writes `neighbourhoods/<slug>.yml`, valid and canonical, for the editor to fill in.
`new_contract` writes, in an empty folder, a minimal valid project for another territory (its own
schemas, theme override, `mkdocs.yml` and placeholder sources) that `cdv validate` and `cdv build` accept
as it is. Nothing specific to this contract's territory is written there: the names come from the
arguments, and the examples of the copied schemas that name this territory are removed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import UsageError
from .fmt import canonical_text
from .messages import french_message
from .schemas import validators
from .toolkit import missing_entries, toolkit_dir
from .yamlload import YamlError, load_yaml, load_yaml_file

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KINDS = ("qpv", "fragile")

# What a new contract's folder is made of is listed in cdv.toolkit (ENTRIES), and shipped in the wheel.
TOOLKIT_ASSETS = "docs/assets"
# mkdocs.yml keys that name the toolkit's own territory, host or repository: rewritten or dropped.
_MKDOCS_DROPPED = ("site_url", "repo_url", "repo_name", "edit_uri")
# Examples in the copied schemas' descriptions that name the toolkit's own territory are left out. The
# names are read from the toolkit's own sources; its inhabitants' name, which no field holds, is listed here.
_DEMONYMS = ("bisontin",)
_EXAMPLE = re.compile(r" ?\(ex\. ([^()]*)\)")
_QUOTED = re.compile(r"« [^»]* »")

# The neighbourhood every new contract starts with (a name of no real place in particular).
EXAMPLE_NEIGHBOURHOOD = ("montclair", "Montclair")


def _yaml_string(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(value, ensure_ascii=False)


def _check_text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what} manquant : donnez un texte non vide.")
    if value != value.strip() or "\n" in value:
        raise UsageError(f"{what} « {value} » : un texte sur une ligne, sans espace au début ni à la fin.")
    return value


def _check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise UsageError(
            f"identifiant de quartier « {slug} » invalide : minuscules sans accent, chiffres et "
            "tirets, sans tiret au début ni à la fin (ex. « hauts-du-chateau »)."
        )
    return slug


def _territory_commune(root: Path) -> str:
    contract_file = root / "contract" / "contract.yml"
    if not contract_file.is_file():
        raise UsageError(
            f"aucun projet trouvé (contract/contract.yml) dans {root} : donnez la commune du "
            "quartier, ou lancez la commande dans le dossier du projet."
        )
    try:
        data = load_yaml_file(contract_file, "contract/contract.yml").data
    except YamlError as exc:
        raise UsageError(
            "contract/contract.yml illisible, corrigez-le d'abord (cdv validate) :\n"
            + "\n".join(e.format_text() for e in exc.errors)
        ) from None
    commune = (data.get("territory") or {}).get("commune") if isinstance(data, dict) else None
    if not isinstance(commune, str) or not commune.strip():
        raise UsageError("contract/contract.yml ne donne pas territory.commune : donnez la commune du quartier.")
    return commune


def _neighbourhood_text(slug: str, name: str, kind: str, commune: str) -> str:
    s, n = _yaml_string, name
    if kind == "fragile":
        lines = [
            f"# Quartier fragile {n} : vérifiez le nom et la commune ; portrait et projet de quartier "
            "s'ajoutent quand ils sont adoptés. Ne changez jamais l'identifiant (id).",
            f"id: {s(slug)}",
            "kind: fragile",
            f"name: {s(name)}",
            f"commune: {s(commune)}",
        ]
    else:
        lines = [
            f"# Quartier prioritaire {n} : à compléter. Remplacez « Portrait à compléter » par les "
            "indicateurs datés et sourcés, et « Priorité à rédiger » par les priorités adoptées ; "
            "ne changez jamais un id.",
            f"id: {s(slug)}",
            "kind: qpv",
            f"name: {s(name)}",
            f"commune: {s(commune)}",
            "portrait:",
            "  title: Portrait de quartier",
            "  indicators: []",
            "  sections:",
            "    - id: portrait",
            "      title: Portrait",
            "      blocks:",
            "        - figure:",
            "            kind: graphique",
            "            title: Portrait à compléter",
            "project:",
            f"  title: {s('Projet de quartier ' + name)}",
            f"  priorities_heading: {s('priorités pour le quartier de ' + name)}",
            "  themes:",
            f"    - id: {s(slug + '-priorites')}",
            "      title: Priorités",
            "      priorities:",
            f"        - id: {s(slug + '-priorite-1')}",
            "          text: Priorité à rédiger",
        ]
    return "\n".join(lines) + "\n"


def new_neighbourhood(root: Path, slug: str, name: str, kind: str, commune: str | None = None) -> Path:
    """Write `neighbourhoods/<slug>.yml`: a valid, canonical skeleton of a neighbourhood, and return its path.

    A "fragile" neighbourhood gets its id, kind, name and commune; a "qpv" one also a portrait holding
    only a placeholder (no figure is ever invented) and a projet de quartier with one placeholder
    priority, whose ids start with the slug. `commune` defaults to the contract's `territory.commune`.
    Raises UsageError (French message) on an invalid slug or kind, or when the file already exists.
    """
    root = Path(root)
    _check_slug(slug)
    if kind not in KINDS:
        raise UsageError(
            f"type de quartier « {kind} » invalide ; valeurs possibles : « qpv » (quartier "
            "prioritaire), « fragile » (quartier fragile)."
        )
    _check_text(name, "nom du quartier")
    commune = _territory_commune(root) if commune is None else _check_text(commune, "commune")
    folder = root / "neighbourhoods"
    target = folder / f"{slug}.yml"
    if target.exists() or (folder.is_dir() and any(p.name.lower() == target.name for p in folder.iterdir())):
        raise UsageError(
            f"neighbourhoods/{slug}.yml existe déjà : choisissez un autre identifiant, ou modifiez ce fichier."
        )
    rel = f"neighbourhoods/{slug}.yml"
    schema_dir = root / "schemas"
    text = canonical_text(_neighbourhood_text(slug, name, kind, commune), "neighbourhood", schema_dir, rel)
    validator = validators(str(schema_dir))["neighbourhood"]
    problems = [french_message(e) for e in validator.iter_errors(load_yaml(text, rel).data)]
    if problems:  # e.g. a slug too long for the ids derived from it
        raise UsageError(f"{rel} ne serait pas valide : " + " ; ".join(problems))
    _check_neighbourhood_folder(root, folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:  # "x": never replaces a file, nor writes through a symlink left at that name
        with open(target, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise UsageError(
            f"neighbourhoods/{slug}.yml existe déjà (ou un lien à ce nom) : choisissez un autre "
            "identifiant, ou modifiez ce fichier."
        ) from None
    return target


def _check_neighbourhood_folder(root: Path, folder: Path) -> None:
    """neighbourhoods/ must be the project's own folder: a symlink could send the new file anywhere."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder} n'est pas un dossier du projet (lien symbolique ou fichier) : rien n'a été écrit.")
    if folder.exists() and folder.resolve().parent != Path(root).resolve():
        raise UsageError(f"{folder} mène hors du projet : rien n'a été écrit.")


# --- a new contract -----------------------------------------------------------------------------------


def toolkit_root() -> Path:
    """The folder holding the toolkit's schemas, theme override and site configuration (cdv.toolkit: the
    installed package's own copy, or the repository of a checkout)."""
    root = toolkit_dir()
    missing = missing_entries(root)
    if missing:
        raise UsageError(
            f"fichiers de l'outil introuvables dans {root} : {', '.join(missing)}. Réinstallez "
            "cdv (« pip install cdv ») ou utilisez une copie complète du dépôt de l'outil."
        )
    return root


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def territory_words(toolkit: Path) -> re.Pattern:
    """What names the toolkit's own territory: its commune, intercommunality, place of signature and
    neighbourhoods (ids and names), read from its sources, and the name of its inhabitants."""
    words: set[str | None] = set(_DEMONYMS)
    try:
        contract: Any = load_yaml_file(toolkit / "contract" / "contract.yml", "contract/contract.yml").data
        territory = contract.get("territory") or {}
        words |= {
            territory.get("commune"),
            territory.get("epci"),
            territory.get("epci_short"),
            (contract.get("signature") or {}).get("place"),
        }
        for path in sorted((toolkit / "neighbourhoods").glob("*.yml")):
            data: Any = load_yaml_file(path, f"neighbourhoods/{path.name}").data
            words |= {path.stem, data.get("name"), data.get("commune")}
    except (OSError, YamlError, AttributeError):
        pass  # the toolkit's sources are unreadable: leave only the listed words out
    names = sorted((w for w in words if isinstance(w, str) and len(w) > 2), key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(w)}" for w in names), re.IGNORECASE)


def _neutral_description(text: str, territory: re.Pattern) -> str:
    """A schema description without the examples that name the toolkit's own territory."""

    def example(match: re.Match) -> str:
        inner = match.group(1)
        if not territory.search(inner):
            return match.group(0)
        kept = [q for q in _QUOTED.findall(inner) if not territory.search(q)]
        return f" (ex. {', '.join(kept)})" if kept else ""

    return _EXAMPLE.sub(example, text)


def _neutral_schema(node, territory: re.Pattern):
    if isinstance(node, dict):
        return {
            k: _neutral_description(v, territory)
            if k == "description" and isinstance(v, str)
            else _neutral_schema(v, territory)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_neutral_schema(v, territory) for v in node]
    return node


def _copy_schemas(toolkit: Path, target: Path) -> None:
    territory = territory_words(toolkit)
    target.mkdir(parents=True)
    for path in sorted((toolkit / "schemas").glob("*.json")):
        schema = _neutral_schema(json.loads(path.read_text(encoding="utf-8")), territory)
        (target / path.name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _mkdocs_yml(text: str, site_name: str, description: str, author: str, docs: Path) -> str:
    """The toolkit's mkdocs.yml for another territory: its names, no host or repository of the toolkit's,
    and no hand-written page that was not copied (a section left empty goes too). Comments are kept."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100000
    yaml.allow_unicode = True
    config = yaml.load(text)
    for key in _MKDOCS_DROPPED:
        config.pop(key, None)
    for position, (key, value) in enumerate(
        (("site_name", site_name), ("site_description", description), ("site_author", author))
    ):
        if key in config:
            config[key] = value
        else:
            config.insert(position, key, value)
    if isinstance(config.get("nav"), list):
        config["nav"] = _nav_of_copied_pages(config["nav"], docs)
    out = io.StringIO()
    yaml.dump(config, out)
    return out.getvalue()


def _nav_of_copied_pages(items: list, docs: Path) -> list:
    """The navigation without the hand-written pages that are not in `docs` (generated entries stay)."""
    kept = CommentedSeq()
    for item in items:
        if isinstance(item, dict):
            [(title, target)] = item.items()
            if isinstance(target, list):
                target = _nav_of_copied_pages(target, docs)
                if not target:
                    continue
            elif not _nav_target_exists(target, docs):
                continue
            entry = CommentedMap()
            entry[title] = target
            kept.append(entry)
        elif _nav_target_exists(item, docs):
            kept.append(item)
    return kept


def _nav_target_exists(target, docs: Path) -> bool:
    if not isinstance(target, str) or not target.endswith(".md") or "://" in target:
        return True  # generated pages (cdv:…) and links are not files of docs/
    return (docs / target).is_file()


def _write(root: Path, rel: str, text: str, kind: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(canonical_text(text, kind, root / "schemas", rel), encoding="utf-8")


def _contract_sources(title: str, commune: str, epci: str, year: int) -> dict[str, tuple[str, str]]:
    s = _yaml_string
    slug, name = EXAMPLE_NEIGHBOURHOOD
    contract_id = "contrat-de-ville-" + (_slugify(commune) or "territoire")
    contract = f"""\
# {title} : métadonnées du contrat (projet). Complétez sous-titre, avant-propos, lieu et date de signature.
id: {s(contract_id)}
title: {s(title)}
subtitle: Sous-titre à rédiger
period:
  start: {year}
  end: {year + 6}
version: {s(str(year))}
status: draft
signature:
  place: {s(commune)}
  date: {s(f"{year}-01-01")}
author: {s(epci)}
territory:
  commune: {s(commune)}
  epci: {s(epci)}
parts:
  - id: contrat-cadre
    number: 1
    title: Contrat cadre
  - id: approche-territoriale
    number: 2
    title: Approche territoriale
    subtitle: Les portraits et projets de quartier
foreword:
  title: Avant-propos
  body:
    - p: Avant-propos à rédiger.
"""
    objectives = """\
# Le socle commun : axes, objectifs et priorités communs à tous les quartiers prioritaires (à rédiger).
title: Le socle commun
preamble: "Ces priorités s'inscrivent dans un socle commun à tous les quartiers prioritaires qui vise à :"
axes:
  - id: axe-1
    number: I
    title: Axe à rédiger
    objectives:
      - id: objectif-1
        title: Objectif à rédiger
        priorities:
          - id: priorite-commune-1
            text: Priorité commune à rédiger
"""
    signatories = f"""\
# Les signataires, dans l'ordre de la liste du contrat ; signature.position donne l'ordre des blocs signés.
groups:
  - id: etat
    title: État
  - id: collectivites
    title: Collectivités territoriales
signatories:
  - id: prefecture
    organisation: État - Préfecture
    group: etat
    signature:
      position: 1
      signers:
        - title:
            - "Le Préfet,"
          name: Prénom NOM
  - id: intercommunalite
    organisation: {s(epci)}
    group: collectivites
    signature:
      position: 2
      signers:
        - title:
            - "Le Président,"
          name: Prénom NOM
"""
    article = """\
# Article 1 du contrat cadre (1re partie), à rédiger.
id: article-1
number: 1
part: contrat-cadre
title: Titre de l'article à rédiger
body:
  - p: Texte de l'article à rédiger.
"""
    centres = f"""\
# Les centres sociaux et espaces de vie sociale, et les quartiers qu'ils servent (à compléter).
headers: [Centres sociaux et Espaces de Vie Sociale, QPV ou quartiers fragiles concernés]
centres:
  - id: centre-social-{slug}
    name: {s("Centre social " + name)}
    kind: centre-social
    neighbourhoods: [{slug}]
"""
    return {
        "contract/contract.yml": (contract, "contract"),
        "contract/objectives.yml": (objectives, "objectives"),
        "contract/signatories.yml": (signatories, "signatories"),
        "contract/articles/article-1.yml": (article, "article"),
        "contract/social-centres.yml": (centres, "social-centres"),
    }


def new_contract(
    target: Path,
    title: str = "Contrat de ville de Exempleville",
    commune: str = "Exempleville",
    epci: str = "Communauté d'agglomération d'Exempleville",
) -> Path:
    """Write a minimal valid project for another territory in `target` (empty or missing); return it.

    The folder gets the toolkit's schemas (examples naming this territory left out), theme override,
    `macros.py`, a `mkdocs.yml` named after the new contract, the generic home page and its assets, and
    placeholder sources: a draft contract of the current year with one article, a common base of one
    axis, objective and priority, two signatories signed "Prénom NOM", one social centre and one
    priority neighbourhood. `cdv validate` and `cdv build` accept it as it is.
    Raises UsageError (French message) if the folder is not empty or the toolkit's files are missing.
    """
    title = _check_text(title, "titre du contrat")
    commune = _check_text(commune, "commune")
    epci = _check_text(epci, "intercommunalité")
    target = Path(target)
    from .safety import check_new_folder

    check_new_folder(target)  # never inside a project's sources, docs/, schemas/ or .git
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} existe et n'est pas un dossier vide : choisissez un nouveau dossier.")
    toolkit = toolkit_root()
    existed = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        _write_contract(toolkit, target, title, commune, epci, date.today().year)
    except BaseException:
        # Leave the folder as it was found: missing, or empty.
        for child in target.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        if not existed:
            target.rmdir()
        raise
    return target


def _write_contract(toolkit: Path, target: Path, title: str, commune: str, epci: str, year: int) -> None:
    _copy_schemas(toolkit, target / "schemas")
    shutil.copytree(toolkit / "overrides", target / "overrides")
    shutil.copy2(toolkit / "macros.py", target / "macros.py")
    (target / "docs").mkdir()
    shutil.copy2(toolkit / "docs" / "index.md", target / "docs" / "index.md")
    shutil.copytree(toolkit / TOOLKIT_ASSETS, target / TOOLKIT_ASSETS)
    mkdocs = _mkdocs_yml(
        (toolkit / "mkdocs.yml").read_text(encoding="utf-8"),
        site_name=f"{title} {year}-{year + 6}",
        description=f"{title} {year}-{year + 6} : le contrat, ses quartiers et leurs projets",
        author=epci,
        docs=target / "docs",
    )
    (target / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")

    for rel, (text, kind) in _contract_sources(title, commune, epci, year).items():
        _write(target, rel, text, kind)
    slug, name = EXAMPLE_NEIGHBOURHOOD
    new_neighbourhood(target, slug, name, "qpv", commune)
