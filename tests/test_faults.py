"""Faults, as a user meets them: the CLI run in a subprocess (`python -m cdv.cli …`) on a throwaway git
copy of the real project. No command destroys what cdv did not make; every fault ends in one French
line and an exact exit status (1, or 130 for Ctrl-C), never a traceback; temporary copies never stay.

Tests run as root on the build machine, where chmod does not stop a write: a read-only folder is made
with `chattr +i` (immutable, which stops root too) when running as root, and with chmod otherwise;
/sys (a folder nobody can create files in) gives a permission error on every Linux machine.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_minimal_project, copy_project

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
MARKER = ".cdv-site"


def env_with(tmpdir: Path | None = None, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    env.update(GIT_ENV, **extra)
    env.setdefault("PYTHONPATH", str(ROOT))
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    return env


def cdv(*args, cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, env=env or env_with(),
                          capture_output=True, text=True, **kwargs)


def _child_setup() -> None:
    os.umask(0o022)
    # A pytest started in the background (`make test &`, a CI step under nohup) ignores SIGINT, and so
    # would cdv, inheriting it: give cdv the default Ctrl-C a user's terminal gives it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, env=env or env_with(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_child_setup)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=env_with(), check=True, capture_output=True,
                          text=True).stdout


def make_repo(dest: Path, *, minimal: bool = False) -> Path:
    repo = (copy_minimal_project if minimal else copy_project)(dest)
    shutil.copy2(ROOT / "README.md", repo / "README.md")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """One git copy of the project for the refusals (which must leave it untouched)."""
    return make_repo(tmp_path_factory.mktemp("faults") / "projet")


@pytest.fixture
def fresh_repo(tmp_path) -> Path:
    return make_repo(tmp_path / "projet")


@pytest.fixture
def fresh_minimal_repo(tmp_path) -> Path:
    """A git copy of the minimal project: for the tests about how builds replace, lock and fail, which
    need whole builds but not the real content (a real build takes ten times longer)."""
    return make_repo(tmp_path / "projet", minimal=True)


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` (.git included): kind, mode and the SHA-256 of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        if path.is_symlink():
            found[str(path.relative_to(folder))] = ("link", os.readlink(path))
        elif path.is_dir():
            found[str(path.relative_to(folder))] = ("dir", st.st_mode)
        else:
            found[str(path.relative_to(folder))] = ("file", st.st_mode, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def assert_one_french_line(result, status: int, *fragments: str) -> None:
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cdv : "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def wait_for(condition, what: str, proc: subprocess.Popen | None = None, limit: float = 300):
    """Poll until `condition()` is true (a state of the build, not a duration that is asserted)."""
    deadline = time.monotonic() + limit
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the build ended before {what}: {proc.returncode} {proc.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what}")
        time.sleep(0.05)


def staging_folders(parent: Path, name: str = "site") -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(f".{name}-")]


def cdv_temporaries(tmp: Path) -> list[str]:
    """What cdv left in a temporary folder (the compiled templates' cache is kept on purpose)."""
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("cdv-"))


def assert_valid_site(site: Path, neighbourhood: str = "planoise") -> None:
    assert (site / MARKER).is_file()
    assert "Contrat de Ville" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "quartiers" / neighbourhood / "index.html").is_file()
    assert (site / "contrat.pdf").read_bytes().startswith(b"%PDF-")


# --- no command destroys what it did not make ------------------------------------------------------

REFUSED_SITE_DIRS = {
    ".": "c'est le dossier du projet",
    "contract": "« contract/ » du projet",
    "contract/articles": "« contract/ » du projet",
    "neighbourhoods": "« neighbourhoods/ » du projet",
    "docs": "« docs/ » du projet",
    "schemas": "« schemas/ » du projet",
    "overrides": "« overrides/ » du projet",
    ".git": "dépôt git (.git)",
    ".git/refs": "dépôt git (.git)",
    "..": "contient le projet",
    "/": "racine du système de fichiers",
    "README.md": "fichier du projet",
    "contract/nouveau-site": "« contract/ » du projet",
}


@pytest.mark.parametrize("site_dir", list(REFUSED_SITE_DIRS))
def test_build_refuses_the_project_and_its_sources(repo, site_dir):
    before = snapshot(repo)
    result = cdv("build", "--site-dir", site_dir, cwd=repo)
    assert_one_french_line(result, 1, "dossier de sortie refusé", REFUSED_SITE_DIRS[site_dir], "Rien n'a été écrit")
    assert snapshot(repo) == before
    assert not [p for p in repo.parent.iterdir() if p.name.startswith(".") and "cdv" in p.name]


