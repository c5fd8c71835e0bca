"""The `cdv` command: a thin layer over the library.

Exit 0 = ok; 1 = invalid sources, a refused or failed operation, git missing or failing (one French line
saying what and where); 2 = usage error, including a path or a git revision that names nothing
(`cdv diff NOPE`); 130 = interrupted (Ctrl-C). No traceback reaches a user: one handler (`_fail`, a table
by exception type) turns every error into its French line; `cdv --debug …` or CDV_DEBUG=1 also shows the
traceback, for developers. Each CdvError says its own status (cdv.errors).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from . import argparse_fr, reporters
from .errors import CdvError, InvalidSources, UsageError, visible
from .sources import find_project_root, is_project


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors; its words are French (cdv.argparse_fr).
        self.print_usage(sys.stderr)
        self.exit(2, f"cdv : erreur d'utilisation : {message}{_closest_choice(message)}\n")


def _closest_choice(message: str) -> str:
    """« biuld » → « vouliez-vous dire « build » ? », for a mistyped command or option value."""
    import difflib
    import re

    typed = re.search(r"choix invalide : '([^']*)' \(choix possibles : ([^)]*)\)", message)
    if not typed:
        return ""
    choices = re.findall(r"'([^']*)'", typed.group(2))
    close = difflib.get_close_matches(typed.group(1).lower(), choices, n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def _root_and_filter(path_arg: str | None) -> tuple[Path, set[str] | None]:
    path = Path(path_arg or ".")
    if not path.exists():
        raise UsageError(f"chemin introuvable : {path}")
    root = find_project_root(path if path.is_dir() else path.parent)
    if not is_project(root):
        raise UsageError(f"aucun projet trouvé (contract/contract.yml) dans {path.resolve()} ni au-dessus.")
    if path.is_file():
        return root, {path.resolve().relative_to(root).as_posix()}
    return root, None


def cmd_validate(args) -> int:
    from .validate import validate_project

    root, only = _root_and_filter(args.path)
    files, errors = validate_project(root, keep=True)
    if not errors:
        from .amendments import amendment_errors
        from .sources import FOLLOW_UP_KINDS

        # Between versions: the avenant that produces this version accounts for what it changes (git). The
        # follow-up is never a change of terms: its files (deferred, cdv.checkcache) are not read for it.
        errors = amendment_errors(root, [f for f in files if f.kind not in FOLLOW_UP_KINDS])
    if only is not None:
        # One file asked for: its errors, and what makes the whole project invalid whatever the file says
        # (a required file missing), or the editor would read « valide » and the build would fail.
        errors = [e for e in errors if e.file in only or not os.path.lexists(root / e.file)]
    reporters.write(args.format, reporters.Report(errors, files_read=len(files)))
    return 1 if errors else 0


def cmd_build(args) -> int:
    from .build import build_site

    root, _ = _root_and_filter(args.path)
    site_dir = build_site(root, Path(args.site_dir) if args.site_dir else None)
    print(f"Site construit dans {site_dir}")
    return 0


def cmd_pdf(args) -> int:
    from .pdf import write_amendment_pdf, write_pdf

    root, _ = _root_and_filter(args.path)
    if args.amendment:
        old, sep, new = args.amendment.partition("..")
        if not sep or not old:
            raise UsageError(
                "--amendment attend ANCIENNE..NOUVELLE (ex. v2024..HEAD, ou v2024.. pour le dossier courant)"
            )
        output = _pdf_output(args.output, root, "avenant.pdf")
        with _writing(output):
            print(f"Avenant écrit dans {write_amendment_pdf(root, old, new or str(root), output)}")
        return 0
    output = _pdf_output(args.output, root, "contrat.pdf")
    with _writing(output):
        print(f"PDF écrit dans {write_pdf(root, output)}")
    return 0


@contextmanager
def _writing(path: Path):
    """An OS error that names no file (a write failing half-way on a full disk) is said of `path`."""
    try:
        yield
    except OSError as exc:
        if not exc.filename:
            exc.filename = str(path)
        raise


def _pdf_output(given: str | None, root: Path, default: str) -> Path:
    """The PDF's path, checked (a .pdf outside the sources, replacing only a PDF), its folder made."""
    from .safety import check_pdf_output, make_output_folder

    output = check_pdf_output(Path(given) if given else root / "site" / default, root)
    make_output_folder(output.parent)
    return output


