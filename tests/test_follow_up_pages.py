"""What residents read of the follow-up: « Ce qui se fait ici » on each neighbourhood page (who does what,
with what money, how far it is), each signatory's « Ce que finance … », the measures' follow-up on the
device pages, and the open data of the actions. The expected sums are computed here from actions/*.yml as
written, not through cdv.followup."""
from __future__ import annotations

import copy
import csv
import html
import io
import json
import re
from collections import defaultdict

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cdv.pages import build_pages
from cdv.yamlload import load_yaml_file

from conftest import ROOT
from sitetext import normalise, visible_text


def funding_lines() -> list[tuple[dict, dict]]:
    """(action, funding line) of every action file, read as the files are."""
    out = []
    for path in sorted((ROOT / "actions").glob("*.yml")):
        data = load_yaml_file(path, f"actions/{path.name}").data
        out += [(a, f) for a in data["actions"] for f in a.get("funding", [])]
    return out


def euros(value) -> str:
    return f"{value:,.0f}".replace(",", " ") + " €"


def section(built_site, page: str, anchor: str, end: str = r'<h2 id="|<div class="cdv-history|</article>') -> str:
    """The HTML of a page from the heading with id `anchor` to the next section."""
    text = (built_site / page / "index.html").read_text(encoding="utf-8")
    start = text.rindex("<", 0, text.index(f'id="{anchor}"'))
    stop = re.compile(end).search(text, start + 1)
    return text[start : stop.start() if stop else len(text)]


