"""The printable contract (A4 PDF) for signature, from the same YAML, with WeasyPrint.

The print template is our own (cdv/templates/print/): the signed document must not depend on the web
theme. Same sources, same bytes: dates come from the contract, SOURCE_DATE_EPOCH or the git commit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .corpus import Corpus, load_corpus, population, priority_count
from .labels import COVER_STATUS as STATUS_LABELS
from .pages import block_reference
from .provenance import Provenance, provenance
from .render import BlockRenderer
from .shape import Kind, Shape, numbered, numbered_markup
from .signature import signature_record, status_sentence
from .templatecache import bytecode_cache
from .text import figures, fr_date, fr_number, page_links, plain_text

_MARKDOWN_EXTENSIONS = ["tables", "md_in_html", "attr_list"]


def _anchor(kind: str, ident: str = "") -> str:
    prefixes = {"article": "", "neighbourhood": "quartier-", "commitment": "engagement-", "device": "dispositif-"}
    if kind == "page":
        return {"common-base": "#socle-commun", "signatories": "#signataires"}.get(ident, "#")
    if kind in ("neighbourhoods",):
        return "#quartiers"
    return f"#{prefixes.get(kind, '')}{ident}"


# What the print document holds after a part's articles, and its annexes: computed here so that the
# template prints what is there and no empty heading (a kind without neighbourhoods, a common base
# without axes, an annex without content).
@dataclass(frozen=True)
class Included:
    kind: Kind | None  # None: the common base
    neighbourhoods: list = field(default_factory=list)
    first: bool = False  # the first neighbourhoods of the document carry the anchor of the site's list


def _kind(shape: Shape, ident: str) -> Kind:
    # Validation ties every neighbourhood's kind to a declared one; an undeclared kind still prints.
    return next((k for k in shape.kinds if k.id == ident), Kind(ident, ident, ident))


def _has_common_base(corpus: Corpus) -> bool:
    return bool((corpus.objectives or {}).get("axes"))


def _includes(corpus: Corpus) -> dict[str, list[Included]]:
    """For each part (by id), what it prints after its articles, in the order of its `includes`."""
    shape, first = corpus.shape, True
    plan: dict[str, list[Included]] = {}
    for part in corpus.contract["parts"]:
        plan[part["id"]] = entries = []
        for item in part.get("includes", []):
            if "neighbourhoods" in item:
                members = corpus.neighbourhoods_of_kind(item["neighbourhoods"])
                if members:
                    entries.append(Included(_kind(shape, item["neighbourhoods"]), members, first))
                    first = False
            elif item.get("common_base") and _has_common_base(corpus):
                entries.append(Included(None))
    return plan


def _annexes(corpus: Corpus) -> list[tuple[dict, int, list]]:
    """(annex, number, its elements) of the annexes printed: numbered by their place among them."""
    contents = {"commitments": corpus.commitments, "devices": corpus.devices}
    printed = [a for a in corpus.shape.annexes if contents.get(a["shows"])]
    return [(a, number, contents[a["shows"]]) for number, a in enumerate(printed, 1)]


def _annex_anchor(annex: dict) -> str:
    return f"annexe-{annex['id']}"


def _number_label(pattern: str, number) -> str:
    """The numbered title without its words, for a running header: "Annexe {numero} : {titre}" ->
    "Annexe 1". Empty when the pattern is the title alone."""
    before = pattern.split("{titre}", 1)[0]
    return numbered(before, number, "").rstrip(" :–—-/.")


def _fonts() -> dict[str, str]:
    """Font files shipped by pinned PyPI packages, so every machine embeds the same fonts."""
    import font_source_sans_pro
    import font_source_serif_pro

    serif = Path(font_source_serif_pro.__file__).parent / "files"
    sans = Path(font_source_sans_pro.__file__).parent / "files"
    return {
        "serif_regular": (serif / "SourceSerifPro-Regular.ttf").as_uri(),
        "serif_italic": (serif / "SourceSerifPro-It.ttf").as_uri(),
        "serif_bold": (serif / "SourceSerifPro-Bold.ttf").as_uri(),
        "serif_bold_italic": (serif / "SourceSerifPro-BoldIt.ttf").as_uri(),
        "sans_regular": (sans / "SourceSansPro-Regular.ttf").as_uri(),
        "sans_bold": (sans / "SourceSansPro-Bold.ttf").as_uri(),
    }


def _css_string(value) -> Markup:
    """A CSS string literal: contributor text in a stylesheet is quoted, never markup or CSS."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " -—_.,:;()/'éèêàçôûîïëüœ" else f"\\{ord(ch):x} " for ch in str(value)
    )
    return Markup(f'"{escaped}"')


