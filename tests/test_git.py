"""The git layer of ``specgen diff`` against real repositories made with the ``git`` command.

Every repository is made in the test with the machine's git configuration shut out (``GIT_CONFIG_GLOBAL``,
``GIT_CONFIG_NOSYSTEM``) and fixed dates, so what git answers depends on the test alone.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from specgen.diff.git import Commit, FileChange, FileVersion, GitError, ObjectInfo, Repository, TreeEntry
from tests.gitrepo import git_calls

DAY = "2026-11-20T14:03:00Z"
ODD_NAMES = ["with space.yaml", 'quote".yaml', "new\nline.yaml", "ünïcode.yaml", "-dash.yaml", "tab\tback\\slash"]


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # A folder of the test is never taken for part of a repository above it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def git(repo: Path, *args: str, date: str = DAY) -> str:
    env = os.environ | {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return proc.stdout.strip()


def commit(repo: Path, message: str, date: str = DAY, *, add: bool = True) -> str:
    if add:
        git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def new_repo(folder: Path, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    if files:
        write(folder, files)
        commit(folder, "first")
    return folder


def merge(repo: Path, branch: str, date: str) -> str:
    ident = ("-c", "user.name=t", "-c", "user.email=t@e")
    git(repo, *ident, "merge", "-q", "--no-ff", branch, "-m", f"Merge {branch}", date=date)
    return git(repo, "rev-parse", "HEAD")


def refusal(call: Callable[[], object]) -> GitError:
    """The error ``call`` raises, whose message must be one line."""
    with pytest.raises(GitError) as caught:
        call()
    assert "\n" not in str(caught.value)
    return caught.value


def test_tree_lists_nested_files_links_and_submodules_without_following(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"specs/product.yaml": "name: P\n", "specs/features/a/FEAT-1.yaml": "id: x\n"})
    (repo / "specs/link.yaml").symlink_to("../outside.yaml")
    write(repo, {"outside.yaml": "secret\n", "specsx/other.yaml": "no\n"})
    (repo / "specs/run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (repo / "specs/run.sh").chmod(0o755)
    gitlink = git(repo, "rev-parse", "HEAD")
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{gitlink},specs/sub")
    head = commit(repo, "second", add=False)

    entries = {e.path: e for e in Repository.at(repo / "specs").tree(head, "specs")}

    assert sorted(entries) == [
        "specs/features/a/FEAT-1.yaml",
        "specs/link.yaml",
        "specs/product.yaml",
        "specs/run.sh",
        "specs/sub",
    ]
    product = entries["specs/product.yaml"]
    assert product == TreeEntry("specs/product.yaml", "100644", git(repo, "rev-parse", "HEAD:specs/product.yaml"), 8)
    assert not product.is_link and not product.is_submodule
    assert entries["specs/run.sh"].mode == "100755"
    link, sub = entries["specs/link.yaml"], entries["specs/sub"]
    assert (link.mode, link.is_link, link.size) == ("120000", True, None)
    assert (sub.mode, sub.oid, sub.is_submodule, sub.size) == ("160000", gitlink, True, None)


def test_tree_prefix_is_a_literal_folder(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"specs/a.yaml": "a\n", "specs[1]/b.yaml": "b\n", "sub/specs/c.yaml": "c\n"})
    (repo / "linked").symlink_to("specs")
    repository = Repository.at(repo)
    head = commit(repo, "a folder that is a link")

    assert [e.path for e in repository.tree(head, "spec*")] == repository.worktree("spec*") == []
    assert repository.log("spec*", 5) == []
    assert repository.worktree("specs[1]") == ["specs[1]/b.yaml"]
    assert [e.path for e in repository.tree(head, "specs[1]")] == ["specs[1]/b.yaml"]
    assert [e.path for e in repository.tree(head, "sub/specs/")] == ["sub/specs/c.yaml"]
    assert len(repository.tree(head, "")) == len(repository.tree(head, ".")) == 4
    [link] = repository.tree(head, "linked")
    assert (link.path, link.is_link) == ("linked", True)


def test_a_sha256_repository(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main", "--object-format=sha256")
    write(repo, {"specs/a.yaml": "a\n"})
    repository = Repository.at(repo)
    [entry] = repository.tree(commit(repo, "first"), "specs")

    assert len(entry.oid) == 64
    assert repository.blobs([entry.oid]) == {entry.oid: b"a\n"}


def test_odd_file_names_come_back_exactly(tmp_path: Path) -> None:
    # A name that starts like a header of the log's output sits at the root, where its path starts with it.
    repo = new_repo(tmp_path / "r", {f"specs/{name}": name for name in ODD_NAMES} | {"\x01h": "top\n"})
    repository = Repository.at(repo)
    expected = sorted(f"specs/{name}" for name in ODD_NAMES)

    entries = repository.tree(repository.resolve("main"), "specs")
    assert sorted(e.path for e in entries) == expected
    assert sorted(repository.worktree("specs")) == expected
    assert sorted(c.path for c in repository.log("specs", 1)[0].files) == expected
    assert sorted(c.path for c in repository.log("", 1)[0].files) == sorted(["\x01h", *expected])
    contents = repository.blobs(e.oid for e in entries)
    assert {e.path: contents[e.oid].decode() for e in entries} == {f"specs/{n}": n for n in ODD_NAMES}


def test_a_name_that_is_not_utf8_round_trips_to_the_file_system(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r")
    (repo / "specs").mkdir()
    (repo / os.fsdecode(b"specs/caf\xe9.yaml")).write_text("x\n", encoding="utf-8")
    commit(repo, "latin-1 name")
    repository = Repository.at(repo)

    [entry] = repository.tree(repository.resolve("HEAD"), "specs")
    assert os.fsencode(entry.path) == b"specs/caf\xe9.yaml"
    assert (repo / entry.path).read_text(encoding="utf-8") == "x\n"


def test_blobs_reads_thousands_in_one_git_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = new_repo(tmp_path / "r")
    texts = [f"id: FEAT-{i}\n".encode() for i in range(2000)]
    # fast-import writes all the blobs into one pack, much faster than 2,000 loose objects.
    stream = b"".join(b"blob\nmark :%d\ndata %d\n%s\n" % (i + 1, len(t), t) for i, t in enumerate(texts))
    marks = tmp_path / "marks"
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", f"--export-marks={marks}"], input=stream, check=True
    )
    by_mark = dict(line.split() for line in marks.read_text(encoding="ascii").splitlines())
    oids = [by_mark[f":{i + 1}"] for i in range(len(texts))]
    repository = Repository.at(repo)
    calls = git_calls(tmp_path, monkeypatch)

    contents = repository.blobs([*oids, *reversed(oids)])

    assert contents == dict(zip(oids, texts, strict=True))
    [call] = calls()
    assert "cat-file --batch" in call


def test_blobs_refuses_a_missing_object(tmp_path: Path) -> None:
    repository = Repository.at(new_repo(tmp_path / "r", {"a": "a\n"}))
    assert repository.blobs([]) == {}
    assert refusal(lambda: repository.blobs(["0" * 40])).kind == "failed"
    with pytest.raises(ValueError, match="not an object ID"):
        repository.blobs(["HEAD:a"])


def test_worktree_is_what_git_would_track_and_is_on_disk(tmp_path: Path) -> None:
    repo = new_repo(
        tmp_path / "r",
        {".gitignore": "*.bak\n", "specs/kept.yaml": "a\n", "specs/gone.yaml": "b\n", "other/x.yaml": "c\n"},
    )
    write(repo, {"specs/new/draft.yaml": "d\n", "specs/old.bak": "e\n", "specs/kept.yaml": "edited\n"})
    write(repo, {"specs/staged.yaml": "f\n"})
    git(repo, "add", "specs/staged.yaml")
    (repo / "specs/gone.yaml").unlink()
    new_repo(repo / "specs/vendored", {"inner.yaml": "g\n"})

    assert Repository.at(repo).worktree("specs") == [
        "specs/kept.yaml",
        "specs/new/draft.yaml",
        "specs/staged.yaml",
        "specs/vendored",
    ]


def test_log_follows_the_first_parent_and_detects_renames(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r")
    write(repo, {"specs/a.yaml": "id: A\nlong: text that stays the same\n", "specs/b.yaml": "b\n"})
    first = commit(repo, "Add specs", "2026-11-18T09:00:00Z")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, {"specs/f.yaml": "f\n"})
    side = commit(repo, "Side work", "2026-11-19T09:00:00Z")
    git(repo, "checkout", "-q", "main")
    git(repo, "mv", "specs/a.yaml", "specs/c.yaml")
    write(repo, {"specs/b.yaml": "b2\n"})
    moved = commit(repo, "Rename a\nacross two lines\n\nThe body.", "2026-11-20T01:30:00+02:00")
    merged = merge(repo, "feature", "2026-11-21T10:00:00Z")
    write(repo, {"README": "not a spec\n"})
    commit(repo, "Docs only", "2026-11-22T10:00:00Z")
    git(repo, "config", "log.showRoot", "false")  # the repository's own settings do not change what is read
    repository = Repository.at(repo)

    log = repository.log("specs", 10)

    assert [c.oid for c in log] == [merged, moved, first]
    assert side not in [c.oid for c in log]
    assert log[0].files == (FileChange("A", "specs/f.yaml"),)
    assert log[1] == Commit(
        oid=moved,
        short=git(repo, "rev-parse", "--short", moved),
        date="2026-11-19T23:30:00Z",
        day="2026-11-19",
        subject="Rename a across two lines",
        files=(FileChange("M", "specs/b.yaml"), FileChange("R", "specs/c.yaml", "specs/a.yaml")),
    )
    assert log[2].files == (FileChange("A", "specs/a.yaml"), FileChange("A", "specs/b.yaml"))
    assert [c.oid for c in repository.log("specs", 2, files=False)] == [merged, moved]
    assert all(c.files == () for c in repository.log("specs", 10, files=False))
    assert [c.subject for c in repository.log("", 1)] == ["Docs only"]


def test_log_names_the_object_before_and_after_each_change(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"specs/a.yaml": "id: A\nsame: words enough to match\n", "specs/b.yaml": "b\n"})
    write(repo, {"specs/gone.yaml": "g\n", "specs/turns.yaml": "t\n"})
    first = commit(repo, "more")
    git(repo, "mv", "specs/a.yaml", "specs/c.yaml")
    write(repo, {"specs/b.yaml": "b2\n", "specs/new.yaml": "n\n"})
    (repo / "specs/gone.yaml").unlink()
    (repo / "specs/turns.yaml").unlink()
    (repo / "specs/turns.yaml").symlink_to("b.yaml")
    second = commit(repo, "all kinds")
    repository = Repository.at(repo)

    [latest, _, _] = repository.log("specs", 3)

    def blob(revision: str, path: str) -> FileVersion:
        return FileVersion("100644", git(repo, "rev-parse", f"{revision}:{path}"))

    changes = {c.path: c for c in latest.files}
    assert (changes["specs/b.yaml"].before, changes["specs/b.yaml"].after) == (
        blob(first, "specs/b.yaml"),
        blob(second, "specs/b.yaml"),
    )
    renamed = changes["specs/c.yaml"]
    assert (renamed.status, renamed.old_path, renamed.before) == ("R", "specs/a.yaml", blob(first, "specs/a.yaml"))
    assert renamed.after == blob(second, "specs/c.yaml")
    assert (changes["specs/new.yaml"].before, changes["specs/new.yaml"].after) == (None, blob(second, "specs/new.yaml"))
    assert (changes["specs/gone.yaml"].before, changes["specs/gone.yaml"].after) == (
        blob(first, "specs/gone.yaml"),
        None,
    )
    turned = changes["specs/turns.yaml"]
    assert turned.status == "T" and turned.before is not None and turned.after is not None
    assert turned.before.is_file and (turned.after.mode, turned.after.is_file) == ("120000", False)
    assert latest.short == git(repo, "rev-parse", "--short", second)


def test_log_gives_whole_object_ids_in_a_sha256_repository(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main", "--object-format=sha256")
    write(repo, {"specs/a.yaml": "a\n"})
    head = commit(repo, "first")

    [only] = Repository.at(repo).log("specs", 1)

    [added] = only.files
    assert added.after == FileVersion("100644", git(repo, "rev-parse", "HEAD:specs/a.yaml"))
    assert len(head) == len(added.after.oid) == 64 and only.short == git(repo, "rev-parse", "--short", head)


def test_objects_says_what_each_name_names_without_reading_it(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"specs/a.yaml": "a\n", "specs/with space.yaml": "spaced\n"})
    head = git(repo, "rev-parse", "HEAD")
    blob = git(repo, "rev-parse", "HEAD:specs/a.yaml")
    repository = Repository.at(repo)

    found = repository.objects(
        [blob, "HEAD:specs/a.yaml", "HEAD:specs/with space.yaml", "HEAD:specs", f"{head}^:specs", "HEAD:nope",
         "HEAD:specs/a.yaml\nHEAD:specs", "HEAD", "", "0" * 40, blob]
    )  # fmt: skip

    assert found == {
        blob: ObjectInfo(blob, "blob", 2),
        "HEAD:specs/a.yaml": ObjectInfo(blob, "blob", 2),
        "HEAD:specs/with space.yaml": ObjectInfo(git(repo, "rev-parse", "HEAD:specs/with space.yaml"), "blob", 7),
        "HEAD:specs": ObjectInfo(
            git(repo, "rev-parse", "HEAD:specs"), "tree", int(git(repo, "cat-file", "-s", "HEAD:specs"))
        ),
        "HEAD": ObjectInfo(head, "commit", int(git(repo, "cat-file", "-s", "HEAD"))),
    }
    assert repository.objects([]) == {}


def test_last_commits_names_the_newest_change_of_each_path_at_head(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r")
    write(repo, {"specs/a.yaml": "id: A\nsame: words enough to match\n", "specs/b.yaml": "b\n", "specs/d.yaml": "d\n"})
    first = commit(repo, "Add", "2026-11-18T09:00:00Z")
    git(repo, "mv", "specs/a.yaml", "specs/c.yaml")
    (repo / "specs/d.yaml").unlink()
    renamed = commit(repo, "Rename a, drop d", "2026-11-19T09:00:00Z")
    write(repo, {"specs/d.yaml": "d again\n", "specs/e.yaml": "e\n"})
    readded = commit(repo, "Bring d back", "2026-11-20T09:00:00Z")
    write(repo, {"specs/e.yaml": "e2\n"})
    (repo / "specs/e.yaml").unlink()
    dropped = commit(repo, "Drop e", "2026-11-21T09:00:00Z")
    repository = Repository.at(repo)

    last = repository.last_commits("specs")

    assert {path: c.oid for path, c in last.items()} == {
        "specs/b.yaml": first,
        "specs/c.yaml": renamed,
        "specs/d.yaml": readded,
    }
    assert dropped != readded
    # Only the last two commits: b's change is older than the window.
    assert set(repository.last_commits("specs", limit=2)) == {"specs/d.yaml"}


def test_commit_before_a_day_is_strictly_before_midnight_utc_on_the_first_parent(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r")
    write(repo, {"a": "1\n"})
    early = commit(repo, "early", "2026-11-19T08:00:00Z")
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, {"b": "1\n"})
    commit(repo, "side, newer than early but not on main", "2026-11-19T23:59:59Z")
    git(repo, "checkout", "-q", "main")
    write(repo, {"a": "2\n"})
    commit(repo, "at midnight", "2026-11-20T00:00:00Z")
    merged = merge(repo, "side", "2026-11-21T01:00:00+02:00")  # 2026-11-20T23:00:00Z
    repository = Repository.at(repo)

    assert repository.commit_before(dt.date(2026, 11, 19)) is None
    assert repository.commit_before(dt.date(2026, 11, 20)) == early
    assert repository.commit_before(dt.date(2026, 11, 21)) == merged


def test_resolve_names_any_revision_and_refuses_unknown_ones(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"a": "1\n"})
    first = git(repo, "rev-parse", "HEAD")
    write(repo, {"a": "2\n"})
    second = commit(repo, "second")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "v1", first, "-m", "v1")
    git(repo, "update-ref", "refs/remotes/origin/main", first)
    repository = Repository.at(repo)

    assert repository.head() == second
    for name in ("main", "HEAD~1", "v1", "origin/main", first[:9]):
        assert repository.resolve(name) == (second if name == "main" else first)
    unknown = refusal(lambda: repository.resolve("nope"))
    assert (unknown.kind, str(unknown)) == (
        "bad_revision",
        f"unknown revision 'nope': no branch, tag or commit of {repo}",
    )
    assert refusal(lambda: repository.resolve("HEAD^{tree}")).kind == "bad_revision"
    assert refusal(lambda: repository.tree("nope", "specs")).kind == "bad_revision"
    for injected in ("--output=x", "-h", ""):
        assert refusal(lambda: repository.resolve(injected)).kind == "bad_revision"  # noqa: B023  (called at once)
        assert refusal(lambda: repository.merge_base(injected, "HEAD")).kind == "bad_revision"  # noqa: B023
    assert not (repo / "x").exists()


def test_merge_base_and_unrelated_histories(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"a": "1\n"})
    fork = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"a": "pr\n"})
    commit(repo, "pr")
    git(repo, "checkout", "-q", "main")
    write(repo, {"b": "main moved on\n"})
    commit(repo, "main")
    git(repo, "checkout", "-q", "--orphan", "lonely")
    commit(repo, "unrelated")
    repository = Repository.at(repo)

    assert repository.merge_base("main", "pr") == fork
    unrelated = refusal(lambda: repository.merge_base("main", "lonely"))
    assert (unrelated.kind, str(unrelated)) == (
        "no_merge_base",
        "'main' and 'lonely' have no common ancestor: their histories are unrelated",
    )
    assert refusal(lambda: repository.merge_base("main", "nope")).kind == "bad_revision"


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repository = Repository.at(new_repo(tmp_path / "r"))

    assert repository.head() is None
    error = refusal(lambda: repository.resolve("HEAD"))
    assert (error.kind, str(error)) == (
        "no_commits",
        f"the repository at {tmp_path / 'r'} has no commits yet; commit the specs first",
    )
    assert repository.log("specs", 20) == []
    assert repository.last_commits("specs") == {}
    assert repository.commit_before(dt.date(2026, 11, 20)) is None


def test_a_folder_outside_any_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    error = refusal(lambda: Repository.at(plain))
    assert (error.kind, str(error)) == (
        "not_a_repository",
        f"{plain} is not in a git repository; specgen diff compares git revisions",
    )
    assert refusal(lambda: Repository.at(tmp_path / "missing")).kind == "not_a_repository"
    repo = new_repo(tmp_path / "r")
    assert refusal(lambda: Repository.at(repo / ".git")).kind == "not_a_repository"
    assert Repository.at(repo).root == repo.resolve()


def test_a_hook_environment_does_not_redirect_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git hook runs with GIT_DIR and GIT_INDEX_FILE set for its own repository; a folder still names its own."""
    repo = new_repo(tmp_path / "r", {"specs/a.yaml": "a\n"})
    head = git(repo, "rev-parse", "HEAD")
    other = new_repo(tmp_path / "other", {"specs/b.yaml": "b\n"})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git/index"))
    repository = Repository.at(repo)

    assert (repository.root, repository.head()) == (repo.resolve(), head)
    assert [e.path for e in repository.tree(head, "specs")] == repository.worktree("specs") == ["specs/a.yaml"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_repository_owned_by_another_user(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "some repo", {"specs/a.yaml": "a\n"})
    subprocess.run(["chown", "-R", "12345:12345", str(repo)], check=True)

    error = refusal(lambda: Repository.at(repo / "specs"))

    assert (error.kind, str(error)) == (
        "dubious_ownership",
        f"git refuses to read {repo}: another user owns it (git's 'dubious ownership' check); if you trust it,"
        f" run: git config --global --add safe.directory '{repo}'",
    )


def test_without_git_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = new_repo(tmp_path / "r", {"a": "1\n"})
    repository = Repository.at(repo)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    assert refusal(lambda: Repository.at(repo)).kind == "no_git"
    assert refusal(lambda: repository.head()).kind == "no_git"


def test_a_shallow_clone_says_so_and_gives_what_history_it_has(tmp_path: Path) -> None:
    source = new_repo(tmp_path / "source", {"specs/a.yaml": "1\n"})
    git(source, "checkout", "-q", "-b", "pr")
    write(source, {"specs/a.yaml": "pr\n"})
    commit(source, "pr")
    git(source, "checkout", "-q", "main")
    write(source, {"specs/a.yaml": "2\n", "specs/b.yaml": "b\n"})
    tip = commit(source, "second")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{source}", str(clone)], check=True
    )
    shallow = Repository.at(clone)

    assert shallow.is_shallow() and not Repository.at(source).is_shallow()
    error = refusal(lambda: shallow.resolve("HEAD~1"))
    assert error.kind == "bad_revision"
    assert str(error).startswith("unknown revision 'HEAD~1': this clone is shallow")
    assert "git fetch --unshallow" in str(error) and "fetch-depth: 0" in str(error)
    no_base = refusal(lambda: shallow.merge_base("origin/pr", "HEAD"))
    assert no_base.kind == "no_merge_base" and "fetch-depth: 0" in str(no_base)
    [boundary] = shallow.log("specs", 20)
    assert (boundary.oid, boundary.boundary, boundary.files) == (tip, True, ())
    assert shallow.last_commits("specs") == {}
    assert not Repository.at(source).log("specs", 20)[-1].boundary


