"""The GitHub Actions workflows: clean for actionlint, and made of the commands a developer runs.

Every `run:` step is a Makefile target (`make …`), one `cdv` call (`.venv/bin/cdv …`), or one line of
git/gh plumbing listed below, so that CI does nothing a developer cannot run the same way.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
# actionlint comes from PyPI into the project's virtual environment, next to this Python.
ACTIONLINT = Path(sys.executable).parent / "actionlint"

MAKE_STEP = re.compile(r"^make [a-z][a-z0-9-]*( \"?[A-Z_]+=[^\s\"]+\"?)*$")
CDV_STEP = re.compile(r"^\.venv/bin/cdv (validate|build|pdf|diff|fmt|publish)( [^\n]*)?$")
# The only other lines a step may run: moving results to GitHub and git bookkeeping around `make publish`.
PLUMBING = {
    'cat diff.md >> "$GITHUB_STEP_SUMMARY"',
    'gh pr comment "$PR_NUMBER" --body-file diff.md --edit-last || gh pr comment "$PR_NUMBER" --body-file diff.md',
    'git config user.name "github-actions[bot]"',
    'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"',
    "git fetch origin gh-pages:gh-pages || true",
    "git push origin gh-pages",
}


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 readers turn the key `on` into True


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def run_lines() -> list[tuple[str, str]]:
    return [(path.name, step["run"]) for path in WORKFLOW_FILES for step in steps(load(path.name)) if "run" in step]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, flags=re.MULTILINE))


def test_both_workflows_exist():
    assert [p.name for p in WORKFLOW_FILES] == ["publish.yml", "pull-request.yml"]


def test_actionlint_reports_nothing():
    if not ACTIONLINT.is_file():
        pytest.skip(f"actionlint absent de {ACTIONLINT.parent} : "
                    "installez le paquet PyPI épinglé dans requirements.in")
    if shutil.which("shellcheck") is None:
        print("shellcheck absent du PATH : actionlint ne vérifie pas les scripts des étapes run:")
    result = subprocess.run([str(ACTIONLINT), *(str(p.relative_to(ROOT)) for p in WORKFLOW_FILES)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("workflow,line", run_lines(), ids=lambda v: v if v.endswith(".yml") else None)
def test_every_run_step_is_a_make_target_a_cdv_call_or_listed_plumbing(workflow, line):
    line = line.strip()
    assert "\n" not in line, f"{workflow} : une étape run: tient sur une ligne : {line!r}"
    assert MAKE_STEP.match(line) or CDV_STEP.match(line) or line in PLUMBING, f"{workflow} : {line!r}"


def test_every_make_target_called_by_a_workflow_exists():
    called = {line.split()[1] for _, line in run_lines() if line.startswith("make ")}
    assert called >= {"system-deps", "validate-github", "fmt-check", "test", "site", "publish"}
    assert sorted(called - make_targets()) == []


def test_actions_are_pinned_by_major_version():
    for path in WORKFLOW_FILES:
        for step in steps(load(path.name)):
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v[0-9]+", step["uses"]), (path.name, step["uses"])


def test_pull_request_workflow():
    workflow = load("pull-request.yml")
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    assert {"labeled", "unlabeled"} <= set(on["pull_request"]["types"])  # the label re-runs the check
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    setup = next(s for s in all_steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"

    runs = [s["run"] for s in all_steps if "run" in s]
    order = ["make system-deps", "make validate-github", "make fmt-check", "make test", "make site"]
    assert [r for r in runs if r in order] == order
    assert ".venv/bin/cdv diff origin/${{ github.base_ref }} --format markdown > diff.md" in runs
    comment = next(s for s in all_steps if "gh pr comment" in s.get("run", ""))
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert "--edit-last ||" in comment["run"]
    editorial = next(s for s in all_steps if "--fail-above" in s.get("run", ""))
    assert editorial["run"] == ".venv/bin/cdv diff origin/${{ github.base_ref }} --fail-above routine"
    assert "contains(github.event.pull_request.labels.*.name, 'éditorial')" in editorial["if"]
    uploads = [s["with"]["path"] for s in all_steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads == ["site/", "site/contrat.pdf"]


def test_publish_workflow():
    workflow = load("publish.yml")
    assert triggers(workflow) == {"push": {"tags": ["v[0-9][0-9][0-9][0-9]"]}}
    assert workflow["permissions"] == {"contents": "write"}
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in all_steps if "run" in s]
    fetch, publish, push = (runs.index(line) for line in ("git fetch origin gh-pages:gh-pages || true",
                                                         'make publish "VERSION=${GITHUB_REF_NAME#v}"',
                                                         "git push origin gh-pages"))
    assert fetch < publish < push
    assert runs[0] == "make system-deps"
