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


# --- Characters an editor cannot see or tell apart (cdv/characters.py) ---

def test_places_are_counted_as_an_editor_counts_lines_not_as_yaml_does():
    """libyaml counts U+2028, U+2029 and U+0085 as line breaks; an editor (and GitHub) does not."""
    errs = errors_of("a: x\u2028y\nb: z\u0085w\nc: v\u2029u\nd: t\u200bs\n")
    assert [(e.line, e.column) for e in errs] == [(1, 5), (2, 5), (3, 5), (4, 5)]
    assert ["U+2028" in errs[0].message, "U+0085" in errs[1].message, "U+2029" in errs[2].message,
            "caractère invisible (U+200B)" in errs[3].message] == [True] * 4


@pytest.mark.parametrize("char, name", [
    ("\u200b", "caractère invisible (U+200B)"), ("\u200c", "caractère invisible (U+200C)"),
    ("\u200d", "caractère invisible (U+200D)"), ("\u2060", "caractère invisible (U+2060)"),
    ("\ufeff", "caractère invisible (U+FEFF)"), ("\u00ad", "caractère invisible (U+00AD)"),
    ("\u202a", "(U+202A)"), ("\u202b", "(U+202B)"), ("\u202c", "(U+202C)"), ("\u202d", "(U+202D)"),
    ("\u202e", "caractère de direction du texte (U+202E)"), ("\u2066", "(U+2066)"), ("\u2067", "(U+2067)"),
    ("\u2068", "(U+2068)"), ("\u2069", "(U+2069)"), ("\u200e", "(U+200E)"), ("\u200f", "(U+200F)"),
    ("\u061c", "(U+061C)"), ("\u2028", "séparateur de ligne (U+2028)"), ("\u2029", "séparateur de paragraphe (U+2029)"),
    ("\u0085", "(U+0085)"), ("\U000e0041", "(U+E0041)"), ("\ufe0f", "(U+FE0F)"), ("\uf0b7", "usage privé (U+F0B7)"),
])
def test_invisible_and_direction_characters_are_named_at_their_column(char, name):
    for where, line, col in ((f"id: x\np: Quartier{char} des Essais\n", 2, 12), (f"# note{char}\na: 1\n", 1, 7),
                             (f"a: 1\nk{char}ey: 2\n", 2, 2)):
        [err] = errors_of(where)
        assert (err.line, err.column) == (line, col) and name in err.message, (where, err)


def test_escaped_invisible_characters_are_refused_too():
    for escape, name in (("\\u200B", "U+200B"), ("\\L", "U+2028"), ("\\P", "U+2029"), ("\\N", "U+0085"),
                         ("\\u202E", "U+202E"), ("\\U000E0041", "U+E0041")):
        [err] = errors_of(f'a: 1\np: "Quartier{escape} des Essais"\n')
        assert err.line == 2 and name in err.message and "échappement" in err.message


def test_a_leading_bom_is_refused_with_its_own_message():
    [err] = errors_of("\ufeffa: 1\n")
    assert "BOM" in err.message and (err.line, err.column) == (1, 1)


def test_at_most_twenty_characters_are_listed_per_file():
    errs = errors_of("p: " + "x\u200b" * 10000 + "\n")
    assert len(errs) == 21 and "9980 autre(s)" in errs[-1].message


@pytest.mark.parametrize("text", [
    "p: Bonjour\u00a0! Ça va\u00a0? Oui\u202f; 15\u202f378 habitants, « Planoise\u00a0»\n",
    'p: "Le socle commun vise à\u00a0: réduire le chômage"\n',
    "p: |\n  Les objectifs\u00a0: emploi\n  \u00a0suite du texte\n",
    "p: >\n  Premier\n  \u00a0: suite\n",
    "p: le mot grec ἀγορά, la lettre π, 5 µg\n",
    "p: Москва\n",
])
def test_typography_and_foreign_words_stay_accepted(text):
    assert isinstance(load_yaml(text, "f.yml").data["p"], str)


@pytest.mark.parametrize("text, line, col, needle", [
    ("a:\n\u00a0 b: x\n", 2, 1, "espace insécable (U+00A0) dans l'indentation"),
    ("a:\n  b: 1\n \u00a0c: 2\n", 3, 2, "espace insécable (U+00A0) dans l'indentation"),
    ("a:\n  - x\n  -\u00a0y\n", 3, 4, "espace insécable (U+00A0) dans l'indentation"),
    ("a:\n  b\u00a0: x\n", 2, 4, "espace insécable (U+00A0) avant le deux-points"),
    ("a:\n  b\u202f\u00a0: x\n", 2, 4, "espace fine insécable (U+202F) avant le deux-points"),
    ("a:\n  b:\u00a0x\n", 2, 5, "espace insécable (U+00A0) après le deux-points"),
    ('"b\u00a0": x\n', 1, 3, "espace insécable (U+00A0) dans le nom du champ"),
])
def test_a_non_breaking_space_that_breaks_the_structure_is_named(text, line, col, needle):
    errs = errors_of(text)
    assert (errs[0].line, errs[0].column) == (line, col) and needle in errs[0].message, errs


