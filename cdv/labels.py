"""The French words the outputs share: statuses, kinds of neighbourhood, approval levels, recurring terms.

A label shown in several places (the site, the PDF, the feed, the version selector, `cdv diff`) is defined
here once, by the English value the sources hold ("signed", "qpv"…); the modules and the templates read it
from here. Sentences that explain one check or one page stay beside it: only shared terms live here.
A territory that words its outputs differently edits this file alone.
"""

from __future__ import annotations

from typing import Any

# --- status of a version of the contract (contract.yml `status`) ----------------------------------------
# After "Version 2024, …" on the site, in "Ce qui change" and in `cdv diff`.
STATUS_LABELS = {"signed": "signé", "draft": "projet"}
# Of a version ("la version … signée"): the version selector, the branches `cdv publish` writes, the feed.
VERSION_STATUS = {"signed": "signée", "draft": "projet"}
# The announcement bar of every page: what the version shown is.
STATUS_IN_FORCE = {"signed": "en vigueur", "draft": "projet"}
# The cover of the PDF.
COVER_STATUS = {"signed": "Version signée", "draft": "Projet"}


def version_title(version: str, status: str) -> str:
    """How a version is named wherever versions are listed: "2024 (signée)", "2027 (projet)"."""
    return f"{version} ({VERSION_STATUS.get(status, VERSION_STATUS['draft'])})"


# Kinds of neighbourhood have no labels here: each contract names its own (contract.yml
# `shape.neighbourhood_kinds`, read by cdv.shape).

# --- structured fields of a priority of a neighbourhood project, in the order they are printed ------------
# Defaults of contract.yml `shape.strategy.field_labels`: "<label> : value, value." after the priority's text.
STRATEGY_FIELDS = {
    "lead": "Pilote",
    "partners": "Partenaires",
    "levers": "Leviers",
    "funding": "Financements",
    "criteria": "Critères d'évaluation",
    "indicators": "Indicateurs",
}

# --- approval a change needs (cdv diff, "Ce qui change", the amendment's PDF), from the strongest -----------
# Defaults only: a contract words its own levels in contract.yml `shape.approvals` (Besançon cites its
# articles there). These serve a version that has none, such as a version signed before `shape` existed,
# so they name no article: article numbers belong to one contract.
APPROVAL_LEVELS = {
    "avenant": "Avenant signé par les signataires (contrat cadre, signataires et engagements)",
    "copil": "Validation par le comité de pilotage (projets de quartier)",
    "representant": "Changement de représentant d'un signataire (sans effet sur les engagements)",
    "routine": "Mise à jour courante d'un portrait de quartier",
    "suivi": "Suivi de la mise en œuvre : actions, état des mesures, rapport annuel (sans effet sur les engagements)",
    "editorial": "Information sur la version (sans effet sur les engagements)",
}
# Default numbered titles of a version whose contract.yml has no `shape.headings`.
HEADINGS = {
    "part": "{ordinal} partie : {titre}",
    "article": "Article {numero} – {titre}",
    "section": "{numero} - {titre}",
    "annex": "Annexe {numero} : {titre}",
}
# The commitments' page, when the contract declares no annex showing them.
COMMITMENTS_PAGE = "Engagements des partenaires"
# Names of the levels of a neighbourhood project (shape.strategy.levels), outermost first: themes,
# priorities, items. `feminine` is for agreement ("priorité ajoutée"); a contract's level that does not say
# it is taken as masculine unless its name is the default one.
STRATEGY_LEVELS: list[dict[str, Any]] = [
    {"singular": "thème", "plural": "thèmes", "feminine": False},
    {"singular": "priorité", "plural": "priorités", "feminine": True},
    {"singular": "action", "plural": "actions", "feminine": True},
]
# What happened to an element, after its name ("Article 5 modifié").
CHANGE_ACTIONS = {
    "added": "ajouté",
    "removed": "supprimé",
    "changed": "modifié",
    "moved": "déplacé",
    "reworded": "reformulé",
    "observation": "nouvelle observation",
    "reordered": "modifié",
}

# --- terms of the content blocks ------------------------------------------------------------------------
SOURCE = "Source"  # before a source mention: "Source : INSEE 2020"
# Where an observation's source would be, when the contract gives none (the site, the PDF, the open data).
NO_SOURCE = "source non indiquée dans le contrat"
# The name of a portrait indicator's unit keyword (indicator `unit`) in the open data; a declared unit
# ({symbol, label}) gives its own.
UNIT_LABELS = {"nombre": "nombre", "pourcent": "pourcentage", "euros": "euros"}
# School levels (schools block `level`): one establishment, several, and the level's title.
SCHOOL_LEVELS = {
    "maternelle": ("école maternelle publique", "écoles maternelles publiques", "Maternelle"),
    "elementaire": ("école élémentaire publique", "écoles élémentaires publiques", "Élémentaire"),
    "college": ("collège public de secteur", "collèges publics de secteur", "Collège"),
    "lycee": ("lycée public de secteur", "lycées publics de secteur", "Lycée"),
}
# What the editors add beside a note of the signed document (note block `editorial`), never in its words.
EDITORIAL_NOTE = "Note de la rédaction (hors texte signé)"
# Kinds of figure of the signed document whose values were not kept (figure block `kind`).
FIGURE_KINDS = {"graphique": "Graphique", "carte": "Carte"}
# A chart's name for the neighbourhood, when the block does not know which one it is.
PLACE_FALLBACK = "Quartier"
# An indicator's evaluation (indicator `baseline` and `target`): the site's charts and comparison pages,
# the open data's dictionary.
BASELINE = "Référence"
TARGET = "Cible"
# What a change is measured from, after "depuis": the baseline, else the first observation.
SINCE_BASELINE = "la référence"
FIRST_OBSERVATION = "la première observation"
GAP_WITH = "Écart avec"  # before a comparison territory's name: "Écart avec Exempleville"

