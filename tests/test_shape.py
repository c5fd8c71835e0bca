"""cdv.shape: the contract's own shape (strategy levels, field labels, heading patterns, the site's names)."""
from __future__ import annotations

from pathlib import Path

import pytest

from cdv import labels
from cdv.shape import PLACEHOLDERS, Shape, pattern_problem, site_metadata
from cdv.yamlload import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]


def contract() -> dict:
    return load_yaml_file(ROOT / "contract" / "contract.yml").data


def test_besancon_names_its_two_levels_theme_and_priority():
    levels = Shape(contract()).levels
    assert [(level.singular, level.plural) for level in levels] == [("thème", "thèmes"), ("priorité", "priorités")]


def test_levels_default_to_theme_and_priority_when_the_contract_says_nothing():
    data = contract()
    del data["shape"]["strategy"]
    assert [(level.singular, level.plural) for level in Shape(data).levels] == [
        (d["singular"], d["plural"]) for d in labels.STRATEGY_LEVELS[:2]]


def test_a_contract_may_name_three_levels_its_own_way():
    data = contract()
    data["shape"]["strategy"] = {"levels": [{"singular": "axe", "plural": "axes"},
                                            {"singular": "axe de travail", "plural": "axes de travail"},
                                            {"singular": "objectif", "plural": "objectifs"}]}
    assert [level.plural for level in Shape(data).levels] == ["axes", "axes de travail", "objectifs"]


def test_field_labels_default_to_the_shared_labels_and_a_contract_overrides_some():
    assert {key: Shape(contract()).field_label(key) for key in labels.STRATEGY_FIELDS} == labels.STRATEGY_FIELDS
    data = contract()
    data["shape"]["strategy"]["field_labels"] = {"partners": "Partenaires associés"}
    shape = Shape(data)
    assert shape.field_label("partners") == "Partenaires associés"
    assert shape.field_label("lead") == "Pilote"


def test_site_metadata_reproduces_the_besancon_mkdocs_yml_exactly():
    config = load_yaml_file(ROOT / "mkdocs.yml").data
    expected = site_metadata(contract())
    assert expected == {key: config[key] for key in ("site_name", "site_description", "site_author")}
    assert expected["site_description"] == ("Le Contrat de Ville du Grand Besançon 2024-2030, "
                                            "« Faire société pour nos quartiers »")


@pytest.mark.parametrize("title, description", [
    ("Contrat de ville d'Exempleville", "Le Contrat de ville d'Exempleville 2024-2030, « Vivre ensemble »"),
    ("La Charte des quartiers", "La Charte des quartiers 2024-2030, « Vivre ensemble »"),
])
def test_site_description_adds_le_only_before_a_title_without_its_own_article(title, description):
    data = {"title": title, "subtitle": "Vivre ensemble", "period": {"start": 2024, "end": 2030}, "author": "EM"}
    assert site_metadata(data)["site_description"] == description
    assert site_metadata(data)["site_name"] == f"{title} 2024-2030"


def test_heading_patterns_need_the_title_and_known_placeholders_only():
    for pattern in contract()["shape"]["headings"].values():
        assert pattern_problem(pattern) is None
    assert "{titre}" in pattern_problem("Article {numero}")
    unknown = pattern_problem("{ordre} partie : {titre}")
    assert "« {ordre} »" in unknown and all(f"{{{name}}}" in unknown for name in PLACEHOLDERS)
