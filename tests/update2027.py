"""A scripted "2027 update" of the contract, applied to a copy of the repository, as editors would."""
from __future__ import annotations

from pathlib import Path

REWORDED = ("text: Lutter contre la **fracture numérique** et l'illectronisme",
            "text: Lutter contre la **fracture numérique**, l'illectronisme et l'isolement des aînés")
NEW_BATTANT_PRIORITY = """        - id: battant-attractivite-marche-couvert
          text: Faire du **marché couvert** un lieu de rencontre du quartier
          objectives: [hospitalite-solidarite]
"""
NEW_SIGNER = ("name: Rémi BASTILLE", "name: Jeanne EXEMPLE")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} doit apparaître une fois dans {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def apply_2027_update(project: Path) -> None:
    hoods = project / "neighbourhoods"
    replace(hoods / "planoise.yml", *REWORDED)
    battant = hoods / "battant.yml"
    replace(battant, "    - id: battant-cadre-de-vie\n", NEW_BATTANT_PRIORITY + "    - id: battant-cadre-de-vie\n")
    montrapon = hoods / "montrapon.yml"
    lines = montrapon.read_text(encoding="utf-8").split("\n")
    start = lines.index("        - id: montrapon-deplacements-doux")
    end = start + 1
    while not lines[end].startswith("        - id:") and not lines[end].startswith("    - id:"):
        end += 1
    montrapon.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    replace(hoods / "planoise.yml", '''          period: "2018"
          source: Recensement de la population 2018
''', '''          period: "2018"
          source: Recensement de la population 2018
        - value: 15510
          period: "2021"
          source: Recensement de la population 2021
''')
    replace(project / "contract" / "signatories.yml", *NEW_SIGNER)
    replace(project / "contract" / "contract.yml", 'version: "2024"', 'version: "2027"')
    replace(project / "contract" / "contract.yml", "status: signed", "status: draft")


# An article's sentence (in a sub-article), and a new signatory with its commitment that joins by the avenant.
ARTICLE_SENTENCE = ("sont des éléments de connaissance, essentiellement statistiques",
                    "sont des éléments de connaissance, principalement statistiques")
JOINING_SIGNATORY = """  - id: maison-exemple
    organisation: Association Exemple des quartiers
    group: etat
    commitment: maison-exemple
    joined_by: 1
    signature:
      position: 23
      signers:
        - title:
            - La Présidente,
          name: Marie DUPONT
"""
JOINING_COMMITMENT = """id: maison-exemple
title: Association Exemple des quartiers
position: 23
body:
  - p: L'association s'engage à ouvrir ses locaux aux habitants des quartiers.
"""


def apply_2027_terms(project: Path) -> None:
    """Changes of the contract's terms, which the avenant signs: an article's sentence, a new signatory."""
    replace(project / "contract" / "articles" / "article-9.yml", *ARTICLE_SENTENCE)
    signatories = project / "contract" / "signatories.yml"
    replace(signatories, "  - id: france-travail\n", JOINING_SIGNATORY + "  - id: france-travail\n")
    (project / "contract" / "commitments" / "maison-exemple.yml").write_text(JOINING_COMMITMENT, encoding="utf-8")


# More of the 2027 update, for the redline's own tests: an article's sentence, a sub-article's sentence and a
# priority moved to another theme of its neighbourhood.
GOVERNANCE_SENTENCE = ("se réunit 1 à 2 fois par an", "se réunit au moins deux fois par an")
SUB_ARTICLE_SENTENCE = ("évaluation à mi-parcours (2026)", "évaluation à mi-parcours (2027)")
MOVED_PRIORITY = "planoise-formation"
MOVED_BLOCK = """        - id: planoise-formation
          text: Permettre aux jeunes l'accès à la **formation**
          objectives: [insertion-emploi]
          devices: [pacte-emancipation-jeunes-planoise]
"""
MOVED_UNDER = "          objectives: [acces-droits-sante]\n          devices: [cls]\n"


def apply_redline_changes(project: Path) -> None:
    contract = project / "contract" / "articles"
    replace(contract / "article-13.yml", *GOVERNANCE_SENTENCE)
    replace(contract / "article-9.yml", *SUB_ARTICLE_SENTENCE)
    planoise = project / "neighbourhoods" / "planoise.yml"
    replace(planoise, MOVED_BLOCK, "")
    replace(planoise, MOVED_UNDER, MOVED_UNDER + MOVED_BLOCK)


# The amount the FPH's texts cite (contract/figures.yml), raised by the update.
AMOUNT = ("    value: 800\n", "    value: 1000\n")


def apply_2027_replay(project: Path) -> None:
    """The ten changes of the 2027 update as issue 16 replays them: a priority reworded, one deleted, one
    added and one moved; an article's sentence; an amount; a new signatory with its commitment; a new
    préfet; an observation; the version and its draft status."""
    apply_2027_update(project)  # reworded, deleted, added, observation, préfet, version and status
    planoise = project / "neighbourhoods" / "planoise.yml"
    replace(planoise, MOVED_BLOCK, "")
    replace(planoise, MOVED_UNDER, MOVED_UNDER + MOVED_BLOCK)
    replace(project / "contract" / "articles" / "article-13.yml", *GOVERNANCE_SENTENCE)
    replace(project / "contract" / "figures.yml", *AMOUNT)
    signatories = project / "contract" / "signatories.yml"
    replace(signatories, "  - id: france-travail\n", JOINING_SIGNATORY + "  - id: france-travail\n")
    (project / "contract" / "commitments" / "maison-exemple.yml").write_text(JOINING_COMMITMENT, encoding="utf-8")