@pytest.mark.parametrize("text, line, col, needle", [
    ("id: pl\u0430noise\n", 1, 7, "lettre cyrillique а (U+0430) à la place de « a »"),
    ("c\u043emmune: x\n", 1, 2, "lettre cyrillique о (U+043E)"),
    ("p: des Ess\u0430is\n", 1, 11, "lettre cyrillique а (U+0430)"),
    ("p: \u0395ssais\n", 1, 4, "lettre grecque Ε (U+0395)"),
    ("p: l\u03bfgement\n", 1, 5, "lettre grecque ο (U+03BF)"),
    ("p: \uff30lanoise\n", 1, 4, "pleine chasse"),
    ("p: \U0001d41alanoise\n", 1, 4, "lettre mathématique"),
    ('"\u0430": 1\n', 1, 2, "lettre cyrillique а (U+0430)"),
])
def test_look_alike_letters_are_named_at_their_column(text, line, col, needle):
    errs = errors_of(text)
    assert (errs[0].line, errs[0].column) == (line, col) and needle in errs[0].message, errs


def test_text_must_be_nfc_and_keys_are_compared_after_nfc():
    [err] = errors_of("p: Re\u0301seau\n")
    assert (err.line, err.column) == (1, 5) and "retapez « é »" in err.message
    # Already composed: accepted; an accent that composes with nothing stays (NFC leaves it alone).
    assert load_yaml("p: Réseau x\u0304\n", "f.yml").data == {"p": "Réseau x\u0304"}
    # Keys written differently but equal after NFC are one key: a duplicate (the NFD one is refused first).
    errs = errors_of('"cr\u00e9e": 1\n"cre\u0301e": 2\n')
    assert errs[0].line == 2


# --- Nothing silently changed ---

@pytest.mark.parametrize("text, line, col", [
    ("p: des Essais #1 au programme.\n", 1, 15),
    ("p: Essais #2\n", 1, 11),
    ("kind: qpv #commentaire\n", 1, 11),
    ("- des Essais #Planoise\n", 1, 14),
    ("a:\n  - p: des Essais\n      #1 au programme.\n", 3, 7),
    # A comment after a plain text on its line: the editor may have meant text, nothing tells.
    ("p: des Essais # suite du texte\n", 1, 15),
    ("p: des Essais  #suite\n", 1, 16),
    ("p: des Essais\t# suite\n", 1, 15),
    ("name: Les Orchidées     # le nom d'usage\n", 1, 25),
    ("kind: qpv  # commentaire\n", 1, 12),
    ("- des Essais #\n", 1, 14),
    ("a:\n  p: un texte sur\n    deux lignes # et la suite\n", 3, 17),
    ("n: [a, b # c\n  ]\n", 1, 10),
])
def test_a_comment_after_plain_text_is_not_silently_dropped(text, line, col):
    errs = errors_of(text)
    assert (errs[0].line, errs[0].column) == (line, col), errs
    assert "le texte s'arrête avant « # »" in errs[0].message and "entre guillemets" in errs[0].message
    assert "\n" not in errs[0].message


def test_the_fix_offered_keeps_the_whole_text():
    [err] = errors_of("a:\n  p: un texte sur\n    deux lignes # et la suite\n")
    assert '"un texte sur deux lignes # et la suite"' in err.message
    assert load_yaml('a:\n  p: "un texte sur deux lignes # et la suite"\n', "f.yml").data == {
        "a": {"p": "un texte sur deux lignes # et la suite"}}


@pytest.mark.parametrize("text, expected", [
    ("# le nom d'usage\nname: Les Orchidées\n", {"name": "Les Orchidées"}),
    ("n: [a, b]  # cellule fusionnée\n", {"n": ["a", "b"]}),
    # Numbers, true/false and empty values lose nothing to a comment: a text would be a type error anyway.
    ("v: 12 #1\n", {"v": 12}),
    ("value: 12 # estimation\n", {"value": 12}),
    ("value: 12.5  # estimation\n", {"value": 12.5}),
    ("ok: true  # vérifié\n", {"ok": True}),
    ("vide:  # à remplir\n", {"vide": None}),
    ('p: "des Essais #1 au programme."\n', {"p": "des Essais #1 au programme."}),
    ("p: 'des Essais'  # un commentaire après un texte entre guillemets\n", {"p": "des Essais"}),
    ('p: "des Essais" # commentaire\n', {"p": "des Essais"}),
    ("p: des Essais#1\n", {"p": "des Essais#1"}),
    ("portrait:  # le portrait\n  title: x\n", {"portrait": {"title": "x"}}),
    ("liste:  # les éléments\n  - x\n", {"liste": ["x"]}),
    ("a:\n  # commentaire sur sa ligne\n  p: x\n  #commentaire collé, au niveau des champs\n  q: y\n",
     {"a": {"p": "x", "q": "y"}}),
    ("p: |  # un commentaire d'en-tête\n  texte #1\n", {"p": "texte #1\n"}),
    ("p: >-\n  texte # suite\n", {"p": "texte # suite"}),
])
def test_real_comments_stay_allowed(text, expected):
    assert load_yaml(text, "f.yml").data == expected


