"""`make bench`: measure validation, site build, PDF and live reload on this machine, on the real sources
and on synthetic corpora of 12, 120 and 1,362 neighbourhoods, against a bare MkDocs build of the same
pages. Prints the figures and writes BENCHMARKS.md. A script, not a test: nothing here asserts a time."""
from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TOOLKIT = ("contract", "actions", "schemas", "docs", "overrides", "mkdocs.yml", "macros.py")
SIZES = (12, 120, 1362)
LOADS: list[float] = []  # the machine's load average when each measure starts: other work slows them


def _plain(nav):
    """Navigation titles are escaped Markup (cdv.text.title_html): plain strings for yaml.safe_dump."""
    if isinstance(nav, list):
        return [_plain(item) for item in nav]
    if isinstance(nav, dict):
        return {str(key): _plain(value) for key, value in nav.items()}
    return str(nav) if isinstance(nav, str) else nav


# --- one measurement, in its own process (so that its peak memory is its own) ----------------------

def measure(kind: str, root: Path) -> dict:
    start = time.perf_counter()
    pages = 0
    if kind == "validate":
        from cdv.validate import validate_project

        # As `cdv validate` runs it: what the checks of the follow-up files found is kept (cdv.checkcache).
        files, errors = validate_project(root, keep=True)
        assert not errors, errors[:3]
        pages = len(files)
    elif kind in ("build", "build-cold"):
        from cdv.build import build_site

        site = build_site(root, Path(tempfile.mkdtemp()) / "site", with_pdf=False)
        pages = sum(1 for _ in site.rglob("index.html"))
    elif kind == "pdf":
        from cdv.pdf import write_pdf

        out = write_pdf(root, Path(tempfile.mkdtemp()) / "contrat.pdf")
        pages = int(subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
    elif kind == "baseline":
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(str(root / "mkdocs.yml"), site_dir=str(Path(tempfile.mkdtemp()) / "site"))
        build(config)
        pages = sum(1 for _ in Path(config.site_dir).rglob("index.html"))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "pages": pages, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run(kind: str, root: Path, repeat: int, cache: Path | None = None) -> dict:
    """Median of `repeat` runs, each in a new process. A "build" starts with the theme's and our templates
    already compiled by an earlier build (cdv.templatecache), as every build after a machine's first does;
    a "build-cold" compiles them all, as the first build on a fresh machine does. `cache`: the templates an
    earlier measure compiled (then no first run to fill it)."""
    runs = []
    LOADS.append(os.getloadavg()[0])
    warm = cache is not None
    cache = cache or Path(tempfile.mkdtemp(prefix="cdv-bench-templates-"))
    for i in range(repeat + (kind == "build" and not warm)):
        env = {**os.environ, "CDV_TEMPLATE_CACHE": str(cache if kind == "build" else cache / f"cold-{i}")}
        out = subprocess.run([sys.executable, __file__, "--measure", kind, str(root)], capture_output=True, text=True,
                             env=env)
        if out.returncode:
            raise SystemExit(f"{kind} sur {root} a échoué :\n{out.stderr[-2000:]}")
        if kind == "build" and i == 0 and not warm:
            continue  # the run that fills the template cache
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in runs), "pages": runs[0]["pages"],
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": len(runs), "cache": cache}


# --- corpora ---------------------------------------------------------------------------------------

def copy_toolkit(dest: Path) -> Path:
    for name in TOOLKIT:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    return dest


def synthetic(size: int, dest: Path) -> Path:
    """The real contract with `size` neighbourhoods: the 12 real ones, then renamed copies of them."""
    copy_toolkit(dest)
    real = sorted((ROOT / "neighbourhoods").glob("*.yml"))
    (dest / "neighbourhoods").mkdir()
    for i in range(size):
        template = real[i % len(real)]
        if i < len(real):
            shutil.copy2(template, dest / "neighbourhoods" / template.name)
            continue
        data = yaml.safe_load(template.read_text(encoding="utf-8"))
        suffix = f"-{i:04d}"
        slug = data["id"] + suffix
        text = template.read_text(encoding="utf-8")
        # Every id that starts with the neighbourhood's slug (themes, priorities) gets the same suffix.
        text = text.replace(f"id: {data['id']}-", f"id: {slug}-").replace(f"id: {data['id']}\n", f"id: {slug}\n")
        text = text.replace(f"name: {data['name']}\n", f"name: {data['name']} {i}\n", 1)
        (dest / "neighbourhoods" / f"{slug}.yml").write_text(text, encoding="utf-8")
    return dest


