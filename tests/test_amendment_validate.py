"""`cdv validate` holds the avenant being prepared to what it changes, and `cdv amendment new N` starts it
with those changes listed: on a scratch repository where the real 2024 contract is tagged v2024 and the
2027 update is made as an editor would."""
from __future__ import annotations

import shutil

import pytest

from test_versions import cdv, git
from update2027 import apply_2027_terms, apply_2027_update

from conftest import copy_project

pytestmark = pytest.mark.slow  # git history

RECORD = "contract/amendments/1.yml"
# The sub-article changed, and the signatory joining with its commitment; a new préfet is a change of
# representative, which needs no clause (tests/test_diff.py).
TERMS = ("article-9-1", "maison-exemple")


@pytest.fixture
def update(tmp_path):
    """The signed 2024 contract tagged v2024, then the 2027 update in the working tree."""
    repo = copy_project(tmp_path / "depot")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    git(repo, "tag", "v2024")
    apply_2027_update(repo)
    apply_2027_terms(repo)
    return repo


def errors_of(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(("contract/", "neighbourhoods/"))]


def test_a_version_changing_the_terms_without_avenant_is_refused_and_told_how(update):
    (update / "contract" / "signatories.yml").write_text(
        (update / "contract" / "signatories.yml").read_text(encoding="utf-8").replace("    joined_by: 1\n", ""),
        encoding="utf-8",
    )
    result = cdv(update, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [error] = errors_of(result)
    assert error.startswith("contract/contract.yml:9:")  # the line of « version »
    assert "la version 2027 modifie la version 2024 en vigueur par 2 modifications des termes du contrat" in error
    assert "prefecture-doubs" not in error
    for ident in TERMS:
        assert f"({ident})" in error
    assert "battant-attractivite-marche-couvert" not in error  # a priority is the comité de pilotage's
    assert "cdv amendment new 1" in error


def test_amendment_new_lists_what_needs_the_avenant_and_validate_accepts_it(update):
    made = cdv(update, "amendment", "new", "1")
    assert made.returncode == 0, made.stdout + made.stderr
    text = (update / RECORD).read_text(encoding="utf-8")
    listed = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("  - element: ")]
    assert listed == list(TERMS)
    assert "# Article 9.1 - Les portraits de quartier" in text  # each named as the diff names it
    assert 'version: "2027"' in text and 'base: "2024"' in text and "status: draft" in text
    # The priorities validated by the comité de pilotage are recalled, for its decisions, as comments.
    assert "#   Battant" in text and "(battant-attractivite-marche-couvert)" in text
    assert cdv(update, "fmt", "--check").returncode == 0
    valid = cdv(update, "validate")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    # It never replaces what an editor wrote.
    (update / RECORD).write_text(text + "# écrit à la main\n", encoding="utf-8")
    again = cdv(update, "amendment", "new", "1")
    assert again.returncode == 2 and "existe déjà" in again.stderr
    assert (update / RECORD).read_text(encoding="utf-8").endswith("# écrit à la main\n")
    second = cdv(update, "amendment", "new", "2")
    assert second.returncode == 2 and "l'avenant n° 1 produit déjà la version 2027" in second.stderr
    assert not (update / "contract" / "amendments" / "2.yml").exists()


def test_an_avenant_missing_a_change_or_naming_an_unchanged_or_unknown_element_is_located(update):
    assert cdv(update, "amendment", "new", "1").returncode == 0
    record = update / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("  - element: article-9-1\n", "  - element: article-5\n  - element: articel-16\n"),
        encoding="utf-8",
    )
    lines = record.read_text(encoding="utf-8").splitlines()
    result = cdv(update, "validate")
    assert result.returncode == 1
    errors = errors_of(result)
    assert len(errors) == 3, result.stdout
    changes_line = lines.index("changes:") + 1
    missing = next(e for e in errors if "article-9-1" in e)
    assert missing.startswith(f"{RECORD}:{changes_line}:")
    assert ("ne mentionne pas « Article 9.1 - Les portraits de quartier » (article-9-1), modifié depuis la version "
            "2024") in missing
    unchanged = next(e for e in errors if "article-5" in e)
    assert unchanged.startswith(f"{RECORD}:{lines.index('  - element: article-5') + 1}:")
    assert "n'a pas changé depuis la version 2024" in unchanged
    unknown = next(e for e in errors if "articel-16" in e)
    assert "n'est l'identifiant d'aucun élément du contrat" in unknown and "article-16" in unknown.split("proches")[1]


