"""A project with an annual report: the real sources, plus reports/2024.yml (approved, two opinions) and
actions/2024.yml (three actions in two neighbourhoods, with funding lines of every kind), and one
observation dated 2024. No report exists in the real sources: these texts are the tests' own."""
from __future__ import annotations

from pathlib import Path

from conftest import copy_project

REPORT_2024 = """\
year: 2024
title: Rapport annuel 2024 du contrat de ville
status: approuve
submitted: "2025-03-15"
approval:
  body: Conseil communautaire
  reference: n° 2025/0042
  date: "2025-06-30"
introduction:
  - p: Introduction du rapport d'essai.
outlook:
  - p: Perspectives d'essai pour 2025, écrites par le rapport.
opinions:
  - id: avis-planoise
    council: Conseil citoyen de Planoise
    neighbourhoods: [planoise]
    date: "2025-04-02"
    body:
      - p: Avis favorable du conseil citoyen de Planoise, avec une réserve sur la mobilité.
  - id: avis-battant
    council: Conseil citoyen de Battant
    neighbourhoods: [battant]
    date: "2025-03-28"
    body:
      - p: Le conseil citoyen de Battant demande un point d'étape sur la jeunesse.
"""

ACTIONS_2024 = """\
year: 2024
source: Programmation d'essai 2024
actions:
  - id: essai-jardin-planoise
    title: Jardin partagé d'essai
    neighbourhoods: [planoise]
    priorities: [planoise-renouvellement-urbain]
    porteur: ville-besancon
    funding:
      - funder: ville-besancon
        amount: 12000
        year: 2024
      - funder: ars-bfc
        amount: 3500
        year: 2024
    status: en-cours
    progress: 40
  - id: essai-jeunesse-battant
    title: Accueil jeunes d'essai
    neighbourhoods: [battant, planoise]
    priorities: [battant-lien-social-jeunesse, jeunes-12-25-ans]
    funding:
      - funder: ville-besancon
        amount: 8000
        year: 2024
      - funder:
          name: Fondation d'essai
        amount: 2000
        year: 2025
      - funder: caf-doubs
        amount: 5000
        per_year: true
    status: prevue
  - id: essai-mediation-battant
    title: Médiation d'essai
    neighbourhoods: [battant]
    funding:
      - amount: 1500
        year: 2024
      - funder: ars-bfc
        amount: 700
    status: realisee
    progress: 100
"""

# Dated totals the report must compute from the lines above (per_year and undated lines never added).
TOTAL_2024 = 12000 + 3500 + 8000 + 1500
TOTAL_2025 = 2000
PLANOISE_DATED = 12000 + 3500 + 8000 + 2000
BATTANT_DATED = 8000 + 2000 + 1500
VILLE_DATED = 12000 + 8000
ARS_DATED = 3500


def add_observation(project: Path) -> None:
    """A 2024 observation of Planoise's population after the 2018 one: new in the 2024 report."""
    path = project / "neighbourhoods" / "planoise.yml"
    text = path.read_text(encoding="utf-8")
    old = '        - value: 15378\n          period: "2018"\n          source: Recensement de la population 2018\n'
    assert old in text
    path.write_text(
        text.replace(old, old + '        - value: 15500\n          period: "2024"\n          source: Estimation d\'essai 2024\n'),
        encoding="utf-8",
    )


def report_project(dest: Path) -> Path:
    project = copy_project(dest)
    (project / "reports").mkdir()
    (project / "reports" / "2024.yml").write_text(REPORT_2024, encoding="utf-8")
    (project / "actions" / "2024.yml").write_text(ACTIONS_2024, encoding="utf-8")
    add_observation(project)
    return project
