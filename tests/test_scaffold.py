"""``specgen init`` and ``specgen new``, run as users run them: the real command, real folders, real git.

The example workspace ``init`` writes must check clean under ``--strict`` on any
day and build at once; ``init`` never writes over anything or through a link;
``new`` takes IDs never used before, in the working tree or in git history,
and leaves prompts that ``check`` reports as SG320 until a PM replaces them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from ruamel.yaml import YAML

from specgen.kinds import KINDS
from specgen.scaffold.init import plan, vscode_settings, workflows
from specgen.scaffold.install import Install, current_install, from_direct_url
from specgen.scaffold.render import yaml_text
from specgen.schema.editor import EDITOR_SCHEMAS, editor_schemas
from specgen.yamlio import make_yaml

from .conftest import REPO
from .gitrepo import commit_all, git, repository

BIN = Path(sys.executable).parent
SPECGEN = BIN / "specgen"
DAY = "2027-03-10"
NEW_KINDS = [name for name, kind in KINDS.items() if kind.folder]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def specgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS", "CI")}
    return subprocess.run([str(SPECGEN), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def files_below(folder: Path) -> dict[str, bytes]:
    """Every file and link below ``folder`` (``.git`` aside), with its bytes (a link: its target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if ".git" in path.relative_to(folder).parts:
            continue
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = str(path.readlink()).encode()
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def load(path: Path) -> dict[str, object]:
    data = make_yaml().load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``init`` for the tests that only read what it wrote: into a folder that does not exist yet."""
    target = tmp_path_factory.mktemp("init") / "larder"
    done = specgen("init", str(target), "--today", DAY)
    assert done.returncode == 0, done.stderr
    return target


# init


def test_init_writes_a_workspace_that_checks_clean_under_strict(workspace: Path) -> None:
    done = specgen("check", "--strict", "--today", DAY, "-w", str(workspace))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "16 spec files checked: 0 errors, 0 warnings"
    specs = workspace / "specs"
    counts = {folder: len(list((specs / folder).glob("*.yaml"))) for folder in ("objectives", "personas")}
    counts |= {folder: len(list((specs / folder).glob("*.yaml"))) for folder in ("stakeholders", "features")}
    counts |= {folder: len(list((specs / folder).glob("*.yaml"))) for folder in ("releases", "decisions", "updates")}
    assert counts == {
        "objectives": 2,
        "personas": 2,
        "stakeholders": 3,
        "features": 4,
        "releases": 2,
        "decisions": 1,
        "updates": 1,
    }
    for feature in sorted((specs / "features").glob("*.yaml")):
        data = load(feature)
        assert {"requirements", "test_cases", "scoring"} <= set(data), feature.name
        scoring = data["scoring"]
        assert isinstance(scoring, dict) and {"cost_of_delay", "wsjf", "rice", "ice"} <= set(scoring), feature.name
    releases = {load(r)["status"] for r in (specs / "releases").glob("*.yaml")}
    assert releases == {"shipped", "planned"}


def test_init_prints_what_it_wrote_and_the_next_steps(tmp_path: Path) -> None:
    done = specgen("init", "--today", DAY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = done.stdout.split()
    assert len(written) == len(set(written)) and set(written) == set(files_below(tmp_path))
    assert {"mkdocs.yml", ".gitignore", ".pre-commit-config.yaml", ".vscode/settings.json"} <= set(written)
    for step in ('specgen new feature "', "specgen check", "specgen serve", "GitHub Actions"):
        assert step in done.stderr


def test_init_on_the_real_day_and_far_ahead_stays_clean(tmp_path: Path) -> None:
    """Dates are offsets from the day init runs: no release overdue (SG316), no key result out of step (SG319)."""
    today = specgen("init", str(tmp_path / "now"))
    assert today.returncode == 0, today.stderr
    done = specgen("check", "--strict", "--fail-on", "stale", "-w", str(tmp_path / "now"))
    assert done.returncode == 0 and "0 warnings" in done.stdout, done.stdout
    for day in ("2031-07-15", "2029-12-30", "2030-06-29"):
        assert specgen("init", str(tmp_path / day), "--today", day).returncode == 0
        done = specgen("check", "--strict", "--fail-on", "stale", "--today", day, "-w", str(tmp_path / day))
        assert done.returncode == 0 and "0 warnings" in done.stdout, (day, done.stdout)


def test_the_workspace_init_writes_builds_at_once(workspace: Path, tmp_path: Path) -> None:
    # A real MkDocs build, as the suite's other build tests run it.
    done = specgen("build", "--strict", "--today", DAY, "-w", str(workspace), "--site-dir", str(tmp_path / "site"))
    assert done.returncode == 0, done.stdout + done.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # Named after the product, not by mkdocs.yml: a PM who replaces the example renames the site with it.
    assert "\nsite_name:" not in (workspace / "mkdocs.yml").read_text(encoding="utf-8")
    assert "<title>Larder</title>" in home


def test_init_refuses_when_a_file_it_would_write_exists_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    (tmp_path / "specs" / "features").mkdir(parents=True)
    (tmp_path / "specs" / "features" / "FEAT-2.yaml").write_text("id: FEAT-2\n", encoding="utf-8")
    before = files_below(tmp_path)
    done = specgen("init", str(tmp_path), "--today", DAY)
    assert done.returncode == 2, done.stderr
    for name in ("mkdocs.yml", ".gitignore", "specs/features/FEAT-2.yaml"):
        assert f"specgen init: {name} already exists" in done.stderr
    assert "wrote nothing" in done.stderr and not done.stdout
    assert files_below(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "mkdocs.yml", "specs"]


def test_init_adds_specs_to_an_existing_repository(tmp_path: Path) -> None:
    repo = tmp_path / "shop"
    (repo / "src").mkdir(parents=True)
    (repo / "README.md").write_text("# The shop\n", encoding="utf-8")
    (repo / "src" / "app.py").write_text("print('hello')\n", encoding="utf-8")
    (repo / "templates").mkdir()  # a folder of its own, which specgen would read: init leaves it be
    (repo / "templates" / "page.html").write_text("<p>ours</p>\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "The app")
    before = files_below(repo)
    head = git(repo, "rev-parse", "HEAD")
    done = specgen("init", str(repo), "--today", DAY)
    assert done.returncode == 0, done.stderr
    after = files_below(repo)
    assert {k: after[k] for k in before} == before
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain").count("??") >= 5  # new, untracked: the user reviews and commits
    assert specgen("check", "--strict", "--today", DAY, "-w", str(repo)).returncode == 0


@pytest.mark.parametrize(
    "planted",
    ["specs", "mkdocs.yml", ".github", ".github/workflows/site.yml", ".specgen", ".gitignore"],
)
def test_init_never_writes_through_a_planted_link(tmp_path: Path, planted: str) -> None:
    outside = tmp_path / "outside"
    (outside / "workflows").mkdir(parents=True)
    (outside / "victim.txt").write_text("keep me\n", encoding="utf-8")
    target = tmp_path / "ws"
    link = target / planted
    link.parent.mkdir(parents=True)
    # A link to a folder, to a file, or to nothing at all: each is refused by name.
    destination = {"specs": outside, ".github": outside, ".specgen": outside, "mkdocs.yml": outside / "victim.txt"}
    link.symlink_to(destination.get(planted, outside / "missing"))
    before, outside_before = files_below(target), files_below(outside)
    done = specgen("init", str(target), "--today", DAY)
    assert done.returncode == 2, done.stderr
    assert f"specgen init: {planted} is a link: specgen never writes through one" in done.stderr
    assert files_below(target) == before
    assert files_below(outside) == outside_before


def test_init_workflows_are_valid_github_workflows_installing_this_specgen(workspace: Path) -> None:
    written = sorted((workspace / ".github" / "workflows").glob("*.yml"))
    assert [f.name for f in written] == ["site.yml", "specgen-comment.yml", "specgen.yml"]
    tool = BIN / "check-jsonschema"
    done = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", *written], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for file in written:
        data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
        runs = [step.get("run") for job in data["jobs"].values() for step in job["steps"]]
        assert current_install().pip_command in runs, file.name
        assert "pip install ." not in runs


def test_the_repository_workflows_are_what_init_renders_with_pip_install_dot() -> None:
    """One source: specgen's own workflows are the scaffold's, installing the checkout instead of a release."""
    ours = {f.name: f.read_text(encoding="utf-8") for f in (REPO / ".github" / "workflows").glob("*.yml")}
    assert workflows("pip install .") == ours


def test_a_vcs_install_is_pinned_to_its_commit_in_workflows_and_the_hook(tmp_path: Path) -> None:
    install = Install(f"specgen @ git+https://github.com/acme/specgen.git@{COMMIT}", "vcs")
    files = plan(dt.date(2027, 3, 10), install)
    site = YAML(typ="safe").load(files[PurePosixPath(".github/workflows/site.yml")])
    (install_step,) = [s for s in site["jobs"]["build"]["steps"] if s.get("name") == "Install specgen"]
    assert install_step["run"] == f"pip install 'specgen @ git+https://github.com/acme/specgen.git@{COMMIT}'"
    hook_config = YAML(typ="safe").load(files[PurePosixPath(".pre-commit-config.yaml")])
    (hook,) = hook_config["repos"][0]["hooks"]
    assert hook["additional_dependencies"] == [install.requirement]
    for name in ("site.yml", "specgen.yml", "specgen-comment.yml"):
        (tmp_path / name).write_text(files[PurePosixPath(".github/workflows") / name], encoding="utf-8")
    tool = BIN / "check-jsonschema"
    done = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", *tmp_path.glob("*.yml")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("recorded", "requirement"),
    [
        (
            {"url": "https://github.com/acme/specgen.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"specgen @ git+https://github.com/acme/specgen.git@{COMMIT}",
        ),
        (  # credentials never reach a workspace's CI files; ssh's conventional git user stays
            {"url": "https://user:token@github.com/acme/specgen.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"specgen @ git+https://github.com/acme/specgen.git@{COMMIT}",
        ),
        (
            {"url": "ssh://git@github.com/acme/specgen.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"specgen @ git+ssh://git@github.com/acme/specgen.git@{COMMIT}",
        ),
        # A folder on this machine (an editable install, a local clone): CI cannot reach it.
        ({"url": "file:///work/specgen", "dir_info": {"editable": True}}, "specgen==0.1.0"),
        ({"url": "file:///work/specgen", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "specgen==0.1.0"),
        ({"url": "https://files.example/specgen-0.1.0.tar.gz", "archive_info": {}}, "specgen==0.1.0"),
        # A commit that is no full commit ID, or a URL that would need quoting: not trusted.
        ({"url": "https://github.com/a/b.git", "vcs_info": {"vcs": "git", "commit_id": "main"}}, "specgen==0.1.0"),
        ({"url": "https://github.com/a/b c.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "specgen==0.1.0"),
        ({"url": "https://github.com/a/b.git#x", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "specgen==0.1.0"),
        (None, "specgen==0.1.0"),
        ("not json", "specgen==0.1.0"),
    ],
)
def test_the_install_is_read_from_pep_610s_direct_url(recorded: object, requirement: str) -> None:
    text = recorded if isinstance(recorded, str) or recorded is None else json.dumps(recorded)
    assert from_direct_url(text, "0.1.0").requirement == requirement


def test_an_editable_install_from_a_clone_is_pinned_to_a_commit_origin_has(tmp_path: Path) -> None:
    clone = repository(tmp_path / "specgen")
    recorded = json.dumps({"url": clone.as_uri(), "dir_info": {"editable": True}})
    assert from_direct_url(recorded, "0.1.0").source == "version"  # no origin: CI could fetch nothing
    git(clone, "remote", "add", "origin", "https://token:x@github.com/acme/specgen.git")
    assert from_direct_url(recorded, "0.1.0").source == "version"  # origin has not got the commit (as last fetched)
    git(clone, "update-ref", "refs/remotes/origin/main", "HEAD")
    head = git(clone, "rev-parse", "HEAD").strip()
    install = from_direct_url(recorded, "0.1.0")
    assert install.requirement == f"specgen @ git+https://github.com/acme/specgen.git@{head}"
    assert install.warning is None
    commit_all(clone, "Not pushed yet")
    assert from_direct_url(recorded, "0.1.0").source == "version"


def test_init_says_how_ci_installs_specgen_and_warns_when_it_is_from_pypi(tmp_path: Path) -> None:
    done = specgen("init", str(tmp_path), "--today", DAY)
    install = current_install()  # this suite's specgen, as the subprocess sees it too
    assert install.pip_command in (tmp_path / ".github/workflows/specgen.yml").read_text(encoding="utf-8")
    assert f"its CI ({install.pip_command})" in done.stderr
    assert ("warning: " in done.stderr) == (install.source == "version")


def test_the_pre_commit_config_is_valid_for_pre_commit_and_runs_on_spec_changes(workspace: Path) -> None:
    config = workspace / ".pre-commit-config.yaml"
    done = subprocess.run([BIN / "pre-commit", "validate-config", config], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (hook,) = YAML(typ="safe").load(config.read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook["entry"] == "specgen check --strict" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["additional_dependencies"] == [current_install().requirement]
    files = re.compile(hook["files"])
    for path in ("specs/features/FEAT-9.yaml", "specs/product.yaml", "specgen.yaml", "mkdocs.yml", "templates/x.j2"):
        assert files.search(path), path
    for path in ("README.md", "src/specs.py", "my-specgen.yaml"):
        assert not files.search(path), path
    # pre-commit's validation is real: a hook without an entry is refused.
    broken = config.with_name("broken.yaml")
    broken.write_text(config.read_text(encoding="utf-8").replace("        entry: specgen check --strict\n", ""))
    assert subprocess.run([BIN / "pre-commit", "validate-config", broken], capture_output=True).returncode != 0


def test_editor_settings_map_every_schema_init_writes_to_the_files_of_its_kind(workspace: Path) -> None:
    schemas = {p.name for p in (workspace / EDITOR_SCHEMAS).iterdir()}
    assert schemas == set(editor_schemas())
    assert (workspace / ".vscode/settings.json").read_text(encoding="utf-8") == vscode_settings()
    mapping = json.loads(vscode_settings())["yaml.schemas"]
    assert {PurePosixPath(k).name for k in mapping} == schemas
    for schema, globs in mapping.items():
        kind = PurePosixPath(schema).name.removesuffix(".schema.json")
        matched = {p for g in ([globs] if isinstance(globs, str) else globs) for p in workspace.glob(g)}
        expected = {workspace / "specs/product.yaml"} if kind == "product" else set()
        expected |= set((workspace / "specs" / str(KINDS[kind].folder)).glob("*.yaml")) if KINDS[kind].folder else set()
        assert matched == expected, kind
        assert matched or kind == "evidence", kind  # init writes every kind but evidence
    # Each spec init writes names its own schema on its first line, relative to itself.
    for spec in (workspace / "specs").rglob("*.yaml"):
        first = spec.read_text(encoding="utf-8").split("\n", 1)[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert target != first and (spec.parent / target).resolve().is_file(), spec


def test_yaml_text_keeps_user_text_as_one_value() -> None:
    for text in (
        "Café: the sequel",
        'A "quoted" # hash',
        "- a list?",
        "yes",
        "12",
        "[x]",
        "{{ x }}",
        " padded",
        "a\u2028b",
    ):
        written = yaml_text(text)
        assert make_yaml().load(f"title: {written}\n") == {"title": text}, written
    assert yaml_text("pip install .") == "pip install ."


# new


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the example workspace, committed."""
    target = tmp_path / "ws"
    assert specgen("init", str(target), "--today", DAY).returncode == 0
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "specgen init")
    return target


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_new_writes_a_valid_spec_whose_prompts_fail_only_strict(repo: Path, kind: str) -> None:
    title = 'Café "Lune": weekly #2'
    done = specgen("new", kind, title, "--today", DAY, "-w", str(repo))
    assert done.returncode == 0, done.stderr
    expected = {"stakeholder": "STK-4", "feature": "FEAT-5", "objective": "OBJ-3", "persona": "PER-3"}
    expected |= {"evidence": "EVD-1", "release": "REL-3", "decision": "DEC-2", "update": "UPD-2"}
    path = f"specs/{KINDS[kind].folder}/{expected[kind]}.yaml"
    assert done.stdout == f"{path}\n"
    written = repo / path
    first = written.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == f"# yaml-language-server: $schema=../../.specgen/schemas/{kind}.schema.json"
    assert (written.parent / first.split("=", 1)[1]).resolve() == (repo / EDITOR_SCHEMAS / f"{kind}.schema.json")
    data = load(written)
    assert data["id"] == expected[kind]
    assert title in data.values()
    if "owner" in data or "author" in data:
        assert data.get("owner", data.get("author")) == "STK-1"  # the product's owner
    check = specgen("check", "--today", DAY, "-w", str(repo))
    assert check.returncode == 0, check.stdout
    findings = [line for line in check.stdout.splitlines() if ": warning[" in line or ": error[" in line]
    assert findings and all(f"{path}:" in line and "warning[SG320]" in line for line in findings), check.stdout
    assert specgen("check", "--strict", "--today", DAY, "-w", str(repo)).returncode == 1