def _keep_compounds(value) -> Markup:
    """Escaped text whose hyphenated words never break across lines (Bourgogne-Franche-Comté)."""
    escaped = str(escape(str(value)))
    return Markup(re.sub(r"\S*\w-\w\S*", lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cdv", "templates/print"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        fr_date=fr_date,
        fr_number=fr_number,
        plain=plain_text,
        css_string=_css_string,
        keep_compounds=_keep_compounds,
        capitalize_first=lambda text: text[:1].upper() + text[1:],
    )
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        signature_record=signature_record,
        status_sentence=status_sentence,
        population=population,
        priority_count=priority_count,
        anchor=_anchor,
        numbered=numbered,
        numbered_markup=numbered_markup,
        number_label=_number_label,
        annex_anchor=_annex_anchor,
    )
    return env


def print_inline(corpus: Corpus, text) -> Markup:
    """One contributor text as inline print HTML (no paragraph around it): a title, a table cell."""
    html = markdown.markdown(str(BlockRenderer(corpus).render([{"p": text}])), extensions=_MARKDOWN_EXTENSIONS)
    return Markup(html.removeprefix("<p>").removesuffix("</p>"))


def render_print_html(corpus: Corpus, origin: Provenance) -> str:
    with figures(corpus.figures):  # the [[figures]] its texts cite (cdv.text)
        return _render_print_html(corpus, origin)


def _render_print_html(corpus: Corpus, origin: Provenance) -> str:
    def blocks(items, level: int = 4, indicators=None, id_prefix: str = "", place=None) -> Markup:
        text = BlockRenderer(corpus, indicators, level, _anchor, id_prefix, place).render(items or [])
        return Markup(markdown.markdown(str(text), extensions=_MARKDOWN_EXTENSIONS))

    def inline(text) -> Markup:
        return print_inline(corpus, text)

    template = _environment().get_template("contract.html.j2")
    includes, annexes = _includes(corpus), _annexes(corpus)
    devices_printed = any(a["shows"] == "devices" for a, _, _ in annexes)

    def strategy(priority: dict, neighbourhood: dict) -> list[tuple[str, list[Markup]]]:
        return strategy_fields(corpus, priority, neighbourhood, inline, devices_printed)

    def render() -> str:
        return template.render(
            c=corpus,
            contract=corpus.contract,
            shape=corpus.shape,
            origin=origin,
            blocks=blocks,
            inline=inline,
            fonts=_fonts(),
            indicators_of=lambda n: {i["id"]: i for i in (n.get("portrait") or {}).get("indicators", [])},
            includes=includes,
            annexes=annexes,
            common_base_printed=any(i.kind is None for entries in includes.values() for i in entries),
            kind=lambda ident: _kind(corpus.shape, ident),
            strategy=strategy,
            # "article 9.2": how the text names the (sub-)article of a block, as the site does
            block_reference=lambda article, block: block_reference(corpus, article, block),
        )

    # Links of the text to pages of the site: in the PDF, a link to the part that holds that page, or the
    # label as text where the PDF holds none (never a dead link, never the site's address). A first pass
    # tells which ids the document has; a second is needed only if the text links to a page.
    seen = []
    with page_links(lambda path, anchor: seen.append(path)):
        document = render()
    if not seen:
        return document
    ids = set(re.findall(r'\sid="([^"]+)"', document))
    with page_links(lambda path, anchor: _pdf_href(corpus, ids, path, anchor)):
        return render()


def strategy_fields(
    corpus: Corpus, priority: dict, neighbourhood: dict, inline, link_devices: bool = True
) -> list[tuple[str, list[Markup]]]:
    """The structured fields of a priority present, in print order, as (label, values as markup): a
    signatory by its organisation, a device by its name (linked to its annex entry when the PDF has the
    devices annex), an indicator of the neighbourhood by its label. Labels: shape.strategy.field_labels,
    else the defaults of cdv.labels."""
    labels = corpus.shape.field_labels

    def value(key: str, e) -> Markup:
        if key in ("lead", "partners"):  # a signatory's organisation, or the name of an actor who does not sign
            return _keep_compounds(e.text)
        if e.typed:  # {text: …} of a lever or a funding, a criterion
            return inline(e.text)
        if e.target == "device" and link_devices:
            return Markup('<a href="#dispositif-{}">{}</a>').format(e.ident, e.text)
        return escape(e.text)  # a device's name, an indicator's label, an unknown id as typed

    return [
        (labels[key], [value(key, e) for e in entries])
        for key, entries in corpus.strategy_entries(neighbourhood, priority)
        if entries
    ]