def table_rows(fragment: str) -> list[list[str]]:
    """The body rows of the tables of an HTML fragment, each cell as visible text."""
    return [
        [visible_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for body in re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_planoise_shows_the_atelier_sante_ville_its_amount_and_the_ars(built_site, corpus):
    here = section(built_site, "quartiers/planoise", "ce-qui-se-fait-ici")
    action = here[here.index('id="action-atelier-sante-ville"') :]
    action = action[: action.index("</div>")]
    ars = next(s for s in corpus.signatories if s["id"] == "ars-bfc")
    text = visible_text(action)
    assert "Atelier Santé Ville" in text
    assert f"{normalise(ars['organisation'])} : 19 000 € (2022)" in text
    assert "crédits Politique de la Ville : 21 000 € (2022)" in text
    assert f'<a href="../../signataires/#ars-bfc">{html.escape(ars["organisation"], quote=False)}</a>' in action
    # The measure it implements, linked to its block on the device page, which holds that anchor.
    assert '<a href="../../dispositifs/pacte-emancipation-jeunes-planoise/#pacte-mesure-40">Mesure 40</a>' in action
    device = (built_site / "dispositifs" / "pacte-emancipation-jeunes-planoise" / "index.html").read_text("utf-8")
    assert 'id="pacte-mesure-40"' in device
    assert "Statut : en cours (31 janvier 2023)" in text and "Porteur : Direction Hygiène et Santé" in text
    # It serves a priority of the common base, not of Planoise's project: in the last group, that
    # priority shown by its text, linked to the common base's page.
    group = here.rindex('<h3 id="actions-', 0, here.index('id="action-atelier-sante-ville"'))
    assert here[group:].startswith('<h3 id="actions-autres">')
    common = next(p for axis in corpus.objectives["axes"] for o in axis["objectives"] for p in o["priorities"]
                  if p["id"] == "offre-de-soins")
    assert f'<a href="../../socle-commun/#offre-de-soins">{html.escape(common["text"], quote=False)}</a>' in action
    # An action serving a priority of Planoise's project is under it, the heading linking to the priority.
    assert '<h3 id="actions-planoise-sante-mentale"><a href="#planoise-sante-mentale">' in here


def test_planoise_totals_are_the_sums_of_the_lines_and_never_add_a_yearly_amount(built_site, corpus):
    lines = [(a, f) for a, f in funding_lines() if "planoise" in a["neighbourhoods"]]
    by_year: dict[int, float] = defaultdict(float)
    for _, f in lines:
        if "year" in f:
            by_year[f["year"]] += f["amount"]
    assert by_year == {2022: 40000}  # the Atelier Santé Ville's two lines: what the Pacte dates
    money = section(built_site, "quartiers/planoise", "financements-des-actions")
    rows = table_rows(money)
    years = {int(r[0]): r[1] for r in rows if len(r) == 2}
    assert years == {year: euros(total) for year, total in by_year.items()}
    # Per funder: its dated lines summed, its yearly and undated amounts beside, never in the total.
    funders = {r[0]: r[1:] for r in rows if len(r) == 3}
    ars = normalise(next(s for s in corpus.signatories if s["id"] == "ars-bfc")["organisation"])
    assert funders[ars] == ["19 000 €", "2 160 € (année non précisée) ; 80 000 € (année non précisée)"]
    assert funders["ANCT"] == ["—", "350 000 € par an"]
    assert funders["financeur non précisé"] == ["—", "100 000 € par an"]
    dated = defaultdict(float)
    for _, f in lines:
        if "year" in f and isinstance(f.get("funder"), dict):
            dated[f["funder"]["name"]] += f["amount"]
    for name, total in dated.items():
        assert funders[name][0] == euros(total)
    # The cité éducative's 350 000 € a year is listed apart, in no year's total.
    undated = visible_text(money[money.index("Montants que les sources donnent sans année") :])
    assert "Cité éducative de Planoise : ANCT : 350 000 € par an" in undated
    assert all("350" not in total for total in years.values())


def test_a_neighbourhood_without_actions_says_so_in_one_sentence(built_site, corpus):
    empty = [n for n in corpus.neighbourhoods if not any(n["id"] in a["neighbourhoods"] for a in corpus.actions)]
    assert empty
    for n in empty:
        here = section(built_site, f"quartiers/{n['id']}", "ce-qui-se-fait-ici")
        assert "Aucune action de la programmation n'est encore renseignée pour ce quartier." in visible_text(here)
        assert "<table" not in here and "cdv-action" not in here


def test_the_ars_section_lists_what_it_funds_with_its_totals(built_site, corpus):
    funded = [(a, f) for a, f in funding_lines() if f.get("funder") == "ars-bfc"]
    assert len(funded) == 3
    ars = section(built_site, "signataires", "suivi-ars-bfc", end=r'<h[23] id="')
    text = visible_text(ars)
    ars_name = normalise(next(s for s in corpus.signatories if s["id"] == "ars-bfc")["organisation"])
    assert text.startswith(f"Ce que finance {ars_name}")
    rows = table_rows(ars)
    assert [r[1] for r in rows] == ["Atelier Santé Ville", *(normalise(a["title"]) for a, f in funded if "year" not in f)]
    assert {r[0] for r in rows} == {"Planoise"}
    dated = sum(f["amount"] for _, f in funded if "year" in f)
    assert f"Total par année : 2022 : {euros(dated)}." in text
    assert "Montants sans année, ajoutés à aucune année : 2 160 € (année non précisée) ; 80 000 €" in text


def test_the_device_page_follows_each_measure_and_the_actions_implementing_it(built_site, corpus):
    followed = section(built_site, "dispositifs/pacte-emancipation-jeunes-planoise", "suivi-des-mesures",
                       end=r'<h2 id="(?!suivi)|<div class="cdv-history|</article>')
    rows = {r[0]: r for r in table_rows(followed)}
    measures = [b for d in corpus.devices for b in _blocks(d) if "measure" in b]
    assert len(rows) == len(measures) == 30
    assert rows["Mesure 40"] == ["Mesure 40", "Ville de Besançon", "non renseigné", "Atelier Santé Ville"]
    assert rows["Mesure 10"][1:] == ["non renseigné", "non renseigné", "aucune action renseignée"]
    assert '<a href="../../quartiers/planoise/#action-atelier-sante-ville">Atelier Santé Ville</a>' in followed
    # The measure block's pilot links to the signatory's final address (raw HTML MkDocs does not rewrite).
    device = (built_site / "dispositifs" / "pacte-emancipation-jeunes-planoise" / "index.html").read_text("utf-8")
    assert 'Pilote : <a href="../../signataires/#ville-besancon">Ville de Besançon</a>' in device
    assert "index.md" not in device


def _blocks(node):
    if isinstance(node, dict):
        if "measure" in node and "id" in node:
            yield node
        for value in node.values():
            yield from _blocks(value)
    elif isinstance(node, list):
        for value in node:
            yield from _blocks(value)


def test_the_open_data_carries_the_actions_and_the_measures(built_site, corpus):
    data = json.loads((built_site / "donnees" / "contrat.json").read_text(encoding="utf-8"))
    assert [len(f["actions"]) for f in data["actions"]] == [19]
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (built_site / "donnees" / "schemas").glob("*.json")
               if p.name != "index.json"}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    assert list(Draft202012Validator(schemas["bundle.schema.json"], registry=registry).iter_errors(data)) == []
    rows = list(csv.DictReader(io.StringIO((built_site / "donnees" / "actions.csv").read_text(encoding="utf-8"))))
    lines = funding_lines()
    unfunded = [a for a in corpus.actions if not a.get("funding")]
    assert len(rows) == len(lines) + len(unfunded)
    cite = next(r for r in rows if r["action_id"] == "cite-educative-planoise")
    assert (cite["financeur"], cite["montant"], cite["annee"], cite["par_an"]) == ("ANCT", "350000", "", "oui")
    asv = [r for r in rows if r["action_id"] == "atelier-sante-ville"]
    assert [(r["financeur_id"], r["montant"], r["annee"]) for r in asv] == [("ars-bfc", "19000", "2022"), ("", "21000", "2022")]
    measures = list(csv.DictReader(io.StringIO((built_site / "donnees" / "mesures.csv").read_text(encoding="utf-8"))))
    assert len(measures) == 30
    assert next(m for m in measures if m["mesure_id"] == "pacte-mesure-40")["actions"] == "atelier-sante-ville"
    dictionary = visible_text((built_site / "donnees" / "index.html").read_text(encoding="utf-8"))
    for column in ("financeur_id", "par_an", "annee_programmation", "pilote_id"):
        assert column in dictionary


def clone(corpus):
    """A deep copy whose documents still know their source files."""
    memo: dict = {}
    twin = copy.deepcopy(corpus, memo)
    twin.source_of = {id(memo[old]): rel for old, rel in corpus.source_of.items() if old in memo}
    return twin


def test_contributor_text_of_an_action_is_escaped(corpus):
    """An action's title, porteur, funder and note are data: shown as typed on every page that cites them."""
    hostile = clone(corpus)
    action = next(a for a in hostile.actions if a["id"] == "atelier-sante-ville")
    action["title"] = "<script>alert('titre')</script>"
    action["porteur"] = {"name": '<img src=x onerror="alert(1)">'}
    action["funding"][1]["funder"] = {"name": "</td><b onclick=alert(1)>"}
    action["funding"][0]["note"] = "| a | b |"
    pages = {p.path: p.markdown for p in build_pages(hostile)}
    for path in ("quartiers/planoise.md", "signataires/index.md", "dispositifs/pacte-emancipation-jeunes-planoise.md"):
        text = pages[path]
        assert "<script" not in text and "<img" not in text and "<b onclick" not in text and "</td><b" not in text, path
    planoise = pages["quartiers/planoise.md"]
    assert "&lt;script&gt;" in planoise and "&lt;img src=x onerror=" in planoise and "&lt;b onclick=alert(1)&gt;" in planoise
    # The note's pipes stay inside their list item: no table is opened by it.
    row = next(line for line in planoise.splitlines() if "19" in line and "a | b" in line.replace("&#124;", "|"))
    assert not row.lstrip().startswith("|")
