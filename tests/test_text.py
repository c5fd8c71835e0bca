"""French formatting and the escaping of contributor text."""
from cdv.text import NBSP, escape_markdown_text, fr_date, fr_number, fr_value, inline_html, sort_key


def test_french_numbers():
    assert fr_number(15378) == f"15{NBSP}378"
    assert fr_number(10.8) == "10,8"
    assert fr_number(5.73) == "5,73"
    assert fr_number(1234567.25) == f"1{NBSP}234{NBSP}567,25"
    assert fr_value(10.8, "pourcent") == f"10,8{NBSP}%"
    assert fr_value(0.6, "pourcent", explicit_sign=True) == f"+{NBSP}0,6{NBSP}%"
    assert fr_value(5.16, "euros") == f"5,16{NBSP}€"


def test_french_dates():
    assert fr_date("2024-03-29") == "29 mars 2024"
    assert fr_date("2024-01-01") == "1er janvier 2024"


def test_contributor_html_and_templates_are_inert():
    out = escape_markdown_text('<script>alert(1)</script> <img src=x onerror="x"> {{ 7*7 }} {% if %}')
    assert "<script>" not in out and "<img" not in out and "{{" not in out and "{%" not in out
    assert "&lt;script&gt;" in out


def test_inline_markdown_kept_but_unsafe_links_neutralised():
    out = escape_markdown_text("**gras** *ital* [site](https://ex.fr) [x](javascript:alert(1))")
    assert "**gras**" in out and "[site](https://ex.fr)" in out
    assert "](javascript:" not in out
    html = inline_html("**gras** <b>x</b> [a](https://ex.fr) [b](javascript:x)")
    assert "<strong>gras</strong>" in html and "&lt;b&gt;" in html and 'href="https://ex.fr"' in html
    assert "javascript:x" in html and 'href="javascript' not in html


def test_line_start_markdown_is_escaped():
    assert escape_markdown_text("# pas un titre").startswith("\\#")
    assert escape_markdown_text("- pas une liste").startswith("\\-")
    assert escape_markdown_text("1. pas une liste").startswith("1\\.") or escape_markdown_text("1. pas une liste").startswith("\\1")


def test_sort_key_ignores_accents_and_case():
    assert sorted(["Planoise", "Éco", "amitié"], key=sort_key) == ["amitié", "Éco", "Planoise"]
