"""Compare what two builds say: the visible text of every page of two sites, word by word, and the text of
their PDFs (pdftotext). For a change that must not alter the contract's words (a move to a new model, an
upgrade of MkDocs or Material), build before and after and read every difference:

    python tools/compare_sites.py SITE_BEFORE SITE_AFTER
"""
import difflib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from sitetext import visible_text

a, b = Path(sys.argv[1]), Path(sys.argv[2])
pages_a = {p.relative_to(a).as_posix() for p in a.rglob("*.html")}
pages_b = {p.relative_to(b).as_posix() for p in b.rglob("*.html")}
for only, side in ((pages_a - pages_b, "before only"), (pages_b - pages_a, "after only")):
    for p in sorted(only):
        print(f"[{side}] {p}")
for rel in sorted(pages_a & pages_b):
    ta = visible_text((a / rel).read_text(encoding="utf-8")).split()
    tb = visible_text((b / rel).read_text(encoding="utf-8")).split()
    if ta != tb:
        ops = [o for o in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes() if o[0] != "equal"]
        print(f"== {rel}: {len(ops)} changes")
        for tag, i1, i2, j1, j2 in ops[:8]:
            ctx = " ".join(ta[max(0, i1 - 5):i1])
            print(f"    …{ctx} [-{' '.join(ta[i1:i2])[:150]}-] {{+{' '.join(tb[j1:j2])[:150]}+}}")
def pdf(site):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(site / "contrat.pdf"), "-"], capture_output=True, text=True).stdout.splitlines()
if (a / "contrat.pdf").exists() and (b / "contrat.pdf").exists():
    diff = [l for l in difflib.unified_diff(pdf(a), pdf(b), lineterm="", n=0) if not l.startswith(("---", "+++", "@@"))]
    print(f"== contrat.pdf: {len(diff)} lines differ")
    for l in diff[:60]:
        print("   ", l[:220])
