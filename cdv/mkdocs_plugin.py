"""Thin MkDocs adapter: validate the sources, add the generated pages and expand the navigation.

Everything else lives in the library (cdv.pages, cdv.render), so the site can move to another
MkDocs-compatible generator without a rewrite.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from .corpus import load_corpus_cached
from .errors import InvalidSources
from .pages import build_pages, expand_nav, navigation


class ContractPlugin(BasePlugin):
    config_scheme = (
        ("sources", config_options.Type(str, default=".")),
        ("pdf", config_options.Type(bool, default=True)),  # write the contract's PDF at extra.pdf
    )
    serving = False

    def on_startup(self, command, dirty):
        # The PDF takes seconds: the live preview skips it, `mkdocs build` and `cdv build` write it.
        self.serving = command == "serve"

    def on_config(self, config):
        root = (Path(config.config_file_path).parent / self.config["sources"]).resolve()
        try:
            self.corpus = load_corpus_cached(root)
        except InvalidSources as exc:
            raise PluginError(str(exc)) from None
        self.pages = build_pages(self.corpus)
        if config.nav:
            config.nav = expand_nav(config.nav, navigation(self.corpus))
        self.docs_to_root = Path(config.docs_dir).resolve().relative_to(root).as_posix()
        return config

    def on_files(self, files, config):
        up = "/".join(".." for _ in self.docs_to_root.split("/"))
        for page in self.pages:
            generated = File.generated(config, page.path, content=page.markdown)
            # The edit link opens the YAML source, not a markdown stub (edit_uri points into docs/).
            generated.edit_uri = f"{up}/{page.source}" if page.source else None
            files.append(generated)
        return files

    def on_post_build(self, config):
        target = config.extra.get("pdf")
        if self.config["pdf"] and target and not self.serving:
            from .pdf import write_pdf

            write_pdf(self.corpus.root, Path(config.site_dir) / target, corpus=self.corpus)
