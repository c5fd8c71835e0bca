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
# The two neighbourhood skeletons: a kind whose neighbourhoods are presented together (`grouped`) starts
# with its identity only; any other with a placeholder portrait and projet de quartier.
NEIGHBOURHOOD_SKELETONS = ("neighbourhood/identity.yml", "neighbourhood/with-project.yml")

# What a new contract's folder is made of is listed in cdv.toolkit (ENTRIES), and shipped in the wheel.
TOOLKIT_ASSETS = "docs/assets"
# mkdocs.yml keys that name the toolkit's own territory, host or repository: rewritten or dropped.
_MKDOCS_DROPPED = ("site_url", "repo_url", "repo_name", "edit_uri")
# The neighbourhood a new contract starts with when none is named (a name of no real place in particular).
EXAMPLE_NEIGHBOURHOOD = "Montclair"


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


def _contract_data(root: Path) -> dict:
    contract_file = root / "contract" / "contract.yml"
    if not contract_file.is_file():
        raise UsageError(
            f"aucun projet trouvé (contract/contract.yml) dans {root} : lancez la commande dans le dossier "
            "du projet, ou donnez-le avec --path."
        )
    try:
        data = load_yaml_file(contract_file, "contract/contract.yml").data
    except YamlError as exc:
        raise UsageError(
            "contract/contract.yml illisible, corrigez-le d'abord (cdv validate) :\n"
            + "\n".join(e.format_text() for e in exc.errors)
        ) from None
    return data if isinstance(data, dict) else {}


def _territory_commune(contract: dict) -> str:
    commune = (contract.get("territory") or {}).get("commune")
    if not isinstance(commune, str) or not commune.strip():
        raise UsageError("contract/contract.yml ne donne pas territory.commune : donnez la commune du quartier.")
    return commune


def declared_kinds(contract: dict) -> list[dict]:
    """The kinds of neighbourhood the contract declares (shape.neighbourhood_kinds), in their order."""
    kinds = ((contract.get("shape") or {}).get("neighbourhood_kinds")) or []
    kinds = [k for k in kinds if isinstance(k, dict) and isinstance(k.get("id"), str)]
    if not kinds:
        raise UsageError(
            "contract/contract.yml ne déclare aucun type de quartier (shape.neighbourhood_kinds) : "
            "déclarez-les d'abord (cdv validate)."
        )
    return kinds


def _kind_of(contract: dict, kind: str | None) -> dict:
    """The declared kind named `kind`; by default the last one declared (the kinds go from the ones
    designated at signature to the ones a contract adds along its life)."""
    kinds = declared_kinds(contract)
    if kind is None:
        return kinds[-1]
    found = next((k for k in kinds if k["id"] == kind), None)
    if found is None:
        choices = ", ".join(f"« {k['id']} » ({k.get('singular', k['id']).lower()})" for k in kinds)
        raise UsageError(
            f"type de quartier « {kind} » invalide ; types déclarés dans contract/contract.yml "
            f"(shape.neighbourhood_kinds) : {choices}."
        )
    return found


def _neighbourhood_text(slug: str, name: str, kind: dict, commune: str) -> str:
    template = NEIGHBOURHOOD_SKELETONS[0] if kind.get("grouped") else NEIGHBOURHOOD_SKELETONS[1]
    return skeleton(
        template,
        slug=slug,
        name=name,
        of_name=de(name),
        commune=commune,
        kind=kind["id"],
        kind_singular=kind.get("singular") or kind["id"],
    )


