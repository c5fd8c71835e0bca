"""The site of one version of the contract, as a plan any static site generator can publish.

`plan_site(root)` computes everything the site holds beyond the hand-written pages of docs/: the
generated pages (path inside docs/ -> markdown, with the YAML file each comes from), the other files
(open data, the feed of versions, the PDF), the navigation sections of the `cdv:` markers, the glossary's
abbreviations and the values the theme's templates read (the announcement bar). "Ce qui change" (the
version in force against these sources, read from git history) is computed here too.

An adapter (cdv.mkdocs_plugin for MkDocs) only maps the plan onto its generator's objects: no corpus,
git or French word is handled there. A page is added in cdv.pages (its template and its entry in
`page_specs`); a file of the site in `_files` below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import Corpus, load_corpus_cached
from .labels import LEGAL_TITLE, SITE_MAP_INTRO, SITE_MAP_OTHERS, SITE_MAP_TITLE, STATUS_IN_FORCE
from .pages import (
    Page,
    abbreviations,
    build_pages,
    changes_page,
    expand_nav,
    glossary_links,
    navigation,
    page_path,
    page_specs,
)
from .search import help_links
from .signature import dated
from .text import figures
from .versions import DRAFT_ALIAS, IN_FORCE_ALIAS


@dataclass(frozen=True)
class SitePlan:
    corpus: Corpus
    pages: tuple[Page, ...]  # generated pages, in reading order
    files: dict[str, str | bytes]  # other files of the site by path (open data, feed, PDF)
    sections: dict[str, Any]  # the navigation section of each `cdv:` marker
    abbreviations: dict[str, str]  # acronym -> expansion, explained on hover on every page
    # acronym -> its glossary entry ("glossaire.md#qpv"): the first occurrence on a page links there
    glossary_links: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # values the theme's templates read

    def nav(self, nav, config_file: str | None = None):
        """A navigation (MkDocs's `nav` form) with its `cdv:` markers replaced by the generated sections;
        an unknown marker is an error located in `config_file` (mkdocs.yml)."""
        return expand_nav(nav, self.sections, config_file)

    def site_map(self, nav, docs_dir: Path, directory_urls: bool = True) -> Page | None:
        """The « Plan du site » of an expanded navigation (`plan.nav(...)`), None if the navigation does not
        hold it (no `cdv:site-map` marker): every page by section, named as the navigation names it."""
        from .siteinfo import nav_paths

        if page_path("site-map") not in nav_paths(nav):
            return None
        return site_map_page(self, nav, Path(docs_dir), directory_urls)

    def source_of(self, path: str) -> str | None:
        """The YAML file (relative to the project) a generated page is made from, None if none or not ours."""
        return next((page.source for page in self.pages if page.path == path), None)


def plan_site(
    root: Path,
    *,
    pdf: str | None = None,
    feed: str | None = "versions.xml",
    site_url: str = "",
    directory_urls: bool = True,
    host: dict | None = None,
) -> SitePlan:
    """The plan of the site built from the sources at `root` (validated: InvalidSources if they are not).

    pdf: the PDF's path in the site, None for a site without it (the live preview, quick builds);
    feed: the feed's path, None for none; site_url: the public address the feed links to;
    directory_urls: the URL style of the generator (quartiers/x/ or quartiers/x.html); host: who hosts
    the site when its address does not say it (mkdocs.yml `extra.host`: name, address, url)."""
    root = Path(root).resolve()
    corpus = load_corpus_cached(root)
    with figures(corpus.figures):  # the [[figures]] its texts cite (cdv.text)
        return _plan(corpus, pdf, feed, site_url, directory_urls, host)


def _plan(
    corpus: Corpus, pdf: str | None, feed: str | None, site_url: str, directory_urls: bool, host: dict | None
) -> SitePlan:
    from .siteinfo import download_labels, downloads

    avenant = amendment_download(corpus, pdf)
    # The files first: every link to one says its format and size, measured on these bytes (the PDFs
    # are made in memory; nothing is written before the whole plan is).
    files = _files(corpus, pdf=pdf, feed=feed, site_url=site_url, avenant=avenant)
    labels = download_labels(files)
    with downloads(labels):
        pages = build_pages(
            corpus,
            whats_changing(corpus, directory_urls),
            pdf=pdf,
            directory_urls=directory_urls,
            amendment_pdf=avenant.path if avenant else None,
        )
        pages.append(legal_page(corpus, site_url, host, directory_urls))
    return SitePlan(
        corpus=corpus,
        pages=tuple(pages),
        files=files,
        sections=navigation(corpus),
        abbreviations=abbreviations(corpus),
        glossary_links=glossary_links(corpus),
        # The pages the search's « aucun résultat » hint links to (cdv.search).
        extra={
            **announcement(corpus, feed, avenant, labels, pdf),
            **footer(corpus),
            "search_help": help_links(pages, directory_urls),
        },
    )


def footer(corpus: Corpus) -> dict[str, Any]:
    """What the footer of every page says (overrides/partials/copyright.html): who publishes the site and
    with which free software, in cdv.labels' words."""
    from .labels import FOOTER
    from .siteinfo import SOFTWARE
    from .text import md

    return {"publisher": md(corpus.contract["author"], line_start=False), "footer_words": FOOTER, "software": SOFTWARE}


def legal_page(corpus: Corpus, site_url: str, host: dict | None, directory_urls: bool = True) -> Page:
    """« Mentions légales »: who publishes the site (contract.yml `author`), who hosts it (cdv.siteinfo),
    and what it keeps of a visit: nothing, as tests/test_browser_chrome.py checks page by page."""
    from markupsafe import Markup

    from .pages import PageSpec, render_page
    from .siteinfo import SOFTWARE, STORED, site_host

    spec = PageSpec(
        "legal.md.j2",
        page_path("legal"),
        LEGAL_TITLE,
        corpus.source(corpus.contract),
        context={
            "host": site_host(site_url, host),
            "SOFTWARE": SOFTWARE,
            # Our own sentences, as markup: their non-breaking spaces kept (cdv.text.md would fold them).
            "stored": [(key, Markup.escape(where), Markup.escape(what)) for key, where, what in STORED],
        },
    )
    return render_page(corpus, spec, directory_urls=directory_urls)


def site_map_page(plan: SitePlan, nav, docs_dir: Path, directory_urls: bool = True) -> Page:
    """The « Plan du site » page: every page of `nav`, each named as the navigation names it, else by its
    generated title, else by its own (front matter `title`, first heading)."""
    from .pages import front_matter, relative_page_href
    from .siteinfo import document_title, nav_paths, site_map_markdown

    here = page_path("site-map")
    titles = {page.path: page.title for page in plan.pages}

    def title_of(path: str) -> str:
        return titles.get(path) or document_title(docs_dir / path) or path

    def href_of(path: str) -> str:
        return relative_page_href(path, None, here, directory_urls)

    body = site_map_markdown(nav, here, title_of, href_of)
    # Generated pages the navigation leaves out (reached from another page): listed too, in reading order.
    listed = set(nav_paths(nav))
    others = [{page.title: page.path} for page in plan.pages if page.path not in listed and page.path != here]
    if others:
        body += "\n" + site_map_markdown([{SITE_MAP_OTHERS: others}], here, title_of, href_of)
    intro = f"# {SITE_MAP_TITLE}\n\n{SITE_MAP_INTRO}\n\n"
    # No source: made from the navigation, no YAML file to propose a change to. (cdv.pages is checked
    # without strict optional, so its Page reads `str | None` as str.)
    return Page(here, SITE_MAP_TITLE, front_matter(SITE_MAP_TITLE) + intro + body, None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AmendmentDownload:
    """The avenant PDF the site ships beside the contract's: the avenant that establishes the version being
    built (signed, or its draft), compared with the published version it amends."""

    path: str  # in the site: avenant-<n>.pdf beside the contract's PDF
    record: dict
    base_commit: str

    @property
    def label(self) -> str:
        number = self.record["number"]
        if self.record["status"] == "signed":
            return f"Télécharger l'avenant n° {number} (PDF)"
        return f"Télécharger le projet d'avenant n° {number} (PDF)"


def amendment_download(corpus: Corpus, pdf: str | None) -> AmendmentDownload | None:
    """None for a site without PDF, a version no avenant establishes, or a base version that was never
    published (no tag, nothing mike recorded): there is then no signed text to amend from."""
    import posixpath

    from .versions import published_versions

    record = corpus.amendment_for(corpus.contract["version"])
    if not pdf or record is None:
        return None
    base = next(
        (s for s in published_versions(corpus.root) if s.version == record["base"] and s.status == "signed"), None
    )
    if base is None:
        return None
    path = posixpath.join(posixpath.dirname(pdf), f"avenant-{record['number']}.pdf")
    return AmendmentDownload(path, record, base.commit)


def whats_changing(corpus: Corpus, directory_urls: bool = True) -> Page:
    """ "Ce qui change": the sources being built against the version in force (the last published signed
    version: cdv.versions), both named by their commits. When the sources are that version (its tag, or
    later routine commits of it), the page keeps what it changed from the published version before it; the
    first version is compared with itself as published. Without a published version, the page says there
    is nothing to compare yet."""
    from .diff import compare, load_version
    from .provenance import head_commit
    from .versions import in_force, published_before

    state = in_force(corpus.root)
    if state is None:
        return changes_page(corpus, None, None)
    base, role = state, "la version en vigueur"
    if corpus.contract["version"] == state.version:
        before = published_before(corpus.root, state.version)
        if before is not None:
            base, role = before, "la version précédente"
    baseline, _ = load_version(base.commit, corpus.root)
    diff = compare(baseline, corpus, base.title, corpus.contract["version"])
    return changes_page(
        corpus,
        diff,
        base.title,
        base_role=role,
        base_commit=base.commit,
        sources_commit=head_commit(corpus.root),
        directory_urls=directory_urls,
    )


def announcement(
    corpus: Corpus,
    feed: str | None,
    avenant: AmendmentDownload | None = None,
    labels: dict[str, str] | None = None,
    pdf: str | None = None,
) -> dict[str, str]:
    """What every page says of itself (announcement bar, feed link): its version, status and date; the
    downloads with their format and size when `labels` (cdv.siteinfo.download_labels) gives them."""
    contract = corpus.contract
    labels = labels or {}

    def sized(label: str, path: str | None) -> str:
        # "Télécharger le contrat (PDF)" -> "Télécharger le contrat (PDF – 621 Ko)"
        return label.replace("(PDF)", f"({labels[path]})") if path in labels else label

    values = {
        "version": contract["version"],
        "status": STATUS_IN_FORCE[contract["status"]],
        # The date of what every page shows; portraits also give the years of their figures.
        "dated": dated(corpus),
        # The download link says what the PDF is: the contract, or a draft of it.
        "pdf_label": sized(
            "Télécharger le contrat (PDF)" if contract["status"] == "signed" else "Télécharger le projet (PDF)", pdf
        ),
    }
    if feed:
        values["feed"] = feed
    # The aliases cdv publish gives mike: the pages read versions.json for them (cdv.js).
    values["in_force_alias"] = IN_FORCE_ALIAS
    values["draft_alias"] = DRAFT_ALIAS
    if avenant is not None:  # beside the contract's: the avenant that makes this version
        values["amendment_pdf"] = avenant.path
        values["amendment_pdf_label"] = sized(avenant.label, avenant.path)
    return values


def _files(
    corpus: Corpus, *, pdf: str | None, feed: str | None, site_url: str, avenant: AmendmentDownload | None = None
) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(open_data(corpus))
    if pdf:
        files[pdf] = contract_pdf(corpus)
    if avenant is not None:
        files[avenant.path] = amendment_pdf(corpus, avenant)
    if pdf:  # each annual report's PDF beside its page (cdv.report)
        files.update(report_pdfs(corpus))
    if feed:
        from .feed import feed_xml

        enclosure = (avenant.path, len(files[avenant.path])) if avenant is not None else None
        files[feed] = feed_xml(corpus.root, site_url, corpus, amendment_pdf=enclosure)
    return files


def open_data(corpus: Corpus) -> dict[str, str]:
    """The version's open data, as files of the site (so that links to them are checked)."""
    from .opendata import actions_csv, bundle_json, indicators_csv, measures_csv, priorities_csv

    schema_dir = corpus.root / "schemas"
    data = {
        "donnees/contrat.json": bundle_json(corpus),
        "donnees/indicateurs.csv": indicators_csv(corpus),
        "donnees/priorites.csv": priorities_csv(corpus),
        "donnees/actions.csv": actions_csv(corpus),
        "donnees/mesures.csv": measures_csv(corpus),
    }
    names = sorted(p.name for p in schema_dir.glob("*.schema.json"))
    for name in names:
        data[f"donnees/schemas/{name}"] = (schema_dir / name).read_text(encoding="utf-8")
    data["donnees/schemas/index.json"] = json.dumps(names, indent=1) + "\n"
    return data


def contract_pdf(corpus: Corpus) -> bytes:
    """The contract's PDF. Written in a temporary folder (removed at once, at exit if this fails, or by the
    next cdv if this one is killed) and kept in memory until the site is written."""
    from .pdf import write_pdf
    from .safety import TemporaryFolder

    with TemporaryFolder("cdv-pdf-") as folder:
        return write_pdf(corpus.root, Path(folder) / "contrat.pdf", corpus=corpus).read_bytes()


def amendment_pdf(corpus: Corpus, avenant: AmendmentDownload) -> bytes:
    """The avenant's PDF, from the published version it amends to the sources being built (as `cdv pdf
    --amendment` writes it), kept in memory like the contract's."""
    from .pdf import write_amendment_pdf
    from .safety import TemporaryFolder

    with TemporaryFolder("cdv-pdf-") as folder:
        output = Path(folder) / Path(avenant.path).name
        return write_amendment_pdf(corpus.root, avenant.base_commit, str(corpus.root), output).read_bytes()


def report_pdfs(corpus: Corpus) -> dict[str, bytes]:
    """The PDF of each annual report (reports/<year>.yml), as `cdv report YEAR` writes it, kept in memory
    like the contract's."""
    from .report import pdf_path, write_report_pdf
    from .safety import TemporaryFolder

    out = {}
    for record in corpus.reports:
        with TemporaryFolder("cdv-pdf-") as folder:
            output = Path(folder) / "rapport.pdf"
            out[pdf_path(record["year"])] = write_report_pdf(corpus.root, record["year"], output, corpus).read_bytes()
    return out


def page_sources(corpus: Corpus) -> dict[str, str | None]:
    """Each generated page's YAML source, without rendering a page (to locate a generator's warning)."""
    return {spec.path: spec.source for spec in page_specs(corpus)}
