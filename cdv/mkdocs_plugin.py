"""The MkDocs adapter of the site plan (cdv.siteplan): each hook maps part of the plan onto MkDocs.

The plan (pages, files, navigation, abbreviations, template values) is computed by the library; here are
only MkDocs's objects: its typed config, File.generated, the nav and the pages' HTML.
Another generator needs another adapter of the same plan, not another plan (see ARCHITECTURE.md).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from markupsafe import Markup
from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url

from .abbrlinks import link_acronyms
from .build import keep_until_built
from .errors import CdvError
from .search import defer_index, help_links
from .siteinfo import edit_label, footer_links, repository_url
from .siteplan import SitePlan, plan_site


class ContractConfig(base.Config):
    sources = config_options.Type(str, default=".")  # the project folder, relative to mkdocs.yml
    pdf = config_options.Type(bool, default=True)  # write the contract's PDF at extra.pdf
    feed = config_options.Type(str, default="versions.xml")  # RSS of versions and amendments
    # The address the versions are published under, when this build is one of them (cdv publish sets it):
    # the feed links to each version from there. Empty: site_url.
    site_root = config_options.Type(str, default="")


class ContractPlugin(BasePlugin[ContractConfig]):
    serving = False
    plan: SitePlan
    site_map = None  # the « Plan du site » page (cdv.pages.Page), when the navigation holds it
    # Edit links of generated pages, relative to edit_uri (which points into docs/): their YAML source.
    edit_paths: dict[str, str]

    def on_startup(self, *, command, dirty):
        # The PDF takes seconds: the live preview skips it, `mkdocs build` and `cdv build` write it.
        self.serving = command == "serve"

    def on_config(self, config):
        root = (Path(config.config_file_path).parent / self.config.sources).resolve()
        pdf = config.extra.get("pdf") if self.config.pdf and not self.serving else None
        try:
            self.plan = plan_site(
                root,
                pdf=pdf,
                feed=self.config.feed,
                site_url=self.config.site_root or config.site_url or "",
                directory_urls=config.use_directory_urls,
                host=config.extra.get("host"),
            )
            if config.nav:  # an unknown `cdv:` marker is a located error, said by MkDocs as a plugin error
                config.nav = self.plan.nav(config.nav, config.config_file_path)
            self.site_map = self.plan.site_map(config.nav, config.docs_dir, config.use_directory_urls)
            if self.site_map is not None:  # made from the navigation: the search's hint may now link it
                self.plan.extra["search_help"] = help_links(
                    [*self.plan.pages, self.site_map], config.use_directory_urls
                )
        except CdvError as exc:
            # MkDocs says a PluginError in one message; `cdv build` takes the CdvError back (its cause) to
            # report it located, as `cdv validate` does.
            raise PluginError(str(exc)) from exc
        # What every page says of the site (cdv.siteinfo): the edit link's words, the toolkit's sources.
        config.extra["cdv"] = {
            **self.plan.extra,
            "edit_label": edit_label(config.edit_uri),
            "sources": repository_url(config.edit_uri),
        }
        # mkdocs.yml names the site after contract.yml (cdv validate checks it): contributor text, which
        # Material prints into every page's header, <title> and <meta> unescaped in some places and with
        # `| e` in others. Escaped once, as Markup, it is inert everywhere and never escaped twice.
        for key in ("site_name", "site_description", "site_author"):
            if isinstance(config[key], str) and not isinstance(config[key], Markup):
                config[key] = Markup.escape(config[key])
        keep_until_built()
        docs_to_root = Path(config.docs_dir).resolve().relative_to(root).as_posix()
        up = "/".join(".." for _ in docs_to_root.split("/"))
        self.edit_paths = {page.path: f"{up}/{page.source}" for page in self.plan.pages if page.source}
        return config

    def on_env(self, env, *, config, files):
        # The theme's templates are compiled once per machine, not once per build (see cdv.templatecache).
        from .templatecache import bytecode_cache

        env.bytecode_cache = bytecode_cache()
        return env

    def on_files(self, files, *, config):
        for page in self.plan.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            generated = File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
            generated.edit_uri = self.edit_paths.get(page.path)
            files.append(generated)
        if self.site_map is not None:
            site_map = File.generated(config, self.site_map.path, content=self.site_map.markdown)
            site_map.edit_uri = None  # made from the navigation: no source to propose a change to
            files.append(site_map)
        for path, content in self.plan.files.items():
            files.append(File.generated(config, path, content=content))

        def url_of(path: str) -> str | None:
            file = files.get_file_from_path(path)
            return file.url if file is not None else None

        # The footer links to the pages this site has (a project without a contact page has no such link).
        config.extra["cdv"]["footer"] = footer_links(url_of)
        return files

    def on_page_content(self, html, *, page, config, files):
        # Acronyms explained in the page's HTML, Markdown's and our blocks' alike (cards, charts), the first
        # of each a link to the glossary: listing the `abbr` extension switches them on. The extension is
        # given no glossary: its pass over the same text would double this one and miss the blocks' HTML.
        if "abbr" not in config.markdown_extensions:
            return html

        def href_of(path: str) -> str | None:
            target = files.get_file_from_path(path)
            if target is None or target.src_uri == page.file.src_uri:
                return None
            return get_relative_url(target.url, page.url)

        return link_acronyms(html, self.plan.abbreviations, self.plan.glossary_links, href_of)

    def on_page_context(self, context, *, page, config, nav):
        # "edit/main/docs/../neighbourhoods/x.yml" -> "edit/main/neighbourhoods/x.yml"
        if page.edit_url and page.file.src_uri in self.edit_paths:
            page.edit_url = urljoin(config.edit_uri, self.edit_paths[page.file.src_uri])
        return context

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config):
        defer_index(Path(config.site_dir) / "search")