def new_neighbourhood(root: Path, slug: str, name: str, kind: str | None = None, commune: str | None = None) -> Path:
    """Write `neighbourhoods/<slug>.yml`: a valid, canonical skeleton of a neighbourhood, and return its path.

    `kind` is one of the kinds contract.yml declares (shape.neighbourhood_kinds), by default the last one.
    A neighbourhood of a grouped kind gets its id, kind, name and commune; of any other kind, also a
    portrait holding only a placeholder (no figure is ever invented) and a projet de quartier with one
    placeholder priority, whose ids start with the slug. `commune` defaults to the contract's
    `territory.commune`. Raises UsageError (French message) on an invalid slug or kind, or when the file
    already exists.
    """
    root = Path(root)
    _check_slug(slug)
    contract = _contract_data(root)
    declared = _kind_of(contract, kind)
    _check_text(name, "nom du quartier")
    commune = _territory_commune(contract) if commune is None else _check_text(commune, "commune")
    folder = root / "neighbourhoods"
    target = folder / f"{slug}.yml"
    if target.exists() or (folder.is_dir() and any(p.name.lower() == target.name for p in folder.iterdir())):
        raise UsageError(
            f"neighbourhoods/{slug}.yml existe déjà : choisissez un autre identifiant, ou modifiez ce fichier."
        )
    rel = f"neighbourhoods/{slug}.yml"
    schema_dir = root / "schemas"
    text = canonical_text(_neighbourhood_text(slug, name, declared, commune), "neighbourhood", schema_dir, rel)
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