def test_a_value_starting_with_bang_or_ampersand_is_refused_not_cut():
    [err] = errors_of("a: 1\np: ! Attention\n")
    assert (err.line, err.column) == (2, 4) and "guillemets" in err.message and '"! Attention"' in err.message
    [err] = errors_of("p: !Attention au texte\n")
    assert "étiquette YAML « !Attention »" in err.message
    [err] = errors_of("p: &amp texte\n")
    assert "ancre" in err.message and '"&amp texte"' in err.message
    assert load_yaml('p: "! Attention"\nq: "&amp"\n', "f.yml").data == {"p": "! Attention", "q": "&amp"}
    # An anchor used by an alias: the alias is the error, reported once.
    errs = errors_of("a: &x texte\nb: *x\n")
    assert [e.line for e in errs] == [2] and "alias" in errs[0].message


# --- Files ---

def test_a_named_pipe_is_never_opened_for_reading(tmp_path):
    import os

    from cdv.yamlload import load_yaml_file

    fifo = tmp_path / "quartier.yml"
    os.mkfifo(fifo)
    with pytest.raises(YamlError) as exc:  # O_NONBLOCK: returns at once, without a writer
        load_yaml_file(fifo, "neighbourhoods/quartier.yml")
    assert "pas un fichier ordinaire" in exc.value.errors[0].message


def test_a_symbolic_link_is_never_followed(tmp_path):
    from cdv.yamlload import load_yaml_file

    secret = tmp_path / "secret.yml"
    secret.write_text("a: CONTENU-SECRET\n", encoding="utf-8")
    (tmp_path / "lien.yml").symlink_to(secret)
    with pytest.raises(YamlError) as exc:
        load_yaml_file(tmp_path / "lien.yml", "neighbourhoods/lien.yml")
    assert "lien symbolique" in str(exc.value) and "SECRET" not in str(exc.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_file_saved_as_utf16_is_named_so(encoding):
    [err] = errors_of("id: article-1\ntitle: Objet du présent contrat\n".encode(encoding))
    assert (err.line, err.column) == (1, 1) and "UTF-16" in err.message and "UTF-8" in err.message


def test_a_file_of_comments_only_says_so():
    [err] = errors_of("# Quartier à créer\n# (rien d'autre)\n")
    assert "fichier vide" in err.message and "que des commentaires" in err.message
    [err] = errors_of("")
    assert "fichier vide" in err.message and "commentaires" not in err.message


@pytest.mark.parametrize("text, col, needle", [
    ("\u201ctitle\u201d: Objet\n", 1, "un nom de champ s'écrit sans guillemets (title: …)"),
    ("\u00ab\u00a0title\u00a0\u00bb: Objet\n", 1, "(title: …)"),
    ("body:\n  \u2022 p: texte\n", 3, "remplacez « • » par « - » (- p: …)"),
    ("body:\n  \u25cf p: texte\n", 3, "remplacez « ● » par « - »"),
])
def test_marks_pasted_from_a_word_processor_around_a_field_name(text, col, needle):
    [err] = errors_of(text)
    assert err.column == col and needle in err.message, err
    # In a text, typographic quotes and bullets are the editor's own typography: kept as typed.
    assert load_yaml("p: \u201cle quartier\u201d \u2022 \u00ab ici \u00bb\n", "f.yml").data == {
        "p": "\u201cle quartier\u201d \u2022 \u00ab ici \u00bb"}


@pytest.mark.parametrize("text, line, col", [
    ("id: a\np: un texte\n  sur # deux\n  lignes\nq: x\n", 3, 7),
    ("id: a\nbody:\n  - p: un texte\n      sur # deux\n      lignes\n", 4, 11),
    ("id: a\nbody:\n  - p: un texte # deux\n\n      lignes\n", 3, 17),
])
def test_a_comment_inside_a_text_on_several_lines_is_named_not_the_indentation(text, line, col):
    """The comment ends the text, so the parser fails on the next line: the cause is the « # » above."""
    [err] = errors_of(text)
    assert (err.line, err.column) == (line, col) and "le texte s'arrête avant « # »" in err.message, err