def test_the_article_accounts_for_a_change_in_its_sub_article(update):
    assert cdv(update, "amendment", "new", "1").returncode == 0
    record = update / RECORD
    record.write_text(
        record.read_text(encoding="utf-8").replace("  - element: article-9-1\n", "  - element: article-9\n"),
        encoding="utf-8",
    )
    result = cdv(update, "validate")
    assert result.returncode == 0, result.stdout


def test_a_base_that_was_never_published_is_an_error_not_a_silent_pass(update):
    assert cdv(update, "amendment", "new", "1").returncode == 0
    record = update / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('base: "2024"', 'base: "2021"'), encoding="utf-8")
    result = cdv(update, "validate")
    assert result.returncode == 1
    [error] = errors_of(result)
    assert "la version 2021 que modifie l'avenant n° 1 n'est pas publiée dans ce dépôt" in error
    assert "git fetch --tags" in error


def test_without_history_the_sources_alone_are_validated(update):
    assert cdv(update, "amendment", "new", "1").returncode == 0
    shutil.rmtree(update / ".git")
    result = cdv(update, "validate")
    assert result.returncode == 0, result.stdout
    refused = cdv(update, "amendment", "new", "2")
    assert refused.returncode == 2 and "aucune version publiée n'est en vigueur" in refused.stderr


def test_the_record_is_checked_against_itself_and_the_contracts_status(update):
    assert cdv(update, "amendment", "new", "1").returncode == 0
    record = update / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("number: 1\n", "number: 2\n").replace("status: draft\n", "status: draft\nsignatories: [prefecture]\n")
        .replace("  - element: maison-exemple\n", "  - element: maison-exemple\n  - element: maison-exemple\n"),
        encoding="utf-8",
    )
    errors = " | ".join(errors_of(cdv(update, "validate")))
    assert "l'avenant n° 2 est écrit dans contract/amendments/1.yml" in errors
    assert "signataire « prefecture » inconnu" in errors and "prefecture-doubs" in errors
    assert "élément modifié « maison-exemple » en double" in errors
    # Signed before the contract says so, in force before its signature: both refused, located.
    record.write_text(text.replace("status: draft\n", 'status: signed\nsignature:\n  place: Besançon\n'
                                   '  date: "2027-06-30"\nin_force: "2027-01-01"\n'), encoding="utf-8")
    errors = errors_of(cdv(update, "validate"))
    assert any(e.startswith("contract/contract.yml:") and "l'avenant n° 1, qui produit la version 2027, est signé"
               in e for e in errors), errors
    assert any("entrerait en vigueur le 2027-01-01, avant d'être signé le 2027-06-30" in e for e in errors)
    # A contract signed on an avenant still in preparation.
    record.write_text(text, encoding="utf-8")
    contract = update / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: draft", "status: signed"),
                        encoding="utf-8")
    [error] = errors_of(cdv(update, "validate"))
    assert error.startswith(RECORD) and "la version 2027 est signée" in error and "encore en préparation" in error


def test_a_change_of_the_contracts_own_fields_is_named_contrat(update):
    contract = update / "contract" / "contract.yml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(text.replace("programme: Engagements Quartiers 2030", "programme: Quartiers 2030", 1),
                        encoding="utf-8")
    assert cdv(update, "amendment", "new", "1").returncode == 0
    listed = [line.split(": ", 1)[1] for line in (update / RECORD).read_text(encoding="utf-8").splitlines()
              if line.startswith("  - element: ")]
    assert listed == ["contrat", *TERMS]
    result = cdv(update, "validate")
    assert result.returncode == 0, result.stdout