def _mkdocs_yml(
    text: str, site_name: str, site_description: str, site_author: str, docs: Path, unused: frozenset = frozenset()
) -> str:
    """The toolkit's mkdocs.yml for another territory: its names, no host or repository of the toolkit's,
    no hand-written page that was not copied (a section left empty goes too), and no generated section of
    `unused` (e.g. "cdv:common-base" for a contract without a common base). Comments are kept."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100000
    yaml.allow_unicode = True
    config = yaml.load(text)
    for key in _MKDOCS_DROPPED:
        config.pop(key, None)
    for position, (key, value) in enumerate(
        (("site_name", site_name), ("site_description", site_description), ("site_author", site_author))
    ):
        if key in config:
            config[key] = value
        else:
            config.insert(position, key, value)
    if isinstance(config.get("nav"), list):
        config["nav"] = _nav_of_copied_pages(config["nav"], docs, unused)
    out = io.StringIO()
    yaml.dump(config, out)
    return out.getvalue()


def _nav_of_copied_pages(items: list, docs: Path, unused: frozenset = frozenset()) -> list:
    """The navigation without the hand-written pages that are not in `docs`, nor the generated sections of
    `unused` (the other generated entries stay)."""
    kept = CommentedSeq()
    for item in items:
        if isinstance(item, dict):
            [(title, target)] = item.items()
            if isinstance(target, list):
                target = _nav_of_copied_pages(target, docs, unused)
                if not target:
                    continue
            elif target in unused or not _nav_target_exists(target, docs):
                continue
            entry = CommentedMap()
            entry[title] = target
            kept.append(entry)
        elif item not in unused and _nav_target_exists(item, docs):
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


# --- French words of a new territory ---------------------------------------------------------------------

# Common nouns a territory's name may open with, and the form "de" takes before each: "Contrat de ville
# de l'Agglomération de…", "…de la Communauté urbaine de…", "…du Grand…". Any other name is a proper noun:
# "d'" before a vowel ("d'Exempleville"), "de" otherwise. A title the rule gets wrong is corrected in
# contract.yml; nothing else is derived from it but the site's names.
_OPENING_NOUNS = {
    "de l'": ("agglomération", "eurométropole", "intercommunalité", "établissement", "île", "union"),
    "de la ": ("communauté", "métropole", "ville", "commune", "région", "vallée", "grande", "collectivité"),
    "du ": ("grand", "pays", "territoire", "val", "syndicat", "département", "bassin", "district"),
}
_VOWELS = frozenset("aeiouy")


def de(name: str) -> str:
    """ "de" followed by `name`, with French contraction and elision: "de Valmont", "d'Exempleville",
    "de l'Agglomération de Valmont", "du Grand Valmont", "des Tilleuls", "du Havre"."""
    first, _, rest = name.partition(" ")
    lower = first.lower()
    if rest and lower == "le":
        return f"du {rest}"
    if rest and lower == "les":
        return f"des {rest}"
    for form, nouns in _OPENING_NOUNS.items():
        if lower in nouns and rest:
            return f"{form}{name}"
    if _base_letter(name) in _VOWELS and not name.lower().startswith(("l'", "l’")):
        return f"d'{name}"
    return f"de {name}"


def _base_letter(text: str) -> str:
    """The first letter without its accent ("É" -> "e"), or "" if the text opens with no letter."""
    for char in unicodedata.normalize("NFD", text[:1]).lower():
        return char if char.isalpha() else ""
    return ""


def contract_title(territoire: str) -> str:
    return f"Contrat de ville {de(territoire)}"


_PERIOD = re.compile(r"^([0-9]{4})-([0-9]{4})$")


def parse_period(text: str) -> tuple[int, int]:
    """ "2024-2030" -> (2024, 2030); any other form, or an end not after the start, is a French UsageError."""
    found = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not found:
        raise UsageError(
            f"période « {text} » invalide : écrivez l'année de début et l'année de fin séparées par un "
            "tiret, AAAA-AAAA (ex. 2024-2030)."
        )
    start, end = int(found.group(1)), int(found.group(2))
    if end <= start:
        raise UsageError(
            f"période « {text} » invalide : l'année de fin ({end}) doit venir après l'année de début ({start})."
        )
    if start < 2000 or end > 2100:
        raise UsageError(f"période « {text} » invalide : les années vont de 2000 à 2100.")
    return start, end


# Words after which a French noun phrase's complement begins: "quartier|s de veille", "quartier|s en veille".
_COMPLEMENT = frozenset({"de", "du", "des", "d'", "en", "à", "au", "aux", "sous", "sur", "pour", "hors"})
# Ids kept for the kind of the national policy, whatever its spelling (the neighbourhoods' "qpv_code").
_QPV_NAMES = frozenset({"quartier-prioritaire", "quartier-prioritaire-de-la-politique-de-la-ville", "qpv"})


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower.endswith(("s", "x", "z")):
        return word
    if lower.endswith(("au", "eu")):
        return word + "x"
    if lower.endswith("al") and lower not in ("bal", "festival", "carnaval", "récital"):
        return word[:-2] + "aux"
    return word + "s"


def plural(phrase: str) -> str:
    """ "quartier prioritaire" -> "quartiers prioritaires", "quartier de veille" -> "quartiers de veille":
    the head noun and its adjectives take the plural, the complement does not."""
    words = phrase.split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        if word.lower() in _COMPLEMENT or word.lower().startswith(("d'", "d’")):
            return " ".join(out + words[i:])
        out.append(_plural_word(word))
    return " ".join(out)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def kind_of_type(type_name: str) -> dict:
    """The neighbourhood kind `cdv new contract --type` declares: {"id", "singular", "plural"}.
    "quartier prioritaire" -> id "qpv"; any other type, the slug of its words ("quartier-de-veille")."""
    type_name = " ".join(_check_text(type_name, "type de quartier").split())
    slug = _slugify(type_name)
    if not slug:
        raise UsageError(f"type de quartier « {type_name} » : donnez des mots (ex. « quartier de veille »).")
    return {
        "id": "qpv" if slug in _QPV_NAMES else slug,
        "singular": _capitalised(type_name),
        "plural": _capitalised(plural(type_name)),
    }


# --- the sources of a new contract -----------------------------------------------------------------------

# The sources of a new contract (each written from cdv/skeletons/<file>.j2) and their kinds.
CONTRACT_SKELETONS = (
    ("contract/contract.yml", "contract"),
    ("contract/articles/article-1.yml", "article"),
)
# Placeholders a new contract could start with. None: a draft needs no signatories yet (they are required
# once its status is "signed") and no common base (a contract that has one adds contract/objectives.yml and
# `common_base: true` in a part's includes). A skeleton listed here (rel, kind) is written from
# cdv/skeletons/<rel>.j2.
DRAFT_PLACEHOLDERS: tuple[tuple[str, str], ...] = ()
# The generated section of the site each placeholder feeds, dropped from mkdocs.yml without it.
_NAV_OF_PLACEHOLDER = {"contract/objectives.yml": "cdv:common-base", "contract/signatories.yml": "cdv:signatories"}


def _schema_requires(schema_dir: Path, kind: str, field: str) -> bool:
    schema = json.loads((schema_dir / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return field in schema.get("required", [])


def _contract_sources(values: dict) -> dict[str, tuple[str, str]]:
    return {rel: (skeleton(rel, **values), kind) for rel, kind in (*CONTRACT_SKELETONS, *DRAFT_PLACEHOLDERS)}


def new_contract(
    target: Path,
    territoire: str,
    periode: str,
    *,
    commune: str | None = None,
    epci: str | None = None,
    quartier: str | None = None,
    type_quartier: str = "quartier prioritaire",
) -> Path:
    """Write a minimal valid project for another territory in `target` (empty or missing); return it.

    The contract is titled "Contrat de ville de <territoire>" (with French elision), for the period
    "AAAA-AAAA" given; `commune` and `epci` default to the territory's name. Its shape declares one kind
    of neighbourhood built from `type_quartier`, and its first neighbourhood (`quartier`) is of that kind.
    The folder gets the toolkit's schemas, theme override, `macros.py`, a `mkdocs.yml` whose names are
    derived from the contract (cdv.shape.site_metadata), the generic home page and its assets, and placeholder
    sources: a draft contract with one article, and the common base and signatories the validation still
    requires of a draft (DRAFT_PLACEHOLDERS). `cdv validate`, `cdv fmt --check` and `cdv build` accept it as it is.
    Raises UsageError (French message) on a bad value, if the folder is not empty or the toolkit's files
    are missing.
    """
    territoire = _check_text(territoire, "territoire")
    start, end = parse_period(periode)
    commune = _check_text(commune, "commune") if commune is not None else territoire
    epci = _check_text(epci, "intercommunalité") if epci is not None else territoire
    quartier = _check_text(quartier, "nom du quartier") if quartier is not None else EXAMPLE_NEIGHBOURHOOD
    slug = _slugify(quartier)
    if not slug:
        raise UsageError(f"nom du quartier « {quartier} » : il faut au moins une lettre ou un chiffre.")
    kind = kind_of_type(type_quartier)
    target = Path(target)
    from .safety import check_new_folder

    check_new_folder(target)  # never inside a project's sources, docs/, schemas/ or .git
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} existe et n'est pas un dossier vide : choisissez un nouveau dossier.")
    toolkit = toolkit_root()
    existed = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    values = dict(
        title=contract_title(territoire),
        contract_id="contrat-de-ville-" + (_slugify(territoire) or "territoire"),
        start=start,
        end=end,
        commune=commune,
        epci=epci,
        author=epci,
        kind_id=kind["id"],
        kind_singular=kind["singular"],
        kind_plural=kind["plural"],
    )
    try:
        _write_contract(toolkit, target, values, (slug, quartier))
    except BaseException:
        # Leave the folder as it was found: missing, or empty.
        for child in target.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        if not existed:
            target.rmdir()
        raise
    return target


def copy_toolkit(toolkit: Path, target: Path) -> None:
    """Copy into the project `target` the toolkit's files it is built with: schemas, theme override,
    `macros.py`, the generic home page and its assets (everything of cdv.toolkit but mkdocs.yml, which
    names the territory)."""
    _copy_schemas(toolkit, target / "schemas")
    shutil.copytree(toolkit / "overrides", target / "overrides")
    shutil.copy2(toolkit / "macros.py", target / "macros.py")
    (target / "docs").mkdir(exist_ok=True)
    shutil.copy2(toolkit / "docs" / "index.md", target / "docs" / "index.md")
    shutil.copytree(toolkit / TOOLKIT_ASSETS, target / TOOLKIT_ASSETS)


def _write_contract(toolkit: Path, target: Path, values: dict, neighbourhood: tuple[str, str]) -> None:
    copy_toolkit(toolkit, target)

    values = dict(
        values,
        with_signature=_schema_requires(target / "schemas", "contract", "signature"),
        with_common_base=any(rel == "contract/objectives.yml" for rel, _ in DRAFT_PLACEHOLDERS),
    )
    for rel, (text, kind) in _contract_sources(values).items():
        _write(target, rel, text, kind)
    # The site's names come from the contract as written, by the same rule as the toolkit's own site.
    contract = _contract_data(target)
    written = {rel for rel, _ in DRAFT_PLACEHOLDERS}
    mkdocs = _mkdocs_yml(
        (toolkit / "mkdocs.yml").read_text(encoding="utf-8"),
        **site_metadata(contract),
        docs=target / "docs",
        unused=frozenset(nav for rel, nav in _NAV_OF_PLACEHOLDER.items() if rel not in written),
    )
    (target / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    slug, name = neighbourhood
    new_neighbourhood(target, slug, name, values["kind_id"], values["commune"])
