"""The GitHub Actions workflows: valid for GitHub, shown verbatim in the README, and every command they run, run.

GitHub cannot be reached from here, so each job's ``run:`` scripts are run as
a runner would run them: ``bash -e``, with the step's ``env:`` and its
``${{ }}`` expressions filled in from a small context, and ``GITHUB_ENV``
carried to the later steps. They run in real git repositories (an upstream
with ``main`` and a pull request, and clones of it), with a fake ``gh`` first
on PATH that records its arguments and answers as GitHub's API would. Steps
that use an action are skipped (the clone is the checkout) and ``pip install
.`` runs nothing (specgen is installed in the venv, whose bin is on PATH).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from .conftest import FIXTURE_TODAY, REPO
from .gitrepo import commit_all, edit, git, repository

WORKFLOWS = REPO / ".github" / "workflows"
NAMES = ("site.yml", "specgen-comment.yml", "specgen.yml")
VENV_BIN = Path(sys.executable).parent
MARKER = "<!-- specgen-diff -->"
OWNER_REPO, PULL, RUN_ID = "acme/specs", "7", "4242"
FEATURE = Path("specs/features/FEAT-1.yaml")

_RUN = "github.event.workflow_run"
#: The ``if:`` conditions the workflows use, as a runner evaluates them from (context, env, whether a step
#: failed). One not listed here fails the test: the runner here must learn it first.
CONDITIONS: dict[str, Callable[[Mapping[str, str], Mapping[str, str], bool], bool]] = {
    # !cancelled(): whether or not an earlier step failed.
    "${{ !cancelled() && github.event_name == 'pull_request' }}": lambda c, e, f: (
        c["github.event_name"] == "pull_request"
    ),
    # A condition without a status function stands for success() && it.
    "env.PR_NUMBER != ''": lambda c, e, failed: not failed and e.get("PR_NUMBER", "") != "",
    f"{_RUN}.event == 'pull_request' && ({_RUN}.conclusion == 'success' || {_RUN}.conclusion == 'failure')": (
        lambda c, e, f: c[f"{_RUN}.event"] == "pull_request" and c[f"{_RUN}.conclusion"] in ("success", "failure")
    ),
}
_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")

#: A stand-in for the GitHub CLI: logs each call as JSON, answers the calls the workflows make, refuses the rest.
FAKE_GH = r"""
import json, os, shutil, subprocess, sys
from pathlib import Path

args, env = sys.argv[1:], os.environ
entry = {"args": args}
repo, pull = env["FAKE_GH_REPO"], env["FAKE_GH_PULL"]
comments = json.loads(Path(env["FAKE_GH_COMMENTS"]).read_text())
flags, rest, it = {}, [], iter(args[1:])
for arg in it:
    if arg in ("--method", "--jq", "--name", "--dir", "--repo", "-F"):
        flags[arg] = next(it)
    elif arg.startswith("-"):
        flags[arg] = True
    else:
        rest.append(arg)
method, body = flags.get("--method", "GET"), flags.get("-F", "")
if body.startswith("body=@"):
    entry["body"] = Path(body[len("body=@"):]).read_text()
