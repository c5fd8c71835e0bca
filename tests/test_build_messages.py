"""What MkDocs still warns about reaches the editor in French, on the file and line to fix."""
from __future__ import annotations

import subprocess
import sys

import pytest

from cdv.mkdocs_warnings import translate


def cdv(*args, cwd):
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.slow
def test_broken_links_of_a_hand_written_page_are_located_in_french(project, tmp_path):
    index = project / "docs" / "index.md"
    lines = index.read_text(encoding="utf-8").splitlines()
    lines += ["", "Voir [la page](nulle-part.md) et [l'article](contrat/article-5.md#ancre-absente)."]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line, text = len(lines), lines[-1]
    result = cdv("build", "--site-dir", str(tmp_path / "site"), cwd=project)
    assert result.returncode == 1
    assert f"docs/index.md:{line}:{text.index('nulle-part') + 1}: le lien « nulle-part.md » vise une page qui n'existe pas" in result.stderr
    assert (f"docs/index.md:{line}:{text.index('contrat/') + 1}: le lien « contrat/article-5.md#ancre-absente » vise l'ancre "
            "« #ancre-absente », absente de la page « contrat/article-5.md »") in result.stderr
    assert "Doc file" not in result.stderr and "strict mode" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_every_known_mkdocs_warning_is_translated():
    said = {
        "Doc file 'index.md' contains a link 'x.md', but the target is not found among documentation files.":
            "vise une page qui n'existe pas",
        "Doc file 'a/b.md' contains a link '../x.md', but the target 'x.md' is not found among documentation "
        "files. Did you mean 'y.md'?": "Vouliez-vous dire « y.md » ?",
        "Doc file 'index.md' contains a link 'b.md#z', but the doc 'b.md' does not contain an anchor '#z'.":
            "vise l'ancre « #z », absente de la page « b.md »",
        "Doc file 'index.md' contains a link '#z', but there is no such anchor on this page.":
            "vise l'ancre « #z », absente de cette page",
        "Doc file 'index.md' contains an unrecognized relative link 'dossier/', it was left as is.":
            "ne vise aucune page du site",
        "Doc file 'index.md' contains an absolute link '/x.md', it was left as is.": "commence par « / »",
        "A reference to 'x.md' is included in the 'nav' configuration, which is not found in the documentation "
        "files.": "la navigation de mkdocs.yml cite « x.md »",
    }
    for english, french in said.items():
        _, _, message = translate(english)
        assert french in message, (english, message)
        assert "Doc file" not in message and "Did you mean" not in message