def _pdf_href(corpus: Corpus, ids: set[str], path: str, anchor: str | None) -> str | None:
    """The print document's anchor for the site's page `path` (and the anchor on it, if the PDF has it)."""
    from .pages import page_path

    fixed = {
        page_path("foreword"): ("avant-propos", ""),
        page_path("neighbourhoods"): ("quartiers", ""),
        page_path("common-base"): ("socle-commun", ""),
        page_path("signatories"): ("signataires", ""),
        page_path("glossary"): ("glossaire", ""),
    }
    for annex in corpus.shape.annexes:
        if annex["shows"] == "devices":
            fixed[page_path("devices")] = (_annex_anchor(annex), "")
    for a in corpus.articles:
        fixed[page_path("article", a["id"])] = (a["id"], "")
    for n in corpus.neighbourhoods:
        fixed[page_path("neighbourhood", n["id"])] = (f"quartier-{n['id']}", f"{n['id']}-")
    for cm in corpus.commitments:
        fixed[page_path("commitment", cm["id"])] = (f"engagement-{cm['id']}", "")
    for d in corpus.devices:
        fixed[page_path("device", d["id"])] = (f"dispositif-{d['id']}", f"dispositif-{d['id']}-")
    if path not in fixed:
        return None
    page, prefix = fixed[path]
    for candidate in ([prefix + anchor] if anchor else []) + [page]:
        if candidate in ids:
            return "#" + candidate
    return None


def write_pdf(root: Path, output: Path, corpus: Corpus | None = None) -> Path:
    """Validate, render and write the contract's PDF; the output file is replaced only when complete."""
    root = Path(root).resolve()
    corpus = corpus or load_corpus(root)
    origin = provenance(root)
    html = render_print_html(corpus, origin)
    return _write(html, root, Path(output), origin.sources_sha256 + origin.commit, origin, corpus)


def local_fetcher(root: Path):
    """WeasyPrint's URL fetcher for the print documents: it serves the project's own files and the
    shipped fonts, and refuses everything else (https, http, ftp, data:, files elsewhere) without opening
    it, so that making the PDF never makes the build machine call another site. WeasyPrint logs each
    refusal as a warning and renders without the resource."""
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher

    allowed = [
        Path(root).resolve(),
        *{Path(url2pathname(uri.removeprefix("file:"))).resolve().parent for uri in _fonts().values()},
    ]

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.lower().startswith("file:"):
                raise ValueError(f"ressource extérieure refusée : {url[:200]}")
            rest = url[len("file:") :].split("?")[0].split("#")[0]
            rest = rest[2:] if rest.startswith("///") else rest
            if not rest.startswith("/") or rest.startswith("//"):  # relative, or on another machine
                raise ValueError(f"adresse de fichier refusée : {url[:200]}")
            path = Path(url2pathname(rest)).resolve()
            if not any(path.is_relative_to(folder) for folder in allowed):
                raise ValueError(f"fichier hors du projet refusé : {path}")
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher(allowed_protocols=("file",), allow_redirects=False)


# The sources travel inside the signed record (PDF/A-3 embedded files): each YAML and schema under its
# repository path, and the open-data bundle. A reader's PDF viewer lists them; `cdv verify` compares them.
_MIME = {".yml": "application/yaml", ".yaml": "application/yaml", ".json": "application/json"}
BUNDLE_NAME = "donnees-ouvertes/contrat.json"
PROVENANCE_NS = "https://grand-besancon.github.io/contrat-de-ville/ns/cdv-provenance/1.0/"


def _attachments(
    root: Path, origin: Provenance, corpus: Corpus | None, fetcher, sources: list[str] | None = None
) -> list:
    """The exact source files (what provenance.sources_sha256 hashes, or the `sources` given) and the
    bundle, as attachments dated by the record itself (the same sources give the same bytes)."""
    from io import BytesIO

    from weasyprint import Attachment

    from .provenance import hashed_paths

    when = origin.generated.replace(tzinfo=None)
    files = [(rel, (root / rel).read_bytes(), "Source") for rel in (hashed_paths(root) if sources is None else sources)]
    if corpus is not None:
        from .opendata import bundle_json

        files.append((BUNDLE_NAME, bundle_json(corpus).encode(), "Data"))
    return [
        Attachment(
            file_obj=BytesIO(data),
            name=rel,
            description=rel,
            created=when,
            modified=when,
            relationship=relation,
            url_fetcher=fetcher,
        )
        for rel, data, relation in files
    ]