with open(env["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps(entry) + "\n")
if "GH_TOKEN" not in env:
    sys.exit("gh: set the GH_TOKEN environment variable to use GitHub CLI in a GitHub Actions workflow")
answer = None
if args[:2] == ["run", "download"] and rest == ["download", env["FAKE_GH_RUN"]] and flags.get("--repo") == repo:
    shutil.copytree(env["FAKE_GH_ARTIFACT"], flags["--dir"])
elif args[0] != "api" or len(rest) != 1:
    sys.exit(f"fake gh: unexpected call {args}")
elif method == "GET" and rest[0] == f"repos/{repo}/pulls/{pull}":
    answer = {"number": int(pull), "head": {"sha": env["FAKE_GH_HEAD_SHA"]}, "base": {"ref": env["FAKE_GH_BASE"]}}
elif method == "GET" and rest[0] == f"repos/{repo}/issues/{pull}/comments":
    answer = comments
elif method == "POST" and rest[0] == f"repos/{repo}/issues/{pull}/comments" and "body" in entry:
    answer = {"id": 1}
elif method == "PATCH" and rest[0] in {f"repos/{repo}/issues/comments/{c['id']}" for c in comments} and "body" in entry:
    answer = {"id": int(rest[0].rsplit("/", 1)[1])}
else:
    sys.exit(f"gh: Not Found (HTTP 404): {args}")
if answer is not None and "--silent" not in flags:
    if "--jq" in flags:  # gh's --jq: each result on a line, strings raw, as jq -r prints them
        import jq

        for value in jq.compile(flags["--jq"]).input_value(answer).all():
            print(value if isinstance(value, str) else json.dumps(value))
        sys.exit(0)
    print(json.dumps(answer))
"""


def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Step:
    name: str
    #: ``None`` when its ``if:`` kept it from running.
    returncode: int | None
    output: str
    summary: str


@dataclass(frozen=True)
class Job:
    steps: list[Step]
    #: What the steps wrote to GITHUB_ENV.
    exported: dict[str, str]

    def step(self, name: str) -> Step:
        (found,) = [s for s in self.steps if s.name == name]
        return found


@dataclass(frozen=True)
class Fake:
    """The fake ``gh`` on PATH and what it answers; ``calls()`` is what it was asked."""

    folder: Path
    head_sha: str
    artifact: Path
    comments: list[dict[str, Any]]
    #: The pull request's base branch, as the API names it.
    base: str = "main"

    def env(self) -> dict[str, str]:
        bin_dir = self.folder / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        (bin_dir / "gh").write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        (self.folder / "comments.json").write_text(json.dumps(self.comments), encoding="utf-8")
        return {
            "PATH": os.pathsep.join([str(bin_dir), str(VENV_BIN), os.environ["PATH"]]),
            "FAKE_GH_LOG": str(self.folder / "gh.log"),
            "FAKE_GH_COMMENTS": str(self.folder / "comments.json"),
            "FAKE_GH_REPO": OWNER_REPO,
            "FAKE_GH_PULL": PULL,
            "FAKE_GH_RUN": RUN_ID,
            "FAKE_GH_HEAD_SHA": self.head_sha,
            "FAKE_GH_ARTIFACT": str(self.artifact),
            "FAKE_GH_BASE": self.base,
        }

    def calls(self) -> list[dict[str, Any]]:
        log = self.folder / "gh.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run_job(name: str, job_name: str, *, cwd: Path, context: Mapping[str, str], fake: Fake) -> Job | None:
    """Run one job's ``run:`` steps as a runner would; ``None`` when the job's ``if:`` skips it."""
    data = workflow(name)
    job = data["jobs"][job_name]

    def filled(values: Mapping[str, str] | None) -> dict[str, str]:
        return {k: _EXPRESSION.sub(lambda m: context[m.group(1)], str(v)) for k, v in (values or {}).items()}

    if "if" in job and not CONDITIONS[job["if"]](context, {}, False):
        return None
    temp = fake.folder / "runner-temp"
    temp.mkdir(parents=True, exist_ok=True)
    epoch = int(datetime.fromisoformat(FIXTURE_TODAY).replace(tzinfo=UTC).timestamp())
    base = {
        **fake.env(),
        "HOME": str(fake.folder),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(cwd),
        "SOURCE_DATE_EPOCH": str(epoch),
        **filled(data.get("env")),
        **filled(job.get("env")),
    }
    steps: list[Step] = []
    exported: dict[str, str] = {}
    for n, step in enumerate(s for s in job["steps"] if "run" in s):
        assert set(step) <= {"name", "if", "env", "run"}, f"the runner here does not know {set(step)}"
        failed = any(s.returncode for s in steps)
        if not (CONDITIONS[step["if"]](context, {**base, **exported}, failed) if "if" in step else not failed):
            steps.append(Step(step["name"], None, "", ""))
            continue
        env = {**base, **exported, **filled(step.get("env"))}
        script = "" if step["run"] == "pip install ." else step["run"]
        files = {key: fake.folder / f"{key.lower()}-{job_name}-{n}" for key in ("GITHUB_ENV", "GITHUB_STEP_SUMMARY")}
        (fake.folder / "script.sh").write_text(script, encoding="utf-8")
        for file in files.values():
            file.write_text("", encoding="utf-8")
        done = subprocess.run(
            ["bash", "-e", str(fake.folder / "script.sh")],
            cwd=cwd,
            env={**env, **{key: str(file) for key, file in files.items()}},
            capture_output=True,
            text=True,
            timeout=120,
        )
        for line in files["GITHUB_ENV"].read_text(encoding="utf-8").splitlines():
            key, value = line.split("=", 1)
            exported[key] = value
        steps.append(
            Step(
                step["name"],
                done.returncode,
                done.stdout + done.stderr,
                files["GITHUB_STEP_SUMMARY"].read_text("utf-8"),
            )
        )
    return Job(steps, exported)


@dataclass(frozen=True)
class Upstream:
    """The repository on GitHub: ``main`` moved on after the pull request branched off it."""

    path: Path
    pr_sha: str


def upstream(tmp_path: Path, *, status: str = "in_progress") -> Upstream:
    path = repository(tmp_path / "upstream")
    git(path, "checkout", "-q", "-b", "feature")
    edit(path / FEATURE, "title: Timeline view\n", "title: Timeline view for releases\n")
    edit(path / FEATURE, "status: planned\n", f"status: {status}\n")
    pr_sha = commit_all(path, "Start the timeline")
    git(path, "checkout", "-q", "main")
    edit(
        path / "specs/features/FEAT-2.yaml", "title: Internal scoring dashboard", "title: Scoring dashboard for finance"
    )
    commit_all(path, "Rename the dashboard", date="2026-11-21T12:00:00Z")
    # What GitHub keeps for a pull request: its head, and the merge that a pull_request run checks out.
    git(path, "update-ref", f"refs/pull/{PULL}/head", pr_sha)
    git(path, "checkout", "-q", "--detach", "main")
    git(path, "merge", "-q", "--no-ff", "-m", "Merge the pull request", pr_sha)
    git(path, "update-ref", f"refs/pull/{PULL}/merge", "HEAD")
    git(path, "checkout", "-q", "main")
    return Upstream(path, pr_sha)


def clone(origin: Upstream, target: Path, ref: str | None = None) -> Path:
    """``actions/checkout`` with ``fetch-depth: 0``: every branch, and ``ref`` checked out when given."""
    git(target.parent, "clone", "-q", f"file://{origin.path}", str(target))
    if ref:
        git(target, "fetch", "-q", "origin", ref)
        git(target, "checkout", "-q", "--detach", "FETCH_HEAD")
    return target


def run_pr(tmp_path: Path, origin: Upstream) -> tuple[Job, Path]:
    """The pull_request run of ``specgen.yml`` on the merge; the job, and the folder it uploads."""
    work = clone(origin, tmp_path / "pr", f"refs/pull/{PULL}/merge")
    fake = Fake(tmp_path / "pr-runner", origin.pr_sha, tmp_path / "none", [])
    context = {
        "github.event_name": "pull_request",
        "github.base_ref": "main",
        "github.event.pull_request.number": PULL,
        "github.event.pull_request.head.sha": origin.pr_sha,
    }
    job = run_job("specgen.yml", "check", cwd=work, context=context, fake=fake)
    assert job is not None
    return job, fake.folder / "runner-temp" / "specgen-pr"


def run_comment(tmp_path: Path, origin: Upstream, fake: Fake) -> tuple[Job, Path]:
    """``specgen-comment.yml`` after that run, on a checkout of main; the job, and that checkout."""
    work = clone(origin, tmp_path / "trusted")
    context = {
        "github.token": "token-for-tests",
        "github.repository": OWNER_REPO,
        "github.event.repository.default_branch": "main",
        "github.server_url": "https://github.com",
        "github.run_id": "9999",
        **{f"{_RUN}.id": RUN_ID, f"{_RUN}.event": "pull_request", f"{_RUN}.conclusion": "success"},
        f"{_RUN}.head_sha": origin.pr_sha,
    }
    job = run_job("specgen-comment.yml", "comment", cwd=work, context=context, fake=fake)
    assert job is not None
    return job, work


def artifact(tmp_path: Path, number: str, head_sha: str) -> Path:
    (tmp_path / "artifact").mkdir()
    for name, value in (("number", number), ("head_sha", head_sha)):
        (tmp_path / "artifact" / name).write_text(value + "\n", encoding="utf-8")
    return tmp_path / "artifact"


def comment(ident: int, login: str, body: str) -> dict[str, Any]:
    return {"id": ident, "user": {"login": login}, "body": body}


#: A page of comments: another bot's marker comment and a quote of the marker must not be taken for ours.
OTHERS = [
    comment(101, "github-actions[bot]", "Another workflow's comment"),
    comment(102, "other-app[bot]", f"{MARKER}\nNot ours"),
    comment(103, "pat", f"Quoting: {MARKER}"),
]
OURS = comment(555, "github-actions[bot]", f"{MARKER}\nThe diff of an earlier push")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Upstream:
    """One upstream for the module: the tests only clone it."""
    return upstream(tmp_path_factory.mktemp("origin"))


@pytest.fixture(scope="module")
def pr_run(origin: Upstream, tmp_path_factory: pytest.TempPathFactory) -> tuple[Job, Path]:
    """The pull request job, run once: its artifact is what the comment job gets."""
    return run_pr(tmp_path_factory.mktemp("pr-run"), origin)


def test_workflows_match_githubs_schema(tmp_path: Path) -> None:
    tool = VENV_BIN / "check-jsonschema"
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert tuple(f.name for f in files) == NAMES
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # The schema is really applied: a job without runs-on is refused.
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  check:\n    steps:\n      - run: 'true'\n", encoding="utf-8")
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", broken], capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr


def test_the_readme_shows_the_workflows_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Use it in CI\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"^```yaml\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    shown = {b.split("\n", 1)[0].removeprefix("# "): b for b in blocks if b.startswith("# .github/workflows/")}
    files = {f"{f.relative_to(REPO)}": f.read_text(encoding="utf-8") for f in WORKFLOWS.glob("*.yml")}
    assert shown == files


def test_expressions_reach_scripts_only_through_env_and_no_pull_request_code_gets_a_token() -> None:
    for name in NAMES:
        assert "pull_request_target" not in workflow(name)["on"]
        scripts = [step["run"] for job in workflow(name)["jobs"].values() for step in job["steps"] if "run" in step]
        assert not [script for script in scripts if "${{" in script]
        # The one line the README tells users to change.
        assert "pip install ." in scripts
    # The commenting job checks out the default branch (no ref), never the pull request.
    comment_steps = workflow("specgen-comment.yml")["jobs"]["comment"]["steps"]
    checkouts = [s for s in comment_steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert len(checkouts) == 1 and checkouts[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    # While specgen reads the pull request's specs, no token is in .git/config or in the step's environment.
    diff = next(s for s in comment_steps if s.get("name") == "Diff the pull request")
    assert "GH_TOKEN" not in diff.get("env", {}) and "token" not in diff["run"]
    assert workflow("specgen.yml")["permissions"] == {"contents": "read"}


def test_a_push_is_checked_and_not_diffed(tmp_path: Path, origin: Upstream) -> None:
    work = clone(origin, tmp_path / "push")
    fake = Fake(tmp_path / "runner", origin.pr_sha, tmp_path / "none", [])
    job = run_job("specgen.yml", "check", cwd=work, context={"github.event_name": "push"}, fake=fake)
    assert job is not None
    assert [(s.name, s.returncode) for s in job.steps] == [
        ("Install specgen", 0),
        ("Check the specs", 0),
        ("Diff against the base branch", None),
        ("Record the pull request for the comment", None),
    ]


def test_a_clean_pull_request_is_checked_diffed_and_recorded(origin: Upstream, pr_run: tuple[Job, Path]) -> None:
    job, recorded = pr_run
    assert all(s.returncode == 0 for s in job.steps), [(s.name, s.output) for s in job.steps]
    checked = job.step("Check the specs")
    assert "0 errors, 0 warnings" in checked.output
    assert "no findings" in checked.summary
    diffed = job.step("Diff against the base branch")
    assert diffed.summary.startswith(MARKER)
    assert "Timeline view for releases" in diffed.summary
    assert sorted(p.name for p in recorded.iterdir()) == ["head_sha", "number"]
    assert (recorded / "number").read_text() == f"{PULL}\n"
    assert (recorded / "head_sha").read_text() == f"{origin.pr_sha}\n"


def test_a_pull_request_that_breaks_a_spec_fails_and_is_still_diffed(tmp_path: Path) -> None:
    job, recorded = run_pr(tmp_path, upstream(tmp_path, status="someday"))
    checked = job.step("Check the specs")
    assert checked.returncode == 1
    assert "::error file=specs/features/FEAT-1.yaml" in checked.output
    assert "| error | SG204 |" in checked.summary
    assert job.step("Diff against the base branch").returncode == 0
    assert (recorded / "number").read_text() == f"{PULL}\n"


@pytest.mark.parametrize(("existing", "method", "path"), [
    ([*OTHERS, OURS, comment(556, "github-actions[bot]", f"{MARKER}\nA duplicate")], "PATCH", "issues/comments/555"),
    (OTHERS, "POST", f"issues/{PULL}/comments"),
])  # fmt: skip
def test_the_comment_is_updated_in_place_or_posted_once(
    tmp_path: Path,
    origin: Upstream,
    pr_run: tuple[Job, Path],
    existing: list[dict[str, Any]],
    method: str,
    path: str,
) -> None:
    _, recorded = pr_run
    fake = Fake(tmp_path / "comment-runner", origin.pr_sha, recorded, existing)
    job, work = run_comment(tmp_path, origin, fake)
    assert all(s.returncode == 0 for s in job.steps), [(s.name, s.output) for s in job.steps]
    assert job.exported == {"PR_NUMBER": PULL, "PR_BASE": "main"}
    body = (work / "comment.md").read_text(encoding="utf-8")
    assert body.startswith(MARKER)
    assert "Timeline view for releases" in body
    # Compared through the merge base: main's own later change is not the pull request's.
    assert "Scoring dashboard for finance" not in body
    assert f"https://github.com/{OWNER_REPO}/blob/{origin.pr_sha}/" in body
    writes = [c for c in fake.calls() if "--method" in c["args"]]
    assert writes == [
        {"args": ["api", "--method", method, f"repos/{OWNER_REPO}/{path}", "-F", "body=@comment.md", "--silent"],
         "body": body}
    ]  # fmt: skip
    # The pull request's commits were fetched as data; the trusted checkout stayed on main.
    assert git(work, "rev-parse", "pr/head").strip() == origin.pr_sha
    assert git(work, "status", "--porcelain") == "?? comment.md\n"
    assert "title: Timeline view\n" in (work / FEATURE).read_text(encoding="utf-8")


@pytest.mark.parametrize(("number", "recorded_sha", "reason"), [
    ("7; gh api --method DELETE repos/acme/specs", None, "is not a number"),
    ("../../7", None, "is not a number"),
    (PULL, "0" * 40, "names another commit"),
])  # fmt: skip
def test_an_artifact_that_lies_is_refused(
    tmp_path: Path, origin: Upstream, number: str, recorded_sha: str | None, reason: str
) -> None:
    fake = Fake(tmp_path / "runner", origin.pr_sha, artifact(tmp_path, number, recorded_sha or origin.pr_sha), [OURS])
    job, _ = run_comment(tmp_path, origin, fake)
    found = job.step("Find the pull request")
    assert found.returncode == 1 and reason in found.output
    assert [c["args"][:2] for c in fake.calls()] == [["run", "download"]]
    assert [s.returncode for s in job.steps[1:]] == [None, None, None, None]


def test_a_pull_request_that_moved_on_gets_its_comment_from_the_newer_run(tmp_path: Path, origin: Upstream) -> None:
    fake = Fake(tmp_path / "runner", "f" * 40, artifact(tmp_path, PULL, origin.pr_sha), [OURS])
    job, _ = run_comment(tmp_path, origin, fake)
    found = job.step("Find the pull request")
    assert found.returncode == 0 and "::notice::" in found.output and job.exported == {}
    assert [s.returncode for s in job.steps[1:]] == [None, None, None, None]
    assert not [c for c in fake.calls() if "--method" in c["args"]]


def test_the_site_job_builds_from_a_full_clone(tmp_path: Path, origin: Upstream) -> None:
    work = clone(origin, tmp_path / "site")
    fake = Fake(tmp_path / "runner", "", tmp_path / "none", [])
    job = run_job("site.yml", "build", cwd=work, context={}, fake=fake)
    assert job is not None
    assert [(s.name, s.returncode) for s in job.steps] == [("Install specgen", 0), ("Build the site", 0)]
    assert (work / "site" / "index.html").is_file()


def test_a_diff_that_fails_still_replaces_the_comment_and_says_where_to_look(tmp_path: Path) -> None:
    """A base with no history in common: the diff exits 2, and the old comment does not stay as if current."""
    origin = upstream(tmp_path / "origin")
    git(origin.path, "checkout", "-q", "--orphan", "unrelated")
    commit_all(origin.path, "Another history")
    git(origin.path, "checkout", "-q", "main")
    fake = Fake(tmp_path / "runner", origin.pr_sha, artifact(tmp_path, PULL, origin.pr_sha), [OURS], "unrelated")

    job, work = run_comment(tmp_path, origin, fake)

    assert all(s.returncode == 0 for s in job.steps), [(s.name, s.output) for s in job.steps]
    body = (work / "comment.md").read_text(encoding="utf-8")
    run_url = f"https://github.com/{OWNER_REPO}/actions/runs/9999"
    why = f"could not compare `{origin.pr_sha[:7]}` with `unrelated`: [the workflow run]({run_url}) says why."
    assert body == f"{MARKER}\n**specgen diff** {why}\n"
    assert [c["args"][:3] for c in fake.calls() if "--method" in c["args"]] == [["api", "--method", "PATCH"]]
