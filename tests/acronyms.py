"""Which words of the site's text are acronyms, by one rule the glossary tests share.

A reader meets an acronym as a word of two capital letters or more, with no lower-case letter: RPL, GBM,
UPE2A, C2S, FSE+. Some such words are not acronyms, and the rule leaves them out:

- roman numerals (II, III, XIV: the axes and parts of the contract);
- codes, words with three digits or more (QN02501M: an official code is not an abbreviation);
- people's names: French prints surnames in capitals; a capital word that always stands next to a first
  name (a capitalised word the site never writes in lower case: « Anne VIGNOT », « RAPPY Marie ») is a name;
- words written in capitals: a capital word of four letters or more that the site also writes in small
  letters, accents aside (« SOS MEDECINS », « SPORT – Sésame de l'emploi »), or a word the sources write in
  small letters in the name of a neighbourhood or a signatory (« ORCHAMPS-PALENTE », « NEOLIA »).

File names and addresses (« contrat.json », « DEVELOPING.md ») are not read. Words joined by a hyphen or a slash are read whole first (CMU-C, PDF/UA), then part by part. What code
shows (<code>, <pre>) is left out, as it is of every text test (sitetext.prose_text).
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*\+?")
PART = re.compile(r"[^\W_]+\+?")
# A file name or an address (contrat.json, docs-dev/DEVELOPING.md, www.example.fr): not words of the text.
FILE_NAME = re.compile(r"\w\.[a-z]")
ROMAN = re.compile(r"(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})")


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).casefold()


def is_capital_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 2 and not any(c.islower() for c in letters)


def _name_like(word: str) -> bool:
    """A capitalised word (Marie, Jean-Luc): possibly a first name."""
    return bool(re.fullmatch(r"[^\W\d_][^\W\d_A-Z]+(?:-[^\W\d_][^\W\d_A-Z]+)*", word)) and word[0].isupper() \
        and not word.isupper()


def _words(text: str) -> list[tuple[str, str, str]]:
    """The words of a text with what separates each from its neighbours (file names left out)."""
    matches = [m for m in WORD.finditer(text)]
    out = []
    for i, m in enumerate(matches):
        chunk_start = text.rfind(" ", 0, m.start()) + 1
        chunk_end = text.find(" ", m.end())
        if FILE_NAME.search(text[chunk_start : chunk_end if chunk_end >= 0 else len(text)]):
            continue
        before = text[matches[i - 1].end() : m.start()] if i else ""
        after = text[m.end() : matches[i + 1].start()] if i + 1 < len(matches) else ""
        out.append((m.group(), before, after))
    return out


class Acronyms:
    """The acronyms of a set of texts (page -> its prose text), found by the rule above."""

    def __init__(self, texts: dict[str, str], place_words: set[str] = frozenset()):
        found = {page: _words(text) for page, text in texts.items()}
        # Every word the texts write in small letters, accents aside (« médecins » makes MEDECINS a word), and
        # the words of the places and bodies the sources name (« Orchamps » makes ORCHAMPS one).
        self.small = {_bare(p) for words in found.values() for w, _, _ in words for p in PART.findall(w)
                      if p.islower()} | {_bare(w) for w in place_words}
        self.pages: dict[str, set[str]] = defaultdict(set)  # capital word -> pages it is read on
        beside_a_name: dict[str, list[bool]] = defaultdict(list)
        for page, words in found.items():
            for i, (word, before, after) in enumerate(words):
                if not is_capital_word(word):
                    continue
                # « Anne VIGNOT », « RAPPY Marie »: a first name one space away, no punctuation between.
                near = [words[i - 1][0]] if i and before == " " else []
                near += [words[i + 1][0]] if i + 1 < len(words) and after == " " else []
                beside_a_name[word].append(any(_name_like(n) and _bare(n) not in self.small for n in near))
                self.pages[word].add(page)
        self.names = {w for w, sides in beside_a_name.items() if all(sides) and len(w.rstrip("+")) >= 3}

    def excluded(self, word: str) -> str | None:
        """Why a capital word is not an acronym, or None if it is one."""
        core = word.rstrip("+")
        if word in self.names:
            return "nom de personne"
        if ROMAN.fullmatch(core):
            return "chiffre romain"
        if sum(c.isdigit() for c in core) >= 3:
            return "code"
        if len(core) >= 4 and _bare(core) in self.small:
            return "mot écrit en capitales"
        return None

    def parts(self, word: str) -> list[str]:
        """The acronyms a capital word holds: itself, or for joined words (CMU-C, PDF/UA) each part that is
        one; none when the word is excluded."""
        if self.excluded(word):
            return []
        pieces = PART.findall(word)
        if len(pieces) == 1:
            return pieces
        return [p for p in pieces if is_capital_word(p) and not self.excluded(p)]

    def found(self) -> dict[str, tuple[list[str], set[str]]]:
        """Capital word as written -> (the acronyms it holds, the pages it is read on), acronyms only."""
        return {w: (parts, pages) for w, pages in self.pages.items() if (parts := self.parts(w))}