def test_a_written_prompt_passes_strict(repo: Path) -> None:
    assert specgen("new", "persona", "Ana, barista", "--today", DAY, "-w", str(repo)).returncode == 0
    file = repo / "specs/personas/PER-3.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace('"✎ Which customers: company size, industry, role"', "Baristas in specialty cafés")
    text = text.replace('"✎ A job this persona hires the product to do"', "Know what to prep before opening")
    text = text.replace('"✎ What gets in their way today"', "The fridge list is out of date")
    file.write_text(text, encoding="utf-8")
    done = specgen("check", "--strict", "--today", DAY, "-w", str(repo))
    assert done.returncode == 0, done.stdout


def test_new_ids_are_never_reused_from_git_history(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")  # the basic fixture: FEAT-1 and FEAT-2
    feature = repo / "specs/features/FEAT-3.yaml"
    feature.write_text((repo / "specs/features/FEAT-2.yaml").read_text().replace("FEAT-2", "FEAT-3"))
    commit_all(repo, "Add FEAT-3")
    feature.unlink()
    commit_all(repo, "Drop FEAT-3")
    done = specgen("new", "feature", "Shared calendars", "-w", str(repo))
    assert done.stdout == "specs/features/FEAT-4.yaml\n", done.stderr
    # A branch not merged yet counts too: its IDs are taken.
    git(repo, "checkout", "-q", "-b", "idea")
    (repo / "specs/features/FEAT-9.yaml").write_text("id: FEAT-9\n", encoding="utf-8")
    commit_all(repo, "An idea")
    git(repo, "checkout", "-q", "main")
    done = specgen("new", "feature", "Another", "-w", str(repo))
    assert done.stdout == "specs/features/FEAT-10.yaml\n", done.stderr
    refused = specgen("new", "feature", "Again", "--id", "FEAT-3", "-w", str(repo))
    assert refused.returncode == 2 and "FEAT-3 was used before" in refused.stderr
    chosen = specgen("new", "feature", "Chosen", "--id", "FEAT-20", "-w", str(repo))
    assert chosen.stdout == "specs/features/FEAT-20.yaml\n", chosen.stderr


def test_outside_git_only_the_files_on_disk_count_and_new_says_so(basic: Path) -> None:
    done = specgen("new", "feature", "Shared calendars", "-w", str(basic))
    assert done.returncode == 0 and done.stdout == "specs/features/FEAT-3.yaml\n"
    assert "not in a git repository: the ID counts only the files on disk" in done.stderr


def test_two_branches_taking_one_id_are_caught_by_check_after_the_merge(repo: Path, tmp_path: Path) -> None:
    """Two PMs in two clones: neither can see the other's branch, so both take FEAT-5."""
    work = (("pat", "alerts", "Alerts by SMS"), ("sam", "exports", "Export to CSV"))
    for clone, _, _ in work:
        git(tmp_path, "clone", "-q", str(repo), clone)
    for clone, branch, title in work:
        git(tmp_path / clone, "checkout", "-q", "-b", branch)
        done = specgen("new", "feature", title, "-w", str(tmp_path / clone))
        assert done.stdout == "specs/features/FEAT-5.yaml\n", done.stderr
        commit_all(tmp_path / clone, title)
        git(repo, "fetch", "-q", str(tmp_path / clone), f"{branch}:{branch}")
    git(repo, "merge", "-q", "alerts")
    merged = subprocess.run(["git", "-C", str(repo), "merge", "-q", "exports"], capture_output=True, text=True)
    assert merged.returncode != 0  # git itself stops at two new files of one name
    # The PM keeps both: one as it was, the other under a new file name, its id unchanged.
    theirs = git(repo, "show", "exports:specs/features/FEAT-5.yaml")
    git(repo, "checkout", "--ours", "specs/features/FEAT-5.yaml")
    (repo / "specs/features/FEAT-6.yaml").write_text(theirs, encoding="utf-8")
    commit_all(repo, "Merge exports")
    done = specgen("check", "-w", str(repo), "--today", DAY)
    assert done.returncode == 1
    assert re.search(r"specs/features/FEAT-6\.yaml:\d+:\d+: error\[SG30[12]\]", done.stdout), done.stdout
    # Now that both are in one history, the next feature is FEAT-7.
    assert specgen("new", "feature", "Next", "-w", str(repo)).stdout == "specs/features/FEAT-7.yaml\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["featur", "X"], "did you mean 'feature'?"),
        (["product", "X"], "a workspace has one product"),
        (["feature", "X", "--id", "FEAT-1"], "already exists"),
        (["feature", "X", "--id", "STK-9"], "is not a feature ID"),
        (["feature", "Two\nlines"], "a title is one line of text"),
        (["feature", "  "], "the title is empty"),
    ],
)
def test_new_refuses_usage_mistakes_with_exit_2(repo: Path, args: list[str], message: str) -> None:
    before = files_below(repo)
    done = specgen("new", *args, "-w", str(repo))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert files_below(repo) == before