# The follow-up of a national corpus: ACTIONS_PER_YEAR actions a year in every neighbourhood over
# ACTION_YEARS. Two layouts of the same actions: one file per year and neighbourhood
# (actions/<year>-<neighbourhood>.yml, 50 actions, about 25 kB each), or one file per year and block of
# neighbourhoods kept under the loader's limit on a file's size (cdv.yamlload.MAX_FILE_BYTES): one file
# per year for the whole corpus (about 35 MB) is refused by the loader, whatever its speed.
ACTION_YEARS = range(2024, 2031)
ACTIONS_PER_YEAR = 50
SYNTHETIC_DEVICE = "programme-synthetique"
SYNTHETIC_MEASURES = 40
_STATUSES = ("prevue", "en-cours", "realisee", "abandonnee")


def _priority_ids(neighbourhood: dict) -> list[str]:
    return [p["id"] for t in (neighbourhood.get("project") or {}).get("themes", []) for p in t.get("priorities", [])]


def synthetic_actions(root: Path, layout: str = "neighbourhood", years=ACTION_YEARS,
                      per_year: int = ACTIONS_PER_YEAR, seed: int = 17) -> int:
    """Write the actions of every neighbourhood of `root` for `years`, and a device with measure blocks
    they implement. `layout` is "neighbourhood" (a file per year and neighbourhood) or "block" (a file per
    year and block of neighbourhoods, each under the loader's size limit). Returns the number of actions.
    Funders are signatories of the contract or {name: …}; priorities are the neighbourhood's own, or the
    common base's where its file has no project; statuses agree with the progress (cdv.followup)."""
    import random

    rng = random.Random(seed)
    signatories = [s["id"] for s in yaml.safe_load((root / "contract" / "signatories.yml").read_text(
        encoding="utf-8"))["signatories"]]
    objectives = yaml.safe_load((root / "contract" / "objectives.yml").read_text(encoding="utf-8"))
    common = [p["id"] for a in objectives.get("axes", []) for o in a.get("objectives", [])
              for p in o.get("priorities", [])]
    measures = [f"{SYNTHETIC_DEVICE}-mesure-{n}" for n in range(1, SYNTHETIC_MEASURES + 1)]
    device = {"id": SYNTHETIC_DEVICE, "name": "Programme synthétique du banc d'essai",
              "summary": "Un dispositif du corpus synthétique, dont les mesures sont suivies par les actions.",
              "body": [{"p": "Les mesures du programme :"}]
              + [{"id": m, "label": f"Mesure {n}", "measure": f"Mesure {n} du programme synthétique.",
                  **({"pilot": rng.choice(signatories)} if n % 2 else {}),
                  **({"status": "en-cours", "status_date": "2024"} if n % 3 == 0 else {})}
                 for n, m in enumerate(measures, 1)]}
    (root / "contract" / "devices" / f"{SYNTHETIC_DEVICE}.yml").write_text(
        yaml.safe_dump(device, allow_unicode=True, sort_keys=False), encoding="utf-8")
    neighbourhoods = []
    for path in sorted((root / "neighbourhoods").glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        neighbourhoods.append((data["id"], _priority_ids(data) or common))
    (root / "actions").mkdir(exist_ok=True)
    count = 0
    for year in years:
        files: dict[str, list] = {}
        for block, (nid, priorities) in enumerate(neighbourhoods):
            actions = []
            for n in range(1, per_year + 1):
                action: dict = {"id": f"{nid}-{year}-{n:02d}", "title": f"Action {n} de {year}",
                                "summary": f"Action {n} de la programmation {year} dans le quartier {nid}."}
                if rng.random() < 0.8:
                    action["porteur"] = (rng.choice(signatories) if rng.random() < 0.5
                                         else {"name": f"Association {rng.randint(1, 400)}"})
                action["neighbourhoods"] = [nid]
                action["priorities"] = rng.sample(priorities, min(len(priorities), rng.randint(1, 2)))
                if rng.random() < 0.3:
                    action["measures"] = rng.sample(measures, rng.randint(1, 2))
                    action["device"] = SYNTHETIC_DEVICE
                funding = []
                for _ in range(rng.randint(1, 3)):
                    line: dict = {}
                    draw = rng.random()
                    if draw < 0.7:
                        line["funder"] = rng.choice(signatories)
                    elif draw < 0.9:
                        line["funder"] = {"name": f"Fondation {rng.randint(1, 50)}"}
                    line["amount"] = rng.randint(5, 400) * 100
                    if rng.random() < 0.9:
                        line["year"] = year
                    funding.append(line)
                action["funding"] = funding
                status = rng.choice(_STATUSES)
                action["status"] = status
                action["status_date"] = f"{year}-{rng.randint(1, 12):02d}"
                if status == "en-cours":
                    action["progress"] = rng.randint(0, 99)
                elif status == "realisee":
                    action["progress"] = 100
                actions.append(action)
            name = f"{year}-{nid}" if layout == "neighbourhood" else f"{year}-{block // 40 + 1:03d}"
            files.setdefault(name, []).extend(actions)
            count += len(actions)
        for name, actions in files.items():
            text = f"year: {year}\nsource: Programmation {year} du corpus synthétique\nactions:\n"
            (root / "actions" / f"{name}.yml").write_text(text + "".join(map(_action_yaml, actions)),
                                                          encoding="utf-8")
    return count


def _party_yaml(party) -> str:
    return party if isinstance(party, str) else "{ name: %s }" % party["name"]


def _action_yaml(action: dict) -> str:
    """An action as an editor writes it (actions/2023.yml): yaml.dump is several times slower, and what
    it writes nobody types."""
    out = [f"  - id: {action['id']}\n    title: {action['title']}\n    summary: {action['summary']}\n"]
    if "porteur" in action:
        out.append(f"    porteur: {_party_yaml(action['porteur'])}\n")
    for key in ("neighbourhoods", "priorities", "measures"):
        if key in action:
            out.append(f"    {key}: [{', '.join(action[key])}]\n")
    if "device" in action:
        out.append(f"    device: {action['device']}\n")
    out.append("    funding:\n")
    for line in action["funding"]:
        first = "      - "
        if "funder" in line:
            out.append(f"{first}funder: {_party_yaml(line['funder'])}\n")
            first = "        "
        out.append(f"{first}amount: {line['amount']}\n")
        if "year" in line:
            out.append(f"        year: {line['year']}\n")
    out.append(f"    status: {action['status']}\n    status_date: \"{action['status_date']}\"\n")
    if "progress" in action:
        out.append(f"    progress: {action['progress']}\n")
    return "".join(out)


def baseline_project(root: Path, dest: Path) -> Path:
    """The same site built by MkDocs and Material alone: every page written as plain markdown, the same
    navigation, theme features, stylesheet and markdown extensions (the glossary given to `abbr` in
    mkdocs.yml), and no code of ours: no cdv plugin, no macros, no template override, no PDF; the pages our
    plugin keeps out of the navigation are out of its navigation too (not_in_nav)."""
    from cdv.corpus import load_corpus
    from cdv.pages import abbreviations, build_pages, changes_page, expand_nav, navigation

    corpus = load_corpus(root)
    docs = dest / "docs"
    shutil.copytree(root / "docs", docs)
    pages = build_pages(corpus, changes_page(corpus, None, None))
    for page in pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    # index.md uses macros: the bare build gets a plain home page instead.
    (docs / "index.md").write_text("# Accueil\n", encoding="utf-8")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [p for p in config["plugins"] if isinstance(p, dict) and "search" in p]
    config["nav"] = _plain(expand_nav(config["nav"], navigation(corpus)))
    config["markdown_extensions"] = [{"abbr": {"glossary": abbreviations(corpus)}} if e == "abbr" else e
                                     for e in config["markdown_extensions"]]
    config.pop("watch", None)
    # The pages our plugin keeps out of the navigation (a neighbourhood's earlier years), as MkDocs's own
    # setting does: else strict mode stops at « not included in the "nav" configuration ».
    config["not_in_nav"] = "".join(f"/{page.path}\n" for page in pages if not page.in_nav)
    # The links to the open data files, which only our plugin writes, are reported, not fatal.
    config["validation"] = {**config.get("validation", {}), "not_found": "info"}
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def serve_latency(root: Path) -> float:
    """Seconds from saving a YAML file to `cdv serve` showing the change."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/quartiers/amitie/"
    server = subprocess.Popen([sys.executable, "-m", "cdv.cli", "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode()
        except OSError:
            return ""
    try:
        deadline = time.monotonic() + 120
        while "Amiti" not in page() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # let the watcher settle
        source = root / "neighbourhoods" / "amitie.yml"
        source.write_text(source.read_text(encoding="utf-8").replace("Cité de l'Amitié", "Cité de l'Amitié modifiée"),
                          encoding="utf-8")
        start = time.monotonic()
        while "modifiée" not in page():
            if time.monotonic() - start > 60:
                return math.inf
            time.sleep(0.05)
        return time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- report ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "ROOT"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    # Our package byte-compiled, as pip compiles MkDocs and Material when it installs them: an editable
    # install under PYTHONDONTWRITEBYTECODE (CI, this machine) would compile it again in every measure.
    compileall.compile_dir(str(ROOT / "cdv"), quiet=1)
    results = {}
    with tempfile.TemporaryDirectory(prefix="cdv-bench-") as tmp:
        tmp = Path(tmp)
        real = copy_toolkit(tmp / "reel")
        shutil.copytree(ROOT / "neighbourhoods", real / "neighbourhoods")
        print("Sources réelles…", flush=True)
        results["real"] = {k: run(k, real, args.repeat) for k in ("validate", "build", "build-cold", "pdf")}
        results["real"]["baseline"] = run("baseline", baseline_project(real, tmp / "reference-reel"), args.repeat)
        results["serve"] = statistics.median(serve_latency(_serve_copy(tmp, i)) for i in range(args.repeat))
        for size in SIZES:
            print(f"Corpus de {size} quartiers…", flush=True)
            corpus = synthetic(size, tmp / f"corpus-{size}")
            repeat = args.repeat if size < 1000 else 1
            results[size] = {"validate": run("validate", corpus, repeat), "build": run("build", corpus, repeat)}
            results[size]["baseline"] = run("baseline", baseline_project(corpus, tmp / f"reference-{size}"), repeat)
        results["actions"] = follow_up(tmp / f"corpus-{SIZES[-1]}", results[SIZES[-1]]["build"]["cache"], tmp)
    report = render(results, args.repeat)
    print(report)
    Path(args.output).write_text(report, encoding="utf-8")


def follow_up(corpus: Path, templates: Path, tmp: Path) -> dict:
    """The largest corpus with its follow-up: ACTIONS_PER_YEAR actions a year in every neighbourhood over
    ACTION_YEARS, validated in both layouts of the files and built once (one run each: a validation of
    the whole lot takes minutes on this machine)."""
    out: dict = {}
    for layout in ("block", "neighbourhood"):  # the one the documentation recommends last: it is built
        shutil.rmtree(corpus / "actions")
        shutil.copytree(ROOT / "actions", corpus / "actions")
        print(f"Suivi : {ACTIONS_PER_YEAR} actions par an et par quartier, fichiers par "
              f"{'quartier' if layout == 'neighbourhood' else 'groupe de quartiers'}…", flush=True)
        count = synthetic_actions(corpus, layout)
        files = sorted((corpus / "actions").glob("*.yml"))
        from cdv.checkcache import cache_file

        shutil.rmtree(cache_file(corpus).parent, ignore_errors=True)
        out[layout] = {"actions": count, "files": len(files), "mb": sum(f.stat().st_size for f in files) / 1e6,
                       "largest_kb": max(f.stat().st_size for f in files) / 1e3,
                       "validate": run("validate", corpus, 1)}
        # An editor's next validation: one actions file changed, the others as the last one found them.
        edited = files[len(files) // 2]
        edited.write_text(edited.read_text(encoding="utf-8").replace("summary: Action 1 ", "summary: L'action 1 ", 1),
                          encoding="utf-8")
        out[layout]["validate_again"] = run("validate", corpus, 1)
    out["neighbourhood"]["build"] = run("build", corpus, 1, cache=templates)
    out["neighbourhood"]["baseline"] = run("baseline", baseline_project(corpus, tmp / "reference-suivi"), 1)
    return out


def _serve_copy(tmp: Path, i: int) -> Path:
    dest = copy_toolkit(tmp / f"serve-{i}")
    shutil.copytree(ROOT / "neighbourhoods", dest / "neighbourhoods")
    return dest


def machine() -> str:
    memory = next((int(line.split()[1]) // 1024 ** 2 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), None) if Path("/proc/meminfo").exists() else None
    load = f", load average {min(LOADS):.1f} to {max(LOADS):.1f} while measuring" if LOADS else ""
    return f"{os.cpu_count()} cores" + (f", {memory} GiB" if memory else "") + f", Python {sys.version.split()[0]}" + load


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def render(r: dict, repeat: int) -> str:
    real = r["real"]
    base = real["baseline"]["seconds"]
    ratio = real["build"]["seconds"] / base
    per_page = real["build"]["seconds"] / real["build"]["pages"] * 1000
    pdf_per_page = real["pdf"]["seconds"] / real["pdf"]["pages"]
    big, mid = r[1362], r[120]
    slope = math.log(big["build"]["seconds"] / mid["build"]["seconds"]) / math.log(1362 / 120)
    # (measure, result, target, whether the target is met): the verdicts are computed, never typed.
    rows = [
        ("Validation des sources réelles", f"{real['validate']['seconds']:.2f} s", "< 0,5 s",
         real["validate"]["seconds"] < 0.5),
        ("Construction du site réel (sans PDF)", f"{real['build']['seconds']:.2f} s pour {real['build']['pages']} pages", "", None),
        ("Référence : MkDocs et Material seuls, mêmes pages", f"{base:.2f} s", "", None),
        ("Notre construction / référence", f"{ratio:.2f}", "≤ 1,3", ratio <= 1.3),
        ("Construction à froid (aucun gabarit compilé) / référence",
         f"{real['build-cold']['seconds']:.2f} s / {base:.2f} s = {real['build-cold']['seconds'] / base:.2f}", "", None),
        ("Temps par page", f"{per_page:.0f} ms", "< 50 ms", per_page < 50),
        ("PDF", f"{real['pdf']['seconds']:.2f} s pour {real['pdf']['pages']} pages", "", None),
        ("PDF par page", f"{pdf_per_page:.3f} s", "< 0,5 s", pdf_per_page < 0.5),
        ("Mémoire maximale (construction / PDF)", f"{real['build']['peak_mb']:.0f} Mo / {real['pdf']['peak_mb']:.0f} Mo", "", None),
        ("`cdv serve` : modification visible après", f"{r['serve']:.2f} s", "< 2 s", r["serve"] < 2),
    ]
    for size in SIZES:
        s = r[size]
        big_one = size == 1362
        size_ratio = s["build"]["seconds"] / s["baseline"]["seconds"]
        rows.append((f"{size} quartiers : validation", f"{s['validate']['seconds']:.2f} s", "< 2,5 s" if big_one else "",
                     s["validate"]["seconds"] < 2.5 if big_one else None))
        rows.append((f"{size} quartiers : construction / référence",
                     f"{s['build']['seconds']:.1f} s ({s['build']['pages']} pages, {s['build']['seconds'] / s['build']['pages'] * 1000:.0f} ms/page) "
                     f"/ {s['baseline']['seconds']:.1f} s = {size_ratio:.2f}", "≤ 1,3", size_ratio <= 1.3))
    rows.append(("Pente log-log de la construction, 120 → 1 362 quartiers", f"{slope:.2f}", "≤ 1,1", slope <= 1.1))
    follow = r["actions"]
    by_hood, by_block = follow["neighbourhood"], follow["block"]
    what = (f"1362 quartiers et {_thousands(by_hood['actions'])} actions ({ACTIONS_PER_YEAR} par an et par quartier, "
            f"{ACTION_YEARS[0]}-{ACTION_YEARS[-1]})")
    for layout, label in ((by_hood, "un fichier par année et par quartier"),
                          (by_block, "un fichier par année et par groupe de 40 quartiers")):
        seconds = layout["validate"]["seconds"]
        files = (f"{_thousands(layout['files'])} fichiers, {layout['mb']:.0f} Mo, "
                 f"le plus gros {layout['largest_kb']:.0f} ko")
        rows.append((f"{what} : première validation, {label} ({files})",
                     f"{seconds:.1f} s ({seconds / big['validate']['seconds']:.0f} fois la validation sans actions)",
                     "", None))
        again = layout["validate_again"]["seconds"]
        rows.append((f"{what} : validation suivante, un fichier d'actions modifié, {label}",
                     f"{again:.2f} s", "< 2,5 s", again < 2.5))
    build, reference = by_hood["build"], by_hood["baseline"]
    follow_ratio = build["seconds"] / reference["seconds"]
    rows.append((f"{what} : construction / référence, un fichier par année et par quartier",
                 f"{build['seconds']:.1f} s ({build['pages']} pages) / {reference['seconds']:.1f} s = {follow_ratio:.2f}",
                 "≤ 1,3", follow_ratio <= 1.3))
    rows.append(("1362 quartiers : mémoire maximale (validation / construction), sans actions puis avec",
                 f"{big['validate']['peak_mb']:.0f} Mo / {big['build']['peak_mb']:.0f} Mo ; "
                 f"{by_hood['validate']['peak_mb']:.0f} Mo / {build['peak_mb']:.0f} Mo", "", None))
    verdict = {True: "oui", False: "**non**", None: ""}
    table = "\n".join(f"| {a} | {b} | {c} | {verdict[d]} |" for a, b, c, d in rows)
    return (
        "# Benchmarks\n\n"
        f"Produced by `make bench` (tools/bench.py) on the project's machine ({machine()}). Medians of "
        f"{repeat} runs (one run for the 1,362-neighbourhood corpus), each in its own process; peak memory is "
        "that process's maximum resident size. Synthetic corpora are the real contract with renamed copies of "
        "the real neighbourhood files, and the real actions; the follow-up rows add to the largest one "
        f"{ACTIONS_PER_YEAR} synthetic actions a year in each neighbourhood over {ACTION_YEARS[0]}-{ACTION_YEARS[-1]} "
        "(tools/bench.py synthetic_actions: 1 to 3 funding lines each, funders among the signatories or named, "
        "the neighbourhood's priorities, statuses, measures of a synthetic device), one run each: the first "
        "validation parses every file, the next one (one actions file changed) uses what `cdv validate` kept "
        "of the others (cdv.checkcache, in the user's cache folder), as an editor's or a CI's next run does. The reference is MkDocs + Material alone building the same pages "
        "written as plain markdown, with the same navigation, theme features, stylesheet and markdown "
        "extensions (the glossary given to `abbr` in mkdocs.yml): no cdv plugin, no macros, no template "
        "override, no PDF. Our builds keep compiled templates between runs (cdv.templatecache): the main "
        "figure is a build after the first on this machine; the cold build, with every template compiled "
        "anew, is given beside it. README.md (\"Where the time goes\") says what keeps these figures down.\n\n"
        "| Mesure | Résultat | Cible | Atteinte |\n|---|---|---|---|\n" + table + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
