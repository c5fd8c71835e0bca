"""When the text a version shows was signed: the contract's own signature, then the avenants that amended it.

The contract's signature (contract.yml `signature`: place, date) never changes: an avenant has its own, in
its record (contract/amendments/<n>.yml). A version established by a signed avenant is "signé le 29 mars
2024, modifié par l'avenant n° 1 du 30 juin 2027"; while the avenant is prepared, the version is its
draft and the contract stays signed. A signatory that joined the contract through an avenant says so
(`joined_by` in contract/signatories.yml: the avenant's number), so that its block on the signature page
is under the avenant's date, not the contract's.

One reading for the site (home page, announcement bar, signatories' page) and the PDF (cover, signature
page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .corpus import Corpus
from .labels import STATUS_LABELS
from .shape import count
from .text import fr_date


@dataclass(frozen=True)
class ContractSigning:
    """The contract's own signature, and the signatories that signed it."""

    place: str
    date: str  # ISO date
    signatories: list[dict]


@dataclass(frozen=True)
class Signing:
    """An avenant of the version: signed, or the one in preparation."""

    place: str | None  # None: an avenant in preparation, not signed yet
    date: str | None  # ISO date, None while in preparation
    amendment: dict
    signatories: list[dict] = field(default_factory=list)  # the signatories that joined by this signing


@dataclass(frozen=True)
class SignatureRecord:
    """The contract's signature, then each avenant of the version (signed, or the one in preparation)."""

    contract: ContractSigning
    amendments: tuple[Signing, ...]

    @property
    def amended(self) -> bool:
        return any(s.date for s in self.amendments)

    @property
    def pending(self) -> Signing | None:
        """The avenant this version is the draft of, if any."""
        return next((s for s in self.amendments if s.date is None), None)


def signature_record(corpus: Corpus) -> SignatureRecord | None:
    """None while the contract itself is not signed (a first version in preparation)."""
    contract = corpus.contract
    signature = contract.get("signature")
    version = contract["version"]
    own = corpus.amendment_for(version)
    if not signature or not (contract.get("status") == "signed" or own is not None):
        return None
    # The avenants up to the one that establishes this version (a later record is not part of this text).
    relevant = [a for a in corpus.amendments if own is None or a["number"] <= own["number"]]
    amendments = tuple(
        Signing(
            a["signature"]["place"] if a["status"] == "signed" else None,
            a["signature"]["date"] if a["status"] == "signed" else None,
            a,
            [s for s in corpus.signatories if s.get("joined_by") == a["number"]],
        )
        for a in relevant
        if a["status"] == "signed" or a is own
    )
    originals = [s for s in corpus.signatories if "joined_by" not in s]
    return SignatureRecord(ContractSigning(signature["place"], signature["date"], originals), amendments)


def _amended_by(record: SignatureRecord, *, joined: bool = True) -> str:
    """ ", modifié par l'avenant n° 1 du 30 juin 2027 (1 signataire de plus)" for each signed avenant."""
    parts = []
    for s in record.amendments:
        if s.date is None:
            continue
        more = (
            f" ({count(len(s.signatories), 'signataire', 'signataires')} de plus)" if joined and s.signatories else ""
        )
        parts.append(f"l'avenant n° {s.amendment['number']} du {fr_date(s.date)}{more}")
    return f", modifié par {_and(parts)}" if parts else ""


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def status_sentence(corpus: Corpus) -> str:
    """The home page's line after "Version 2027, ": "signé à Besançon le 29 mars 2024 par 22 signataires,
    modifié par l'avenant n° 1 du 30 juin 2027", or "projet d'avenant n° 2 au contrat signé à …"."""
    record = signature_record(corpus)
    if record is None:
        signatories = corpus.signatories
        who = f" par {count(len(signatories), 'signataire', 'signataires')}" if signatories else ""
        return f"{STATUS_LABELS[corpus.contract['status']]}{who}"
    signed = (
        f"signé à {record.contract.place} le {fr_date(record.contract.date)}"
        f" par {count(len(record.contract.signatories), 'signataire', 'signataires')}"
    )
    pending = record.pending
    if pending is not None:
        return f"projet d'avenant n° {pending.amendment['number']} au contrat {signed}{_amended_by(record)}"
    return signed + _amended_by(record)


def dated(corpus: Corpus) -> str:
    """The announcement bar's date of the text: "texte signé le 29 mars 2024, modifié par l'avenant n° 1 du
    30 juin 2027", "projet d'avenant n° 1 au texte signé le 29 mars 2024", "texte en projet"."""
    record = signature_record(corpus)
    if record is None:
        return "texte en projet"
    signed = f"texte signé le {fr_date(record.contract.date)}"
    amended = _amended_by(record, joined=False)
    pending = record.pending
    if pending is not None:
        return f"projet d'avenant n° {pending.amendment['number']} au {signed}{amended}"
    return signed + amended


def signature_line(corpus: Corpus) -> str:
    """The home page's line: "Signé à Besançon le 29 mars 2024 par 22 signataires[, modifié par …]", or
    "Version 2027 : projet d'avenant n° 1 au contrat signé à …", or "Version 2024 : projet, non signé"."""
    record = signature_record(corpus)
    if record is None:
        return f"Version {corpus.contract['version']} : {STATUS_LABELS['draft']}, non signé"
    sentence = status_sentence(corpus)
    if record.pending is not None:
        return f"Version {corpus.contract['version']} : {sentence}"
    return sentence[:1].upper() + sentence[1:]