def test_each_blob_hands_over_one_at_a_time_and_stops_git_when_left(tmp_path: Path) -> None:
    """A reader that stops early leaves no git behind; one that goes on gets every blob, in order asked."""
    repo = new_repo(tmp_path / "r", {"a": "1\n", "b": "22\n", "c": "333\n"})
    repository = Repository.at(repo)
    oids = [git(repo, "rev-parse", f"HEAD:{name}") for name in "abc"]

    blobs = repository.each_blob(oids)
    assert next(blobs) == (oids[0], b"1\n")
    blobs.close()  # the generator's finally stops the cat-file process

    assert list(repository.each_blob(reversed(oids))) == [(oids[2], b"333\n"), (oids[1], b"22\n"), (oids[0], b"1\n")]


def test_a_revision_that_names_no_single_commit_or_a_day_before_1970(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"a": "a\n"})
    repository = Repository.at(repo)
    assert "no single commit" in str(refusal(lambda: repository.resolve("^main")))
    assert repository.commit_before(dt.date(1900, 1, 1)) is None
    assert repository.commit_before(dt.date(2100, 1, 1)) == git(repo, "rev-parse", "HEAD")


def test_commit_names_one_commit_s_day_and_subject(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r", {"a": "a\n"})
    oid = git(repo, "rev-parse", "HEAD")
    found = Repository.at(repo).commit(oid)
    assert (found.oid, found.day, found.subject, found.files) == (oid, DAY[:10], "first", ())
    assert oid.startswith(found.short)
    with pytest.raises(ValueError, match="not an object ID"):
        Repository.at(repo).commit("HEAD")
