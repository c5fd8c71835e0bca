"""`make bench`: measure validation, site build, PDF and live reload on this machine, on the real sources
and on synthetic corpora of 12, 120 and 1,362 neighbourhoods, against a bare MkDocs build of the same
pages. Prints the figures and writes BENCHMARKS.md. A script, not a test: nothing here asserts a time."""
from __future__ import annotations

import argparse
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
TOOLKIT = ("contract", "schemas", "docs", "overrides", "mkdocs.yml", "macros.py")
SIZES = (12, 120, 1362)


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

        files, errors = validate_project(root)
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


def run(kind: str, root: Path, repeat: int) -> dict:
    """Median of `repeat` runs, each in a new process. A "build" starts with the theme's and our templates
    already compiled by an earlier build (cdv.templatecache), as every build after a machine's first does;
    a "build-cold" compiles them all, as the first build on a fresh machine does."""
    runs = []
    cache = Path(tempfile.mkdtemp(prefix="cdv-bench-templates-"))
    for i in range(repeat + (kind == "build")):
        env = {**os.environ, "CDV_TEMPLATE_CACHE": str(cache if kind == "build" else cache / f"cold-{i}")}
        out = subprocess.run([sys.executable, __file__, "--measure", kind, str(root)], capture_output=True, text=True,
                             env=env)
        if out.returncode:
            raise SystemExit(f"{kind} sur {root} a échoué :\n{out.stderr[-2000:]}")
        if kind == "build" and i == 0:
            continue  # the run that fills the template cache
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in runs), "pages": runs[0]["pages"],
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": len(runs)}


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


def baseline_project(root: Path, dest: Path) -> Path:
    """The same site built by MkDocs and Material alone: every page written as plain markdown, the same
    navigation, theme features, stylesheet and markdown extensions (the glossary given to `abbr` in
    mkdocs.yml), and no code of ours: no cdv plugin, no macros, no template override, no PDF."""
    from cdv.corpus import load_corpus
    from cdv.pages import abbreviations, build_pages, changes_page, expand_nav, navigation

    corpus = load_corpus(root)
    docs = dest / "docs"
    shutil.copytree(root / "docs", docs)
    for page in build_pages(corpus, changes_page(corpus, None, None)):
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
    report = render(results, args.repeat)
    print(report)
    Path(args.output).write_text(report, encoding="utf-8")


def _serve_copy(tmp: Path, i: int) -> Path:
    dest = copy_toolkit(tmp / f"serve-{i}")
    shutil.copytree(ROOT / "neighbourhoods", dest / "neighbourhoods")
    return dest


def machine() -> str:
    memory = next((int(line.split()[1]) // 1024 ** 2 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), None) if Path("/proc/meminfo").exists() else None
    return f"{os.cpu_count()} cores" + (f", {memory} GiB" if memory else "") + f", Python {sys.version.split()[0]}"


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
    verdict = {True: "oui", False: "**non**", None: ""}
    table = "\n".join(f"| {a} | {b} | {c} | {verdict[d]} |" for a, b, c, d in rows)
    return (
        "# Benchmarks\n\n"
        f"Produced by `make bench` (tools/bench.py) on the project's machine ({machine()}). Medians of "
        f"{repeat} runs (one run for the 1,362-neighbourhood corpus), each in its own process; peak memory is "
        "that process's maximum resident size. Synthetic corpora are the real contract with renamed copies of "
        "the real neighbourhood files. The reference is MkDocs + Material alone building the same pages "
        "written as plain markdown, with the same navigation, theme features, stylesheet and markdown "
        "extensions (the glossary given to `abbr` in mkdocs.yml): no cdv plugin, no macros, no template "
        "override, no PDF. Our builds keep compiled templates between runs (cdv.templatecache): the main "
        "figure is a build after the first on this machine; the cold build, with every template compiled "
        "anew, is given beside it. README.md (\"Where the time goes\") says what keeps these figures down.\n\n"
        "| Mesure | Résultat | Cible | Atteinte |\n|---|---|---|---|\n" + table + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
