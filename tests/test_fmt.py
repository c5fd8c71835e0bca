"""`cdv fmt`: one canonical form, idempotent, comments kept, data unchanged."""
from __future__ import annotations

import subprocess
import sys

from cdv.fmt import canonical_text, format_project
from cdv.yamlload import load_yaml

from conftest import ROOT


def test_every_source_of_the_repository_is_canonical():
    results = format_project(ROOT, check=True)
    assert len(results) >= 60
    assert [r.rel for r in results if r.changed] == []


def test_keys_follow_the_schema_and_quotes_are_canonical_while_comments_stay():
    messy = (
        "# Quartier de test : ce commentaire reste.\n"
        "commune: 'Besançon'\n"
        "name: \"Les Orchidées\"   # le nom d'usage\n"
        "kind: fragile\n"
        "id: les-orchidees\n"
        "qpv_code: 'QN02599X'\n"
    )
    import re

    out = canonical_text(messy, "neighbourhood", ROOT / "schemas")
    assert re.sub(r" +#", "   #", out) == (
        "# Quartier de test : ce commentaire reste.\n"
        "id: les-orchidees\n"
        "kind: fragile\n"
        "name: \"Les Orchidées\"   # le nom d'usage\n"
        "commune: Besançon\n"
        "qpv_code: QN02599X\n"
    )
    assert canonical_text(out, "neighbourhood", ROOT / "schemas") == out


def test_text_that_yaml_could_misread_is_double_quoted():
    source = 'id: x\nkind: qpv\nname: "NO"\ncommune: "Ville : centre"\nqpv_code: "QN0101A"\n'
    out = canonical_text(source, "neighbourhood", ROOT / "schemas")
    assert 'name: "NO"' in out and 'commune: "Ville : centre"' in out
    assert load_yaml(out, "x.yml").data == load_yaml(source, "x.yml").data


def test_formatting_is_idempotent_on_every_real_file():
    from cdv.sources import classify, discover

    for rel in discover(ROOT):
        text = (ROOT / rel).read_text(encoding="utf-8")
        kind, _ = classify(rel)
        assert canonical_text(text, kind, ROOT / "schemas", rel) == text


def test_fmt_command_rewrites_and_check_fails_on_a_messy_file(project):
    amitie = project / "neighbourhoods" / "amitie.yml"
    amitie.write_text("commune: Besançon\nid: amitie\nkind: fragile\nname: \"Cité de l'Amitié\"\n", encoding="utf-8")
    cdv = [sys.executable, "-m", "cdv.cli", "fmt"]
    check = subprocess.run(cdv + ["--check", str(project)], capture_output=True, text=True)
    assert check.returncode == 1 and "neighbourhoods/amitie.yml: pas en forme canonique" in check.stdout
    fixed = subprocess.run(cdv + [str(project)], capture_output=True, text=True)
    assert fixed.returncode == 0 and "reformaté : neighbourhoods/amitie.yml" in fixed.stdout
    assert amitie.read_text(encoding="utf-8") == "id: amitie\nkind: fragile\nname: Cité de l'Amitié\ncommune: Besançon\n"
    assert subprocess.run(cdv + ["--check", str(project)], capture_output=True, text=True).returncode == 0


def test_a_text_carrying_a_comment_on_its_line_stays_quoted_so_the_output_is_valid():
    source = ("id: 'les-orchidees'  # l'identifiant\nkind: fragile\nname: 'Les Orchidées'  # le nom d'usage\n"
              "commune: \"Besançon\"\n")
    out = canonical_text(source, "neighbourhood", ROOT / "schemas")
    assert 'id: "les-orchidees"  # l\'identifiant' in out and 'name: "Les Orchidées"  # le nom d\'usage' in out
    assert "commune: Besançon\n" in out  # no comment: plain as usual
    assert load_yaml(out, "x.yml").data == {"id": "les-orchidees", "kind": "fragile", "name": "Les Orchidées",
                                            "commune": "Besançon"}
    assert canonical_text(out, "neighbourhood", ROOT / "schemas") == out
