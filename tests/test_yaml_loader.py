"""The strict loader: what PyYAML would silently accept is either read as the schema expects or refused."""
from __future__ import annotations

import pytest
import yaml

from cdv.yamlload import YamlError, load_yaml


def errors_of(text) -> list:
    with pytest.raises(YamlError) as exc:
        load_yaml(text, "source.yml")
    return exc.value.errors


def test_uses_libyaml_when_available():
    from cdv import yamlload

    assert yamlload._LIBYAML == yaml.__with_libyaml__


def test_duplicated_key_is_an_error_with_both_lines():
    [err] = errors_of("id: a\nname: x\nid: b\n")
    assert (err.file, err.line, err.column) == ("source.yml", 3, 1)
    assert "clé « id » en double" in err.message and "ligne 1" in err.message


def test_nested_and_quoted_duplicates_are_errors():
    errs = errors_of("a:\n  b: 1\n  'b': 2\nc:\n  - {d: 1, \"d\": 2}\n")
    assert [e.line for e in errs] == [3, 5]
    assert {e.pointer for e in errs} == {"/a/b", "/c/0/d"}


@pytest.mark.parametrize("text, expected", [
    ("v: on", "on"), ("v: NO", "NO"), ("v: yes", "yes"), ("v: 12:30", "12:30"),
    ("v: 2024-03-29", "2024-03-29"), ("v: 01053", "01053"), ("v: 0x1F", "0x1F"), ("v: .inf", ".inf"),
])
def test_yaml_11_surprises_stay_text(text, expected):
    assert load_yaml(text, "f.yml").data == {"v": expected}


@pytest.mark.parametrize("text, expected", [
    ("v: true", True), ("v: False", False), ("v: 15378", 15378), ("v: 10.8", 10.8), ("v: -3", -3),
    ("v: ~", None), ("v:", None), ("v: '3.10'", "3.10"),
])
def test_core_schema_scalars(text, expected):
    assert load_yaml(text, "f.yml").data == {"v": expected}


def test_positions_are_kept():
    loaded = load_yaml("a:\n  - x\n  - y: 2\n", "f.yml")
    assert loaded.mark(("a", 1, "y")) == (3, 8)
    assert loaded.mark(("a", 1, "y"), key=True) == (3, 5)
    assert loaded.scalar_text[("a", 1, "y")] == "2"


@pytest.mark.parametrize("text, needle, line", [
    ("a: &x [1]\nb: *x\n", "alias", 2),
    ("a: *nowhere\n", "alias", 1),
    ("<<: {a: 1}\nb: 2\n", "fusion", 1),
    ("a: !!python/object:os.system x\n", "étiquette", 1),
    ("a: !custom x\n", "étiquette", 1),
    ("a: 1\n---\nb: 2\n", "plusieurs documents", 2),
    ("a:\n\t- b\n", "tabulation", 2),
    ("a: [1\n", "crochet", 1),
])
def test_refused_constructs(text, needle, line):
    [err] = errors_of(text)
    assert needle in err.message and err.line == line


def test_alias_bomb_does_not_expand():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\n"
    errs = errors_of(bomb)
    assert errs and all("alias" in e.message for e in errs)


@pytest.mark.parametrize("raw, needle, line", [
    (b"a: \xe9t\xe9\n", "UTF-8", 1),
    (b"\xef\xbb\xbfa: 1\n", "BOM", 1),
    (b"a: 1\r\nb: 2\r\n", "CRLF", 1),
    (b"a: 1\nb: \x00\n", "NUL", 2),
    (b"", "vide", 1),
    (b"# rien\n", "vide", 1),
])
def test_bytes_that_are_not_clean_utf8_text(raw, needle, line):
    [err] = errors_of(raw)
    assert needle in err.message and err.line == line


def test_deep_nesting_is_refused():
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert any("imbrication" in e.message for e in errors_of(deep))


def test_huge_file_is_refused():
    from cdv.yamlload import MAX_FILE_BYTES

    [err] = errors_of(b"a: '" + b"x" * MAX_FILE_BYTES + b"'\n")
    assert "trop volumineux" in err.message
