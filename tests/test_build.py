"""Building the site with the real MkDocs: content, atomicity, template overrides."""

from __future__ import annotations

import hashlib
import html
import json
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.cli import main
from specgen.site import build

from .conftest import REPO
from .test_schema import edit


def html_text(page: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its content."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own example site, built once with the real MkDocs."""
    site = tmp_path_factory.mktemp("example") / "site"
    result = build(REPO, site_dir=site, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    return site


def test_build_site_end_to_end(example_site: Path) -> None:
    home = (example_site / "index.html").read_text()
    assert "<title>specgen" in home
    for page in ("roadmap", "backlog", "features", "test-cases", "briefs", "briefs/exec", "briefs/customer"):
        assert (example_site / page / "index.html").is_file(), page
    feature = (example_site / "features/FEAT-1/index.html").read_text()
    assert "<h1" in feature and "FEAT-1: Spec validation with located diagnostics" in feature
    assert (example_site / "search/search_index.json").is_file()


def test_example_site_content(example_site: Path) -> None:
    from specgen import check

    ws = check(REPO).workspace
    assert ws is not None
    first = next(iter(ws.features.values()))
    feature_html = (example_site / f"features/{first.id}/index.html").read_text()
    assert first.title.replace("'", "&#39;") in feature_html or first.title in feature_html
    exec_brief = (example_site / "briefs/exec/index.html").read_text()
    assert 'id="key-results"' in exec_brief and 'id="top-risks"' in exec_brief
    some_case = next(iter(ws.test_cases))
    tests_page = (example_site / "test-cases/index.html").read_text()
    assert some_case in tests_page
    assert "Traceability matrix" in tests_page


def test_search_index_covers_feature_pages(example_site: Path) -> None:
    index = json.loads((example_site / "search/search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "features/FEAT-1/" in locations
    # Pages that gather what feature pages hold stay out, so a query is answered once.
    assert not locations & {"briefs/exec/", "test-cases/", "backlog/", "roadmap/", "features/"}


def test_failed_build_keeps_previous_site(basic: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--workspace", str(basic)])
    assert first.exit_code == 0, first.output
    before = snapshot(basic / "site")
    assert "index.html" in before

    # 1. A spec error stops the build before anything is written.
    feature = basic / "specs/features/FEAT-1.yaml"
    good = feature.read_text()
    feature.write_text(good.replace("status: planned", "status: plannd"))
    failed = runner.invoke(main, ["build", "--workspace", str(basic)])
    assert failed.exit_code == 1
    assert "error[SG204]" in failed.output and "previous site was left as it was" in failed.output
    assert snapshot(basic / "site") == before

    # 2. A broken workspace template: the same.
    feature.write_text(good)
    (basic / "templates").mkdir()
    (basic / "templates/roadmap.md.j2").write_text("{% for x in %}\n")
    failed = runner.invoke(main, ["build", "--workspace", str(basic)])
    assert failed.exit_code == 1
    assert "templates/roadmap.md.j2:1:1: error[SG401]" in failed.output
    assert snapshot(basic / "site") == before

    # 3. MkDocs itself fails (an unknown theme, in a mkdocs.yml that MkDocs reads because it is trusted).
    shutil.rmtree(basic / "templates")
    (basic / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: no-such-theme\n")
    failed = runner.invoke(main, ["build", "--trust-mkdocs-config", "--workspace", str(basic)])
    assert failed.exit_code == 1
    assert "error[SG402]" in failed.output
    assert snapshot(basic / "site") == before

    # 4. The same mkdocs.yml, untrusted: refused before MkDocs runs.
    failed = runner.invoke(main, ["build", "--workspace", str(basic)])
    assert failed.exit_code == 1
    assert "mkdocs.yml:3:9: error[SG403]: theme 'no-such-theme' is not allowed" in failed.output
    assert snapshot(basic / "site") == before
    assert not any(p.name.startswith(".specgen-build-") for p in basic.iterdir())


def test_without_mkdocs_config_the_build_uses_specgens_default(basic: Path) -> None:
    # Issue 9: no mkdocs.yml is no error; the site is named after the product (tests/test_site_defaults.py).
    (basic / "mkdocs.yml").unlink()
    result = CliRunner().invoke(main, ["build", "--workspace", str(basic)])
    assert result.exit_code == 0, result.output
    assert "SG403" not in result.output
    html = (basic / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>Acme Planner</title>" in html
    assert not (basic / "mkdocs.yml").exists(), "the default is not written into the workspace"


def test_template_override_by_file_name(basic: Path) -> None:
    (basic / "templates").mkdir()
    (basic / "templates/home.md.j2").write_text(
        "# Welcome to {{ product.name }}\n\nOverridden home with {{ ws.features | length }} features.\n"
    )
    result = build(basic)
    assert result.success, [str(d) for d in result.diagnostics]
    home = (basic / "site/index.html").read_text()
    assert "Overridden home with 2 features." in home
    # Pages without an override still come from the packaged templates.
    assert "Traceability matrix" in (basic / "site/test-cases/index.html").read_text()


def test_builds_are_reproducible(basic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(basic, site_dir=first).success
    assert build(basic, site_dir=second).success
    one, two = snapshot(first), snapshot(second)
    # Only the compressed sitemap carries the build time (in its gzip header) ...
    assert {k for k in one if one[k] != two.get(k)} <= {"sitemap.xml.gz"}
    assert one.keys() == two.keys()

    # ... and SOURCE_DATE_EPOCH pins that too: every byte is the same.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    third, fourth = tmp_path / "three", tmp_path / "four"
    assert build(basic, site_dir=third).success
    assert build(basic, site_dir=fourth).success
    assert snapshot(third) == snapshot(fourth)


def test_hostile_text_survives_the_real_build(basic: Path) -> None:
    title = "</title><script>alert(1)</script> a | b"
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", f"title: '{title}'")
    result = build(basic, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    for page in ("features/FEAT-1", "features", "backlog", "briefs/customer", "roadmap"):
        html = (basic / "site" / page / "index.html").read_text()
        assert "<script>alert" not in html, page
        assert title in html_text(html), page
    # The theme's <title> gets look-alike brackets: nothing can close the element early.
    head = (basic / "site/features/FEAT-1/index.html").read_text()
    assert "<title>FEAT-1: \uff1c/title\uff1e\uff1cscript\uff1ealert(1)" in head


@pytest.mark.parametrize(
    ("site_dir", "what"),
    [
        ("specs", "the specs folder"),
        (".", "the workspace"),
        ("..", "the workspace"),
        ("templates/site", "inside the templates folder"),
    ],
)
def test_site_dir_never_replaces_workspace_parts(basic: Path, site_dir: str, what: str) -> None:
    (basic / "templates").mkdir()
    before = snapshot(basic)
    result = CliRunner().invoke(main, ["build", "--workspace", str(basic), "--site-dir", str(basic / site_dir)])
    assert result.exit_code == 1
    assert "error[SG403]" in result.output and what in result.output
    assert snapshot(basic) == before


def test_site_dir_that_is_a_file_is_a_usage_error(basic: Path) -> None:
    before = snapshot(basic)
    result = CliRunner().invoke(main, ["build", "--workspace", str(basic), "--site-dir", str(basic / "mkdocs.yml")])
    assert result.exit_code == 2
    assert snapshot(basic) == before


def test_site_dir_that_specgen_did_not_build_is_left_alone(basic: Path, tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    result = CliRunner().invoke(main, ["build", "--workspace", str(basic), "--site-dir", str(other)])
    assert result.exit_code == 1
    assert "did not build" in result.output
    assert sorted(p.name for p in other.iterdir()) == ["holiday.jpg"]

    # A folder specgen built is replaced on the next build.
    ours = tmp_path / "ours"
    assert build(basic, site_dir=ours).success
    assert (ours / ".specgen-site").is_file()
    assert build(basic, site_dir=ours).success


def test_config_paths_stay_inside_the_workspace(basic: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    (basic / "specgen.yaml").write_text(f"strict: true\nsite: {victim}\n")
    result = CliRunner().invoke(main, ["build", "--workspace", str(basic)])
    assert result.exit_code == 1
    assert f"specgen.yaml:2:7: error[SG403]: site: '{victim}' is outside the workspace" in result.output
    assert (victim / "keep.txt").read_text() == "keep"


def test_mkdocs_strict_setting_is_honoured(basic: Path) -> None:
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text() + "strict: true\nnav:\n  - Home: index.md\n  - Gone: missing.md\n")
    result = build(basic)
    assert not result.success
    assert any(d.code == "SG402" and "missing.md" in d.message for d in result.diagnostics)
    assert not (basic / "site").exists()


def test_non_ascii_titles_build_cleanly(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Timeline 🚀 ünïcode")
    assert build(basic, strict=True).success
    page = (basic / "site/features/FEAT-1/index.html").read_text()
    assert "<title>FEAT-1: Timeline 🚀 ünïcode - Basic</title>" in page
    assert "title:" not in html_text(page.split("<article", 1)[1])


def test_disk_full_during_build_keeps_previous_site(basic: Path) -> None:
    """A real write failure: the build runs with a file-size limit (RLIMIT_FSIZE)."""
    assert build(basic).success
    before = snapshot(basic / "site")
    edit(basic / "specs/features/FEAT-1.yaml", "title: Timeline view", "title: Timeline view, revised")

    def small_files_only() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = subprocess.run(
        [sys.executable, "-m", "specgen", "build", "--workspace", str(basic)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=small_files_only,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "error[SG402]" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert snapshot(basic / "site") == before
    assert not any(p.name.startswith(".specgen-build-") for p in basic.iterdir())


def test_pages_stay_whole_for_the_workspace_own_plugins(basic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # specgen lets MkDocs drop each page's text once written, but only when no
    # plugin of the workspace's could want it later, like this hook does.
    monkeypatch.setenv("SPECGEN_TRUST_MKDOCS_CONFIG", "1")  # hooks run only in a trusted mkdocs.yml
    (basic / "hooks.py").write_text(
        "from pathlib import Path\n"
        "pages = []\n"
        "def on_post_page(output, page, config):\n"
        "    pages.append(page)\n"
        "    return output\n"
        "def on_post_build(config):\n"
        "    whole = sum(p.content is not None and p.markdown is not None for p in pages)\n"
        "    Path(config.site_dir, 'whole.txt').write_text(f'{whole} of {len(pages)}')\n",
        encoding="utf-8",
    )
    config = basic / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    result = build(basic)
    assert result.success, [str(d) for d in result.diagnostics]
    assert (basic / "site/whole.txt").read_text(encoding="utf-8") == f"{result.pages} of {result.pages}"


def test_a_build_result_keeps_the_model_and_findings_but_not_the_parsed_files(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "objectives: [OBJ-1]", "objectives: []")  # a warning (SG309)
    result = build(basic)
    assert result.success
    assert [d.code for d in result.diagnostics] == ["SG309"]
    assert result.check.workspace is not None and "FEAT-1" in result.check.workspace.features
    assert result.check.documents == []
