"""Start new sources from a valid skeleton: a neighbourhood of this contract, or a whole new contract.

`new_neighbourhood` writes `neighbourhoods/<slug>.yml`, valid and canonical, for the editor to fill in.
`new_contract` writes, in an empty folder, a minimal valid project for another territory (its own
schemas, theme override, `mkdocs.yml` and placeholder sources) that `cdv validate` and `cdv build` accept
as it is. Nothing specific to this contract's territory is written there: the names come from the
arguments, and the schemas' examples name no real place (a test holds them to it).

The sources written are the templates of cdv/skeletons/ (package data), rendered with every value as a
YAML string that reads back exactly as typed: a name is data, never YAML, markup or a template.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import UsageError
from .fmt import canonical_text
from .messages import french_message
from .schemas import validators
from .shape import site_metadata
from .toolkit import missing_entries, toolkit_dir
from .yamlload import YamlError, load_yaml, load_yaml_file

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KINDS = ("qpv", "fragile")

# What a new contract's folder is made of is listed in cdv.toolkit (ENTRIES), and shipped in the wheel.
TOOLKIT_ASSETS = "docs/assets"
# mkdocs.yml keys that name the toolkit's own territory, host or repository: rewritten or dropped.
_MKDOCS_DROPPED = ("site_url", "repo_url", "repo_name", "edit_uri")
# The neighbourhood every new contract starts with (a name of no real place in particular).
EXAMPLE_NEIGHBOURHOOD = ("montclair", "Montclair")


class _Written(str):
    """Text made safe for its place in a skeleton by the `yaml` or `comment` filter."""


def _yaml_string(value) -> _Written:
    """A YAML scalar that reads back as exactly `value` (JSON strings are YAML double-quoted scalars)."""
    return _Written(json.dumps(str(value), ensure_ascii=False))


def _comment_text(value) -> _Written:
    """Text for a YAML comment: on one line whatever it holds (a comment ends at the first line break)."""
    return _Written(" ".join(_BREAKS.sub(" ", str(value)).split()))


def _only_escaped(value):
    # Every value a skeleton writes goes through `yaml` or `comment`: a forgotten filter is a bug, refused here.
    if isinstance(value, _Written) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise TypeError(f"valeur non échappée dans un squelette : {value!r}")


_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@lru_cache(maxsize=1)
def _skeletons() -> Environment:
    env = Environment(
        loader=PackageLoader("cdv", "skeletons"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_only_escaped,
    )
    env.filters.update(yaml=_yaml_string, comment=_comment_text)
    return env


def skeleton(path: str, **values) -> str:
    """The text of the skeleton cdv/skeletons/<path>.j2 for these values."""
    return _skeletons().get_template(f"{path}.j2").render(**values)


def _check_text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what} manquant : donnez un texte non vide.")
    if value != value.strip() or _BREAKS.search(value):
        shown = _BREAKS.sub(lambda m: repr(m.group())[1:-1], value)  # a tab or a line break, made visible
        raise UsageError(
            f"{what} « {shown} » : un texte sur une ligne, sans espace au début ni à la fin, ni "
            "tabulation ou autre caractère de contrôle."
        )
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
    return skeleton(f"neighbourhood/{kind}.yml", slug=slug, name=name, commune=commune)


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


def _copy_schemas(toolkit: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in sorted((toolkit / "schemas").glob("*.json")):
        shutil.copyfile(path, target / path.name)


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


# The sources of a new contract (each written from cdv/skeletons/<file>.j2) and their kinds.
CONTRACT_SKELETONS = (
    ("contract/contract.yml", "contract"),
    ("contract/objectives.yml", "objectives"),
    ("contract/signatories.yml", "signatories"),
    ("contract/articles/article-1.yml", "article"),
    ("contract/social-centres.yml", "social-centres"),
)


def _contract_sources(title: str, commune: str, epci: str, year: int) -> dict[str, tuple[str, str]]:
    slug, name = EXAMPLE_NEIGHBOURHOOD
    values = dict(
        title=title,
        commune=commune,
        epci=epci,
        year=year,
        neighbourhood_id=slug,
        neighbourhood_name=name,
        contract_id="contrat-de-ville-" + (_slugify(commune) or "territoire"),
    )
    return {rel: (skeleton(rel, **values), kind) for rel, kind in CONTRACT_SKELETONS}


def new_contract(
    target: Path,
    title: str = "Contrat de ville de Exempleville",
    commune: str = "Exempleville",
    epci: str = "Communauté d'agglomération d'Exempleville",
) -> Path:
    """Write a minimal valid project for another territory in `target` (empty or missing); return it.

    The folder gets the toolkit's schemas, theme override,
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
    sources = _contract_sources(title, commune, epci, year)
    contract: dict = load_yaml(sources["contract/contract.yml"][0], "contract/contract.yml").data  # type: ignore[assignment]
    site = site_metadata(contract)
    mkdocs = _mkdocs_yml(
        (toolkit / "mkdocs.yml").read_text(encoding="utf-8"),
        site_name=site["site_name"],
        description=site["site_description"],
        author=site["site_author"],
        docs=target / "docs",
    )
    (target / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")

    for rel, (text, kind) in sources.items():
        _write(target, rel, text, kind)
    slug, name = EXAMPLE_NEIGHBOURHOOD
    new_neighbourhood(target, slug, name, "qpv", commune)
