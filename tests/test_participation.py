"""What a neighbourhood page opens with (« En bref »: the project's priorities, what is done and funded there,
who carries and funds it, how to take part), its « Participer » section and the site's « Contact » page, on
the real sources and on a territory that gives coordinates (tests/fixtures/valmont). The expected values are
read from the YAML files as written, not through cdv.participation."""
from __future__ import annotations

import re

import pytest

from cdv import participation
from cdv.compare import Kind, Level
from cdv.corpus import load_corpus
from cdv.pages import build_pages
from cdv.yamlload import load_yaml_file

from conftest import ROOT
from test_compare import one
from test_fixtures import make_project


@pytest.fixture(scope="module")
def real_pages() -> dict[str, str]:
    return {p.path: p.markdown for p in build_pages(load_corpus(ROOT))}


@pytest.fixture(scope="module")
def valmont_pages(tmp_path_factory) -> dict[str, str]:
    root = make_project("valmont", tmp_path_factory.mktemp("valmont") / "valmont")
    return {p.path: p.markdown for p in build_pages(load_corpus(root))}


def yaml(rel: str) -> dict:
    return load_yaml_file(ROOT / rel, rel).data


def neighbourhoods() -> list[dict]:
    return [load_yaml_file(p, f"neighbourhoods/{p.name}").data for p in sorted((ROOT / "neighbourhoods").glob("*.yml"))]


def summary(page: str) -> str:
    """The markdown of « En bref »: from its heading to the end of its section."""
    start = page.index("## En bref { #en-bref }")
    return page[start : page.index("</section>", start)]


def test_every_neighbourhood_page_opens_with_its_summary_before_the_portrait(real_pages):
    for n in neighbourhoods():
        page = real_pages[f"quartiers/{n['id']}.md"]
        opening = page.index("## En bref")
        later = [page.index(f"## {n[key]['title']}") for key in ("portrait", "project") if key in n]
        later.append(page.index("## Projet de quartier") if "project" not in n else opening + 1)
        assert all(opening < at for at in later), n["id"]
        assert page.index("## Participer { #participer }") > opening


def test_the_summary_links_every_priority_of_the_project_in_its_order(real_pages):
    with_project = [n for n in neighbourhoods() if "project" in n]
    assert {n["id"] for n in with_project} >= {"planoise", "battant"}
    for n in with_project:
        text = summary(real_pages[f"quartiers/{n['id']}.md"])
        wanted = [p["id"] for t in n["project"]["themes"] for p in t["priorities"]]
        assert re.findall(r"\]\(#([a-z0-9-]+)\)", text)[: len(wanted)] == wanted, n["id"]
        for theme in n["project"]["themes"]:
            assert f'<a href="#{theme["id"]}">' in text
        # The count is a link to the project.
        assert f'<a href="#projet-de-quartier"><strong>{len(wanted)} priorités</strong> dans le projet de quartier</a>' in text


def test_a_neighbourhood_without_a_project_says_so_and_still_links_how_to_take_part(real_pages):
    without = [n for n in neighbourhoods() if "project" not in n]
    assert without
    for n in without:
        text = summary(real_pages[f"quartiers/{n['id']}.md"])
        assert '<a href="#projet-de-quartier">Projet de quartier</a> : pas encore rédigé.' in text
        assert "aucune action renseignée" in text
        assert "[Participer](#participer)" in text and "(../contact.md)" in text


def test_the_summary_counts_the_actions_and_adds_no_undated_amount_into_a_year(real_pages):
    actions = [a for p in sorted((ROOT / "actions").glob("*.yml"))
               for a in load_yaml_file(p, f"actions/{p.name}").data["actions"] if "planoise" in a["neighbourhoods"]]
    lines = [f for a in actions for f in a.get("funding", [])]
    dated: dict[int, float] = {}
    for f in lines:
        if "year" in f:
            dated[f["year"]] = dated.get(f["year"], 0) + f["amount"]
    undated = [f for f in lines if "year" not in f]
    assert actions and dated and undated  # the real Planoise programmation has both
    text = summary(real_pages["quartiers/planoise.md"])
    line = next(li for li in text.splitlines() if li.startswith("- **Ce qui se fait ici**"))
    assert f"{len(actions)} actions de la programmation 2023" in line
    spaced = re.sub(r"[\u00a0\u202f]", " ", line)
    for year, total in dated.items():
        assert "financements : " + f"{total:,.0f}".replace(",", " ") + f" € en {year}" in spaced
    assert f"{len(undated)} montants annuels ou sans année, ajoutés à aucune année" in line
    assert line.endswith("[le détail](#ce-qui-se-fait-ici)")


def test_who_carries_and_funds_names_the_signatories_first_as_links(real_pages):
    text = summary(real_pages["quartiers/planoise.md"])
    signatories = {s["id"] for s in yaml("contract/signatories.yml")["signatories"]}
    porteurs = next(li for li in text.splitlines() if li.startswith("- **Porteurs des actions**"))
    links = re.findall(r"\]\(\.\./signataires/index\.md#([a-z0-9-]+)\)", porteurs)
    assert links and set(links) <= signatories
    assert porteurs.index("index.md#") < porteurs.index("association Juste Ici")
    assert re.search(r"et \[\d+ autres\]\(#ce-qui-se-fait-ici\)$", porteurs)


def test_the_leads_and_partners_of_the_priorities_open_the_page_where_the_project_names_them(valmont_pages):
    text = summary(valmont_pages["quartiers/les-tilleuls.md"])
    assert "- **Pilote** : Mission locale du bassin de Valmont" in text
    partners = next(li for li in text.splitlines() if li.startswith("- **Partenaires associés**"))
    assert "Régie de quartier des Tilleuls" in partners and partners.endswith("(#projet-de-quartier)")
    assert "[Qui pilote le contrat](../contrat/article-6.md)" in text


