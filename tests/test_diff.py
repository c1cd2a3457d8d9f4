"""``specgen diff`` on real git repositories: every kind of change the comparisons report, read from git."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.cli import main
from specgen.diff import diff
from specgen.diff.changes import BACKWARDS, INTO_SHIPPED, MADE_EXTERNAL, NEW_ERROR, SUSPECT, UNREADABLE, Section
from specgen.diff.result import DiffResult
from tests.gitrepo import FIXTURES, commit_all, edit, git, repository

SHIPPED_RELEASE = """\
id: REL-2
name: "0.9"
status: shipped
target_date: 2026-05-01
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The basic workspace in git, with a shipped release beside the planned one; checked on the fixtures' day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # FIXTURE_TODAY, 2026-06-01
    target = repository(tmp_path / "repo")
    (target / "specs/releases/REL-2.yaml").write_text(SHIPPED_RELEASE, encoding="utf-8")
    commit_all(target, "Add the shipped release")
    git(target, "checkout", "-q", "-b", "pr")
    return target


def kinds(result: DiffResult, section: Section | None = None) -> list[tuple[str, str, str]]:
    return [(c.kind, c.subject, c.item) for c in result.changes if section is None or c.section is section]


def run(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(main, ["diff", *args])
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_the_pull_request_that_stayed_green_is_explained(repo: Path) -> None:
    """Moved into a shipped release, set to beta, a Must narrowed under a passing test: all said, in product terms."""
    feature = repo / "specs/features/FEAT-1.yaml"
    edit(feature, "release: REL-1", "release: REL-2")
    edit(feature, "status: planned", "status: beta")
    edit(feature, "statement: Show features on a time axis by release.", "statement: Show features on a time axis.")
    commit_all(repo, "Ship the timeline early")

    result = diff(repo, "main", "pr")

    release = next(c for c in result.changes if c.kind == "release")
    assert release.summary == (
        "moved from 1.0 (2027-01-15) to 0.9 (shipped), a release already shipped, while the feature is in beta"
    )
    assert INTO_SHIPPED in release.flags
    status = next(c for c in result.changes if c.kind == "status")
    assert (status.before, status.after, status.flags) == ("planned", "beta", frozenset())
    reworded = next(c for c in result.changes if c.kind == "requirement_reworded")
    assert reworded.item == "FEAT-1.R1"
    assert reworded.words == (("=", "Show features on a time"), ("-", "axis by release."), ("+", "axis."))
    (suspect,) = result.section(Section.REVIEW)
    assert (suspect.subject, suspect.item, SUSPECT in suspect.flags) == ("FEAT-1", "TC-1", True)
    assert "passed" in suspect.summary
    assert result.base.label.startswith("main (") and result.head.label.startswith("pr (")


def test_a_status_moving_back_and_an_internal_item_made_external_are_alerts(repo: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "status: planned", "status: discovery")
    edit(repo / "specs/features/FEAT-2.yaml", "visibility: internal", "visibility: external")
    commit_all(repo, "Rethink")

    result = diff(repo, "main", "pr")

    assert {c.subject for c in result.flagged(BACKWARDS)} == {"FEAT-1"}
    assert {c.subject for c in result.flagged(MADE_EXTERNAL)} == {"FEAT-2"}
    code, _, err = run("main", "pr", "-w", str(repo), "--fail-on", "visibility")
    assert (code, err.strip()) == (1, "specgen diff: failing on visibility")
    assert run("main", "pr", "-w", str(repo))[0] == 0


def test_a_renamed_spec_is_a_rename_not_a_removal_and_an_addition(repo: Path) -> None:
    old = repo / "specs/features/FEAT-2.yaml"
    text = old.read_text(encoding="utf-8").replace("id: FEAT-2", "id: FEAT-7")
    old.unlink()
    (repo / "specs/features/FEAT-7.yaml").write_text(text, encoding="utf-8")
    commit_all(repo, "Renumber")

    result = diff(repo, "main", "pr")

    assert kinds(result, Section.SPECS) == [("renamed", "FEAT-7", "")]
    assert result.changes[0].before == "FEAT-2"
    assert not result.section(Section.FINDINGS)


def test_a_file_that_does_not_parse_at_head_is_reported_and_the_rest_still_runs(repo: Path) -> None:
    (repo / "specs/features/FEAT-2.yaml").write_text("id: FEAT-2\ntitle: [unclosed\n", encoding="utf-8")
    edit(repo / "specs/features/FEAT-1.yaml", "owner: STK-2\nvisibility", "owner: STK-1\nvisibility")
    commit_all(repo, "Break one file, change another")

    result = diff(repo, "main", "pr")

    (broken,) = result.flagged(UNREADABLE)
    assert (broken.subject, broken.path, broken.details["code"]) == ("FEAT-2", "specs/features/FEAT-2.yaml", "SG101")
    assert ("owner", "FEAT-1", "") in kinds(result)
    assert ("removed", "FEAT-2", "") not in kinds(result)
    assert any(NEW_ERROR in c.flags for c in result.section(Section.FINDINGS))


def test_the_working_tree_counts_uncommitted_and_untracked_edits_but_not_ignored_files(repo: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "horizon: now", "horizon: next")  # uncommitted
    new = (repo / "specs/features/FEAT-2.yaml").read_text(encoding="utf-8").replace("FEAT-2", "FEAT-3")
    (repo / "specs/features/FEAT-3.yaml").write_text(new.replace("title:", "title: New"), encoding="utf-8")
    (repo / ".gitignore").write_text("specs/features/FEAT-9.yaml\n", encoding="utf-8")
    (repo / "specs/features/FEAT-9.yaml").write_text("not: a spec\n", encoding="utf-8")

    result = diff(repo, "main")

    assert result.head.label == "the working tree" and result.head.commit is None
    assert ("horizon", "FEAT-1", "") in kinds(result)
    assert ("added", "FEAT-3", "") in kinds(result)
    assert not [c for c in result.changes if "FEAT-9" in c.path]


def test_base_is_the_merge_base_so_work_merged_since_is_not_reported_as_undone(repo: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "owner: STK-2\nvisibility", "owner: STK-1\nvisibility")
    commit_all(repo, "PR change")
    git(repo, "checkout", "-q", "main")
    edit(repo / "specs/features/FEAT-2.yaml", "status: idea", "status: discovery")
    commit_all(repo, "Merged elsewhere meanwhile")
    git(repo, "checkout", "-q", "pr")

    assert kinds(diff(repo, "main", "pr")) == [("owner", "FEAT-1", "")]
    assert ("status", "FEAT-2", "") in kinds(diff(repo, "main", "pr", merge_base=False))


def test_an_old_spelling_at_base_is_no_change(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    edit(repo / "specs/features/FEAT-1.yaml", "status: planned", "status: released")
    edit(repo / "specs/features/FEAT-1.yaml", "release: REL-1", "release: REL-2")
    commit_all(repo, "Written by specgen 0.1")
    git(repo, "checkout", "-q", "-B", "pr")
    edit(repo / "specs/features/FEAT-1.yaml", "status: released", "status: shipped")
    commit_all(repo, "specgen migrate")

    result = diff(repo, "main", "pr")

    assert ("status", "FEAT-1", "") not in kinds(result)
    assert [c.details["code"] for c in result.section(Section.FINDINGS)] == ["SG208"]  # the old word's warning, fixed


def test_findings_that_only_moved_lines_are_neither_introduced_nor_fixed(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    edit(
        repo / "specs/features/FEAT-1.yaml", "owner: STK-2\nvisibility", "owner: STK-9\nvisibility"
    )  # an unknown stakeholder: an error
    commit_all(repo, "A finding on main")
    git(repo, "checkout", "-q", "-B", "pr")
    feature = repo / "specs/features/FEAT-1.yaml"
    feature.write_text("# Timeline\n\n" + feature.read_text(encoding="utf-8"), encoding="utf-8")
    edit(repo / "specs/features/FEAT-2.yaml", "status: idea", "status: idea\nowner_team: x")
    commit_all(repo, "Move lines, add a mistake")

    result = diff(repo, "main", "pr")

    found = [(c.kind, c.details["code"], c.path) for c in result.section(Section.FINDINGS)]
    assert found == [("introduced", "SG201", "specs/features/FEAT-2.yaml")]


def test_a_symlink_in_a_revision_is_reported_and_never_followed(repo: Path) -> None:
    (repo / "specs/features/FEAT-8.yaml").symlink_to("/proc/self/environ")
    commit_all(repo, "A link")

    code, out, _ = run("main", "pr", "-w", str(repo), "--format", "json")

    assert code == 0
    report = json.loads(out)
    (link,) = [c for c in report["changes"] if c["section"] == "findings"]
    assert link["details"]["code"] == "SG110" and "symbolic link" in link["summary"]
    assert "PATH=" not in out


def test_git_problems_exit_2_with_a_clear_message(repo: Path, tmp_path: Path) -> None:
    code, _, err = run("no-such-branch", "-w", str(repo))
    assert code == 2 and "no-such-branch" in err and "Traceback" not in err

    plain = tmp_path / "plain"
    plain.mkdir()
    code, _, err = run("main", "-w", str(plain))
    assert code == 2 and "not in a git repository" in err

    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    code, _, err = run("main", "-w", str(empty))
    assert code == 2 and "no commits" in err


def test_a_shallow_clone_says_how_to_fetch_history(repo: Path, tmp_path: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "owner: STK-2\nvisibility", "owner: STK-1\nvisibility")
    commit_all(repo, "PR change")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(shallow))

    code, _, err = run("HEAD~1", "-w", str(shallow))
    assert code == 2 and "shallow" in err and "fetch-depth: 0" in err
    assert run("HEAD", "-w", str(shallow))[0] == 0  # what history there is still works


def test_hostile_text_in_a_changed_title_cannot_ping_or_inject_in_the_comment(repo: Path) -> None:
    edit(
        repo / "specs/features/FEAT-1.yaml",
        "title: Timeline view",
        'title: "@octocat see #1 <img src=x onerror=alert(1)> <!-- specgen-diff -->"',
    )
    commit_all(repo, "Hostile title")

    code, out, _ = run("main", "pr", "-w", str(repo), "--format", "markdown")

    assert code == 0
    assert out.count("<!-- specgen-diff -->") == 1 and out.startswith("<!-- specgen-diff -->")
    assert "@octocat" not in out and "<img" not in out and "#1 " not in out


def test_a_link_base_that_is_no_web_address_is_a_usage_error(repo: Path) -> None:
    code, _, err = run("main", "pr", "-w", str(repo), "--format", "markdown", "--link-base", "javascript:alert(1)")
    assert code == 2 and "http(s) URL" in err


def test_the_markdown_links_each_spec_at_head_when_given_a_link_base(repo: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "horizon: now", "horizon: next")
    commit_all(repo, "Later")
    base = "https://github.com/acme/plan/blob/abc123/"

    code, out, _ = run("main", "pr", "-w", str(repo), "--format", "markdown", "--link-base", base)

    assert code == 0 and f"]({base}specs/features/FEAT-1.yaml)" in out


def test_the_report_can_be_written_to_a_file(repo: Path, tmp_path: Path) -> None:
    edit(repo / "specs/features/FEAT-1.yaml", "horizon: now", "horizon: next")
    commit_all(repo, "Later")
    out = tmp_path / "diff.json"

    code, printed, _ = run("main", "pr", "-w", str(repo), "--format", "json", "-o", str(out))

    assert (code, printed) == (0, "")
    assert [c["kind"] for c in json.loads(out.read_text(encoding="utf-8"))["changes"]] == ["horizon"]


def _small_feature(n: int, title: str, status: str, statement: str) -> str:
    return (
        f"id: FEAT-{n}\ntitle: {title}\nstatus: {status}\nowner: STK-1\nproblem: Problem {n}.\n"
        f"requirements:\n  - id: R1\n    statement: {statement}\n    priority: should\n"
    )


def test_the_comment_for_a_diff_touching_1000_features_stays_under_github_s_limit(repo: Path) -> None:
    """Every section still shows, cut to fit, when a pull request touches a thousand features."""
    features = repo / "specs/features"
    for n in range(3, 1003):
        (features / f"FEAT-{n}.yaml").write_text(_small_feature(n, f"Item {n}", "idea", "Do it."), encoding="utf-8")
    git(repo, "checkout", "-q", "main")
    commit_all(repo, "A thousand ideas")
    git(repo, "checkout", "-q", "-B", "pr")
    for n in range(3, 1003):
        text = _small_feature(n, f"Item {n} @team", "discovery", f"Do it well, #{n}.")
        (features / f"FEAT-{n}.yaml").write_text(text, encoding="utf-8")
    commit_all(repo, "Rethink them all")

    code, out, _ = run("main", "pr", "-w", str(repo), "--format", "markdown")

    assert code == 0
    assert len(out) < 60_000
    assert "<summary>Features (3,000)</summary>" in out  # a title, a status and a statement each
    assert "more changes in this section" in out
    assert "@team" not in out


def test_any_spec_made_external_is_an_alert_not_only_a_feature(repo: Path) -> None:
    (repo / "specs/releases/REL-1.yaml").write_text(
        (repo / "specs/releases/REL-1.yaml").read_text(encoding="utf-8") + "visibility: external\n", encoding="utf-8"
    )
    commit_all(repo, "Announce 1.0")

    (change,) = diff(repo, "main", "pr").flagged(MADE_EXTERNAL)

    assert (change.subject, change.kind, change.before, change.after) == ("REL-1", "visibility", "internal", "external")
    assert change.summary == "release made external: customers and the public pages will see it"


def test_a_requirement_approved_and_a_test_now_failing_are_reported(repo: Path) -> None:
    feature = repo / "specs/features/FEAT-1.yaml"
    edit(feature, "priority: must\n", "priority: must\n    status: approved\n")
    edit(feature, "last_result: {status: passed, date: 2026-11-20}", "last_result: {status: failed, date: 2026-11-21}")
    commit_all(repo, "Approve R1; TC-1 fails")

    changes = {c.kind: c for c in diff(repo, "main", "pr").changes if c.section is Section.FEATURES}

    assert changes["requirement_status"].summary == "requirement R1 draft → approved"
    assert changes["test_result"].summary == "test case TC-1 last result passed → failed"
    assert changes["test_result"].importance == 2


def test_links_reach_a_workspace_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    """Paths stay as check shows them (relative to the workspace); links put the workspace's folder in front."""
    root = tmp_path / "mono"
    shutil.copytree(FIXTURES / "valid" / "basic", root / "product")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Start")
    git(root, "checkout", "-q", "-b", "pr")
    edit(root / "product/specs/features/FEAT-1.yaml", "horizon: now", "horizon: next")
    commit_all(root, "Later")
    base = "https://github.com/acme/mono/blob/abc123/"

    code, out, _ = run("main", "pr", "-w", str(root / "product"), "--format", "markdown", "--link-base", base)
    data = json.loads(run("main", "pr", "-w", str(root / "product"), "--format", "json")[1])

    assert code == 0 and f"]({base}product/specs/features/FEAT-1.yaml)" in out
    assert data["folder"] == "product" and data["changes"][0]["path"] == "specs/features/FEAT-1.yaml"


def test_a_long_repetitive_rewording_is_shown_whole_not_matched_for_hours() -> None:
    from specgen.diff.words import word_diff

    before, after = "a " * 40_000, "a b " * 20_000
    assert word_diff(before, after) == (("-", before.strip()), ("+", after.strip()))
    assert word_diff("the cat sat", "the dog sat") == (("=", "the"), ("-", "cat"), ("+", "dog"), ("=", "sat"))


def test_a_copy_under_another_name_cannot_hide_a_real_change(repo: Path) -> None:
    """A decoy copy of FEAT-2 sorts after it or before it: the file named FEAT-2 is compared either way."""
    for decoy in ("FEAT-2z.yaml", "FEAT-0.yaml"):
        git(repo, "checkout", "-q", "-B", "pr", "main")
        features = repo / "specs/features"
        shutil.copy(features / "FEAT-2.yaml", features / decoy)
        edit(features / "FEAT-2.yaml", "visibility: internal", "visibility: external")
        commit_all(repo, f"Decoy {decoy}")

        result = diff(repo, "main", "pr")

        assert {c.subject for c in result.flagged(MADE_EXTERNAL)} == {"FEAT-2"}, decoy
        (duplicate,) = [c for c in result.changes if c.kind == "duplicate_id"]
        assert duplicate.path == "specs/features/FEAT-2.yaml" and f"specs/features/{decoy}" in duplicate.summary


def test_a_finding_keeps_its_identity_when_an_item_is_inserted_before_it(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    edit(repo / "specs/features/FEAT-1.yaml", "personas: [PER-1]", "personas: [PER-9]")  # an unknown persona
    commit_all(repo, "A broken reference on main")
    git(repo, "checkout", "-q", "-B", "pr")
    edit(repo / "specs/features/FEAT-1.yaml", "personas: [PER-9]", "personas: [PER-1, PER-9]")
    commit_all(repo, "Insert a good one before it")

    result = diff(repo, "main", "pr")

    assert not result.section(Section.FINDINGS)
    code, _, _ = run("main", "pr", "-w", str(repo), "--fail-on", "error")
    assert code == 0


def test_a_second_finding_like_one_already_there_is_new(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    edit(repo / "specs/features/FEAT-1.yaml", "personas: [PER-1]", "personas: [PER-9]")
    commit_all(repo, "One broken reference")
    git(repo, "checkout", "-q", "-B", "pr")
    edit(repo / "specs/features/FEAT-1.yaml", "personas: [PER-9]", "personas: [PER-9, PER-9]")
    commit_all(repo, "The same mistake twice")

    found = [(c.kind, c.details["code"]) for c in diff(repo, "main", "pr").section(Section.FINDINGS)]

    assert ("introduced", "SG303") in found  # a second 'PER-9' names no known persona (and SG206: listed twice)


def test_a_file_name_that_is_not_utf8_is_a_finding_not_a_crash(repo: Path) -> None:
    name = os.fsdecode(b"FEAT-\xff.yaml")
    (repo / "specs/features" / name).write_text("id: FEAT-3\n", encoding="utf-8")
    commit_all(repo, "A name git keeps as bytes")

    code, _out, err = run("main", "pr", "-w", str(repo), "--format", "markdown", "-o", str(repo.parent / "c.md"))
    checked = CliRunner().invoke(main, ["check", "-w", str(repo)])

    assert (code, err) == (0, "")
    assert "specs/features/FEAT-&#92;xff.yaml" in (repo.parent / "c.md").read_text(encoding="utf-8")  # a backslash
    assert checked.exit_code == 1 and "error[SG104]: the file's name is not valid UTF-8" in checked.stdout


def test_a_specs_folder_that_is_a_link_in_a_revision_is_refused_as_a_link(repo: Path) -> None:
    git(repo, "mv", "specs", "real")
    (repo / "specs").symlink_to("real")
    commit_all(repo, "Link the specs")

    (refused,) = [c for c in diff(repo, "main", "pr").section(Section.FINDINGS) if c.details["code"] == "SG110"]

    assert refused.path == "specs" and "link or a submodule" in refused.summary


def test_a_broken_specgen_yaml_stops_the_diff_with_its_findings(repo: Path) -> None:
    (repo / "specgen.yaml").write_text("specs: /etc\n", encoding="utf-8")

    code, out, err = run("main", "-w", str(repo))

    assert (code, out) == (2, "") and "specgen.yaml" in err and "SG403" in err


def test_a_clone_without_the_branch_is_told_to_use_origin(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "pr", str(repo), str(clone))
    assert "main" not in git(clone, "branch")  # only origin/main, as actions/checkout leaves a clone

    code, _, err = run("main", "-w", str(clone))

    assert code == 2 and "use origin/main" in err
