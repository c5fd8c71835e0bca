"""Thin MkDocs adapter: validate the sources, add the generated pages and expand the navigation.

Everything else lives in the library (cdv.pages, cdv.render, cdv.diff), so the site can move to another
MkDocs-compatible generator without a rewrite.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from .corpus import load_corpus_cached
from .errors import CdvError, InvalidSources
from .pages import abbreviations, build_pages, changes_page, expand_nav, navigation

STATUS_IN_FORCE = {"signed": "en vigueur", "draft": "projet"}


class ContractPlugin(BasePlugin):
    config_scheme = (
        ("sources", config_options.Type(str, default=".")),
        ("pdf", config_options.Type(bool, default=True)),  # write the contract's PDF at extra.pdf
        ("feed", config_options.Type(str, default="versions.xml")),  # RSS of versions and amendments
    )
    serving = False

    def on_startup(self, command, dirty):
        # The PDF takes seconds: the live preview skips it, `mkdocs build` and `cdv build` write it.
        self.serving = command == "serve"

    def on_config(self, config):
        root = (Path(config.config_file_path).parent / self.config["sources"]).resolve()
        try:
            self.corpus = load_corpus_cached(root)
            self.changes = self._changes(root)
        except InvalidSources as exc:
            raise PluginError(str(exc)) from None
        except CdvError as exc:
            raise PluginError(str(exc)) from None
        # The PDF takes seconds: the live preview and test builds may skip it; the site links it only if built.
        self.pdf_target = config.extra.get("pdf") if self.config["pdf"] and not self.serving else None
        self.pages = build_pages(
            self.corpus, self.changes, pdf=self.pdf_target, directory_urls=config.use_directory_urls
        )
        if "abbr" in config.markdown_extensions:
            # Every acronym of the glossary is explained on hover, on every page. Given as the extension's
            # glossary, not as "*[QPV]: …" lines appended to each page, which Markdown re-parses page by page.
            abbr = config.mdx_configs.setdefault("abbr", {})
            abbr["glossary"] = {**abbr.get("glossary", {}), **abbreviations(self.corpus)}
        if config.nav:
            config.nav = expand_nav(config.nav, navigation(self.corpus))
        self.docs_to_root = Path(config.docs_dir).resolve().relative_to(root).as_posix()
        contract = self.corpus.contract
        # What every page says of itself (announcement bar): its version and status.
        from .text import fr_date

        config.extra["cdv"] = {
            "version": contract["version"],
            "status": STATUS_IN_FORCE[contract["status"]],
            # The date of what every page shows; portraits also give the years of their figures.
            "dated": (
                f"texte signé le {fr_date(contract['signature']['date'])}"
                if contract["status"] == "signed"
                else "texte en projet"
            ),
            "feed": self.config["feed"],
        }
        return config

    def _changes(self, root: Path):
        from .diff import compare, load_version
        from .versions import in_force

        state = in_force(root)
        if state is None:
            return changes_page(self.corpus, None, None)
        baseline, _ = load_version(state.commit, root)
        diff = compare(baseline, self.corpus, state.title, self.corpus.contract["version"])
        return changes_page(self.corpus, diff, state.title)

    def on_env(self, env, config, files):
        # The theme's templates are compiled once per machine, not once per build (see cdv.templatecache).
        from .templatecache import bytecode_cache

        env.bytecode_cache = bytecode_cache()
        return env

    def on_files(self, files, config):
        up = "/".join(".." for _ in self.docs_to_root.split("/"))
        self.sources_by_page = {}
        for page in self.pages:
            generated = File.generated(config, page.path, content=page.markdown)
            # The edit link opens the YAML source, not a markdown stub (edit_uri points into docs/).
            generated.edit_uri = f"{up}/{page.source}" if page.source else None
            self.sources_by_page[page.path] = generated.edit_uri
            files.append(generated)
        for path, content in self._open_data().items():
            files.append(File.generated(config, path, content=content))
        if self.pdf_target:
            from .pdf import write_pdf
            from .safety import TemporaryFolder

            # Removed after the build, at exit if the build fails, or by the next cdv if this one is killed.
            self._pdf_dir = TemporaryFolder("cdv-pdf-")
            pdf = write_pdf(self.corpus.root, Path(self._pdf_dir.name) / "contrat.pdf", corpus=self.corpus)
            files.append(File.generated(config, self.pdf_target, abs_src_path=str(pdf)))
        return files

    def _open_data(self) -> dict[str, str]:
        """The version's open data, as files of the site (so that links to them are checked)."""
        import json

        from .opendata import bundle_json, indicators_csv

        schema_dir = self.corpus.root / "schemas"
        data = {
            "donnees/contrat.json": bundle_json(self.corpus),
            "donnees/indicateurs.csv": indicators_csv(self.corpus),
        }
        names = sorted(p.name for p in schema_dir.glob("*.schema.json"))
        for name in names:
            data[f"donnees/schemas/{name}"] = (schema_dir / name).read_text(encoding="utf-8")
        data["donnees/schemas/index.json"] = json.dumps(names, indent=1) + "\n"
        return data

    def on_page_context(self, context, page, config, nav):
        # "edit/main/docs/../neighbourhoods/x.yml" -> "edit/main/neighbourhoods/x.yml"
        if page.edit_url and page.file.src_uri in getattr(self, "sources_by_page", {}):
            from urllib.parse import urljoin

            page.edit_url = urljoin(config.edit_uri, self.sources_by_page[page.file.src_uri])
        return context

    def on_post_build(self, config):
        from .feed import write_feed

        root = self.corpus.root
        write_feed(root, Path(config.site_dir) / self.config["feed"], config.site_url or "", self.corpus)
        if getattr(self, "_pdf_dir", None):
            self._pdf_dir.cleanup()
            self._pdf_dir = None
