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
from .labels import STATUS_IN_FORCE
from .pages import Page, abbreviations, build_pages, changes_page, expand_nav, navigation, page_specs
from .signature import dated
from .versions import DRAFT_ALIAS, IN_FORCE_ALIAS


@dataclass(frozen=True)
class SitePlan:
    corpus: Corpus
    pages: tuple[Page, ...]  # generated pages, in reading order
    files: dict[str, str | bytes]  # other files of the site by path (open data, feed, PDF)
    sections: dict[str, Any]  # the navigation section of each `cdv:` marker
    abbreviations: dict[str, str]  # acronym -> expansion, explained on hover on every page
    extra: dict[str, str] = field(default_factory=dict)  # values the theme's templates read

    def nav(self, nav, config_file: str | None = None):
        """A navigation (MkDocs's `nav` form) with its `cdv:` markers replaced by the generated sections;
        an unknown marker is an error located in `config_file` (mkdocs.yml)."""
        return expand_nav(nav, self.sections, config_file)

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
) -> SitePlan:
    """The plan of the site built from the sources at `root` (validated: InvalidSources if they are not).

    pdf: the PDF's path in the site, None for a site without it (the live preview, quick builds);
    feed: the feed's path, None for none; site_url: the public address the feed links to;
    directory_urls: the URL style of the generator (quartiers/x/ or quartiers/x.html)."""
    root = Path(root).resolve()
    corpus = load_corpus_cached(root)
    pages = build_pages(corpus, whats_changing(corpus, directory_urls), pdf=pdf, directory_urls=directory_urls)
    return SitePlan(
        corpus=corpus,
        pages=tuple(pages),
        files=_files(corpus, pdf=pdf, feed=feed, site_url=site_url),
        sections=navigation(corpus),
        abbreviations=abbreviations(corpus),
        extra=announcement(corpus, feed),
    )


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


def announcement(corpus: Corpus, feed: str | None) -> dict[str, str]:
    """What every page says of itself (announcement bar, feed link): its version, status and date."""
    contract = corpus.contract
    values = {
        "version": contract["version"],
        "status": STATUS_IN_FORCE[contract["status"]],
        # The date of what every page shows; portraits also give the years of their figures.
        "dated": dated(corpus),
        # The download link says what the PDF is: the contract, or a draft of it.
        "pdf_label": "Télécharger le contrat (PDF)"
        if contract["status"] == "signed"
        else "Télécharger le projet (PDF)",
    }
    if feed:
        values["feed"] = feed
    # The aliases cdv publish gives mike: the pages read versions.json for them (cdv.js).
    values["in_force_alias"] = IN_FORCE_ALIAS
    values["draft_alias"] = DRAFT_ALIAS
    return values


def _files(corpus: Corpus, *, pdf: str | None, feed: str | None, site_url: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(open_data(corpus))
    if feed:
        from .feed import feed_xml

        files[feed] = feed_xml(corpus.root, site_url, corpus)
    if pdf:
        files[pdf] = contract_pdf(corpus)
    return files


def open_data(corpus: Corpus) -> dict[str, str]:
    """The version's open data, as files of the site (so that links to them are checked)."""
    from .opendata import bundle_json, indicators_csv, priorities_csv

    schema_dir = corpus.root / "schemas"
    data = {
        "donnees/contrat.json": bundle_json(corpus),
        "donnees/indicateurs.csv": indicators_csv(corpus),
        "donnees/priorites.csv": priorities_csv(corpus),
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


def page_sources(corpus: Corpus) -> dict[str, str | None]:
    """Each generated page's YAML source, without rendering a page (to locate a generator's warning)."""
    return {spec.path: spec.source for spec in page_specs(corpus)}
