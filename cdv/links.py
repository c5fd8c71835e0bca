"""Links and remote resources in contributor text: what `cdv validate` refuses.

Contributor text may link only to https: and mailto: addresses and to the site's own pages
([texte](contrat/article-13.md#ancre), checked against the pages and anchors the build makes: see the end
of this module), with the inline form [texte](adresse) that cdv.text renders. Anything Markdown, a browser or a feed reader could turn into another link or a
remote resource (javascript:, http:, //host, data:, a space before the scheme, entities in the scheme, a
label that closes the link, nested brackets, reference definitions, autolinks, images) is an error naming
the file, line, column and field, never silently stripped. Rendering makes all of it inert as well
(cdv.text.to_html): the check says what the editor must fix.

HTML in the text is not refused: it is shown exactly as typed, like any other character (an editor may
quote "<b>" or write "a < b"), and never becomes an element: see cdv.text.to_html.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .errors import SourceError
from .text import _INLINE, allowed_link, page_link
from .yamlload import _pointer_text

ALLOWED = (
    "seuls les liens https://…, mailto:… et vers une page du site sont acceptés, sous la forme "
    "[texte](https://adresse) ou [texte](contrat/article-1.md)"
)
PAGE_FORM = (
    "pour une page du site, écrivez son chemin depuis la racine du site, terminé par .md, "
    "par exemple [l'article 1](contrat/article-1.md) ou [le glossaire](glossaire.md#qpv)"
)
_AUTOLINK = re.compile(r"<\s*([a-z][a-z0-9+.\-]*:[^\s<>]*)>", re.I)
_REFERENCE = re.compile(r"(?<!\*)\[[^\[\]]*\]:\s*<?([^\s>]*)")
_IMAGE = re.compile(r"!\[[^\]]*\]\s*[(\[]")


def _clean(target: str) -> str:
    """The address a browser would follow: entities decoded, spaces and controls dropped."""
    decoded = html.unescape(html.unescape(target))
    return "".join(c for c in decoded if c.isprintable() and not c.isspace())


def _why(target: str) -> str:
    clean = _clean(target).lower()
    shown = target.strip()[:80]
    if not clean:
        return "lien sans adresse : " + ALLOWED
    if clean.startswith("http:"):
        return f"lien non chiffré « {shown} » : écrivez https:// au lieu de http://"
    if clean.startswith("//"):
        return f"lien « {shown} » sans protocole : écrivez l'adresse complète, https://…"
    scheme = re.match(r"([a-z][a-z0-9+.\-]*):", clean)
    if scheme and scheme.group(1) not in ("https", "mailto"):
        return f"lien « {shown} » refusé (protocole « {scheme.group(1)}: ») : " + ALLOWED
    if target != target.strip() or target != _clean(target):
        return f"adresse de lien « {shown} » avec des espaces ou des entités HTML : " + ALLOWED
    if clean.startswith("/"):
        return f"adresse de lien « {shown} » refusée (chemin absolu, commençant par « / ») : " + PAGE_FORM
    if clean.startswith("#"):
        return (
            f"adresse de lien « {shown} » refusée (ancre seule : le texte peut paraître sur plusieurs pages "
            "et dans le PDF) : " + PAGE_FORM
        )
    if "../" in clean or clean.startswith("./") or "/./" in clean:
        return f"adresse de lien « {shown} » refusée (chemin avec « ./ » ou « ../ ») : " + PAGE_FORM
    path = re.sub(r"[).,;:!?]+$", "", clean.split("#")[0].split("?")[0])  # the sentence's own ")." is not the path
    if re.search(r"\.ya?ml$", path):
        return f"adresse de lien « {shown} » refusée : c'est un fichier source, pas une page du site ; " + PAGE_FORM
    if re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", path) and not path.endswith(".md"):
        return f"adresse de lien « {shown} » refusée (il manque « .md » au chemin de la page) : " + PAGE_FORM
    return f"adresse de lien « {shown} » refusée : " + ALLOWED


def inline_problems(text: str) -> list[tuple[int, str]]:
    """(offset, French message) for every link or remote resource of `text` that is not allowed."""
    if "[" not in text and "]" not in text and "<" not in text:
        return []  # every form below needs one of these: most texts of the contract are skipped at once
    problems: list[tuple[int, str]] = []
    made = set()  # offsets of "](" that belong to a link cdv.text renders
    pos = 0
    while (match := _INLINE.search(text, pos)) is not None:
        if (
            match.group("link")
            and (allowed_link(match.group("href")) or page_link(match.group("href")))
            and not text[: match.start()].endswith("!")
        ):
            made.add(match.start("label") + len(match.group("label")))
            pos = match.end()
        else:
            pos = match.start() + 1
    images = []
    for match in _IMAGE.finditer(text):
        images.append(range(match.start(), match.end()))
        problems.append(
            (
                match.start(),
                "image dans le texte : les images ne sont pas acceptées (le site ne charge "
                "aucune ressource extérieure) ; " + ALLOWED,
            )
        )
    for match in re.finditer(r"\]\s*\(", text):
        if match.start() in made or any(match.start() in image for image in images):
            continue
        target = re.match(r"\s*<?([^\s>]*)", text[match.end() :]).group(1)
        while target.endswith(")") and target.count(")") > target.count("("):
            target = target[:-1]
        spaced = text[match.end() : match.end() + 1].isspace() or match.group() != "]("
        if target and (allowed_link(target) or page_link(target)) and not spaced:
            message = (
                f"lien mal formé vers « {target[:80]} » : écrivez [texte](adresse), sans crochet dans le "
                "texte du lien ni espace, guillemet ou crochet dans l'adresse"
            )
        elif spaced and target and (allowed_link(target) or page_link(target)):
            message = f"lien mal formé : pas d'espace entre « ] », « ( » et l'adresse « {target[:80]} »"
        else:
            message = _why(target)
        problems.append((match.start(), message))
    for match in _REFERENCE.finditer(text):
        if not allowed_link(_clean(match.group(1))) or match.group(1) != _clean(match.group(1)):
            problems.append((match.start(), "définition de lien de référence : " + _why(match.group(1))))
    for match in _AUTOLINK.finditer(text):
        if not allowed_link(match.group(1)):
            problems.append((match.start(), "lien automatique <…> : " + _why(match.group(1))))
    seen, out = set(), []
    for offset, message in sorted(problems):
        if offset not in seen:
            seen.add(offset)
            out.append((offset, message))
    return out


def _link_texts(source) -> list[tuple[tuple, str]]:
    """(pointer, text) of each string of a file holding « [ », « ] » or « < », in document order: every
    form either check looks at needs one. Read from the loader's record of every scalar's text (a string
    value is its text; a number, true/false or null holds none of these), not by walking the tree again."""
    return [(p, v) for p, v in source.loaded.scalar_text.items() if "[" in v or "]" in v or "<" in v]


def _field(pointer: tuple) -> str:
    names = [str(p) for p in pointer if not isinstance(p, int)]
    return names[-1] if names else "document"


def link_errors(files, root: Path) -> list[SourceError]:
    """Every refused link or resource in every string of every loaded source file."""
    errors = []
    for source in files:
        text = None
        for pointer, value in _link_texts(source):
            problems = inline_problems(value)
            if not problems:
                continue
            if text is None:
                try:
                    text = (Path(root) / source.rel).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    text = ""
            start = source.loaded.mark(pointer)
            for offset, message in problems:
                line, column = _locate(text, start, value, offset)
                errors.append(
                    SourceError(
                        source.rel, line, column, _pointer_text(pointer), f"champ « {_field(pointer)} » : {message}."
                    )
                )
    return errors


def _locate(text: str, start: tuple[int, int], value: str, offset: int) -> tuple[int, int]:
    """Line and column of value[offset] in the file: the value starts at `start`; its characters are found
    in the file from there (a folded or escaped scalar may differ: then the value's own start is given)."""
    lines = text.split("\n")
    if not text or start[0] - 1 >= len(lines):
        return start
    index = sum(len(line) + 1 for line in lines[: start[0] - 1]) + start[1] - 1
    needle = re.match(r"\S{1,24}", value[offset:])
    if needle is None:
        return start
    found = text.find(needle.group(), index, index + 4 * len(value) + 200)
    if found < 0:
        return start
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


# --- links to the site's own pages ------------------------------------------------------------------
#
# [texte](contrat/article-13.md#anchor) links a page of the site. `cdv validate` checks that the page will
# exist (a page generated from the corpus, or a markdown file of docs/) and that the anchor will be an id
# of that page, computed from what the page will really contain: the generated markdown run through the
# markdown extensions of mkdocs.yml (ids the templates write, heading slugs made by `toc`).


def _page_links(text: str) -> list[tuple[int, str, str, str | None]]:
    """(offset, target, path, anchor) of each link to a page of the site that cdv.text renders."""
    if "[" not in text:
        return []
    found, pos = [], 0
    while (match := _INLINE.search(text, pos)) is not None:
        internal = page_link(match.group("href")) if match.group("link") else None
        if internal and not text[: match.start()].endswith("!"):
            found.append((match.start("href"), match.group("href"), *internal))
            pos = match.end()
        else:
            pos = match.start() + 1
    return found


def _mkdocs_markdown(root: Path):
    """A Markdown converter with the extensions MkDocs uses for this site (mkdocs.yml and MkDocs's own)."""
    import markdown
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !!python/name:… and the like
    try:
        config = yaml.load((Path(root) / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        config = {}
    names, configs = ["toc", "tables", "fenced_code"], {}
    for entry in config.get("markdown_extensions") or []:
        name, options = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            configs[name] = options
    try:
        return markdown.Markdown(extensions=names, extension_configs=configs), config
    except Exception:  # an extension this checker cannot load: MkDocs's default slugs still hold
        return markdown.Markdown(extensions=["toc", "tables", "md_in_html", "attr_list"]), config


_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")


def _ids(converter, markdown_text: str) -> set[str]:
    converter.reset()
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown_text, flags=re.S)
    return {html.unescape(a or b) for a, b in _ID.findall(converter.convert(body))}


def site_anchors(corpus, root: Path, wanted=None) -> dict[str, set[str] | None]:
    """Every page of the site that will be built (path inside docs/) and the ids it will hold; None where
    its content is not known before the build ("Ce qui change": it depends on the version in force).
    With `wanted` (paths), only those pages are converted to find their ids: the others are listed."""
    from .pages import build_pages, page_path

    converter, config = _mkdocs_markdown(root)
    anchors: dict[str, set[str] | None] = {}
    for page in build_pages(corpus):
        anchors[page.path] = _ids(converter, page.markdown) if wanted is None or page.path in wanted else set()
    anchors[page_path("changes")] = None
    docs = Path(root) / str(config.get("docs_dir") or "docs")
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        rel = path.relative_to(docs).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        # A page rendered by mkdocs-macros: a heading made by a template cannot be known here.
        text = "\n".join(line for line in text.split("\n") if "{{" not in line and "{%" not in line)
        anchors.setdefault(rel, _ids(converter, text) if wanted is None or rel in wanted else set())
    return anchors


def _closest(word: str, choices, count: int = 5) -> list[str]:
    import difflib

    choices = sorted(choices)
    return difflib.get_close_matches(word, choices, n=count, cutoff=0.4) or choices[:count]


def page_links_of(source) -> list[tuple[tuple, str, list]]:
    """(pointer, text, links) of each text of one file that links to a page of the site."""
    return [(pointer, value, links) for pointer, value in _link_texts(source) if (links := _page_links(value))]


def page_link_errors(files, root: Path, corpus_of, found=None) -> list[SourceError]:
    """Every link to a page of the site whose page or anchor will not exist. `corpus_of(files)` gives the
    corpus; pages are generated only when some text links to a page. `found`: the (source, pointer, text,
    links) of `files`, when already gathered file by file (page_links_of)."""
    if found is None:
        found = [(source, *link) for source in files for link in page_links_of(source)]
    if not found:
        return []
    wanted = {path for *_, links in found for _, _, path, anchor in links if anchor is not None}
    anchors = site_anchors(corpus_of(files), root, wanted)
    errors, texts = [], {}
    for source, pointer, value, links in found:
        for offset, target, path, anchor in links:
            if path not in anchors:
                message = f"le lien « {target} » vise une page qui n'existe pas : pages proches : " + ", ".join(
                    _closest(path, anchors)
                )
            elif anchor is not None and anchor not in (anchors[path] or set()):
                ids = anchors[path] or set()
                listed = ", ".join("#" + a for a in _closest(anchor, ids)) if ids else "aucune"
                message = (
                    f"l'ancre « #{anchor} » n'existe pas sur la page « {path} » ; ancres de cette page : "
                    f"{listed} (les plus proches)"
                )
            else:
                continue
            if source.rel not in texts:
                try:
                    texts[source.rel] = (Path(root) / source.rel).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    texts[source.rel] = ""
            line, column = _locate(texts[source.rel], source.loaded.mark(pointer), value, offset)
            errors.append(
                SourceError(
                    source.rel, line, column, _pointer_text(pointer), f"champ « {_field(pointer)} » : {message}."
                )
            )
    return errors
