"""What changed, on the site: ``build --since``, the Changes page and each feature's last change, on real repositories.

Site builds are slow, so one pull-request repository is built once (module
fixture) and read by several tests; the shallow clone and the plain copy
build once each. Everything else reads the history without building a site.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser

from specgen import check
from specgen.cli import main
from specgen.diff.git import Repository
from specgen.history import gather
from specgen.history.changes_page import change_log
from specgen.history.last_change import LastChange, last_changes
from specgen.limits import Limits
from specgen.model import Feature
from specgen.site import build
from tests.gitrepo import FIXTURES, commit_all, edit, git, git_calls, repository

# browser is test_browser's fixture, taken by name as a test argument.
from .test_browser import _serve, browser  # noqa: F401
from .test_layout import _wide_tables

TODAY = "2026-06-01"
SHIPPED_RELEASE = """\
id: REL-2
name: "0.9"
status: shipped
target_date: 2026-05-01
visibility: external
"""
HOSTILE_SUBJECT = "<script>alert(1)</script> Slip 1.0 | *a month* [late](javascript:alert(2)) @here"
INTERNAL_RISK = """\
risks:
  - description: Scores confuse the sales team
    likelihood: 2
    impact: 3
"""
PLANNED_RELEASE = SHIPPED_RELEASE.replace("status: shipped", "status: planned").replace("2026-05-01", "2027-05-01")
DAY = re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b")


def article(site: Path, page: str) -> str:
    """The page's own content, as HTML (the theme's navigation and scripts around it left out)."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    found = re.search(r"<article[^>]*>(.*?)</article>", text, re.DOTALL)
    assert found, page
    return found.group(1)