def cmd_diff(args) -> int:
    from .diff import LEVEL_ORDER, compare, load_version, to_markdown

    repo = find_project_root(Path("."))
    old, old_label = load_version(args.old, repo)
    new, new_label = load_version(args.new, repo)
    diff = compare(old, new, old_label, new_label)
    if args.format == "json":
        print(json.dumps(diff.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(to_markdown(diff))
    highest = diff.highest_level()
    if args.fail_above and highest and LEVEL_ORDER.index(highest) < LEVEL_ORDER.index(args.fail_above):
        print(
            f"cdv : ce changement relève du niveau « {highest} », au-delà de « {args.fail_above} » annoncé.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_fmt(args) -> int:
    from .fmt import format_project

    root, only = _root_and_filter(args.path)
    with _writing(root):
        results = format_project(root, check=args.check, only=only)
    changed = [r.rel for r in results if r.changed]
    if args.check:
        for rel in changed:
            print(f"{rel}: pas en forme canonique (lancez « cdv fmt »)")
        print(f"{len(results) - len(changed)} fichier(s) en forme canonique, {len(changed)} à reformater.")
        return 1 if changed else 0
    for rel in changed:
        print(f"reformaté : {rel}")
    print(f"{len(changed)} fichier(s) reformaté(s) sur {len(results)}.")
    return 0


def cmd_publish(args) -> int:
    from .publish import publish

    root, _ = _root_and_filter(args.path)
    title = publish(root, args.version, args.alias or [], branch=args.branch)
    aliases = f" (alias : {', '.join(args.alias)})" if args.alias else ""
    print(f"Version « {title} » publiée sur la branche {args.branch}{aliases}.")
    return 0


def cmd_new(args) -> int:
    from .scaffold import new_contract, new_neighbourhood

    if args.what == "neighbourhood":
        root, _ = _root_and_filter(args.path)
        path = new_neighbourhood(root, args.slug, args.name or args.slug, args.kind, args.commune)
        print(f"Quartier créé : {path.relative_to(root)} (à compléter, puis « cdv validate »)")
    else:
        path = new_contract(
            Path(args.directory),
            args.territoire,
            args.periode,
            commune=args.commune,
            epci=args.epci,
            quartier=args.quartier,
            type_quartier=args.type_quartier,
        )
        print(f"Contrat minimal créé dans {path} (« cdv build {path} » construit son site)")
    return 0


def _amendment_number(text: str) -> int:
    if not re.fullmatch(r"[1-9][0-9]?", text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un numéro d'avenant (un nombre de 1 à 99, ex. 1)")
    return int(text)


def cmd_amendment(args) -> int:
    from .amendments import new_amendment

    root, _ = _root_and_filter(args.path)
    path = new_amendment(root, args.number)
    print(
        f"Avenant créé : {path.relative_to(root)} (à compléter : objet, décisions du comité de pilotage ; puis « cdv validate »)"
    )
    return 0


def _year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année (ex. 2025)")
    return int(text)


def cmd_actions(args) -> int:
    from .actionscsv import export_actions, import_actions
    from .safety import check_csv_output

    root, _ = _root_and_filter(args.path)
    if args.what == "export":
        output = check_csv_output(Path(args.file), root)
        with _writing(output):
            count = export_actions(root, output, args.year)
        print(
            f"{count} action(s) écrite(s) dans {args.file} (à ouvrir dans LibreOffice ou Excel, puis « cdv actions import »)"
        )
        return 0
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"fichier introuvable : {path}" + (" (c'est un dossier)" if path.is_dir() else ""))
    with _writing(root):
        outcomes = import_actions(
            root, path, "remove" if args.remove_missing else "keep" if args.keep_missing else None
        )
    for o in outcomes:
        if not o.changed:
            print(f"inchangé : {o.rel} ({o.actions} action(s))")
            continue
        what = "créé" if o.created else "mis à jour"
        detail = [f"{o.actions} action(s)"]
        if o.added and not o.created:
            detail.append("ajoutée(s) : " + ", ".join(o.added))
        if o.moved:
            detail.append("passée(s) à une autre année : " + ", ".join(o.moved))
        if o.removed:
            detail.append("retirée(s) : " + ", ".join(o.removed))
        print(f"{what} : {o.rel} ({' ; '.join(detail)})")
    print(
        "Les sources restent valides (vérifiées comme par « cdv validate ») : relisez le changement "
        "(git diff), puis proposez-le (pull request)."
    )
    return 0


def cmd_verify(args) -> int:
    from .verify import verify

    repo = Path(args.repo) if args.repo else find_project_root(Path("."))
    ok, bad = verify(Path(args.file), repo.resolve())
    for line in ok:
        print(f"conforme : {line}")
    for line in bad:
        print(f"NON CONFORME : {line}")
    print("Le PDF correspond au dépôt." if not bad else "Le PDF ne correspond pas au dépôt.")
    return 1 if bad else 0


def _report_year(text: str) -> int:
    if not re.fullmatch(r"(19|20)[0-9]{2}", text):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année (ex. 2025)")
    return int(text)


def cmd_report(args) -> int:
    from .report import new_report, write_report_pdf

    root, _ = _root_and_filter(args.path)
    if args.new:
        path = new_report(root, args.year)
        print(
            f"Rapport créé : {path.relative_to(root)} (à compléter : titre, introduction, perspectives ; "
            "puis « cdv validate » et « cdv report " + str(args.year) + " »)"
        )
        return 0
    output = _pdf_output(args.output, root, f"rapport-annuel-{args.year}.pdf")
    with _writing(output):
        print(f"Rapport annuel {args.year} écrit dans {write_report_pdf(root, args.year, output)}")
    return 0


def cmd_serve(args) -> int:
    from .build import serve

    root, _ = _root_and_filter(args.path)
    serve(root, args.dev_addr)
    return 0


def _parser() -> argparse.ArgumentParser:
    argparse_fr.install()
    parser = _Parser(prog="cdv", description="Le contrat de ville comme code : valider, construire, publier.")
    parser.add_argument(
        "--debug", action="store_true", help="en cas d'erreur, afficher aussi la trace Python (pour les développeurs)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="valider les sources YAML (toutes les erreurs à la fois)")
    p.add_argument(
        "path", nargs="?", metavar="CHEMIN", help="dossier du projet ou fichier à valider (défaut : dossier courant)"
    )
    p.add_argument(
        "--format",
        choices=list(reporters.REPORTERS),
        default="text",
        help="text (lisible), github (annotations GitHub Actions) ou json (voir README)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="valider puis construire le site dans site/")
    p.add_argument("path", nargs="?", metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.add_argument("--site-dir", metavar="DOSSIER", help="dossier de sortie (défaut : site/ du projet)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("pdf", help="valider puis produire le contrat imprimable (PDF A4)")
    p.add_argument("path", nargs="?", metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.add_argument(
        "--output", metavar="FICHIER", help="fichier PDF à écrire (défaut : site/contrat.pdf, ou site/avenant.pdf)"
    )
    p.add_argument(
        "--amendment",
        metavar="ANCIENNE..NOUVELLE",
        help="produire l'avenant qui passe d'une version à l'autre (révisions git ou dossiers)",
    )
    p.set_defaults(func=cmd_pdf)

    p = sub.add_parser("diff", help="ce qui change entre deux versions, en termes du contrat")
    p.add_argument(
        "old", metavar="ANCIENNE", help="ancienne version : révision git (ex. v2024, main) ou dossier de projet"
    )
    p.add_argument(
        "new", nargs="?", default=".", metavar="NOUVELLE", help="nouvelle version (défaut : le dossier courant)"
    )
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument(
        "--fail-above",
        choices=[
            "avenant",
            "copil",
            "representant",
            "routine",
            "suivi",
            "editorial",
        ],  # cdv.compare.Level, heaviest first
        help="échoue (statut 1) si un changement relève d'un niveau plus élevé que celui-ci",
    )
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "fmt", help="mettre les YAML en forme canonique (ordre des clés, guillemets, commentaires gardés)"
    )
    p.add_argument("path", nargs="?", metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.add_argument("--check", action="store_true", help="ne rien écrire ; échoue si un fichier n'est pas canonique")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("publish", help="publier une version du site et de son PDF sur la branche gh-pages (mike)")
    p.add_argument("version", metavar="VERSION", help="l'année de la version (ex. 2024)")
    p.add_argument("--alias", action="append", metavar="ALIAS", help="alias de la version, ex. en-vigueur (répétable)")
    p.add_argument("--branch", default="gh-pages", metavar="BRANCHE", help="branche de publication (défaut : gh-pages)")
    p.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("new", help="créer un quartier ou un contrat minimal, valides dès leur création")
    new = p.add_subparsers(dest="what", metavar="QUOI", required=True, parser_class=_Parser)
    q = new.add_parser("neighbourhood", help="ajouter neighbourhoods/IDENTIFIANT.yml")
    q.add_argument("slug", metavar="IDENTIFIANT", help="identifiant du quartier, ex. les-orchidees")
    q.add_argument("--name", metavar="NOM", help="nom du quartier, ex. « Les Orchidées »")
    q.add_argument(
        "--kind",
        metavar="TYPE",
        help="type de quartier, un de ceux que déclare contract.yml (shape.neighbourhood_kinds, ex. qpv) ; "
        "défaut : le dernier déclaré",
    )
    q.add_argument("--commune", metavar="COMMUNE", help="commune (défaut : la commune du contrat)")
    q.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    k = new.add_parser("contract", help="écrire un contrat minimal valide pour un autre territoire")
    k.add_argument("directory", metavar="DOSSIER", help="dossier à créer pour le nouveau contrat")
    k.add_argument(
        "--territoire", required=True, metavar="NOM", help="territoire du contrat, ex. « Agglomération de Valmont »"
    )
    k.add_argument("--periode", required=True, metavar="AAAA-AAAA", help="période du contrat, ex. 2024-2030")
    k.add_argument("--commune", metavar="COMMUNE", help="commune de comparaison des portraits (défaut : le territoire)")
    k.add_argument("--epci", metavar="NOM", help="intercommunalité, auteur du contrat (défaut : le territoire)")
    k.add_argument("--quartier", metavar="NOM", help="nom du premier quartier, ex. « Les Tilleuls »")
    k.add_argument(
        "--type",
        dest="type_quartier",
        default="quartier prioritaire",
        metavar="TYPE",
        help="type de ce quartier, ex. « quartier de veille » (défaut : quartier prioritaire)",
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("amendment", help="préparer un avenant : contract/amendments/N.yml")
    amendment = p.add_subparsers(dest="what", metavar="QUOI", required=True, parser_class=_Parser)
    a = amendment.add_parser(
        "new", help="écrire l'avenant N de la version des sources, avec les modifications qui le demandent"
    )
    a.add_argument("number", metavar="N", type=_amendment_number, help="numéro de l'avenant, ex. 1")
    a.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.set_defaults(func=cmd_amendment)

    p = sub.add_parser("actions", help="échanger les actions de la programmation avec un tableur (CSV)")
    actions = p.add_subparsers(dest="what", metavar="QUOI", required=True, parser_class=_Parser)
    a = actions.add_parser(
        "export", help="écrire les actions dans un tableau CSV (UTF-8, « ; », virgule décimale) pour un tableur"
    )
    a.add_argument("file", metavar="FICHIER.csv", help="le tableau à écrire, ex. actions.csv")
    a.add_argument("--year", type=_year, metavar="ANNÉE", help="seulement les actions de cette année, ex. 2023")
    a.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    a = actions.add_parser(
        "import", help="relire un tableau CSV dans actions/<année>.yml (rien n'est écrit s'il y a une erreur)"
    )
    a.add_argument("file", metavar="FICHIER.csv", help="le tableau à lire, ex. actions.csv")
    missing = a.add_mutually_exclusive_group()
    missing.add_argument(
        "--remove-missing",
        action="store_true",
        help="retirer les actions des années du tableau qu'il ne contient pas (défaut : erreur qui les nomme)",
    )
    missing.add_argument(
        "--keep-missing", action="store_true", help="garder telles quelles les actions que le tableau ne contient pas"
    )
    a.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.set_defaults(func=cmd_actions)

    p = sub.add_parser("verify", help="vérifier un PDF signé contre le dépôt (commit, empreinte, sources jointes)")
    p.add_argument("file", metavar="FICHIER.pdf", help="le PDF à vérifier")
    p.add_argument("--repo", metavar="CHEMIN", help="dépôt git du contrat (défaut : dossier courant)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("report", help="produire le rapport annuel d'une année (PDF), calculé depuis les sources")
    p.add_argument("year", metavar="ANNÉE", type=_report_year, help="l'année du rapport (ex. 2025) : reports/ANNÉE.yml")
    p.add_argument(
        "-o", "--output", metavar="FICHIER", help="fichier PDF à écrire (défaut : site/rapport-annuel-ANNÉE.pdf)"
    )
    p.add_argument(
        "--new", action="store_true", help="écrire reports/ANNÉE.yml à compléter (jamais par-dessus un fichier)"
    )
    p.add_argument("--path", default=None, metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("serve", help="prévisualiser le site, rechargé à chaque modification")
    p.add_argument("path", nargs="?", metavar="CHEMIN", help="dossier du projet (défaut : dossier courant)")
    p.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="ADRESSE",
        help="adresse locale de l'aperçu (défaut : 127.0.0.1:8000)",
    )
    p.set_defaults(func=cmd_serve)

    return parser


# --- the one error handler ------------------------------------------------------------------------
#
# Every error a command ends with reaches `_fail`: the first row of _FAILURES whose type matches says
# what the user reads (on stderr) and the exit status. A CdvError carries its own status (cdv.errors);
# the rows after it are what Python or the system raise. Never a traceback, unless asked for (--debug).

_NOTHING_DONE = {
    "build": "rien n'a été construit, le site existant est inchangé.",
    "pdf": "aucun PDF n'a été écrit.",
    "fmt": "aucun fichier n'a été réécrit ; corrigez d'abord ces erreurs (cdv validate).",
    "publish": "rien n'a été publié.",
    "diff": "aucune comparaison faite.",
    "amendment": "aucun avenant n'a été écrit.",
    "report": "aucun rapport n'a été écrit.",
    "actions": "aucun fichier n'a été écrit.",
}


def _say(line: str) -> None:
    print(f"cdv : {line}", file=sys.stderr)


def _invalid_sources(exc: InvalidSources, command: str | None) -> int:
    outcome = _NOTHING_DONE.get(command or "", _NOTHING_DONE["build"])
    reporters.text(reporters.Report(exc.errors, outcome=outcome), sys.stderr, sys.stderr)
    return exc.status


def _cdv_error(exc: CdvError, command: str | None) -> int:
    _say(str(exc))
    return exc.status


def _interrupted(exc: KeyboardInterrupt, command: str | None) -> int:
    print("\ncdv : interrompu (Ctrl-C) ; rien n'a été remplacé.", file=sys.stderr)
    return 130


def _broken_pipe(exc: BrokenPipeError, command: str | None) -> int:
    # `cdv diff | head`: the reader left; say nothing more on a closed pipe.
    with suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces stdout until exit
    return 1


def _os_error(exc: OSError, command: str | None) -> int:
    from .safety import os_error_line

    _say(os_error_line(exc))
    return 1


def _not_utf8(exc: UnicodeDecodeError, command: str | None) -> int:
    _say(f"fichier illisible (pas en UTF-8) : {exc.reason} à l'octet {exc.start}.")
    return 1


def _internal(exc: BaseException, command: str | None) -> int:
    # The last resort: a bug. One line naming it, and how to see more.
    what = visible(f"{type(exc).__name__} : {exc}")
    _say(
        f"erreur interne ({what[:300]}). Relancez avec « cdv --debug {command or ''} … » pour voir le détail, "
        "et signalez-la."
    )
    return 1


_FAILURES: tuple[tuple[type[BaseException], Callable[[Any, str | None], int]], ...] = (
    (InvalidSources, _invalid_sources),
    (CdvError, _cdv_error),
    (KeyboardInterrupt, _interrupted),
    (BrokenPipeError, _broken_pipe),
    (OSError, _os_error),
    (UnicodeDecodeError, _not_utf8),
    (Exception, _internal),
)


def _fail(exc: BaseException, command: str | None, debug: bool) -> int:
    """What the user reads of `exc`, and the status the command ends with; with --debug (or CDV_DEBUG=1)
    the traceback too, for developers."""
    status = next(handle for kind, handle in _FAILURES if isinstance(exc, kind))(exc, command)
    if debug:
        import traceback

        traceback.print_exception(exc)
    return status


def _main(argv: list[str] | None) -> int:
    """Parse `argv` and run the command; every error it ends with goes through `_fail`."""
    command, debug = None, os.environ.get("CDV_DEBUG") == "1"
    try:
        args = _parser().parse_args(argv)
        command, debug = args.command, debug or args.debug
        return args.func(args)
    except (Exception, KeyboardInterrupt) as exc:
        return _fail(exc, command, debug)


def main(argv: list[str] | None = None) -> int:
    """Run the command given by `argv` (default: the command line) and return its exit status. A Ctrl-C
    while an error is being said (or before the command starts) also ends in one line, status 130."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("\ncdv : interrompu (Ctrl-C).", file=sys.stderr)
        return 130


def run() -> None:
    """The program's entry point (`cdv`, `python -m cdv`): exit with `main`'s status.

    After a Ctrl-C, CPython may still die *by* SIGINT (status -2 to the caller, not 130) although the
    interrupt was handled: an interrupt that crossed an `exec`/`eval` of a string (a dataclass, a
    namedtuple being made) leaves its "unhandled" flag set, and `python -m` checks it at exit
    (bpo-41602, gh-128130). So an interrupted run flushes, runs the exit handlers and leaves with 130
    itself.
    """
    status = main()
    if status == 130:
        import atexit

        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        atexit._run_exitfuncs()
        os._exit(130)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