def _xmp(origin: Provenance) -> bytes:
    """The PDF/UA-1 identifier beside WeasyPrint's PDF/A one, and the provenance, with the PDF/A
    extension schemas that declare both (PDF/A accepts only declared XMP properties)."""

    def prop(name: str, kind: str, text: str) -> str:
        return (
            f"<rdf:li rdf:parseType='Resource'><pdfaProperty:name>{name}</pdfaProperty:name>"
            f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType><pdfaProperty:category>internal"
            f"</pdfaProperty:category><pdfaProperty:description>{text}</pdfaProperty:description></rdf:li>"
        )

    def schema(title: str, uri: str, prefix: str, props: str) -> str:
        return (
            f"<rdf:li rdf:parseType='Resource'><pdfaSchema:schema>{title}</pdfaSchema:schema>"
            f"<pdfaSchema:namespaceURI>{uri}</pdfaSchema:namespaceURI><pdfaSchema:prefix>{prefix}"
            f"</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>{props}</rdf:Seq></pdfaSchema:property></rdf:li>"
        )

    ua = "http://www.aiim.org/pdfua/ns/id/"
    return (
        f"<rdf:Description rdf:about='' xmlns:pdfuaid='{ua}'><pdfuaid:part>1</pdfuaid:part></rdf:Description>"
        f"<rdf:Description rdf:about='' xmlns:cdv='{PROVENANCE_NS}'><cdv:commit>{origin.commit}</cdv:commit>"
        f"<cdv:dirty>{'True' if origin.dirty else 'False'}</cdv:dirty>"
        f"<cdv:sourcesSha256>{origin.sources_sha256}</cdv:sourcesSha256></rdf:Description>"
        "<rdf:Description rdf:about='' xmlns:pdfaExtension='http://www.aiim.org/pdfa/ns/extension/' "
        "xmlns:pdfaSchema='http://www.aiim.org/pdfa/ns/schema#' xmlns:pdfaProperty='http://www.aiim.org/pdfa/ns/property#'>"
        "<pdfaExtension:schemas><rdf:Bag>"
        + schema("PDF/UA Universal Accessibility Schema", ua, "pdfuaid", prop("part", "Integer", "Part of ISO 14289"))
        + schema(
            "cdv provenance",
            PROVENANCE_NS,
            "cdv",
            prop("commit", "Text", "git commit of the sources")
            + prop("dirty", "Boolean", "sources differ from that commit")
            + prop("sourcesSha256", "Text", "SHA-256 of the sources (cdv.provenance)"),
        )
        + "</rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    ).encode()


def _finisher(origin: Provenance):
    """WeasyPrint's documented post-processing hook: our XMP inside its rdf:RDF, and each embedded file's
    MIME type fixed by its extension (WeasyPrint guesses it from the machine's MIME table)."""

    def finish(document, pdf) -> None:
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Filespec":
                name = str(getattr(obj.get("UF"), "string", ""))
                mime = _MIME.get(Path(name).suffix, "application/octet-stream")
                stream = pdf.objects[int(obj["EF"]["F"].split()[0])]
                stream.extra["Subtype"] = "/" + mime.replace("/", "#2f")
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        metadata.stream = [metadata.stream[0].replace(b"</rdf:RDF>", _xmp(origin) + b"</rdf:RDF>", 1)]

    return finish


def _write(
    html: str,
    root: Path,
    output: Path,
    identity: str,
    origin: Provenance | None = None,
    corpus: Corpus | None = None,
    sources: list[str] | None = None,
) -> Path:
    """Render a print document as a tagged PDF/A-3a (PDF/UA-1 declared too) with its sources attached
    (the contract's, or the `sources` given: the annual report's own); the output file is replaced only
    when complete, and its identifier derives from `identity` so that the same sources give the same
    bytes."""
    from weasyprint import HTML

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    identifier = hashlib.sha256(identity.encode()).hexdigest()[:32].encode()
    fetcher = local_fetcher(root)
    document = HTML(string=html, base_url=str(root), url_fetcher=fetcher).render(pdf_variant="pdf/a-3a")
    if origin is None:
        origin = provenance(root)
    document.write_pdf(
        partial,
        pdf_variant="pdf/a-3a",
        pdf_identifier=identifier,
        attachments=_attachments(root, origin, corpus, fetcher, sources),
        finisher=_finisher(origin),
    )
    partial.replace(output)
    return output


def _revision_commit(root: Path, spec: str) -> str:
    """The full commit a git revision names ("" for a project folder, or outside git)."""
    from .provenance import git_output

    if Path(spec).is_dir():
        return ""
    return (git_output(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}") or "").strip()


def _parties(corpus: Corpus, record: dict) -> list[dict]:
    """Who signs the avenant: the signatories its record names, else every signatory of the version it
    establishes, in the contract's list order."""
    named = record.get("signatories")
    return [s for s in corpus.signatories if named is None or s["id"] in named]


def _clause_reasons(corpus: Corpus, record: dict, clauses) -> dict[str, str]:
    """Each clause's reason (the record's `reason:`), given on its element or on what holds it: an article
    for its sub-article, a neighbourhood for its priority, « contrat » for the contract's own fields."""
    from .compare import Kind, element_parents
    from .history import place_of

    given = {ch["element"]: ch["reason"] for ch in record.get("changes", []) if ch.get("reason")}
    parents = element_parents(corpus)

    def holder(ident: str) -> str | None:
        place = place_of(corpus, ident)
        if place is not None and place.anchor == ident and place.page_id and place.page_id != ident:
            return place.page_id  # a sub-article's article
        return parents.get(ident)

    out = {}
    for clause in clauses:
        ident: str | None = "contrat" if clause.kind == Kind.CONTRACT.value else clause.id
        seen: set[str] = set()
        while ident and ident not in seen and ident not in given:
            seen.add(ident)
            ident = holder(ident)
        if ident in given:
            out[clause.id] = given[ident]
    return out


def amendment_record(corpus: Corpus) -> dict:
    """The record (contract/amendments/<n>.yml) of the avenant that establishes the corpus's version."""
    from .amendments import next_number
    from .errors import CdvError

    version = corpus.contract["version"]
    record = corpus.amendment_for(version)
    if record is None:
        number = next_number(corpus.amendments)
        raise CdvError(
            f"aucun avenant ne produit la version {version} : créez contract/amendments/{number}.yml "
            f'(number: {number}, version: "{version}", base, status, changes).'
        )
    return record


def write_amendment_pdf(root: Path, old_spec: str, new_spec: str, output: Path) -> Path:
    """Avenant n° N (its record: number, objet, signature): the parties, the preamble (the contract's own
    signature, the earlier avenants, the comité de pilotage decisions it records), one article per amended
    clause in the contract's order, then for information what the comité de pilotage validated and the
    routine updates; PDF/A-3 with its sources attached, like the contract (cdv verify reads it)."""
    from .compare import compare as compare_versions
    from .diff import load_version
    from .diffrender import avenant

    root = Path(root).resolve()
    old, _ = load_version(old_spec, root)
    new, _ = load_version(new_spec, root)
    record = amendment_record(new)
    if old.contract["version"] != record["base"]:
        from .errors import UsageError

        raise UsageError(
            f"l'avenant n° {record['number']} modifie la version {record['base']} (« base » de "
            f"contract/amendments/{record['number']}.yml), pas la version {old.contract['version']} : comparez-le "
            f"à celle-là (cdv pdf --amendment v{record['base']}..HEAD)."
        )
    with figures({**old.figures, **new.figures}):  # as the comparison read them (cdv.compare)
        text = avenant(compare_versions(old, new), new)
        origin = provenance(root)
        base_commit = _revision_commit(root, old_spec)
        new_commit = _revision_commit(root, new_spec) or origin.commit
        signature = new.contract.get("signature")

        def inline(text) -> Markup:
            return print_inline(new, text)

        earlier = [a for a in new.signed_amendments() if a["number"] < record["number"]]
        html = (
            _environment()
            .get_template("amendment.html.j2")
            .render(
                c=new,
                contract=new.contract,
                origin=origin,
                record=record,
                number=record["number"],
                draft=record["status"] != "signed",
                old_version=old.contract["version"],
                new_version=new.contract["version"],
                base_commit=base_commit,
                new_commit=new_commit,
                shape=new.shape,
                articles=text.articles,
                annex=text.annex,
                levels=text.levels,
                parties=_parties(new, record),
                # Why the record says an element is changed, printed under its article.
                reasons=_clause_reasons(new, record, text.articles),
                contract_signature=signature,
                earlier=earlier,
                inline=inline,
                fonts=_fonts(),
            )
        )
    identity = origin.sources_sha256 + base_commit + new_commit + str(record["number"])
    return _write(html, root, Path(output), identity, origin, new)