def test_participer_lists_the_social_centres_of_contract_social_centres_yml(real_pages):
    centres = yaml("contract/social-centres.yml")["centres"]
    for n in neighbourhoods():
        page = real_pages[f"quartiers/{n['id']}.md"]
        section = page[page.index("## Participer { #participer }"):]
        mine = [c for c in centres if n["id"] in c["neighbourhoods"]]
        for c in mine:
            assert f"**{c['name']}**" in section, (n["id"], c["id"])
        assert "[Ce que prévoit le contrat : Conseils citoyens](../dispositifs/conseils-citoyens.md)" in section
        assert "[Ce que prévoit le contrat : FPH](../dispositifs/fph.md)" in section
        assert "(../contact.md)" in section


def test_nothing_is_invented_where_the_sources_give_no_coordinates(real_pages):
    """The signed contract gives no address, hours, phone or e-mail: the real site shows none."""
    for path, page in real_pages.items():
        if path.startswith("quartiers/") or path == "contact.md":
            assert "cdv-coordinates" not in page and "tel:" not in page and "mailto:" not in page, path
    planoise = real_pages["quartiers/planoise.md"]
    assert planoise.count("Adresse, horaires et contact : non renseignés dans les sources.") == 3


def test_a_neighbourhood_gives_its_instances_and_their_coordinates(valmont_pages):
    page = valmont_pages["quartiers/les-tilleuls.md"]
    section = page[page.index("## Participer { #participer }"):]
    assert "### Conseil citoyen des Tilleuls" in section
    assert "Il se réunit le premier mardi de chaque mois" in section
    assert '<a href="mailto:conseil-citoyen-tilleuls@valmont.example">' in section
    # The fund of the contract, with what the neighbourhood's file adds to it.
    fund = section[section.index("### Fonds d'initiatives des habitants"):section.index("### Conseil citoyen")]
    assert "Des petites sommes, accordées vite" in fund and "<dt>Horaires</dt><dd>le mercredi, de 14 h à 18 h</dd>" in fund
    # The other neighbourhood gives no instance: the fund alone, no coordinates.
    other = valmont_pages["quartiers/les-acacias.md"]
    assert "### Fonds d'initiatives des habitants" in other and "cdv-coordinates" not in other


def test_the_contact_page_says_what_the_sources_give(real_pages, valmont_pages):
    page = real_pages["contact.md"]
    contract = yaml("contract/contract.yml")
    assert f"publié par son auteur, **{contract['author']}**" in page
    assert f"- {contract['contact']['service']} (voir [" in page and "](contrat/article-15.md))" in page
    assert "ne donnent pas encore d'adresse, d'horaires, de téléphone ni de courriel" in page
    for n in neighbourhoods():
        assert f"(quartiers/{n['id']}.md#participer)" in page
    given = valmont_pages["contact.md"]
    assert "publié par **Agglomération de Valmont, service communication**" in given
    assert '<a href="tel:0300000000">03 00 00 00 00</a>' in given
    assert '<a href="https://www.valmont.example/politique-de-la-ville">' in given
    assert "ne donnent pas encore" not in given


def test_coordinates_are_contributor_text_escaped_at_the_boundary():
    shown = dict(participation.coordinates({
        "address": "1 rue <b>des</b> Lilas\n00000 Exempleville",
        "hours": "**lundi** <script>alert(1)</script>",
        "email": 'a"b@exempleville.fr',
        "website": "https://exempleville.fr/a b",  # a space: no link (the schema refuses it anyway)
    }))
    assert str(shown["Adresse"]) == "1 rue &lt;b&gt;des&lt;/b&gt; Lilas<br>00000 Exempleville"
    assert "<script>" not in str(shown["Horaires"]) and "<strong>lundi</strong>" in str(shown["Horaires"])
    assert str(shown["Courriel"]) == '<a href="mailto:a&#34;b@exempleville.fr">a&#34;b@exempleville.fr</a>'
    assert "<a" not in str(shown["Site internet"])
    assert participation.coordinates(None) == [] and str(participation.coordinates_html({})) == ""


@pytest.mark.parametrize("edit,kind", [
    (lambda c: c.social_centres["centres"][0].update(coordinates={"address": "1 rue des Lilas"}), Kind.SOCIAL_CENTRE),
    (lambda c: c.neighbourhoods[0].update(participation=[{"name": "Conseil citoyen"}]), Kind.NEIGHBOURHOOD),
    (lambda c: c.contract.update(contact={"coordinates": {"phone": "03 00 00 00 00"}}), Kind.CONTRACT),
    (lambda c: c.contract.update(participation={"devices": ["d"]}), Kind.CONTRACT),
])
def test_practical_information_changes_are_editorial_never_an_avenant(edit, kind):
    change = one(edit)
    assert (change.kind, change.level) == (kind, Level.EDITORIAL)


def test_an_unknown_participation_device_is_refused_where_it_is_written(tmp_path):
    from cdv.validate import validate_project

    root = make_project("valmont", tmp_path / "valmont")
    path = root / "contract" / "contract.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "devices: [fonds-initiatives-habitants]", "devices: [fonds-initiative-habitants]"), encoding="utf-8")
    _, errors = validate_project(root)
    assert [(e.file, e.message.split(" ;")[0]) for e in errors] == [
        ("contract/contract.yml", "dispositif « fonds-initiative-habitants » inconnu")]
    line = path.read_text(encoding="utf-8").splitlines()[errors[0].line - 1]
    assert "fonds-initiative-habitants" in line
