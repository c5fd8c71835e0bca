"""A big project's pages are rendered in several processes (cdv.pages, cdv.workers): the same pages, in the
same order, as one process gives, and a failure in a worker is the same error here."""
from __future__ import annotations

import pytest

import cdv.pages as pages
from cdv import workers
from cdv.corpus import load_corpus
from conftest import ROOT


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT)


def test_processes_give_the_pages_one_process_gives(corpus, monkeypatch):
    monkeypatch.setenv("CDV_JOBS", "1")
    alone = pages.build_pages(corpus)
    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 10)
    monkeypatch.setenv("CDV_JOBS", "2")
    assert workers.jobs(len(alone), pages.PARALLEL_MIN_PAGES) == 2
    shared = pages.build_pages(corpus)
    assert shared == alone and len(alone) > 50
    assert pages._RENDERING is None  # nothing of the corpus kept for workers after the build


def test_a_page_that_fails_in_a_worker_raises_its_error_here(corpus, monkeypatch):
    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 10)
    monkeypatch.setenv("CDV_JOBS", "2")
    real = pages.render_page

    def failing(corpus, spec, *options):
        if spec.template == "glossary.md.j2":
            raise LookupError("reference [[x]] resolved without its figure")
        return real(corpus, spec, *options)

    monkeypatch.setattr(pages, "render_page", failing)  # forked workers inherit the patched module
    with pytest.raises(LookupError, match=r"\[\[x\]\]"):
        pages.build_pages(corpus)
    assert pages._RENDERING is None


def test_a_small_project_is_rendered_in_this_process(corpus, monkeypatch):
    monkeypatch.setenv("CDV_JOBS", "2")
    assert workers.jobs(len(pages.page_specs(corpus)), pages.PARALLEL_MIN_PAGES) == 1
