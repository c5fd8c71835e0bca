"""The signed contract as extracted text (tests/reference/), cut into the lines a reader would check."""
from __future__ import annotations

import re
from pathlib import Path

from sitetext import normalise

# Kept in the repository (not read from ../shared): a fork's CI has nothing beside its clone.
REFERENCE = Path(__file__).resolve().parent / "reference"
CONTRACT = REFERENCE / "contrat-de-ville-2024-2030.txt"
CONTRACT_SHA256 = "b9383be94d8813ffafaddc992354207b8c1291a3546cf51de1b12949f8ba904d"

# Lines of the extraction that are not the contract's text: map legends and credits, chart axis labels,
# an address block printed on a map, and the table of contents. They are not published, by design.
NOT_TEXT = re.compile(
    r"(Sources? ?:.*(IGN|INSEE|SDVPC)|AUDAB|AIDAB|AUTD|KEOLIS|Service : ICA|^\d{5} - Mars|Périmètre QPV|"
    r"^(Quartier|QPV) [^.]*$|^■|Moins de 25 ans|boulevard de la République|^0383|"
    r"^(Equipement|Enseignement supérieur|Site d'enseignement|Crèche, école|Autre service|Copropriété)|"
    r"^0 N \d+ k?m$|\.{4,}\s*\d+$)"
)


def repair(line: str) -> str:
    """Undo the extraction artefacts the transcription repairs (exponents, markup, list markers)."""
    line = re.sub(r"\^\{?(ère|re)\}?", "re", line)
    line = re.sub(r"\^\{?(ème|e)\}?", "e", line)
    line = re.sub(r"\^\{?er\}?", "er", line)
    line = re.sub(r"<[^>]+>", " ", line)
    line = re.sub(r"^\s*- \d+ (?=[^\d\s])", "", line)  # rank of an ordered list ("- 1 Nettoyage de locaux")
    line = re.sub(r"^\s*(- o |- |o |> )\s*", "", line)
    return comparable(line)


def comparable(text: str) -> str:
    """Compare text as a reader does: case, dashes, emphasis marks and spacing do not matter."""
    text = normalise(text).replace("–", "-").replace("—", "-").replace("*", "").replace("|", " ")
    text = text.replace("↓", " ").replace("m ²", "m²")
    return " ".join(text.split()).casefold()


def contract_lines(min_length: int = 30) -> list[tuple[int, str]]:
    """(line number, repaired text) of every text line of the contract from the avant-propos on."""
    lines = CONTRACT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "AVANT PROPOS")
    out = []
    for number, line in enumerate(lines[start:], start + 1):
        if "\t" in line or "<p>" in line:
            continue
        bare = re.sub(r"^\s*(- o |- |o |> )\s*", "", line.strip())
        if NOT_TEXT.search(bare):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«])", line):
            text = repair(sentence)
            if len(text) >= min_length:
                out.append((number, text))
    return out


def found_in(text: str, site: str) -> bool:
    """A sentence is found as is; a line of names (schools) is found when each name is."""
    if text in site:
        return True
    names = re.sub(r"^(maternelle|élémentaire|collège|lycée) ", "", text).rstrip("-")
    parts = [p.strip() for p in re.split(r",| et ", names) if len(p.strip()) >= 3]
    return len(parts) > 1 and all(p in site for p in parts)


NEIGHBOURHOOD_HEADINGS = {  # the upper-case heading that opens each part-2 chapter of the signed document
    "battant": "BATTANT", "clairs-soleils": "CLAIRS SOLEILS", "hauts-de-saint-claude": "HAUTS DE SAINT-CLAUDE",
    "montrapon": "MONTRAPON", "orchamps-palente": "ORCHAMPS- PALENTE", "planoise": "PLANOISE",
}
_NUMBER = re.compile(r"(?<![\w,])\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|(?<![\w,])\d+(?:,\d+)?")


def neighbourhood_chapter(ident: str) -> list[str]:
    """The lines of one neighbourhood's chapter, portrait and projet, before the common base."""
    lines = CONTRACT.read_text(encoding="utf-8").splitlines()
    start = lines.index(NEIGHBOURHOOD_HEADINGS[ident])
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Ces priorités s'inscrivent"))
    return lines[start:end]


def figures(lines: list[str]) -> set[str]:
    """Every number printed in these lines (map legends excluded), spaced as in French: '15 378', '10,8'."""
    found = set()
    for line in lines:
        bare = re.sub(r"^\s*(- o |- |o |> )\s*", "", line.strip())
        if NOT_TEXT.search(bare):
            continue
        for token in _NUMBER.findall(repair(line)):
            found.add(token.replace("\u00a0", " "))
    return found


def figure_found(token: str, text: str) -> bool:
    """A figure is found as printed, or in French grouping ("1723" printed, "1 723" shown)."""
    whole, _, decimals = token.replace(" ", "").partition(",")
    grouped = f"{int(whole):,}".replace(",", " ") + (f",{decimals}" if decimals else "")
    return re.search(rf"(?<![\d,]){re.escape(token)}(?![\d]|,\d)", text) is not None or \
        re.search(rf"(?<![\d,]){re.escape(grouped)}(?![\d]|,\d)", text) is not None