def test_build_refuses_the_home_folder(repo, tmp_path):
    home = tmp_path / "maison"
    home.mkdir()
    (home / "notes.txt").write_text("à garder", encoding="utf-8")
    result = cdv("build", "--site-dir", str(home), cwd=repo, env=env_with(HOME=str(home)))
    assert_one_french_line(result, 1, "dossier personnel")
    assert (home / "notes.txt").read_text(encoding="utf-8") == "à garder"


def test_build_refuses_a_symlink_into_the_project(repo, tmp_path):
    link = tmp_path / "lien-vers-contract"
    link.symlink_to(repo / "contract")
    before = snapshot(repo)
    result = cdv("build", "--site-dir", str(link), cwd=repo)
    assert_one_french_line(result, 1, "« contract/ » du projet")
    assert snapshot(repo) == before and link.is_symlink()


def test_build_refuses_an_existing_folder_cdv_did_not_make(repo, tmp_path):
    folder = tmp_path / "mes-documents"
    (folder / "sous-dossier").mkdir(parents=True)
    (folder / "rapport.odt").write_bytes(b"\x00rapport\xff")
    (folder / "sous-dossier" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    before = snapshot(folder)
    result = cdv("build", "--site-dir", str(folder), cwd=repo)
    assert_one_french_line(result, 1, str(folder), "n'a pas été fabriqué par cdv", MARKER)
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mes-documents"]


def test_build_refuses_a_file_and_a_path_under_a_file(repo, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("à garder", encoding="utf-8")
    result = cdv("build", "--site-dir", str(file), cwd=repo)
    assert_one_french_line(result, 1, str(file), "n'est pas un dossier")
    result = cdv("build", "--site-dir", str(file / "site"), cwd=repo)
    assert_one_french_line(result, 1, f"« {file} » est un fichier, pas un dossier")
    assert file.read_text(encoding="utf-8") == "à garder"


PDF_REFUSED = {
    "README.md": "doit se terminer par « .pdf »",
    "mkdocs.yml": "doit se terminer par « .pdf »",
    "neighbourhoods/planoise.yml": "doit se terminer par « .pdf »",
    "contract/contrat.pdf": "« contract/ » du projet",
    "docs/contrat.pdf": "« docs/ » du projet",
    ".git/contrat.pdf": "dépôt git (.git)",
    "docs": "doit se terminer par « .pdf »",
}


@pytest.mark.parametrize("output", list(PDF_REFUSED))
def test_pdf_refuses_sources_and_protected_folders(repo, output):
    before = snapshot(repo)
    result = cdv("pdf", "--output", output, cwd=repo)
    assert_one_french_line(result, 1, "fichier de sortie refusé", PDF_REFUSED[output])
    assert snapshot(repo) == before


def test_pdf_never_replaces_a_pdf_it_did_not_make(repo, tmp_path):
    scan = tmp_path / "contrat-signe.pdf"
    scan.write_bytes(b"%PDF-1.4\n% le contrat signe, scanne\n%%EOF\n")
    link = tmp_path / "lien.pdf"
    link.symlink_to(repo / "mkdocs.yml")
    folder = tmp_path / "dossier.pdf"
    folder.mkdir()
    for output, reason in ((scan, "n'est pas un PDF produit par cdv"), (link, "lien symbolique"),
                           (folder, "n'est pas un fichier")):
        assert_one_french_line(cdv("pdf", "--output", str(output), cwd=repo), 1, str(output), reason)
    assert scan.read_bytes() == b"%PDF-1.4\n% le contrat signe, scanne\n%%EOF\n"
    assert link.is_symlink() and folder.is_dir() and not any(folder.iterdir())


@pytest.mark.parametrize("where", [".git/nouveau", "contract/nouveau", "docs/nouveau"])
def test_new_contract_refuses_the_project_folders(repo, where):
    before = snapshot(repo)
    result = cdv("new", "contract", where, "--territoire", "Exempleville", "--periode", "2024-2030", cwd=repo)
    assert_one_french_line(result, 1, "dossier refusé")
    assert snapshot(repo) == before


def test_new_neighbourhood_never_writes_through_a_symlink(fresh_repo, tmp_path):
    outside = tmp_path / "ailleurs.yml"
    (fresh_repo / "neighbourhoods" / "les-orchidees.yml").symlink_to(outside)  # dangling: exists() is False
    result = cdv("new", "neighbourhood", "les-orchidees", cwd=fresh_repo)
    assert_one_french_line(result, 2, "existe déjà")
    assert not outside.exists()


def test_publish_refuses_the_branch_of_the_sources(repo):
    before = snapshot(repo)
    result = cdv("publish", "2024", "--branch", "main", cwd=repo)
    assert_one_french_line(result, 2, "branche « main » refusée")
    assert snapshot(repo) == before


def test_diff_refuses_a_revision_that_is_an_option(repo):
    before = snapshot(repo)
    result = cdv("diff", "--", "--output=README.md", cwd=repo)
    assert_one_french_line(result, 2, "ni un dossier de projet ni une révision git")
    assert snapshot(repo) == before


# --- builds: replaced only when cdv made them, one at a time, nothing left behind -------------------

@pytest.mark.slow
def test_build_then_rebuild_ordinary_permissions_and_no_temporary_copy(fresh_minimal_repo, tmp_path):
    """A new folder is built and marked; the marked folder is replaced by the next build; the site is
    readable by a web server (0755/0644 under umask 022); no copy of an old version stays in TMPDIR."""
    tmp = tmp_path / "tmp"
    env = env_with(tmp)
    site = tmp_path / "public" / "site"
    for _ in range(2):
        proc = start("build", "--site-dir", str(site), cwd=fresh_minimal_repo, env=env)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert_valid_site(site, "quartier")
    assert "fabriqué par cdv" in (site / MARKER).read_text(encoding="utf-8")
    assert staging_folders(site.parent) == []
    assert cdv_temporaries(tmp) == []  # the version in force was compared (Ce qui change), its copy removed
    modes = {(p.is_dir(), p.stat().st_mode & 0o777) for p in [site, *site.rglob("*")]}
    assert modes == {(True, 0o755), (False, 0o644)}
    diff = cdv("diff", "HEAD", cwd=fresh_minimal_repo, env=env)
    assert diff.returncode == 0, diff.stderr
    assert cdv_temporaries(tmp) == []


@pytest.mark.slow
def test_a_killed_build_leaves_nothing_the_next_build_keeps(fresh_repo, tmp_path):
    tmp = tmp_path / "tmp"
    site = fresh_repo / "site"
    proc = start("build", cwd=fresh_repo, env=env_with(tmp))
    # Killed once it has begun writing its staging folder (a state, not a delay).
    wait_for(lambda: any((p / "index.html").exists() for p in staging_folders(fresh_repo)), "pages written", proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert staging_folders(fresh_repo) != []  # what the killed build left
    assert not site.exists()
    again = cdv("build", cwd=fresh_repo, env=env_with(tmp))
    assert again.returncode == 0, again.stderr
    assert staging_folders(fresh_repo) == []
    assert_valid_site(site)
    assert cdv_temporaries(tmp) == []


def test_a_killed_process_temporary_copy_is_removed_by_the_next(fresh_repo, tmp_path):
    tmp = tmp_path / "tmp"
    code = ("import os, signal; from cdv.safety import TemporaryFolder; t = TemporaryFolder('cdv-version-'); "
            "print(t.name, flush=True); os.kill(os.getpid(), signal.SIGKILL)")
    killed = subprocess.run([sys.executable, "-c", code], env=env_with(tmp), capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL
    left = Path(killed.stdout.strip())
    assert left.is_dir() and left.parent == tmp
    other = tmp / "cdv-pas-a-nous"  # a folder of someone else's, named alike: kept
    other.mkdir()
    diff = cdv("diff", "HEAD", cwd=fresh_repo, env=env_with(tmp))
    assert diff.returncode == 0, diff.stderr
    assert cdv_temporaries(tmp) == ["cdv-pas-a-nous"]


@pytest.mark.slow
def test_ctrl_c_exits_130_in_one_line_and_keeps_the_previous_site(fresh_repo, tmp_path):
    site = fresh_repo / "site"
    site.mkdir()
    (site / MARKER).write_text("", encoding="utf-8")
    (site / "index.html").write_text("ancien site", encoding="utf-8")
    tmp = tmp_path / "tmp"
    proc = start("build", cwd=fresh_repo, env=env_with(tmp))
    wait_for(lambda: staging_folders(fresh_repo) != [], "the staging folder", proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["cdv : interrompu (Ctrl-C) ; rien n'a été remplacé."]
    assert (site / "index.html").read_text(encoding="utf-8") == "ancien site"
    assert staging_folders(fresh_repo) == []
    assert cdv_temporaries(tmp) == []


@pytest.mark.slow
def test_two_builds_at_once_wait_for_each_other(fresh_minimal_repo):
    """While a build holds the site's lock, another one says it waits; with CDV_LOCK_TIMEOUT=0 it stops
    (exit 1, French line, nothing written); once the lock is free, both waiting builds end with a site."""
    site = fresh_minimal_repo / "site"
    lock = fresh_minimal_repo / ".site.cdv-lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        stopped = cdv("build", cwd=fresh_minimal_repo, env=env_with(CDV_LOCK_TIMEOUT="0"))
        assert stopped.returncode == 1, stopped.stderr
        lines = [line for line in stopped.stderr.splitlines() if line.strip()]
        assert lines[0].startswith("cdv : une autre construction est en cours dans")
        assert lines[-1].startswith("cdv : une autre construction est toujours en cours")
        assert "rien n'a été construit" in lines[-1] and "Traceback" not in stopped.stderr
        assert not site.exists() and staging_folders(fresh_minimal_repo) == []
        first, second = (start("build", cwd=fresh_minimal_repo) for _ in range(2))
        for proc in (first, second):  # each says it waits: a line read, not a delay
            assert proc.stderr.readline().startswith("cdv : une autre construction est en cours")
    for proc in (first, second):
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "Site construit" in out
    assert_valid_site(site, "quartier")
    assert staging_folders(fresh_minimal_repo) == []


# --- every fault: one French line, an exact status, never a traceback --------------------------------

def immutable(folder: Path):
    """Make `folder` read-only for everyone, root included; returns the undo."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode != 0:
        pytest.skip("root without chattr: test_build_in_a_folder_nobody_can_write_to covers this case")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.slow
def test_build_in_a_read_only_folder_keeps_the_site(fresh_repo, tmp_path):
    parent = tmp_path / "public"
    site = parent / "site"
    site.mkdir(parents=True)
    (site / MARKER).write_text("", encoding="utf-8")
    (site / "index.html").write_text("ancien site", encoding="utf-8")
    undo = immutable(parent)
    try:
        result = cdv("build", "--site-dir", str(site), cwd=fresh_repo)
    finally:
        undo()
    assert_one_french_line(result, 1, str(parent))
    assert any(reason in result.stderr for reason in ("permission refusée", "opération non permise"))
    assert sorted(p.name for p in site.iterdir()) == [MARKER, "index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "ancien site"
    assert sorted(p.name for p in parent.iterdir()) == ["site"]


def test_build_in_a_folder_nobody_can_write_to(repo):
    result = cdv("build", "--site-dir", "/sys/cdv-site", cwd=repo)
    assert_one_french_line(result, 1, "erreur du système sur « /sys/")
    assert any(reason in result.stderr for reason in ("permission refusée", "opération non permise"))


@pytest.mark.slow
def test_a_full_disk_is_one_line(fresh_repo, tmp_path):
    """The file-size limit stands in for a full disk: the system refuses a write half-way (EFBIG)."""
    import resource

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "build", "--site-dir", str(site)], cwd=fresh_repo,
                            env=env_with(tmp_path / "tmp"), capture_output=True, text=True, preexec_fn=small_files)
    assert_one_french_line(result, 1, "erreur du système sur « ", "fichier trop gros")
    assert not site.exists() and staging_folders(tmp_path) == []


@pytest.mark.parametrize("value", ["abc", "", "12.5", "-1", "99999999999999999999"])
def test_source_date_epoch_not_a_number(repo, value, tmp_path):
    for command in (("build", "--site-dir", str(tmp_path / "site")), ("pdf", "--output", str(tmp_path / "c.pdf"))):
        result = cdv(*command, cwd=repo, env=env_with(SOURCE_DATE_EPOCH=value))
        assert_one_french_line(result, 1, "SOURCE_DATE_EPOCH", f"« {value} »", "nombre entier de secondes")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_fmt_check_on_broken_yaml_reports_like_validate(fresh_repo):
    path = fresh_repo / "neighbourhoods" / "battant.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  nom: [non fermé\n", encoding="utf-8")
    before = snapshot(fresh_repo)
    validate = cdv("validate", cwd=fresh_repo)
    located = [line for line in validate.stdout.splitlines() if line.startswith("neighbourhoods/battant.yml:")]
    assert validate.returncode == 1 and located
    for args in (("fmt", "--check"), ("fmt",)):
        result = cdv(*args, cwd=fresh_repo)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert [line for line in result.stderr.splitlines() if line.startswith("neighbourhoods/")] == located
        assert "aucun fichier n'a été réécrit" in result.stderr
    assert snapshot(fresh_repo) == before


def test_diff_without_git_or_outside_a_repository(repo, tmp_path):
    no_git = tmp_path / "bin"
    no_git.mkdir()
    result = cdv("diff", "HEAD", cwd=repo, env=env_with(PATH=str(no_git)))
    assert_one_french_line(result, 1, "git est introuvable")
    plain = copy_project(tmp_path / "sans-git")
    result = cdv("diff", "HEAD", cwd=plain)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("cdv : « HEAD » n'est ni un dossier de projet ni une révision git")


def test_publish_outside_a_repository(tmp_path):
    plain = copy_project(tmp_path / "sans-git")
    result = cdv("publish", "2024", cwd=plain)
    assert_one_french_line(result, 1, "n'est pas dans un dépôt git")


def test_debug_shows_the_traceback(repo):
    plain = cdv("build", "--site-dir", ".", cwd=repo)
    debug = cdv("--debug", "build", "--site-dir", ".", cwd=repo)
    assert plain.returncode == debug.returncode == 1
    assert "Traceback" not in plain.stderr
    assert "Traceback (most recent call last)" in debug.stderr and "UnsafeTarget" in debug.stderr
    assert plain.stderr.strip().splitlines()[0] in debug.stderr


def test_an_unexpected_error_is_an_internal_error_line(repo):
    code = ("import sys, cdv.build, cdv.cli; "
            "cdv.build.build_site = lambda *a, **k: {}['pas de clé']; "
            "sys.exit(cdv.cli.main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "build"], cwd=repo, env=env_with(), capture_output=True,
                            text=True)
    assert_one_french_line(result, 1, "erreur interne", "KeyError", "cdv --debug build")


def test_an_empty_folder_or_a_marked_one_may_receive_the_site(repo, tmp_path):
    """Decision: a fresh empty folder (made by hand for the site) is accepted, like a folder cdv marked;
    a folder holding anything else is refused (above). Checked on the library's own rule."""
    from cdv.safety import UnsafeTarget, check_site_dir

    empty = tmp_path / "vide"
    empty.mkdir()
    marked = tmp_path / "marque"
    marked.mkdir()
    (marked / MARKER).write_text("", encoding="utf-8")
    (marked / "index.html").write_text("ancien", encoding="utf-8")
    assert check_site_dir(empty, repo) == empty.resolve()
    assert check_site_dir(marked, repo) == marked.resolve()
    (empty / "un-fichier").write_text("", encoding="utf-8")
    with pytest.raises(UnsafeTarget):
        check_site_dir(empty, repo)
    (repo / "docs" / MARKER).write_text("", encoding="utf-8")  # a marker never opens what people wrote
    try:
        with pytest.raises(UnsafeTarget):
            check_site_dir(repo / "docs", repo)
    finally:
        (repo / "docs" / MARKER).unlink()


@pytest.mark.slow
def test_a_mkdocs_error_is_one_french_line_naming_the_problem(fresh_minimal_repo, tmp_path):
    with (fresh_minimal_repo / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n[lien cassé](nulle-part.md)\n")
    site = tmp_path / "site"
    result = cdv("build", "--site-dir", str(site), cwd=fresh_minimal_repo, env=env_with(tmp_path / "tmp"))
    assert_one_french_line(result, 1, "la construction du site a échoué : ", "nulle-part.md")
    assert not site.exists() and staging_folders(tmp_path) == []
    assert cdv_temporaries(tmp_path / "tmp") == []


def test_an_interrupt_that_crossed_generated_code_still_exits_130(tmp_path):
    """CPython flags an interrupt raised through `exec` of a string as unhandled, and `python -m` then
    dies by SIGINT (-2) even though cdv handled it; `run` must still end with 130, in one line."""
    (tmp_path / "interrupted_cdv.py").write_text(
        "from cdv import cli\n"
        "def interrupted(argv=None):\n"
        "    exec('raise KeyboardInterrupt')\n"
        "cli._main = interrupted\n"
        "cli.run()\n", encoding="utf-8")
    env = env_with(tmp_path / "tmp")
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    result = subprocess.run([sys.executable, "-m", "interrupted_cdv"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "cdv : interrompu (Ctrl-C)."
