"""The synthetic follow-up `make bench` measures (tools/bench.py): its action files are valid sources, in
both layouts, and what they hold is what the bench says it measures (funding lines of signatories and of
named funders, the neighbourhood's own priorities, measures of a device)."""
from __future__ import annotations

import importlib.util
from collections import Counter

import pytest

from cdv import actionview, followup
from cdv.corpus import corpus_from_files
from cdv.schemas import blockless_kinds
from cdv.validate import validate_project

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize("layout", ["neighbourhood", "block"])
def test_the_synthetic_actions_validate(tmp_path, layout):
    root = bench.synthetic(14, tmp_path / "corpus")  # the 12 real neighbourhoods and two renamed copies
    count = bench.synthetic_actions(root, layout, years=range(2024, 2026), per_year=6)
    assert count == 14 * 2 * 6
    names = sorted(p.name for p in (root / "actions").glob("*.yml"))
    if layout == "neighbourhood":
        assert "2024-planoise.yml" in names and "2025-amitie-0012.yml" in names
        assert len(names) == 14 * 2 + 1  # and the real actions/2023.yml
    else:
        assert names == ["2023.yml", "2024-001.yml", "2025-001.yml"]

    files, errors = validate_project(root)
    assert errors == []
    corpus = corpus_from_files(root, files)
    synthetic = [a for a in corpus.actions if a["year"] >= 2024]
    assert len(synthetic) == count

    planoise = next(n for n in corpus.neighbourhoods if n["id"] == "planoise")
    own = {p["id"] for t in planoise["project"]["themes"] for p in t["priorities"]}
    in_planoise = [a for a in followup.actions_in(corpus, "planoise") if a["year"] >= 2024]
    assert len(in_planoise) == 12
    assert all(set(a["priorities"]) <= own for a in in_planoise)

    lines = followup.funding_lines(synthetic)
    assert all(1 <= len(a["funding"]) <= 3 for a in synthetic)
    signatories = {s["id"] for s in corpus.signatories}
    funders = Counter("named" if isinstance(f, dict) else "signatory" if f in signatories else f
                      for f in (line.funder for line in lines))
    assert funders["signatory"] and funders["named"] and funders[None]  # None: the source names no funder
    assert set(funders) == {"signatory", "named", None}
    assert {a["status"] for a in synthetic} == {"prevue", "en-cours", "realisee", "abandonnee"}
    measured = [m for a in synthetic for m in a.get("measures", [])]
    assert measured and set(measured) <= {m.id for m in followup.measures(corpus)}
    assert followup.actions_for_measure(corpus, measured[0])


def test_the_indexes_give_what_a_scan_of_every_action_gives(tmp_path):
    root = bench.synthetic(13, tmp_path / "corpus")
    bench.synthetic_actions(root, years=range(2024, 2025), per_year=8)
    files, errors = validate_project(root)
    assert errors == []
    corpus = corpus_from_files(root, files)
    for n in corpus.neighbourhoods:
        scan = [a for a in corpus.actions if n["id"] in a["neighbourhoods"]]
        assert followup.actions_in(corpus, n["id"]) == scan
    for s in corpus.signatories:
        scan = [(a["id"], f["amount"], f.get("year"), f.get("note"))
                for a in corpus.actions for f in a.get("funding", []) if f.get("funder") == s["id"]]
        lines = actionview.lines_funded_by(corpus, s["id"])
        assert [(li.action["id"], li.amount, li.year, li.note) for li in lines] == scan
        assert all(li.funder == s["id"] for li in lines)
    for m in followup.measures(corpus):
        assert followup.actions_for_measure(corpus, m.id) == [a for a in corpus.actions if m.id in a.get("measures", [])]
    # An action added afterwards (a test's corpus made by hand) is seen: the index is made again.
    added = {**corpus.actions[0], "id": "ajoutee", "neighbourhoods": ["pelouse"]}
    corpus.actions.append(added)
    assert followup.actions_in(corpus, "pelouse")[-1] is added


def test_only_the_kinds_whose_schema_has_content_blocks_are_walked_for_blocks():
    kinds = blockless_kinds(str(ROOT / "schemas"))
    assert "actions" in kinds and "signatories" in kinds
    assert not {"article", "device", "neighbourhood", "report", "contract", "commitment"} & kinds


def test_a_file_checked_in_another_process_still_has_its_figure_references_checked(project, monkeypatch):
    """The figures check reads the texts of a worker's file only when its text can hold « [[ »: a
    reference, written plainly or through escapes, is still checked there."""
    import cdv.validate as validate

    hood = project / "neighbourhoods"
    text = (hood / "planoise.yml").read_text(encoding="utf-8")
    (hood / "planoise.yml").write_text(text.replace("name: Planoise\n", "name: Planoise [[chiffre-inconnu]]\n", 1),
                                       encoding="utf-8")
    text = (hood / "battant.yml").read_text(encoding="utf-8")
    (hood / "battant.yml").write_text(text.replace("name: Battant\n", 'name: "Battant \\u005b[autre-inconnu]]"\n', 1),
                                      encoding="utf-8")
    monkeypatch.setattr(validate, "PARALLEL_MIN_FILES", 10)
    found = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("CDV_JOBS", jobs)
        _, errors = validate.validate_project(project)
        found[jobs] = [e.format_text() for e in errors]
    assert found["2"] == found["1"]
    assert any("chiffre-inconnu" in e and "planoise.yml" in e for e in found["2"])
    assert any("autre-inconnu" in e and "battant.yml" in e for e in found["2"])


@pytest.mark.slow
def test_the_reference_build_makes_the_same_pages_under_strict_mkdocs(tmp_path):
    """The ratio `make bench` gives compares two builds of the same pages: the reference (MkDocs and
    Material alone) must build, strict, every page ours does, the earlier years' pages out of its
    navigation as out of ours."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from cdv.build import build_site

    root = bench.synthetic(13, tmp_path / "corpus")
    bench.synthetic_actions(root, years=range(2024, 2026), per_year=2)
    ours = build_site(root, tmp_path / "site", with_pdf=False)
    reference = bench.baseline_project(root, tmp_path / "reference")
    config = load_config(str(reference / "mkdocs.yml"), site_dir=str(tmp_path / "reference-site"))
    build(config)  # strict: a page out of the navigation it was not told of stops it

    def pages(site):
        return sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))
    # Ours has two pages more, which our plugin writes from the navigation and the site's host.
    only_ours = set(pages(ours)) - set(pages(tmp_path / "reference-site"))
    assert only_ours == {"mentions-legales/index.html", "plan-du-site/index.html"}
    assert set(pages(tmp_path / "reference-site")) <= set(pages(ours))
    assert any("/programmation-2024/" in p for p in pages(ours))
