"""Test results from CI: JUnit XML of six producers, read safely, matched to test cases, shown on the site."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen import check
from specgen.cli import main
from specgen.results import Index, read_results
from specgen.site import build

from .conftest import FIXTURE_TODAY, FIXTURES
from .test_build import html_text
from .test_schema import edit

RESULTS = FIXTURES / "results"
LIMIT = 50_000_000
DAY = datetime.date.fromisoformat(FIXTURE_TODAY)

TINY_SUITE = """
import pytest

def test_ok():
    pass

def test_bad():
    assert 1 == 2, "one is not two"

@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n):
    assert n != 2

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

class TestCart:
    def test_adds(self):
        pass
"""


def run_tiny_pytest(folder: Path) -> Path:
    """Run a tiny real test suite with pytest --junitxml and return the file it wrote."""
    (folder / "tests").mkdir(parents=True)
    (folder / "tests/test_shop.py").write_text(TINY_SUITE)
    report = folder / "junit.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "tests"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # test_bad and test_param[2] fail, on purpose
    return report


def index_of(*paths: Path) -> Index:
    imported = read_results([str(p) for p in paths], LIMIT)
    assert not imported.problems, [str(d) for d in imported.problems]
    return imported.index


def one(index: Index, ref: str) -> tuple[str, int, str | None]:
    """(status, how many results, message) of what ``ref`` names."""
    from specgen.results import combine

    found = index.lookup(ref)
    assert found, f"{ref} matched nothing"
    result = combine(found)
    return result.status, result.combined, result.message


# --- producers ---------------------------------------------------------------


def test_a_real_pytest_run(tmp_path: Path) -> None:
    index = index_of(run_tiny_pytest(tmp_path))
    assert one(index, "tests/test_shop.py::test_ok")[:2] == ("passed", 1)
    status, _, message = one(index, "tests/test_shop.py::test_bad")
    assert status == "failed" and message and "one is not two" in message
    # Parametrised cases combine into one, and any failure fails it; one can still be named.
    assert one(index, "tests/test_shop.py::test_param")[:2] == ("failed", 3)
    assert one(index, "tests/test_shop.py::test_param[1]")[:2] == ("passed", 1)
    assert one(index, "tests/test_shop.py::test_skipped") == ("skipped", 1, "not today")
    assert one(index, "tests/test_shop.py::TestCart::test_adds")[:2] == ("passed", 1)
    assert one(index, "tests/test_shop.py::TestCart")[:2] == ("passed", 1)  # a class: its tests
    assert one(index, "tests/test_shop.py")[:2] == ("failed", 7)  # a module: all of them
    assert index.lookup("tests/test_shop.py::test_gone") == []
    case = index.lookup("tests/test_shop.py::test_ok")[0]
    assert case.timestamp and case.timestamp.endswith("Z")  # pytest writes its offset: shown in UTC


def test_surefire() -> None:
    index = index_of(RESULTS / "surefire.xml")
    assert one(index, "com.acme.CartTest#addsItem")[:2] == ("passed", 1)
    assert one(index, "com.acme.CartTest.removesItem") == ("failed", 1, "expected: <0> but was: <1>")
    assert one(index, "com.acme.CartTest#checksOut") == ("error", 1, "Connection refused")
    assert one(index, "com.acme.CartTest#appliesCoupon") == ("skipped", 1, "coupons are off")
    assert one(index, "com.acme.CartTest#recalculates")[:2] == ("passed", 1)  # flaky: passed on a rerun
    assert one(index, "com.acme.CartTest")[:2] == ("error", 5)  # a class combines its cases; error beats failed
    # Surefire writes no timestamp: the file's time says when it ran.
    assert index.lookup("com.acme.CartTest#addsItem")[0].timestamp


def test_gradle() -> None:
    index = index_of(RESULTS / "gradle.xml")
    assert one(index, "com.acme.PriceTest#roundsHalfUp")[:2] == ("passed", 1)  # written roundsHalfUp()
    status, combined, message = one(index, "com.acme.PriceTest.addsTax")
    assert (status, combined) == ("failed", 2) and message and message.startswith("org.opentest4j")
    assert one(index, "com.acme.PriceTest#addsTax(String)[1]")[:2] == ("passed", 1)
    assert index.lookup("com.acme.PriceTest#roundsHalfUp")[0].timestamp == "2026-05-30T14:02:11"


def test_junit5_console_launcher() -> None:
    index = index_of(RESULTS / "junit5.xml")
    assert one(index, "com.acme.OrderTest#parsesOrder")[:2] == ("passed", 1)
    assert one(index, "com.acme.OrderTest$Validation#rejectsEmpty")[0] == "skipped"
    assert one(index, "com.acme.OrderTest.totals")[:2] == ("passed", 1)
    assert one(index, "com.acme.OrderTest")[:2] == ("passed", 2)


def test_jest_junit() -> None:
    index = index_of(RESULTS / "jest-junit.xml")
    status, _, message = one(index, "Cart totals the prices")
    assert status == "failed" and message and message.startswith("Error: expect(received).toBe(expected)")
    assert one(index, "src/cart.test.js::Cart adds an item")[:2] == ("passed", 1)
    assert one(index, "cart.test.js::Cart empties")[:2] == ("passed", 1)  # the end of the path will do
    assert index.lookup("Cart") == []


def test_go_junit_report() -> None:
    index = index_of(RESULTS / "go-junit-report.xml")
    assert one(index, "github.com/acme/shop/cart.TestAdd")[:2] == ("passed", 1)
    assert one(index, "github.com/acme/shop/cart::TestTotal")[:2] == ("failed", 1)  # the parent alone
    assert one(index, "github.com/acme/shop/cart.TestTotal/with_tax")[:2] == ("failed", 1)
    assert one(index, "github.com/acme/shop/cart.TestSlow")[0] == "skipped"
    assert index.lookup("github.com/acme/shop/cart.TestAdd")[0].timestamp == "2026-05-30T14:20:00Z"


def test_several_files_combine_and_nested_suites(tmp_path: Path) -> None:
    nested = tmp_path / "nested.xml"
    nested.write_text(
        '<testsuites><testsuite name="outer"><testsuite name="inner" timestamp="2026-05-01T00:00:00">'
        '<testcase classname="a.B" name="c" time="1.5"/></testsuite></testsuite></testsuites>'
    )
    again = tmp_path / "again.xml"
    again.write_text(
        '<testsuite><testcase classname="a.B" name="c" time="2"><error/></testcase><testcase/></testsuite>'
    )
    index = index_of(nested, again)
    (first,) = [c for c in index.lookup("a.B#c") if c.source.endswith("nested.xml")]
    assert (first.suite, first.timestamp) == ("inner", "2026-05-01T00:00:00")
    from specgen.results import combine

    result = combine(index.lookup("a.B#c"))
    assert (result.status, result.duration, result.combined) == ("error", 3.5, 2)
    assert result.source and result.source.endswith("again.xml")  # the file that decided it


# --- hostile and broken files -------------------------------------------------


def refused(tmp_path: Path, name: str, content: bytes | None = None) -> list[str]:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    imported = read_results([str(path)], LIMIT)
    assert not imported.cases
    return [str(d) for d in imported.problems]


def test_external_entity_is_refused(tmp_path: Path) -> None:
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<testsuite><testcase classname="a" name="&x;"/></testsuite>'
    )
    (problem,) = refused(tmp_path, "xxe.xml", xxe)
    assert ":2:1: error[SG410]: the file declares a DTD" in problem
    assert "root:" not in problem


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY l0 "lol">{entities}]><testsuite name="&l9;"/>'
    started = time.monotonic()
    (problem,) = refused(tmp_path, "bomb.xml", bomb.encode())
    assert "SG410" in problem and "DTD" in problem
    assert time.monotonic() - started < 2


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as f:
        f.write(b"<testsuite>")
        f.truncate(LIMIT + 1)  # 50 MB and a byte: never read, never parsed
    (problem,) = refused(tmp_path, "big.xml")
    assert "big.xml:0:0: error[SG410]: the file has 50,000,001 bytes; the limit for a results file is 50,000,000" in (
        problem
    )
    # The limit is the check's, and specgen.yaml may only lower it.
    small = read_results([str(RESULTS / "surefire.xml")], 100)
    assert "the limit for a results file is 100" in str(small.problems[0])


def test_specgen_yaml_cannot_raise_the_limit(basic: Path) -> None:
    (basic / "specgen.yaml").write_text("limits:\n  max_results_bytes: 60000000\n")
    result = check(basic, today=DAY)
    assert any("limits.max_results_bytes may only lower" in str(d) for d in result.errors)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello, world", ":1:1: error[SG410]: not well-formed XML: syntax error"),
        (b"", ":1:1: error[SG410]: not well-formed XML: no element found"),
        (
            b"<testsuite>\n  <testcase name='a'>\n</testsuite>",
            ":3:3: error[SG410]: not well-formed XML: mismatched tag",
        ),
        (b"<html><body/></html>", ":1:1: error[SG410]: the root element is <html>, not <testsuites> or <testsuite>"),
    ],
    ids=["not-xml", "empty", "broken", "not-junit"],
)
def test_broken_files_are_located(tmp_path: Path, content: bytes, expected: str) -> None:
    (problem,) = refused(tmp_path, "r.xml", content)
    assert expected in problem


def test_folders_links_and_empty_globs(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    assert "a folder, not a results file" in refused(tmp_path, "reports")[0]
    (tmp_path / "environ.xml").symlink_to("/proc/self/environ")
    assert "no place for test results" in refused(tmp_path, "environ.xml")[0]
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/config.xml").write_text("<testsuite/>")
    (tmp_path / "config.xml").symlink_to(tmp_path / ".git/config.xml")
    assert "never reads those" in refused(tmp_path, "config.xml")[0]
    (tmp_path / "loop.xml").symlink_to(tmp_path / "loop.xml")
    assert "cannot read the file" in refused(tmp_path, "loop.xml")[0]
    # A link to a results file is read; a pattern that matches nothing says so.
    (tmp_path / "good.xml").symlink_to(RESULTS / "gradle.xml")
    (tmp_path / "reports/loop").symlink_to(tmp_path)  # ** never follows a link to a folder
    imported = read_results([str(tmp_path / "*.xml"), str(tmp_path / "reports/**/*.xml")], LIMIT)
    assert len(imported.cases) == 3, imported.problems
    assert imported.problems[0].message == "the pattern matches no file"
    assert len(imported.problems) == 4  # environ, config, loop and the empty glob; the good file still counts


# --- applying them to a workspace ----------------------------------------------


def pytest_results(tmp_path: Path) -> Path:
    return run_tiny_pytest(tmp_path / "suite")


def with_tests(basic: Path, status: str = "beta") -> None:
    """FEAT-1 in ``status`` with test cases for the tiny suite: automated, parametrised, manual, unmatched."""
    feature = basic / "specs/features/FEAT-1.yaml"
    edit(feature, "status: planned", f"status: {status}\nrelease_note: Timelines.")
    edit(
        feature,
        "automation_ref: tests/test_timeline.py::test_release_rows",
        "automation_ref: tests/test_shop.py::test_ok",
    )
    extra = []
    for tid, title, ref in [
        ("TC-2", "Bad", "test_bad"),
        ("TC-3", "Param", "test_param"),
        ("TC-5", "Gone", "test_gone"),
    ]:
        extra.append(f"  - {{id: {tid}, title: {title}, verifies: [R1], automation: automated, ")
        extra.append(f"     automation_ref: 'tests/test_shop.py::{ref}'}}")
    extra.append("  - {id: TC-4, title: By hand, verifies: [R1], automation: manual, ")
    extra.append("     last_result: {status: passed, date: 2026-05-20}}")
    feature.write_text(feature.read_text() + "\n".join(extra) + "\n")


def test_results_go_on_the_test_cases(basic: Path, tmp_path: Path) -> None:
    with_tests(basic)
    result = check(basic, today=DAY, results=[str(pytest_results(tmp_path))])
    ws = result.workspace
    assert ws is not None, [str(d) for d in result.diagnostics]
    cases = ws.test_cases
    ok = cases["TC-1"].last_result
    assert ok and ok.status == "passed" and ok.imported and ok.source and ok.source.endswith("junit.xml")
    assert ok.duration is not None and ok.ran_at and ok.date == ok.ran_at[:10]
    assert cases["TC-3"].last_result and (cases["TC-3"].last_result.status, cases["TC-3"].last_result.combined) == (
        "failed",
        3,
    )
    manual = cases["TC-4"].last_result  # a manual test keeps what its spec says
    assert manual and (manual.status, manual.date, manual.imported) == ("passed", "2026-05-20", False)
    assert cases["TC-5"].last_result is None  # no result and none written: not run
    assert ws.imported and ws.imported.missing == (("TC-5", "tests/test_shop.py::test_gone"),)
    assert ws.imported.unmatched_count == 2  # test_skipped and TestCart::test_adds

    messages = [str(d) for d in result.diagnostics]
    feature = "specs/features/FEAT-1.yaml"
    assert any(
        m.startswith(f"{feature}:") and "SG412" in m and "'tests/test_shop.py::test_gone'" in m for m in messages
    )
    sg412 = next(d for d in result.diagnostics if d.code == "SG412")
    line = (basic / feature).read_text().splitlines()[sg412.line - 1]
    assert "test_gone" in line and line.index("automation_ref") < sg412.column  # at the ref itself
    failing = sorted(d.message for d in result.diagnostics if d.code == "SG413")
    assert [m.split(" in ")[0] for m in failing] == [
        "FEAT-1 is beta, but test case TC-2 failed",
        "FEAT-1 is beta, but test case TC-3 failed",
    ]
    (unmatched,) = [d for d in result.diagnostics if d.code == "SG411"]
    assert unmatched.message.startswith("2 results match no test case's automation_ref: tests.test_shop::test_skipped")
    assert result.success  # warnings only


def test_without_results_only_hand_written_failures_count(basic: Path) -> None:
    with_tests(basic, status="shipped")
    edit(
        basic / "specs/features/FEAT-1.yaml", "{status: passed, date: 2026-05-20}", "{status: failed, date: 2026-05-20}"
    )
    result = check(basic, today=DAY)
    assert sorted(d.code for d in result.diagnostics if d.code.startswith("SG41")) == ["SG413"]
    (flag,) = [d for d in result.diagnostics if d.code == "SG413"]
    assert "TC-4 failed as the spec says on 2026-05-20" in flag.message


def test_must_requirements_verified_by_a_passing_test(basic: Path, tmp_path: Path) -> None:
    from specgen.analysis import Analysis

    with_tests(basic)
    ws = check(basic, today=DAY, results=[str(pytest_results(tmp_path))]).workspace
    assert ws is not None
    verified = Analysis(ws).headline_test_cases.verified
    assert (verified.verified, verified.total, verified.left_out) == (("FEAT-1.R1",), 1, 0)
    # With every test of R1 failing or not run, it is no longer verified, and the reason is given.
    failing = {"TC-1": "failed", "TC-2": "failed", "TC-3": "error", "TC-4": "skipped", "TC-5": "not_run"}
    from specgen.analysis import headlines

    again = headlines.must_verified(ws, results=failing)
    assert (again.verified, again.failing, again.percent) == ((), ("FEAT-1.R1",), 0.0)


def test_cli_exit_codes(basic: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuite>")
    runner = CliRunner()
    args = ["check", "--workspace", str(basic), "--today", FIXTURE_TODAY]
    result = runner.invoke(main, [*args, "--results", str(broken), "--results", str(RESULTS / "gradle.xml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{broken}:1:12: error[SG410]: not well-formed XML: no element found" in result.output
    assert "gradle.xml:1:1: warning[SG411]: 3 results match" in result.output  # the other file still counts
    clean = runner.invoke(main, args)
    assert clean.exit_code == 0 and "SG41" not in clean.output  # no --results: no result findings
    # Results no test case names are no mistake: --strict fails on them only when asked.
    lenient = check(basic, today=DAY, strict=True, results=[RESULTS / "gradle.xml"])
    assert {d.code for d in lenient.warnings} == {"SG411", "SG412"}
    assert [d.code for d in lenient.failing_warnings] == ["SG412"]
    asked = check(basic, today=DAY, strict=True, fail_on=frozenset({"unmatched"}), results=[RESULTS / "gradle.xml"])
    assert sorted(d.code for d in asked.failing_warnings) == ["SG411", "SG412"]


# --- the site --------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script> {{ x }} | pipes | @mention"


def test_the_site_shows_imported_results_inertly(basic: Path, tmp_path: Path) -> None:
    with_tests(basic)
    report = tmp_path / "junit.xml"
    message = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    report.write_text(
        '<testsuites><testsuite name="pytest" timestamp="2026-05-31T10:00:00+00:00">'
        '<testcase classname="tests.test_shop" name="test_ok" time="0.25"/>'
        f'<testcase classname="tests.test_shop" name="test_bad" time="0.5"><failure message="{message}"/></testcase>'
        "</testsuite></testsuites>"
    )
    site = tmp_path / "site"
    result = build(basic, site_dir=site, today=DAY, results=[str(report)])
    assert result.success, [str(d) for d in result.diagnostics]
    feature_html = (site / "features/FEAT-1/index.html").read_text()
    cases_html = (site / "test-cases/index.html").read_text()
    for page in (feature_html, cases_html):
        assert "<script>alert" not in page
        text = html_text(page)
        assert HOSTILE in text  # shown as the text it is: no tag, no template, no table cell split
        assert "failed on 2026-05-31 in 0.50 s, from " in text
    assert "A test fails on this beta feature" in html_text(feature_html)
    assert "passed on 2026-05-31 in 0.25 s, from" in html_text(feature_html)
    cases_text = html_text(cases_html)
    assert "Must requirements verified by a passing test" in cases_text
    assert "tests/test_shop.py::test_gone" in cases_text  # a ref with no result is listed
    assert "Results that match no test case" in cases_text
    for brief in ("engineering", "exec"):
        text = html_text((site / f"briefs/{brief}/index.html").read_text())
        assert "A test fails on a released feature" in text and "Must requirements verified by a passing test" in text
    assert "test_ok" not in (site / "briefs/customer/index.html").read_text()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.0, "under 0.01 s"), (0.004, "under 0.01 s"), (0.25, "0.25 s"), (12.34, "12.3 s"), (125, "2 min 5 s")],
)
def test_durations_read_alike_whatever_their_size(value: float, shown: str) -> None:
    from specgen.filters import seconds

    assert seconds(value) == shown
