"""What the site says of itself: its downloads' format and size, the editors' edit link, its host and
publisher (the footer, the « Mentions légales » page) and the « Plan du site ».

Values are computed from what the build holds (the bytes of each file of the plan, the site's address,
its edit address, its expanded navigation), never typed: a fork that publishes elsewhere gets its own.
The words are cdv.labels'; the adapter (cdv.mkdocs_plugin) only hands these values to MkDocs.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from .labels import EDIT_LINK, FILE_FORMATS, FOOTER_LINKS, ONE_BYTE, SIZE_UNITS
from .text import NBSP, fr_number, title_html

# --- downloads ---------------------------------------------------------------------------------------


def size_text(size: int) -> str:
    """A file's size as a reader reads it: "512 octets", "621 Ko", "1,4 Mo", "12 Mo" (decimal units, the
    number rounded to the nearest, one decimal below 10 Mo, a non-breaking space before the unit)."""
    if size < 0:
        raise ValueError(f"negative size: {size}")
    if size < 1000:
        return f"{size}{NBSP}{ONE_BYTE if size == 1 else SIZE_UNITS[0]}"
    for power, unit in enumerate(SIZE_UNITS[1:], 1):
        value = size / 1000**power
        last = power == len(SIZE_UNITS) - 1
        # Kilo-octets in whole numbers; above, one decimal while the number is small (1,4 Mo).
        decimals = 1 if power > 1 and value < 9.95 else 0
        shown = math.floor(value * 10**decimals + 0.5) / 10**decimals
        if shown < 1000 or last:
            number = fr_number(int(shown)) if decimals == 0 or shown == int(shown) else fr_number(shown)
            return f"{number}{NBSP}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def file_format(path: str) -> str | None:
    """A download's format from its name ("PDF"), None for what is not a download (a page, an image)."""
    return FILE_FORMATS.get(posixpath.splitext(path)[1].lstrip(".").lower())


def download_label(path: str, content: str | bytes) -> str:
    """ "PDF – 621 Ko": the format and the size of the file the site serves at `path` (its bytes)."""
    size = len(content.encode("utf-8") if isinstance(content, str) else content)
    return f"{file_format(path)}{NBSP}– {size_text(size)}"


def download_labels(files: Mapping[str, str | bytes]) -> dict[str, str]:
    """The label of every download among the site's files (path -> "PDF – 621 Ko")."""
    return {path: download_label(path, content) for path, content in files.items() if file_format(path)}


_DOWNLOADS: ContextVar[Mapping[str, str] | None] = ContextVar("cdv_downloads", default=None)


@contextmanager
def downloads(labels: Mapping[str, str]) -> Iterator[None]:
    """Inside this block, `download(path)` gives the label computed from the site's files."""
    token = _DOWNLOADS.set(labels)
    try:
        yield
    finally:
        _DOWNLOADS.reset(token)


def download(path: str) -> Markup:
    """The label of the site's file at `path` ("PDF – 621 Ko"), as markup for a page (its non-breaking
    spaces kept); its format alone when its bytes are not known (a page rendered outside a site build):
    never a size that was not measured."""
    labels = _DOWNLOADS.get() or {}
    fmt = file_format(path)
    if fmt is None:
        raise ValueError(f"not a download: {path}")
    return Markup.escape(labels.get(path, fmt))


# --- the edit link, the repository -------------------------------------------------------------------

_FORGES = {"github.com": "GitHub", "gitlab.com": "GitLab", "codeberg.org": "Codeberg"}


def forge_name(url: str | None) -> str | None:
    """The forge an address is on, as its users name it ("GitHub"); its host name for another one."""
    host = (urlsplit(url).hostname or "") if url else ""
    if not host:
        return None
    return _FORGES.get(host.removeprefix("www."), host)


def edit_label(edit_uri: str | None) -> str:
    """ "Proposer une modification (GitHub)": what an editor follows to change a page's source."""
    forge = forge_name(edit_uri)
    return f"{EDIT_LINK} ({forge})" if forge else EDIT_LINK


def repository_url(edit_uri: str | None) -> str | None:
    """The repository an absolute edit address points into (…/owner/name/edit/main/docs/ → …/owner/name),
    None if it does not say (a relative edit address, another form)."""
    if not edit_uri or not edit_uri.startswith("https://"):
        return None
    match = re.match(r"^(https://[^/]+/.+?)(?:/-)?/edit/", edit_uri)
    return match.group(1) if match else None


# --- the host ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Host:
    name: str
    address: str | None = None
    url: str | None = None
    # What the host says it records of each visit (its own statement), shown on « Mentions légales ».
    logs: str | None = None


# Hosts a site's address names by itself: facts published by the host, never a territory's.
_KNOWN_HOSTS = (
    (
        ".github.io",
        Host(
            "GitHub Pages, service de GitHub, Inc.",
            "88 Colin P. Kelly Jr. Street, San Francisco, Californie 94107, États-Unis",
            "https://pages.github.com/",
            "Comme l'indique GitHub, l'adresse IP de chaque visiteur d'un site GitHub Pages est enregistrée "
            "par GitHub pour la sécurité de son service ; l'éditeur de ce site n'y a pas accès.",
        ),
    ),
)


