"""French formatting and the escaping of contributor text."""
from cdv.text import NBSP, fr_date, fr_number, fr_value, sort_key, to_html


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
    out = str(to_html('<script>alert(1)</script> <img src=x onerror="x"> {{ 7*7 }} {% if %}'))
    assert "<script>" not in out and "<img" not in out and "{{" not in out and "{%" not in out
    assert "&lt;script&gt;" in out


def test_allowlisted_markdown_is_rendered_and_unsafe_links_are_text():
    out = str(to_html("**gras** *ital* [site](https://ex.fr) [x](javascript:alert(1)) <b>x</b>"))
    assert "<strong>gras</strong>" in out and "<em>ital</em>" in out and '<a href="https://ex.fr">site</a>' in out
    assert "&lt;b&gt;" in out and 'href="javascript' not in out and "javascript:alert(1)" in out
    for target in ("http://ex.fr", "//ex.fr", " javascript:x", "data:text/html,x", "jav&#x61;script:x", "#x", "x.md",
                   "https://ex.fr/\\evil", "https:ex.fr", "mailto:"):
        assert "<a" not in str(to_html(f"[a]({target})")), target
    assert 'href="mailto:a@ex.fr"' in str(to_html("[écrire](mailto:a@ex.fr)"))


def test_line_start_markdown_is_written_as_references():
    assert str(to_html("# pas un titre")).startswith("&#35;")
    assert str(to_html("- pas une liste")).startswith("&#45;")
    assert str(to_html("1. pas une liste")).startswith("1&#46;")
    assert str(to_html("---")) == "&#45;--"


def test_sort_key_ignores_accents_and_case():
    assert sorted(["Planoise", "Éco", "amitié"], key=sort_key) == ["amitié", "Éco", "Planoise"]


def test_one_character_bold_ends_at_its_own_closing_stars():
    """« **1** logement social sur **2** » (the Planoise portrait): two bold numbers, no stray stars."""
    from cdv.text import to_html

    html = str(to_html("A Besançon, **1** logement social sur **2** se trouve en QPV, *a* ou *b*."))
    assert html.count("<strong>") == 2 and "<strong>1</strong>" in html and "<strong>2</strong>" in html
    assert "**" not in html and "<em>a</em>" in html and "<em>b</em>" in html


def test_code_spans_quote_syntax_as_typed_and_the_rest_stays_escaped():
    from cdv.text import code_spans_html

    out = str(code_spans_html("mise en forme : `**gras**`, liens `[texte](https://…)` ; <b>x</b> et **vrai**"))
    assert out == ("mise en forme : <code>&#42;&#42;gras&#42;&#42;</code>, liens "
                   "<code>&#91;texte&#93;(https://…)</code> ; &lt;b&gt;x&lt;/b&gt; et <strong>vrai</strong>")
    assert str(code_spans_html("`<script>`")) == "<code>&lt;script&gt;</code>"
    assert str(code_spans_html("un ` seul")) == "un &#96; seul"