# --- the follow-up of the contract: actions, measures, annual reports ----------------------------------
# Status of an action or a measure (actions/*.yml `status`, a measure block's `status`).
FOLLOW_UP_STATUS = {"prevue": "prévue", "en-cours": "en cours", "realisee": "réalisée", "abandonnee": "abandonnée"}
# What the site says where the sources give no value (a status, a pilot, a porteur): never a guess.
NOT_GIVEN = "non renseigné"
# A funding line whose source gives the amount but not who pays it.
UNKNOWN_FUNDER = "financeur non précisé"
# A yearly amount the source gives without its years (« 350 000 € par an »).
PER_YEAR = "par an"
# Labels of a measure's or an action's follow-up fields.
FOLLOW_UP_FIELDS = {
    "pilot": "Pilote",
    "porteur": "Porteur",
    "status": "Statut",
    "funding": "Financements",
    "progress": "Avancement",
}
# Status of an annual report (reports/<year>.yml `status`).
REPORT_STATUS = {"projet": "projet", "soumis": "soumis aux conseils citoyens", "approuve": "approuvé"}
# What the site shows of the follow-up (cdv.actionview): the section of a neighbourhood page, the section of
# a signatory, the table of a device's measures, and the words of a funding line.
FOLLOW_UP_HEADINGS = {
    "neighbourhood": "Ce qui se fait ici",
    "signatory": "Ce que finance {name}",
    "measures": "Suivi des mesures",
}
# A funding line whose source gives the amount and no year (not a yearly amount: « par an » is PER_YEAR).
NO_YEAR = "année non précisée"
# Labels of an action's other fields, on the site and in the open data's dictionary.
ACTION_FIELDS = {
    "measures": "Mesures",
    "device": "Dispositif",
    "results": "Résultats",
    "source": "Source",
    "milestones": "Étapes",
    "parent": "Fait partie de",
    "priorities": "Priorités",
}
# How an approved report names its deliberation: « Approuvé par délibération du Conseil … du 30 juin 2026 ».
REPORT_APPROVAL = "par délibération"
# Where the report's actions have no priority of the contract given.
NO_PRIORITY = "sans priorité du contrat indiquée"

# --- how to take part and whom to reach: « Participer » on each neighbourhood page, the « Contact » page ----
# Labels of a place's or a service's coordinates (common.schema.json `coordinates`), in the order shown.
COORDINATE_FIELDS = {
    "address": "Adresse",
    "hours": "Horaires",
    "phone": "Téléphone",
    "email": "Courriel",
    "website": "Site internet",
    "source": "Source",
}
# The headings of « Participer », of the summary that opens a neighbourhood page and of the contact page.
PARTICIPATION_HEADINGS = {
    "section": "Participer",
    "summary": "En bref",
    "porteurs": "Porteurs des actions",
    "funders": "Financeurs des actions",
    "animation": "Qui anime le projet",
    "centres": "Centres sociaux et espaces de vie sociale",
    "contact": "Contact",
}
# The kinds of equipment of contract/social-centres.yml (`kind`).
CENTRE_KINDS = {"centre-social": "centre social", "evs": "espace de vie sociale"}
# --- what the site says of itself (cdv.siteinfo) ------------------------------------------------------
# A download's format, by the file's extension: "PDF – 621 Ko".
FILE_FORMATS = {"pdf": "PDF", "csv": "CSV", "json": "JSON", "xml": "XML"}
# A file's size: bytes below 1 000, then kilo-, mega-, gigaoctets (decimal: 1 Ko = 1 000 octets).
SIZE_UNITS = ("octets", "Ko", "Mo", "Go")
ONE_BYTE = "octet"
# The link an editor follows to change the page's source (its forge named after it).
EDIT_LINK = "Proposer une modification"
# The footer of every page (overrides/partials/copyright.html).
FOOTER = {
    "published_by": "Site publié par",
    "software": "Réalisé avec des logiciels libres :",
    "sources": "sources du site",
    "links": "Informations sur le site",
}
LEGAL_TITLE = "Mentions légales"
SITE_MAP_TITLE = "Plan du site"
# The pages the footer links to, when the site has them (cdv.siteinfo.FOOTER_PAGES says where they are).
FOOTER_LINKS = {
    "legal": LEGAL_TITLE,
    "accessibility": "Accessibilité",
    "site-map": SITE_MAP_TITLE,
    "contact": "Contact",
}
SITE_MAP_INTRO = "Toutes les pages du site, dans l'ordre de sa navigation."
SITE_MAP_OTHERS = "Autres pages"  # the pages the navigation leaves out, reached from another page