def site_host(site_url: str | None, given: Mapping | None = None) -> Host | None:
    """Who hosts the site: what mkdocs.yml `extra.host` says (name, address, url), else what its address
    says by itself (a *.github.io address is GitHub Pages), else None (unknown: nothing is guessed)."""
    if given and given.get("name"):
        return Host(str(given["name"]), given.get("address"), given.get("url"), given.get("logs"))
    host = (urlsplit(site_url).hostname or "") if site_url else ""
    return next((known for suffix, known in _KNOWN_HOSTS if host.endswith(suffix)), None)


# The free software the site is made with (the footer, « Mentions légales »): cdv is named with its
# sources where the configuration gives them (repository_url).
SOFTWARE = (
    ("MkDocs", "https://www.mkdocs.org/"),
    ("Material for MkDocs", "https://squidfunk.github.io/mkdocs-material/"),
)

# What a visit leaves in the reader's browser, as « Mentions légales » says it: Material's own settings
# (its key, without the site's path Material puts before it; where it is kept; what it holds). cdv.js
# keeps nothing. tests/test_browser_chrome.py compares it with what Chromium holds after every page.
STORED: tuple[tuple[str, str, str], ...] = (
    (
        "__palette",
        "Dans le stockage local du navigateur",
        "les couleurs d'affichage du site, que le thème relit à chaque page",
    ),
    (
        "__outdated",
        "Dans le stockage de session, effacé à la fermeture de l'onglet",
        "sur un site qui publie plusieurs versions du contrat, si la version affichée est remplacée",
    ),
)

# --- the footer --------------------------------------------------------------------------------------

# Where each page the footer links to stands in docs/ (the words are labels.FOOTER_LINKS').
FOOTER_PAGES = {
    "legal": "mentions-legales.md",
    "accessibility": "accessibilite.md",
    "site-map": "plan-du-site.md",
    "contact": "contact.md",
}


def footer_links(url_of) -> list[dict[str, str]]:
    """The footer's links to the pages the site has: `url_of(path)` gives a page's URL, None if absent."""
    out = []
    for key, label in FOOTER_LINKS.items():
        url = url_of(FOOTER_PAGES[key])
        if url is not None:
            out.append({"label": label, "url": url})
    return out


# --- the plan du site --------------------------------------------------------------------------------


def site_map_markdown(nav, here: str, title_of, href_of) -> str:
    """Every page of a navigation (MkDocs's form, its `cdv:` markers expanded), by section: each top-level
    section a heading, the pages under it a nested list. `title_of(path)` names a page the navigation
    gives without a title; `href_of(path)` is its link from the page `here`."""

    def label(title) -> Markup:
        return title if isinstance(title, Markup) else title_html(title)

    def link(title, target: str, heading: bool = False) -> str:
        href = target if re.match(r"^[a-z][a-z0-9+.-]*:", target) else href_of(target)
        # A heading's link is styled as a link (cdv.css): a heading alone does not look like one.
        css = ' class="cdv-site-map-link"' if heading else ""
        return f'<a href="{Markup.escape(href)}"{css}>{label(title)}</a>'

    def entries(items, depth: int) -> list[str]:
        lines = []
        indent = "    " * depth
        for item in items:
            if isinstance(item, str):
                lines.append(f"{indent}- {link(title_of(item), item)}")
                continue
            for title, target in item.items():
                if isinstance(target, str):
                    lines.append(f"{indent}- {link(title, target)}")
                else:
                    lines.append(f"{indent}- {label(title)}")
                    lines += entries(target, depth + 1)
        return lines

    out: list[str] = []
    for item in nav:
        # Each top-level entry is a heading, a page as well as a section: a page after a section's list
        # never reads as part of it.
        if isinstance(item, str):
            out += ["", f"## {link(title_of(item), item, heading=True)}"]
            continue
        for title, target in item.items():
            if isinstance(target, str):
                out += ["", f"## {link(title, target, heading=True)}"]
                continue
            # A section's index page (navigation.indexes) is its heading's link.
            index = target[0] if target and isinstance(target[0], str) else None
            heading = link(title, index, heading=True) if index else label(title)
            out += ["", f"## {heading}", "", *entries(target[1:] if index else target, 0)]
    return "\n".join(out).lstrip("\n") + "\n"


def nav_paths(nav) -> Iterator[str]:
    """Every page path of a navigation, in order."""
    for item in nav or []:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for target in item.values():
                yield from [target] if isinstance(target, str) else nav_paths(target)


def document_title(file: Path) -> str | None:
    """A hand-written page's title: its front matter `title`, else its first heading."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    front = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if front:
        found = re.search(r"^title:\s*(.+?)\s*$", front.group(1), re.M)
        if found:
            return found.group(1).strip("\"'")
    heading = re.search(r"^# (.+?)\s*$", text, re.M)
    return heading.group(1) if heading else None