def words(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it: tags gone (cells and lines apart), entities read."""
    fragment = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", fragment)  # the theme's "¶"
    spaced = re.sub(r"<(?:/td|/th|br|/p|/li|/h[1-6])\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A PR branch that moves an external feature into a shipped release, slips 1.0 and edits an internal feature.

    Meanwhile ``main`` moved on (1.0's date confidence rose): the briefs compare with where the branch left it.
    Built once with ``--since main``; the repository and its site.
    """
    repo = repository(tmp_path_factory.mktemp("pr") / "repo")
    (repo / "specs/releases/REL-2.yaml").write_text(SHIPPED_RELEASE, encoding="utf-8")
    commit_all(repo, "Add the shipped release", date="2026-11-10T12:00:00Z")
    git(repo, "checkout", "-q", "-b", "pr")
    feature = repo / "specs/features/FEAT-1.yaml"
    edit(feature, "release: REL-1", "release: REL-2")
    edit(feature, "status: planned", "status: beta")
    edit(feature, "statement: Show features on a time axis by release.", "statement: Show features on a time axis.")
    edit(feature, "summary: See the quarter at a glance.\n", "summary: See the quarter at a glance.\n"
         "release_note: The timeline is in beta for every team.\n")  # fmt: skip
    internal = repo / "specs/features/FEAT-2.yaml"
    edit(internal, "status: idea", "status: discovery")
    internal.write_text(internal.read_text(encoding="utf-8") + INTERNAL_RISK, encoding="utf-8")
    commit_all(repo, "Ship the timeline early", date="2026-11-20T12:00:00Z")
    edit(repo / "specs/releases/REL-1.yaml", "target_date: 2027-01-15", "target_date: 2027-02-15")
    commit_all(repo, HOSTILE_SUBJECT, date="2026-11-21T12:00:00Z")
    git(repo, "checkout", "-q", "main")
    edit(repo / "specs/releases/REL-1.yaml", "date_confidence: medium", "date_confidence: high")
    commit_all(repo, "More confident about 1.0", date="2026-11-22T12:00:00Z")
    git(repo, "checkout", "-q", "pr")

    site = repo.parent / "site"
    args = ["build", "-w", str(repo), "--since", "main", "--today", TODAY, "--site-dir", str(site), "--strict"]
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    assert "SG409" not in outcome.output
    return repo, site


def test_the_executive_brief_shows_the_release_move_and_the_slip(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    brief = words(article(site, "briefs/exec"))
    since = brief.split("What changed since main", 1)[1].strip()
    assert since.startswith("Compared with commit ")
    assert "where this history left main" in since
    assert "moved from 1.0 (2027-01-15) to 0.9 (shipped), a release already shipped" in since
    assert "target date moved from 2027-01-15 to 2027-02-15: a slip of 4.4 weeks" in since
    assert "status idea → discovery" in since  # the internal feature's move: executives see it
    assert "date confidence" not in since  # main's own later change is not this branch's undoing


def test_the_engineering_brief_shows_the_test_case_to_review(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    brief = words(article(site, "briefs/engineering")).split("What changed since main", 1)[1]
    assert "Check: FEAT-1 Timeline view: TC-1 did not change, but the statement of FEAT-1.R1 changed" in brief
    assert "requirement R1 reworded" in brief
    assert "target date moved from 2027-01-15 to 2027-02-15: a slip of 4.4 weeks" in brief  # a milestone moved
    assert "status idea → discovery" not in brief  # a status move is no scope change


def test_the_customer_brief_shows_only_the_external_change_in_public_words(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    content = article(site, "briefs/customer")
    text = words(content)
    recent = text.split("Recent changes", 1)[1]
    assert "Timeline view: now in beta" in recent
    assert "Timeline view: now planned for 0.9" in recent
    for internal in ("FEAT-2", "Internal scoring dashboard", "discovery", "Scores confuse", "FEAT-", "REL-", "STK-"):
        assert internal not in content, internal
    assert not DAY.search(content), DAY.search(content)
    assert "main" not in recent and "commit" not in recent.lower()
    # The update written for customers lists no change: the page does not also claim that nothing changed.
    assert "Nothing reported since the last update" not in text


def test_the_support_brief_changed_behaviour_comes_from_the_diff(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    brief = words(article(site, "briefs/support"))
    changed = brief.split("Changed behaviour since main", 1)[1].split("Known limitations")[0]
    assert changed.strip() == "FEAT-1 Timeline view (Beta): The timeline is in beta for every team."
    assert "Timeline view: now in beta" in brief.split("What changed since main", 1)[1]
    assert "Internal scoring dashboard" not in brief.split("Release notes")[0]
    assert "Leads cannot see" not in brief  # FEAT-1's problem statement is no behaviour


def test_the_changes_page_lists_commits_with_hostile_subjects_escaped(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    content = article(site, "changes")
    assert "<script" not in content and 'href="javascript' not in content and "<em>" not in content
    rows = re.findall(r"<tr>(.*?)</tr>", content, re.DOTALL)[1:]
    assert [words(r).split(" ")[0] for r in rows] == ["2026-11-21", "2026-11-20", "2026-11-10", "2026-11-01"]
    assert words(rows[0]).endswith(f"{HOSTILE_SUBJECT} Changed: REL-1")
    assert words(rows[1]).endswith("Ship the timeline early Changed: FEAT-1, FEAT-2")
    assert words(rows[2]).endswith("Add the shipped release Added: REL-2")
    assert "More confident" not in content  # main's commit is not on this branch's history
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="changes/"' in nav


def test_a_feature_page_says_when_and_how_it_last_changed(pull_request: tuple[Path, Path]) -> None:
    _, site = pull_request
    page = words(article(site, "features/FEAT-1"))
    assert (
        "Last changed 2026-11-20: status planned → beta; moved from 1.0 (2027-01-15) to 0.9 (shipped), a release"
        " already shipped, while the feature is in beta; release note reworded; and 1 more. Commit "
    ) in page
    assert "Ship the timeline early" in page
    review = page.split("To review:", 1)[1].split("Last results")[0]
    assert "TC-1 did not change, but the statement of FEAT-1.R1 changed; its last result, passed" in review
    internal = words(article(site, "features/FEAT-2"))
    assert "Last changed 2026-11-20: status idea → discovery. Commit " in internal


def test_the_history_reads_on_a_390_px_phone(browser: Browser, pull_request: tuple[Path, Path]) -> None:  # noqa: F811
    _, site = pull_request
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        with contextmanager(_serve)(site) as url:
            for path in ("changes/", "briefs/exec/", "features/FEAT-1/"):
                phone.goto(url + path)
                phone.wait_for_load_state("load")
                assert _wide_tables(phone) == [], path
                assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
                assert phone.locator("article script, article a[href^='javascript']").count() == 0, path
    finally:
        context.close()


def test_a_shallow_clone_builds_with_one_warning_and_no_section(
    pull_request: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, _ = pull_request
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(clone))
    site = tmp_path / "site"
    result = build(clone, strict=True, since="main", site_dir=site, today=date.fromisoformat(TODAY))
    assert result.success, [str(d) for d in result.diagnostics]
    (warning,) = [d for d in result.diagnostics if d.code == "SG409"]
    assert warning.path == "specs" and "shallow" in warning.message and "fetch-depth: 0" in warning.message
    assert "What changed since" not in article(site, "briefs/exec")
    changes = words(article(site, "changes"))
    assert "This clone is shallow" in changes and "not known: this commit is the oldest in a shallow clone" in changes
    assert "Last changed" not in words(article(site, "features/FEAT-1"))

    today = date.fromisoformat(TODAY)
    gated = build(clone, strict=True, since="main", site_dir=site, today=today, fail_on=frozenset({"history"}))
    assert not gated.success and [d.code for d in gated.diagnostics] == ["SG409"]


def test_no_git_at_all_gives_one_warning_and_no_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # whatever holds the temporary folder
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES / "valid" / "basic", copy)
    (copy / "specgen.yaml").write_text("# the briefs say what changed\nsince: 2026-11-01\n", encoding="utf-8")
    result = build(copy, strict=True, site_dir=tmp_path / "site", today=date.fromisoformat(TODAY))
    assert result.success
    assert [str(d) for d in result.diagnostics] == [
        "specgen.yaml:2:8: warning[SG409]: since: 2026-11-01 needs the git history, but the workspace is not in a"
        ' git repository, so the briefs leave out "What changed" (build from a git clone; in GitHub Actions,'
        " actions/checkout with `fetch-depth: 0`)"
    ]
    assert not (tmp_path / "site/changes").exists()
    assert "What changed since" not in article(tmp_path / "site", "briefs/exec")


@pytest.fixture
def dated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """Commits on 2026-11-01 (the start), 2026-11-10 (FEAT-2's status) and 2026-11-20 (REL-1 slips); the 11-10 one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # TODAY
    repo = repository(tmp_path / "repo")
    edit(repo / "specs/features/FEAT-2.yaml", "status: idea", "status: discovery")
    middle = commit_all(repo, "FEAT-2 into discovery", date="2026-11-10T23:59:59Z")
    edit(repo / "specs/releases/REL-1.yaml", "target_date: 2027-01-15", "target_date: 2027-02-15")
    commit_all(repo, "Slip 1.0", date="2026-11-20T12:00:00Z")
    return repo, middle


def test_since_a_day_compares_with_the_last_commit_before_it(dated: tuple[Path, str]) -> None:
    repo, middle = dated
    (repo / "specgen.yaml").write_text("since: 2026-11-11\n", encoding="utf-8")
    result = check(repo)
    assert result.success and result.workspace is not None and result.settings.since == "2026-11-11"
    history, problems = gather(result.settings, result.workspace)
    assert problems == [] and history.since is not None
    assert (history.since.commit, history.since.day) == (middle, "2026-11-10")
    exec_brief = history.since.digest("exec")
    assert (exec_brief.given, exec_brief.short, exec_brief.merge_base) == ("2026-11-11", middle[:7], False)
    summaries = [e.summary for e in exec_brief.entries]
    assert any("a slip of 4.4 weeks" in s for s in summaries)
    assert not any("discovery" in s for s in summaries)  # committed before the day


@pytest.mark.parametrize(
    ("since", "message", "hint"),
    [
        ("2026-10-01", "since: no commit is older than 2026-10-01", "choose a later day"),
        ("v9.9", "since: unknown revision 'v9.9': no branch, tag or commit of", "name a branch, tag or commit"),
    ],
)
def test_history_that_is_not_there_is_one_warning(dated: tuple[Path, str], since: str, message: str, hint: str) -> None:
    repo, _ = dated
    result = check(repo)
    assert result.workspace is not None
    history, problems = gather(replace(result.settings, since=since), result.workspace, since_given=True)
    assert history.since is None and history.log is not None
    (problem,) = problems
    assert (problem.code, problem.path, problem.severity.value) == ("SG409", "specs", "warning")
    assert problem.message.startswith(message) and problem.message.endswith('so the briefs leave out "What changed"')
    assert problem.hint is not None and problem.hint.startswith(hint)


def test_without_since_there_is_history_but_no_section_and_no_warning(dated: tuple[Path, str]) -> None:
    repo, _ = dated
    result = check(repo)
    assert result.workspace is not None
    history, problems = gather(result.settings, result.workspace)
    assert history.since is None and problems == []
    assert [c.subject for c in history.log.commits] == ["Slip 1.0", "FEAT-2 into discovery", "Start the specs"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "since: '2026-02-30' is no day of the calendar"),
        ("12", "since: must be a revision or a day (text), not a number"),
        ("'-x'", "since: '-x' is no revision: a revision cannot start with '-'"),
        ("''", "since: must be a revision or a day (text), not blank text"),
    ],
)
def test_a_since_setting_that_names_nothing_is_a_located_error(basic: Path, value: str, message: str) -> None:
    (basic / "specgen.yaml").write_text(f"strict: true\nsince: {value}\n", encoding="utf-8")
    result = check(basic)
    (problem,) = result.diagnostics
    assert (problem.code, problem.path, problem.line, problem.column) == ("SG403", "specgen.yaml", 2, 8)
    assert problem.message == message and problem.hint is not None and "since: v0.1.0" in problem.hint


def test_a_bad_since_flag_is_a_usage_error(basic: Path) -> None:
    outcome = CliRunner().invoke(main, ["build", "-w", str(basic), "--since", "2026-13-01"])
    assert outcome.exit_code == 2
    assert "'2026-13-01' is no day of the calendar" in outcome.output and "Traceback" not in outcome.output


def test_the_changes_page_names_specs_added_removed_renamed_and_changed(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    specs = repo / "specs"
    git(repo, "mv", "specs/features/FEAT-2.yaml", "specs/features/FEAT-3.yaml")
    edit(specs / "features/FEAT-3.yaml", "id: FEAT-2", "id: FEAT-3")
    (specs / "decisions/DEC-1.yaml").unlink()
    (specs / "releases/REL-9.yaml").write_text(SHIPPED_RELEASE.replace("REL-2", "REL-9"), encoding="utf-8")
    edit(specs / "product.yaml", "name: Acme Planner", "name: Acme Plans")
    (specs / "features/notes.txt").write_text("not a spec\n", encoding="utf-8")
    commit_all(repo, "Reshuffle")
    (entry, start) = change_log(Repository.at(repo), "specs").commits
    assert (entry.subject, entry.day, entry.added, entry.removed) == ("Reshuffle", "2026-11-20", ("REL-9",), ("DEC-1",))
    assert (entry.renamed, entry.changed) == ((("FEAT-2", "FEAT-3"),), ("product",))
    assert start.subject == "Start the specs" and "FEAT-1" in start.added and not start.boundary


def test_a_version_that_does_not_load_says_when_not_how(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    path = repo / "specs/features/FEAT-2.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text("id: FEAT-2\ntitle: [unclosed\n", encoding="utf-8")
    commit_all(repo, "Break it", date="2026-11-10T12:00:00Z")
    path.write_text(good.replace("status: idea", "status: discovery"), encoding="utf-8")
    commit_all(repo, "Mend it", date="2026-11-12T12:00:00Z")
    result = check(repo)
    assert result.workspace is not None
    last = last_changes(Repository.at(repo), "specs", result.workspace.features, Limits())
    assert last["FEAT-2"] == LastChange("2026-11-12", last["FEAT-2"].short, "Mend it", created=False)


def _checked_features(repo: Path) -> Mapping[str, Feature]:
    result = check(repo)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    return result.workspace.features


def test_the_last_changes_cost_the_same_few_git_calls_however_long_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = repository(tmp_path / "repo")
    folder = repo / "specs/features"
    internal = (folder / "FEAT-2.yaml").read_text(encoding="utf-8")
    for n in range(3, 9):
        (folder / f"FEAT-{n}.yaml").write_text(internal.replace("FEAT-2", f"FEAT-{n}"), encoding="utf-8")
    (repo / "specs/releases/REL-2.yaml").write_text(PLANNED_RELEASE, encoding="utf-8")
    commit_all(repo, "More features", date="2026-11-02T09:00:00Z")
    for n in range(2, 9):
        edit(folder / f"FEAT-{n}.yaml", "status: idea", "status: discovery")
        commit_all(repo, f"FEAT-{n} into discovery", date=f"2026-11-{n + 2:02d}T09:00:00Z")
    edit(folder / "FEAT-1.yaml", "release: REL-1", "release: REL-2")
    commit_all(repo, "Ship the timeline early", date="2026-11-20T09:00:00Z")
    calls = git_calls(tmp_path, monkeypatch)

    def cost() -> list[str]:
        before = len(calls())
        last = last_changes(Repository.at(repo), "specs", _checked_features(repo), Limits())
        assert {fid: change.how for fid, change in last.items()} == {
            "FEAT-1": ("moved from 1.0 (2027-01-15) to 0.9 (2027-05-01)",),
            **{f"FEAT-{n}": ("status idea → discovery",) for n in range(2, 9)},
        }  # fmt: skip
        return calls()[before:]

    eight = cost()
    for n in range(2, 9):  # as many commits again, each a feature's edit
        edit(folder / f"FEAT-{n}.yaml", "status: discovery", "status: idea")
        commit_all(repo, f"FEAT-{n} back", date=f"2026-11-{n + 12:02d}T09:00:00Z")
        edit(folder / f"FEAT-{n}.yaml", "status: idea", "status: discovery")
        commit_all(repo, f"FEAT-{n} into discovery again", date=f"2026-11-{n + 12:02d}T10:00:00Z")
    assert len(cost()) == len(eight)
    # No tree listed for the features; the releases folder once, the same tree on both sides of the move.
    assert sum(" ls-tree " in call for call in eight) == 1
    assert sum(" cat-file --batch" in call and "--batch-check" not in call for call in eight) == 2


def test_a_feature_edited_since_its_last_commit_says_what_that_commit_changed(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    feature = repo / "specs/features/FEAT-2.yaml"
    edit(feature, "status: idea", "status: discovery")
    commit_all(repo, "Into discovery", date="2026-11-10T12:00:00Z")
    edit(feature, "title: Internal scoring dashboard", "title: Scoring dashboard")  # not committed

    last = last_changes(Repository.at(repo), "specs", _checked_features(repo), Limits())

    assert last["FEAT-2"] == LastChange("2026-11-10", last["FEAT-2"].short, "Into discovery", False, (
        "status idea → discovery",
    ))  # fmt: skip


@pytest.mark.parametrize("edited_since", [False, True], ids=["as committed", "edited since"])
def test_a_commit_that_only_modernizes_spellings_has_nothing_to_tell(tmp_path: Path, edited_since: bool) -> None:
    repo = repository(tmp_path / "repo")
    feature = repo / "specs/features/FEAT-2.yaml"
    edit(feature, "status: idea", "status: released")  # specgen 0.1's word for shipped
    commit_all(repo, "Shipped, in the old words", date="2026-11-10T12:00:00Z")
    edit(feature, "status: released", "status: shipped")
    commit_all(repo, "specgen migrate", date="2026-11-12T12:00:00Z")
    if edited_since:  # the working tree no longer holds the commit's version: both are read from git
        edit(feature, "title: Internal scoring dashboard", "title: Scoring dashboard")

    last = last_changes(Repository.at(repo), "specs", _checked_features(repo), Limits())

    assert last["FEAT-2"] == LastChange("2026-11-12", last["FEAT-2"].short, "specgen migrate", created=False)


def test_a_version_too_large_to_read_says_when_not_how(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    edit(repo / "specs/features/FEAT-1.yaml", "status: planned", "status: in_progress")
    edit(repo / "specs/features/FEAT-2.yaml", "status: idea", "status: discovery")
    commit_all(repo, "Both move", date="2026-11-10T12:00:00Z")
    features = _checked_features(repo)
    small = Limits(max_file_bytes=(repo / "specs/features/FEAT-2.yaml").stat().st_size)

    last = last_changes(Repository.at(repo), "specs", features, small)

    assert (last["FEAT-1"].how, last["FEAT-2"].how) == ((), ("status idea → discovery",))


def test_a_renamed_feature_says_from_what(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    git(repo, "mv", "specs/features/FEAT-2.yaml", "specs/features/FEAT-3.yaml")
    edit(repo / "specs/features/FEAT-3.yaml", "id: FEAT-2", "id: FEAT-3")
    commit_all(repo, "Renumber", date="2026-11-10T12:00:00Z")

    last = last_changes(Repository.at(repo), "specs", _checked_features(repo), Limits())

    assert last["FEAT-3"].how == ("renamed from FEAT-2",)


def test_a_release_that_was_a_link_is_not_read(tmp_path: Path) -> None:
    """A link's target is text git stores as a blob; written as a release, it still names no release."""
    repo = repository(tmp_path / "repo")
    release = repo / "specs/releases/REL-2.yaml"
    release.symlink_to("{id: REL-2, name: '0.9', status: shipped, target_date: 2026-05-01, visibility: external}")
    edit(repo / "specs/features/FEAT-1.yaml", "release: REL-1", "release: REL-2")
    commit_all(repo, "Move to a linked release", date="2026-11-10T12:00:00Z")
    release.unlink()
    release.write_text(PLANNED_RELEASE, encoding="utf-8")
    commit_all(repo, "A file at last", date="2026-11-12T12:00:00Z")

    last = last_changes(Repository.at(repo), "specs", _checked_features(repo), Limits())

    assert last["FEAT-1"].how == ("moved from 1.0 (2027-01-15) to REL-2",)