def test_new_never_writes_through_a_planted_link(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    decisions = repo / "specs/decisions"
    for file in decisions.iterdir():
        file.unlink()
    decisions.rmdir()
    decisions.symlink_to(outside)
    done = specgen("new", "decision", "Pick a payment provider", "-w", str(repo))
    assert done.returncode == 2 and "specs/decisions is a link" in done.stderr, done.stderr
    assert list(outside.iterdir()) == []


def test_new_names_the_stakeholder_it_will_need_when_there_is_none(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    done = specgen("new", "feature", "First feature", "-w", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert load(tmp_path / "specs/features/FEAT-1.yaml")["owner"] == "STK-1"
    assert '`specgen new stakeholder "Name"` creates STK-1' in done.stderr
    assert (
        specgen("new", "stakeholder", "Ada Lovelace", "-w", str(tmp_path)).stdout == "specs/stakeholders/STK-1.yaml\n"
    )


def test_a_prompt_is_a_warning_never_a_placeholder_error_and_hides_no_schema_error(repo: Path) -> None:
    feature = repo / "specs/features/FEAT-4.yaml"
    text = feature.read_text(encoding="utf-8")
    text = text.replace("title: Stock across sites", 'title: "✎ TBD"')  # short, and a placeholder word after the mark
    text = text.replace("problem: Owners with", 'problem: "  ✎ Who has it?"\nwhy_now: ✎ Owners with')
    feature.write_text(text, encoding="utf-8")
    decision = repo / "specs/decisions/DEC-1.yaml"
    decision.write_text(decision.read_text(encoding="utf-8").replace("due: ", 'due: "✎ a day" # '), encoding="utf-8")
    done = specgen("check", "--today", DAY, "-w", str(repo))
    findings = [line.split(": ", 2)[1] for line in done.stdout.splitlines() if "[SG" in line]
    assert sorted(findings) == ["error[SG205]", *["warning[SG320]"] * 4], done.stdout  # the due prompt: both
    assert "DEC-1.yaml" in next(line for line in done.stdout.splitlines() if "SG205" in line)


def _readme_block(opening: str) -> str:
    """The README's fenced block whose first line is ``opening``, without its fences."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n{opening}\n") + 1
    return readme[start : readme.index("```\n", start)]


def test_the_readme_shows_the_pre_commit_config_and_editor_settings_that_init_writes() -> None:
    install = Install("specgen @ git+https://<host>/<owner>/specgen@<commit>", "vcs")
    files = plan(dt.date(2027, 1, 1), install)
    assert (
        _readme_block("# .pre-commit-config.yaml")
        == "# .pre-commit-config.yaml\n" + files[PurePosixPath(".pre-commit-config.yaml")]
    )
    assert _readme_block('  "yaml.schemas": {') == vscode_settings().split("\n", 1)[1]
    assert (REPO / ".vscode/settings.json").read_text(encoding="utf-8") == vscode_settings()  # dogfood
