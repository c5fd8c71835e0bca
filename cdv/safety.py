"""What a command may write, and how it writes without destroying what it did not make.

- A site folder is replaced only if cdv made it: cdv writes a marker file (MARKER) into every site folder
  it makes and replaces an existing folder only when it holds that marker, or when it is empty. The
  project, its sources (contract/, neighbourhoods/), schemas/, docs/, overrides/, .git, the user's home,
  `/` and every folder holding one of them are refused, whatever marker they hold, symlinks followed.
- A PDF is written only to a `.pdf` name outside those folders, and replaces only a PDF file; a CSV
  (`cdv actions export`) only to a `.csv` name outside them.
- One build at a time per site folder (a lock beside it); a killed build's staging folders, recognised by
  their name and marker, are removed by the next build.
- Temporary folders (old versions, PDF) live in the system's temporary folder, are removed when done or
  at exit, and those of a killed process are removed by the next one (each holds a lock while in use).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import sys
import tempfile
import time
import weakref
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import CdvError, UnsafeTarget  # UnsafeTarget: defined with the other errors, imported from here too

MARKER = ".cdv-site"
MARKER_TEXT = (
    "Ce dossier a été fabriqué par cdv (« cdv build ») : c'est un site construit, pas une source.\n"
    "cdv ne remplace un dossier existant que s'il contient ce fichier ; la prochaine construction\n"
    "remplacera donc tout son contenu. Ne rangez ici rien que vous voulez garder.\n"
)
# Folders of a project that hold what people wrote, never an output.
PROTECTED = ("contract", "neighbourhoods", "actions", "reports", "schemas", "docs", "overrides", ".git")
STAGING_INFIX = "-cdv-"  # .<site>-cdv-<random>: a build in progress (or killed), .<site>-cdv-previous
LOCK_SUFFIX = ".cdv-lock"
OWNER = ".cdv-owner"  # in a temporary folder: locked by the process using it
LOCK_TIMEOUT = 600.0  # seconds a build waits for another one (CDV_LOCK_TIMEOUT overrides)


# --- where a command may write ------------------------------------------------------------------


def _real(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _home() -> Path | None:
    try:
        return _real(Path.home())
    except (RuntimeError, KeyError, OSError):
        return None


def _project_of(path: Path) -> Path | None:
    """The project (folder holding contract/contract.yml) that `path` lies in, if any."""
    for folder in (path, *path.parents):
        try:
            if (folder / "contract" / "contract.yml").is_file():
                return folder
        except OSError:
            continue
    return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _projects(real: Path, roots: tuple[Path, ...]) -> set[Path]:
    """The projects `real` must be kept out of: the ones named, and the one `real` itself lies in."""
    projects = {_real(r) for r in roots}
    found = _project_of(real)
    if found is not None:
        projects.add(found)
    return projects


def _inside_project_folders(real: Path, roots: tuple[Path, ...]) -> str | None:
    """Why `real` lies in what people wrote (a project's sources, docs, theme, schemas, git), or None."""
    if ".git" in real.parts:
        return "c'est un dépôt git (.git) ou un dossier qui s'y trouve"
    projects = _projects(real, roots)
    for project in sorted(projects):
        for name in PROTECTED:
            if _within(real, project / name):
                return f"c'est « {name}/ » du projet ou un dossier qui s'y trouve : il contient ce que vous avez écrit"
    return None


def protected_reason(path: Path, roots: tuple[Path, ...] = (), extra: tuple[Path, ...] = ()) -> str | None:
    """Why the folder `path` (symlinks followed) must never be written to or replaced, or None."""
    real = _real(path)
    if real == Path(real.anchor):
        return "c'est la racine du système de fichiers"
    home = _home()
    if home is not None and (real == home or real in home.parents):
        return "c'est votre dossier personnel, ou un dossier qui le contient"
    projects = _projects(real, roots)
    for project in sorted(projects):
        if real == project:
            return "c'est le dossier du projet"
        if real in project.parents:
            return "ce dossier contient le projet et ses sources"
    reason = _inside_project_folders(real, tuple(projects))
    if reason:
        return reason
    if any(real.parent == project and real.is_file() for project in projects):
        return "c'est un fichier du projet"
    for folder in extra:
        folder = _real(folder)
        if _within(real, folder) or real in folder.parents:
            return f"ce dossier contient ou touche « {folder} », qui appartient au projet"
    return None


def is_marked(folder: Path) -> bool:
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def check_site_dir(target: Path, root: Path, extra: tuple[Path, ...] = ()) -> Path:
    """The real folder a site may be written to, or UnsafeTarget saying why not."""
    shown = str(target)
    reason = protected_reason(target, (root,), extra)
    real = _real(target)
    if reason:
        raise UnsafeTarget(
            f"dossier de sortie refusé : {shown} ({reason}). Rien n'a été écrit ; "
            "choisissez un dossier neuf, par exemple « site/ »."
        )
    if real.exists() or real.is_symlink():
        if not real.is_dir():
            raise UnsafeTarget(
                f"dossier de sortie refusé : {shown} existe et n'est pas un dossier. "
                "Rien n'a été écrit ; choisissez un autre chemin."
            )
        if not is_marked(real) and any(real.iterdir()):
            raise UnsafeTarget(
                f"dossier de sortie refusé : {shown} existe et n'a pas été fabriqué par cdv "
                f"(pas de fichier {MARKER}) ; cdv ne remplace que ses propres sites. Rien n'a "
                "été écrit : choisissez un dossier neuf, ou videz celui-ci vous-même."
            )
    for parent in real.parents:
        if parent.exists() and not parent.is_dir():
            raise UnsafeTarget(f"dossier de sortie refusé : {shown} : « {parent} » est un fichier, pas un dossier.")
    return real


def _output_file(output: Path, root: Path, suffix: str, hint: str = "") -> Path:
    """The real path of an output file a command is asked to write: its name ends in `suffix`, it is no
    symbolic link and it stands outside the folders people wrote (`hint` says where to write instead)."""
    shown = str(output)
    if Path(output).suffix.lower() != suffix:
        raise UnsafeTarget(
            f"fichier de sortie refusé : {shown} : le nom doit se terminer par « {suffix} ». Rien n'a été écrit."
        )
    if Path(output).is_symlink():
        raise UnsafeTarget(
            f"fichier de sortie refusé : {shown} est un lien symbolique ; donnez le chemin "
            "d'un vrai fichier. Rien n'a été écrit."
        )
    real = _real(output)
    reason = _inside_project_folders(real.parent, (root,))
    if reason:
        raise UnsafeTarget(f"fichier de sortie refusé : {shown} ({reason}). Rien n'a été écrit{hint}.")
    return real


def check_pdf_output(output: Path, root: Path) -> Path:
    """Where a PDF may be written: a `.pdf` name, outside the project's sources, replacing only a PDF."""
    shown = str(output)
    # A new PDF may go anywhere but into what people wrote; an existing file is replaced only if a PDF.
    real = _output_file(output, root, ".pdf")
    for parent in real.parents:
        if parent.exists() and not parent.is_dir():
            raise UnsafeTarget(f"fichier de sortie refusé : {shown} : « {parent} » est un fichier, pas un dossier.")
    if real.exists():
        if not real.is_file():
            raise UnsafeTarget(f"fichier de sortie refusé : {shown} existe et n'est pas un fichier.")
        if not made_by_cdv(real):
            raise UnsafeTarget(
                f"fichier de sortie refusé : {shown} existe et n'est pas un PDF produit par cdv "
                "(un contrat signé scanné, par exemple) ; cdv ne remplace que ses propres PDF. "
                "Rien n'a été écrit : choisissez un autre nom."
            )
    return real


def check_csv_output(output: Path, root: Path) -> Path:
    """Where `cdv actions export` may write: a `.csv` name, outside the project's sources (never over a
    source: those are `.yml`), replacing only an ordinary file (the user's earlier export)."""
    shown = str(output)
    real = _output_file(
        output,
        root,
        ".csv",
        " ; écrivez le tableau hors des sources, par exemple à la racine du projet ou dans vos documents",
    )
    if not real.parent.is_dir():
        raise UnsafeTarget(f"fichier de sortie refusé : {shown} : le dossier « {real.parent} » n'existe pas.")
    if real.exists() and not real.is_file():
        raise UnsafeTarget(f"fichier de sortie refusé : {shown} existe et n'est pas un fichier.")
    return real


_CDV_PDF = (b"/Creator (cdv)", b"<xmp:CreatorTool>cdv</xmp:CreatorTool>")
_STREAM = re.compile(rb"stream\r?\n")


def made_by_cdv(path: Path) -> bool:
    """Whether a file is a PDF that cdv wrote: its templates name cdv as the generator, which WeasyPrint
    writes as the document's Creator, in its (compressed) information and XMP metadata."""
    with path.open("rb") as file:
        if file.read(5) != b"%PDF-":
            return False
        data = b"%PDF-" + file.read()
    if any(tag in data for tag in _CDV_PDF):
        return True
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            text = zlib.decompressobj().decompress(data[match.end() : end if end > 0 else None], 1 << 22)
        except zlib.error:
            continue
        if any(tag in text for tag in _CDV_PDF):
            return True
    return False


def make_output_folder(folder: Path) -> None:
    """Create `folder` and its missing parents; those cdv creates get the marker (cdv made them)."""
    folder = _real(folder)
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    for created in reversed(missing):
        created.mkdir()
        (created / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def check_new_folder(target: Path) -> None:
    """A folder a command will create files in (a new project): never inside a project's own folders."""
    reason = protected_reason(target)
    if reason:
        raise UnsafeTarget(f"dossier refusé : {target} ({reason}). Rien n'a été écrit.")


# --- one build at a time, and what a killed build left ------------------------------------------


def lock_timeout() -> float:
    value = os.environ.get("CDV_LOCK_TIMEOUT")
    if value is None:
        return LOCK_TIMEOUT
    try:
        timeout = float(value)
    except ValueError:
        timeout = -1
    if not timeout >= 0:
        raise CdvError(
            f"la variable d'environnement CDV_LOCK_TIMEOUT vaut « {value} » : donnez un nombre de "
            "secondes positif ou nul (ex. 600)."
        )
    return timeout


@contextmanager
def build_lock(target: Path):
    """Hold the lock of a site folder (a file beside it); wait for another build, or stop after the timeout."""
    lock_path = target.with_name(f".{target.name}{LOCK_SUFFIX}")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            timeout = lock_timeout()
            print(
                f"cdv : une autre construction est en cours dans {target} ; attente de sa fin (au plus {timeout:g} s)…",
                file=sys.stderr,
                flush=True,
            )
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise CdvError(
                            f"une autre construction est toujours en cours dans {target} après "
                            f"{timeout:g} s : rien n'a été construit. Relancez quand elle est finie "
                            "(CDV_LOCK_TIMEOUT règle l'attente)."
                        ) from None
                    time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, so that every build locks the same file


def staging_prefix(target: Path) -> str:
    return f".{target.name}{STAGING_INFIX}"


def remove_stale_staging(target: Path) -> None:
    """Remove what earlier (killed) builds of `target` left beside it: named .<site>-cdv-* and marked.
    Called with the build lock held, so none of them belongs to a running build."""
    prefix = staging_prefix(target)
    try:
        entries = list(target.parent.iterdir())
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink() and is_marked(entry):
            shutil.rmtree(entry)


def new_staging(target: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return staging


def ordinary_permissions(folder: Path) -> None:
    """A site is served to everyone: folders rwxr-xr-x and files rw-r--r-- (less if the umask says so);
    tempfile.mkdtemp makes 0700 and would hide the site from a web server."""
    umask = os.umask(0)
    os.umask(umask)
    dir_mode, file_mode = 0o777 & ~umask, 0o666 & ~umask
    os.chmod(folder, dir_mode)
    for base, dirs, files in os.walk(folder):
        for name in dirs:
            path = os.path.join(base, name)
            if not os.path.islink(path):
                os.chmod(path, dir_mode)
        for name in files:
            path = os.path.join(base, name)
            if not os.path.islink(path):
                os.chmod(path, file_mode)


# --- temporary folders that never outlive their use ---------------------------------------------

TEMP_PREFIX = "cdv-"
_SWEPT: set[str] = set()


def _remove_if_abandoned(folder: Path) -> None:
    owner = folder / OWNER
    try:
        fd = os.open(owner, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return  # not ours (no owner file), or being created: left alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # its process is alive
    finally:
        os.close(fd)
    shutil.rmtree(folder, ignore_errors=True)


def sweep_temporary() -> None:
    """Remove the cdv-* folders that a killed cdv left in the temporary folder: only those holding an
    owner file that no process holds locked (once per process and temporary folder)."""
    base = Path(tempfile.gettempdir())
    if str(base) in _SWEPT:
        return
    _SWEPT.add(str(base))
    try:
        candidates = [p for p in base.iterdir() if p.name.startswith(TEMP_PREFIX) and p.is_dir() and not p.is_symlink()]
    except OSError:
        return
    for folder in candidates:
        _remove_if_abandoned(folder)


class TemporaryFolder:
    """Like tempfile.TemporaryDirectory (`.name`, `.cleanup()`, a context manager, removed at exit), and
    locked while in use so that a later cdv removes it if this process is killed."""

    def __init__(self, prefix: str):
        assert prefix.startswith(TEMP_PREFIX)
        sweep_temporary()
        self.name = tempfile.mkdtemp(prefix=prefix)
        partial = os.path.join(self.name, f"{OWNER}.new")
        self._fd = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.rename(partial, os.path.join(self.name, OWNER))  # appears already locked
        self._finalizer = weakref.finalize(self, TemporaryFolder._remove, self.name, self._fd)

    @staticmethod
    def _remove(name: str, fd: int) -> None:
        shutil.rmtree(name, ignore_errors=True)
        with suppress(OSError):
            os.close(fd)

    def cleanup(self) -> None:
        self._finalizer()

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *exc) -> None:
        self.cleanup()


# --- OS errors, in French -----------------------------------------------------------------------

_REASONS: dict[int | None, str] = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EFBIG: "fichier trop gros pour le système (limite atteinte)",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EEXIST: "existe déjà",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EBUSY: "ressource occupée",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EXDEV: "déplacement impossible d'un disque à l'autre",
    errno.EMFILE: "trop de fichiers ouverts",
}


def os_error_line(exc: OSError) -> str:
    """One French line for an OS error: what failed, on which path, why."""
    reason = _REASONS.get(exc.errno, exc.strerror or exc.__class__.__name__)
    paths = [str(p) for p in (exc.filename, exc.filename2) if p not in (None, "")]
    where = " → ".join(f"« {p} »" for p in paths)
    return f"erreur du système{' sur ' + where if where else ''} : {reason}."


# --- writing a file whole ----------------------------------------------------------------------------


def write_whole(path: Path, data: bytes) -> None:
    """The whole file or nothing (a crash or a full disk never leaves half of it), in place of the file
    itself (never through a symlink), keeping an existing file's permissions."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    partial = path.with_name(f".{path.name}.cdv-partial")
    partial.unlink(missing_ok=True)  # left by a killed cdv
    try:
        with open(partial, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, mode)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
