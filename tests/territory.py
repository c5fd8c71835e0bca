"""The proper nouns of the toolkit's own territory, read from its sources: what no schema, template or new
contract may carry (the toolkit serves every territory)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from cdv.yamlload import load_yaml_file

# The inhabitants' name, which no field holds, in all its forms (bisontin, bisontine, bisontins…).
DEMONYMS = ("bisontin",)
# Places and bodies named inside the organisations' names.
NAMED_IN_PASSING = ("Doubs", "Bourgogne", "Franche-Comté", "Belfort", "Saône", "Néolia", "Loge.GBM",
                    "Habitat 25", "Co-spère")


def fold(text: str) -> str:
    """Without accents or case: « Besancon » is still Besançon."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


@lru_cache(maxsize=4)
def territory_names(root: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(names matched without case or accents, surnames matched as written in capitals)."""
    def load(rel):
        return load_yaml_file(root / rel, rel).data

    contract = load("contract/contract.yml")
    territory = contract["territory"]
    names = {contract["id"], contract["title"], contract.get("subtitle"), contract.get("author"),
             territory.get("commune"), territory.get("epci"), territory.get("epci_short"),
             contract["signature"]["place"], contract["signature"]["date"], *NAMED_IN_PASSING}
    for path in sorted((root / "neighbourhoods").glob("*.yml")):
        n = load(f"neighbourhoods/{path.name}")
        names |= {n["id"], n["name"], n["commune"], n.get("qpv_code")}
    surnames = set()
    for signatory in load("contract/signatories.yml")["signatories"]:
        names.add(signatory["organisation"])
        for signer in signatory["signature"]["signers"]:
            names.add(signer["name"])
            surnames |= {w for w in re.findall(r"[\w-]+", signer["name"]) if len(w) > 2 and w.isupper()}
    for centre in load("contract/social-centres.yml")["centres"]:
        names.add(centre["name"])
    return frozenset(n for n in names if isinstance(n, str) and len(n) > 2), frozenset(surnames)


def territory_mentions(text: str, root: Path) -> list[str]:
    """Every name of the territory found in `text`."""
    names, surnames = territory_names(root)
    folded = fold(text)
    found = [n for n in names if re.search(rf"(?<!\w){re.escape(fold(n))}(?!\w)", folded)]
    found += [s for s in surnames if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
    found += [d for d in DEMONYMS if re.search(rf"(?<!\w){re.escape(fold(d))}", folded)]
    return sorted(found)
