"""`cdv verify FILE.pdf`: does a signed record match the repository?

Read with pypdf (pinned, pure Python, one API for the XMP and the embedded files, no system program a
reader on another system lacks; poppler stays a test tool). The PDF names a commit and the sources'
SHA-256 (cdv.pdf writes them in its XMP) and carries the sources as embedded files; each is compared
with that commit's tree, extracted as cdv.gitsource does and hashed by cdv.provenance's own function.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from .errors import CdvError, UsageError
from .pdf import BUNDLE_NAME, PROVENANCE_NS


class RecordMismatch(CdvError):
    """The PDF does not match the repository (status 1); the report says what."""


def read_record(pdf: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """(provenance fields from the XMP, attachments by name)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not pdf.is_file():
        raise UsageError(f"fichier introuvable : {pdf}")
    if not pdf.read_bytes()[:5] == b"%PDF-":
        raise UsageError(f"{pdf} n'est pas un fichier PDF.")
    # pypdf warns in English on stderr about what it repairs; the report below says, in French, what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(pdf)
        root: Any = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace") if "/Metadata" in root else ""
        files = {}
        for name, copies in reader.attachments.items():
            files[name] = copies[0]
            # A second file under a source's name is never one of its sources: verify lists it as extra.
            files.update({f"{name} (copie {i})": data for i, data in enumerate(copies[1:], 2)})
    except (PdfReadError, KeyError, ValueError):
        raise UsageError(f"{pdf} est un PDF illisible (fichier tronqué ou endommagé).") from None
    fields = {}
    if PROVENANCE_NS in xmp:
        for key in ("commit", "dirty", "sourcesSha256"):
            m = re.search(rf"<cdv:{key}>([^<]*)</cdv:{key}>", xmp)
            fields[key] = m.group(1) if m else ""
    return fields, files


def verify(pdf: Path, repo: Path) -> tuple[list[str], list[str]]:
    """(what matches, what does not), as French sentences."""
    from .gitsource import RevisionNotFound, checkout
    from .provenance import git_output, hashed_paths, sources_sha256

    fields, files = read_record(pdf)
    ok: list[str] = []
    bad: list[str] = []
    commit, recorded = fields.get("commit", ""), fields.get("sourcesSha256", "")
    if not fields:
        return ok, ["le PDF ne porte pas la provenance de cdv (commit, empreinte des sources) dans ses métadonnées."]
    if not commit:
        return ok, ["le PDF a été produit hors dépôt git : aucun commit à vérifier."]
    if fields.get("dirty") == "True":
        bad.append(f"le PDF a été produit à partir de sources modifiées depuis le commit {commit}.")
    try:
        with checkout(repo, commit) as folder:
            tags = (git_output(repo, "tag", "--points-at", commit) or "").split()
            ok.append(
                f"le commit {commit} existe dans le dépôt"
                + (f" (étiquette {', '.join(tags)})." if tags else " (aucune étiquette de version ne le désigne).")
            )
            actual = sources_sha256(folder)
            same_hash = actual == recorded
            (ok if same_hash else bad).append(
                f"empreinte SHA-256 des sources {'identique à' if same_hash else 'différente de'} celle du commit "
                f"(PDF : {recorded or 'absente'}, commit : {actual})."
            )
            expected = {rel: (folder / rel).read_bytes() for rel in hashed_paths(folder)}
            attached = {n: d for n, d in files.items() if n != BUNDLE_NAME}
            missing = sorted(set(expected) - set(attached))
            extra = sorted(set(attached) - set(expected))
            different = sorted(n for n in set(expected) & set(attached) if expected[n] != attached[n])
            for label, names in (
                ("absente(s) du PDF", missing),
                ("en trop dans le PDF", extra),
                ("différente(s) du commit", different),
            ):
                if names:
                    bad.append(f"source(s) jointe(s) {label} : {', '.join(names)}.")
            if not (missing or extra or different):
                ok.append(f"les {len(expected)} sources jointes sont identiques à celles du commit.")
            if BUNDLE_NAME in files:
                from .corpus import load_corpus
                from .opendata import bundle_json

                try:
                    same = bundle_json(load_corpus(folder)).encode() == files[BUNDLE_NAME]
                except CdvError:
                    same = False
                (ok if same else bad).append(
                    f"le jeu de données joint ({BUNDLE_NAME}) "
                    + (
                        "est celui que donnent les sources du commit."
                        if same
                        else "diffère de celui des sources du commit."
                    )
                )
            else:
                bad.append(f"le jeu de données ({BUNDLE_NAME}) n'est pas joint au PDF.")
    except RevisionNotFound:
        bad.append(f"le commit {commit} nommé par le PDF est absent du dépôt {repo}.")
    return ok, bad
