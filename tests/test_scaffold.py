"""cdv.scaffold: a new neighbourhood skeleton in this contract, and a whole new contract for another territory."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import cdv.scaffold as scaffold
from cdv.build import build_site
from cdv.errors import UsageError
from cdv.fmt import format_project
from cdv.scaffold import new_contract, new_neighbourhood
from cdv.validate import validate_project
from cdv.yamlload import load_yaml_file

from territory import territory_mentions

ROOT = Path(__file__).resolve().parents[1]
TERRITORY_WORDS = re.compile(r"Besançon|Besancon|Planoise|\bGBM\b|Grand Besançon|bisontin", re.IGNORECASE)
# Names that YAML would read as something else, or cut, if they were written as typed.
HOSTILE_NAMES = ["Saint-Denis: Nord", "Cité « Les 4: Vents » #2", "L'Île d'en face", 'Le "Haut" Quartier',
                 "- Tiret", "[Crochets]", "{Accolades}", "yes", "null", "2024", "0x1F", "~", "* étoile", "&ancre",
                 "!étiquette", "%pour", "@arobase", "`accent`", "a #b", "a: b: c", "'guillemet simple",
                 "\\oblique\\", "{{ 7 * 7 }}", "{% raw %}", "{# note #}", "--- document", "... fin", "? clé",
                 "| barre", "> chevron", "Élan\u00a0Nord"]


def errors_of(root: Path) -> list[str]:
    return [e.format_text() for e in validate_project(root)[1]]


def not_canonical(root: Path) -> list[str]:
    return [r.rel for r in format_project(root, check=True) if r.changed]


# --- new_neighbourhood -----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("kind", ["qpv", "fragile"])
def test_new_neighbourhood_is_valid_canonical_and_built(project, tmp_path, kind):
    path = new_neighbourhood(project, "les-tilleuls", "Les Tilleuls", kind)

    assert path == project / "neighbourhoods" / "les-tilleuls.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "\n" in text  # a first-line comment telling the editor what to do
    data = load_yaml_file(path, "neighbourhoods/les-tilleuls.yml").data
    assert data["id"] == "les-tilleuls" and data["kind"] == kind and data["name"] == "Les Tilleuls"
    contract = load_yaml_file(project / "contract" / "contract.yml", "contract/contract.yml").data
    assert data["commune"] == contract["territory"]["commune"]  # default: the contract's commune
    assert errors_of(project) == []
    assert not_canonical(project) == []

    site = build_site(project, tmp_path / "site", with_pdf=False)
    page = site / "quartiers" / "les-tilleuls" / "index.html"
    assert page.is_file()
    assert "Les Tilleuls" in page.read_text(encoding="utf-8")


def test_qpv_skeleton_holds_placeholders_only(project):
    path = new_neighbourhood(project, "les-tilleuls", "Les Tilleuls", "qpv", commune="Novillars")
    data = load_yaml_file(path, "neighbourhoods/les-tilleuls.yml").data

    assert data["commune"] == "Novillars"
    portrait = data["portrait"]
    assert portrait["indicators"] == []  # no figure is ever invented
    [section] = portrait["sections"]
    assert section["blocks"] == [{"figure": {"kind": "graphique", "title": "Portrait à compléter"}}]
    project_ = data["project"]
    assert project_["title"] == "Projet de quartier Les Tilleuls"
    assert project_["priorities_heading"] == "priorités pour le quartier de Les Tilleuls"
    [theme] = project_["themes"]
    [priority] = theme["priorities"]
    assert "Priorité à rédiger" in priority["text"]
    assert theme["id"].startswith("les-tilleuls-") and priority["id"].startswith("les-tilleuls-")


def test_fragile_skeleton_has_only_its_identity(project):
    path = new_neighbourhood(project, "cite-nouvelle", "Cité Nouvelle", "fragile")
    data = load_yaml_file(path, "neighbourhoods/cite-nouvelle.yml").data
    assert set(data) == {"id", "kind", "name", "commune"}


def test_name_needing_quotes_reads_back_unchanged(project):
    name = "Cité « Les 4: Vents » #2"
    path = new_neighbourhood(project, "quatre-vents", name, "qpv")
    assert load_yaml_file(path, "neighbourhoods/quatre-vents.yml").data["name"] == name
    assert errors_of(project) == []
    assert not_canonical(project) == []


@pytest.mark.parametrize("slug", ["Planoise2", "les_tilleuls", "-tilleuls", "tilleuls-", "les--tilleuls",
                                  "tilleuls.yml", "", "écoquartier", "a/b"])
def test_bad_slug_is_refused(project, slug):
    with pytest.raises(UsageError, match="identifiant de quartier"):
        new_neighbourhood(project, slug, "Les Tilleuls", "qpv")
    assert sorted(p.name for p in (project / "neighbourhoods").iterdir()) == \
        sorted(p.name for p in (ROOT / "neighbourhoods").iterdir())


@pytest.mark.parametrize("kind", ["prioritaire", "QPV", ""])
def test_bad_kind_is_refused(project, kind):
    with pytest.raises(UsageError, match="type de quartier"):
        new_neighbourhood(project, "les-tilleuls", "Les Tilleuls", kind)
    assert not (project / "neighbourhoods" / "les-tilleuls.yml").exists()


def test_existing_file_is_refused_and_left_untouched(project):
    before = (project / "neighbourhoods" / "planoise.yml").read_bytes()
    with pytest.raises(UsageError, match="existe déjà"):
        new_neighbourhood(project, "planoise", "Planoise", "qpv")
    assert (project / "neighbourhoods" / "planoise.yml").read_bytes() == before


def test_slug_too_long_for_derived_ids_is_refused(project):
    slug = "-".join(["quartier"] * 9)  # 80 characters: valid alone, too long once suffixed
    with pytest.raises(UsageError):
        new_neighbourhood(project, slug, "Long", "qpv")
    assert not (project / "neighbourhoods" / f"{slug}.yml").exists()


def test_empty_name_is_refused(project):
    with pytest.raises(UsageError, match="nom du quartier"):
        new_neighbourhood(project, "les-tilleuls", " ", "qpv")


def test_commune_needed_outside_a_project(tmp_path):
    with pytest.raises(UsageError, match="contract/contract.yml"):
        new_neighbourhood(tmp_path, "les-tilleuls", "Les Tilleuls", "fragile")


# --- new_contract ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def new_project(tmp_path_factory) -> Path:
    return new_contract(tmp_path_factory.mktemp("nouveau") / "contrat-de-ville",
                        title="Contrat de ville de Valmont", commune="Valmont",
                        epci="Communauté de communes du Val de Mont")


def written_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "site" not in p.relative_to(root).parts)


def test_new_contract_writes_the_expected_layout(new_project):
    rels = {p.relative_to(new_project).as_posix() for p in written_files(new_project)}
    for rel in ("mkdocs.yml", "macros.py", "docs/index.md", "overrides/main.html", "contract/contract.yml",
                "contract/objectives.yml", "contract/signatories.yml", "contract/articles/article-1.yml",
                "contract/social-centres.yml"):
        assert rel in rels
    assert {p.name for p in (new_project / "schemas").glob("*.json")} == \
        {p.name for p in (ROOT / "schemas").glob("*.json")}
    assert {p.name for p in (new_project / "docs" / "assets").iterdir()} == \
        {p.name for p in (ROOT / "docs" / "assets").iterdir()}
    assert len(list((new_project / "neighbourhoods").glob("*.yml"))) == 1
    assert (new_project / "docs" / "index.md").read_text(encoding="utf-8") == \
        (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def test_new_contract_sources(new_project):
    def load(rel):
        return load_yaml_file(new_project / rel, rel).data

    contract = load("contract/contract.yml")
    assert contract["title"] == "Contrat de ville de Valmont"
    assert contract["status"] == "draft"
    year = contract["period"]["start"]
    assert contract["version"] == str(year)
    assert contract["signature"] == {"place": "Valmont", "date": f"{year}-01-01"}
    assert contract["territory"]["commune"] == "Valmont"
    assert contract["parts"][0]["id"] == "contrat-cadre"
    signatories = load("contract/signatories.yml")["signatories"]
    assert len(signatories) == 2
    assert [s["signature"]["signers"][0]["name"] for s in signatories] == ["Prénom NOM", "Prénom NOM"]
    assert signatories[1]["organisation"] == "Communauté de communes du Val de Mont"
    [neighbourhood] = new_project.joinpath("neighbourhoods").glob("*.yml")
    assert load(f"neighbourhoods/{neighbourhood.name}")["kind"] == "qpv"
    assert load(f"neighbourhoods/{neighbourhood.name}")["commune"] == "Valmont"


def test_new_contract_is_valid_and_canonical(new_project):
    assert errors_of(new_project) == []
    assert not_canonical(new_project) == []


def test_new_contract_says_nothing_of_this_territory(new_project):
    for path in written_files(new_project):
        text = path.read_text(encoding="utf-8")
        assert not TERRITORY_WORDS.search(text), (path, TERRITORY_WORDS.search(text))
    mkdocs = (new_project / "mkdocs.yml").read_text(encoding="utf-8")
    for key in ("site_url:", "repo_url:", "repo_name:", "edit_uri:"):
        assert key not in mkdocs


def test_new_contract_schemas_are_the_toolkits(new_project):
    """The schemas are copied as they are: their examples name no real place, nothing is rewritten."""
    for original in (ROOT / "schemas").glob("*.json"):
        assert (new_project / "schemas" / original.name).read_bytes() == original.read_bytes()


def test_new_contract_names_nothing_of_the_toolkits_sources(new_project):
    for path in written_files(new_project):
        if path.suffix in (".yml", ".json", ".md", ".html", ".py"):
            assert territory_mentions(path.read_text(encoding="utf-8"), ROOT) == [], path


def test_hostile_neighbourhood_names_read_back_unchanged(tmp_path):
    target = new_contract(tmp_path / "c")
    for number, name in enumerate(HOSTILE_NAMES, 1):
        path = new_neighbourhood(target, f"quartier-{number}", name, "qpv" if number % 2 else "fragile", commune=name)
        data = load_yaml_file(path, f"neighbourhoods/quartier-{number}.yml").data
        assert (data["name"], data["commune"]) == (name, name)
        if data["kind"] == "qpv":
            assert data["project"]["title"] == f"Projet de quartier {name}"
        assert path.read_text(encoding="utf-8").startswith("# Quartier "), name
    assert errors_of(target) == []
    assert not_canonical(target) == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_territory_name_gives_a_valid_contract(tmp_path, name):
    target = new_contract(tmp_path / "c", title=f"Contrat de ville {name}", commune=name, epci=f"{name} Métropole")
    contract = load_yaml_file(target / "contract" / "contract.yml", "contract/contract.yml").data
    assert contract["title"] == f"Contrat de ville {name}"
    assert contract["territory"] == {"commune": name, "epci": f"{name} Métropole"}
    assert contract["signature"]["place"] == name
    signatories = load_yaml_file(target / "contract" / "signatories.yml", "contract/signatories.yml").data
    assert signatories["signatories"][1]["organisation"] == f"{name} Métropole"
    assert errors_of(target) == []
    assert not_canonical(target) == []


def test_a_hostile_territory_name_builds_its_site(tmp_path):
    name = "Saint-Denis: Nord « #2 » {{ x }}"
    target = new_contract(tmp_path / "c", title=f"Contrat de ville {name}", commune=name, epci=f"{name} Métropole")
    site = build_site(target, tmp_path / "site", with_pdf=False)
    from html import unescape

    home = unescape((site / "index.html").read_text(encoding="utf-8"))
    assert f"Contrat de ville {name}" in home.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize("name", ["Les\tTilleuls", "Les\rTilleuls", "Les\u2028Tilleuls", "Les\x85Tilleuls",
                                  "Les\x00Tilleuls"])
def test_a_name_with_a_line_break_or_a_control_character_is_refused(project, name):
    with pytest.raises(UsageError, match="sur une ligne"):
        new_neighbourhood(project, "les-tilleuls", name, "qpv")
    assert not (project / "neighbourhoods" / "les-tilleuls.yml").exists()


def test_a_skeleton_value_written_without_its_filter_is_refused():
    with pytest.raises(TypeError, match="non échappée"):
        scaffold._skeletons().from_string("name: {{ name }}").render(name="a: b")
    assert scaffold._skeletons().from_string("name: {{ name | yaml }}").render(name="a: b") == 'name: "a: b"'


def test_every_skeleton_is_package_data():
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["cdv"]
    package = ROOT / "cdv"
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    skeletons = {p for p in (package / "skeletons").rglob("*") if p.is_file()}
    assert skeletons and skeletons <= shipped
    used = {f"{rel}.j2" for rel, _ in scaffold.CONTRACT_SKELETONS} | {f"neighbourhood/{k}.yml.j2" for k in scaffold.KINDS}
    assert {p.relative_to(package / "skeletons").as_posix() for p in skeletons} == used


@pytest.mark.slow
def test_new_contract_builds_its_own_site(new_project, tmp_path):
    site = build_site(new_project, tmp_path / "site", with_pdf=False)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Contrat de ville de Valmont" in home
    assert "<title>" in home and "Valmont" in home.split("<title>", 1)[1].split("</title>", 1)[0]
    [neighbourhood] = new_project.joinpath("neighbourhoods").glob("*.yml")
    assert (site / "quartiers" / neighbourhood.stem / "index.html").is_file()
    for page in site.rglob("*.html"):
        assert not TERRITORY_WORDS.search(page.read_text(encoding="utf-8")), page


@pytest.mark.slow
def test_new_contract_builds_with_its_pdf(new_project, tmp_path):
    pytest.importorskip("pypdf")
    from pypdf import PdfReader

    site = build_site(new_project, tmp_path / "site")
    pdf = site / "contrat.pdf"
    assert pdf.is_file()
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    assert "Valmont" in text
    assert not TERRITORY_WORDS.search(text)


def test_new_contract_with_default_names(tmp_path):
    target = new_contract(tmp_path / "exemple")
    contract = load_yaml_file(target / "contract" / "contract.yml", "contract/contract.yml").data
    assert contract["title"] == "Contrat de ville de Exempleville"
    assert contract["territory"] == {"commune": "Exempleville", "epci": "Communauté d'agglomération d'Exempleville"}
    assert errors_of(target) == []


def test_new_contract_in_an_existing_empty_folder(tmp_path):
    (tmp_path / "vide").mkdir()
    assert errors_of(new_contract(tmp_path / "vide")) == []


def test_new_contract_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "plein").mkdir()
    (tmp_path / "plein" / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(UsageError, match="pas un dossier vide"):
        new_contract(tmp_path / "plein")
    assert [p.name for p in (tmp_path / "plein").iterdir()] == ["notes.txt"]


def test_new_contract_refuses_a_file(tmp_path):
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError):
        new_contract(tmp_path / "fichier")


def test_new_contract_needs_the_toolkit_files(tmp_path, monkeypatch):
    fake_package = tmp_path / "ailleurs" / "cdv" / "__init__.py"
    fake_package.parent.mkdir(parents=True)
    fake_package.write_text("", encoding="utf-8")
    import cdv

    monkeypatch.setattr(cdv, "__file__", str(fake_package))
    with pytest.raises(UsageError, match="fichiers de l'outil introuvables"):
        new_contract(tmp_path / "nouveau")
    assert not (tmp_path / "nouveau").exists()


def test_cdv_new_commands(project, tmp_path):
    import subprocess
    import sys

    cdv = [sys.executable, "-m", "cdv.cli", "new"]
    made = subprocess.run(cdv + ["neighbourhood", "les-orchidees", "--name", "Les Orchidées", "--kind", "fragile",
                                 "--path", str(project)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "neighbourhoods/les-orchidees.yml" in made.stdout
    again = subprocess.run(cdv + ["neighbourhood", "les-orchidees", "--path", str(project)], capture_output=True, text=True)
    assert again.returncode == 2
    other = subprocess.run(cdv + ["contract", str(tmp_path / "ailleurs")], capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    assert subprocess.run([sys.executable, "-m", "cdv.cli", "validate", str(tmp_path / "ailleurs")]).returncode == 0
