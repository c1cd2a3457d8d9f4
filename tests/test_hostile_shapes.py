"""Shapes a pull request can give its input to break specgen: deep trees, huge numbers, many results, forged lines.

Each is a review finding that once crashed or slowed specgen; each test fails
on the code before its fix (a RecursionError, a ValueError from int(), a
forged annotation line, a matching that grew with results times refs).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen import check
from specgen.cli import main
from specgen.diagnostics import Diagnostic
from specgen.kinds import natural_key
from specgen.loader import discover
from specgen.results import Index, read_results
from specgen.results.apply import findings
from specgen.results.junit import Case
from specgen.scaffold.ids import UsedIds

from .conftest import FIXTURE_TODAY

DAY = datetime.date.fromisoformat(FIXTURE_TODAY)

DEEP = 1_100  # past Python's recursion limit of 1,000 frames


@pytest.fixture
def deep_folder() -> Iterator[Callable[..., Path]]:
    """Makes a folder ``levels`` deep below ``top``, one level at a time, and removes it bottom-up afterwards.

    Both by hand: on Python 3.11 ``os.makedirs`` and ``shutil.rmtree`` (pytest's
    cleanup of ``tmp_path`` too) recurse once per level and fail on such a tree.
    """
    made: list[Path] = []

    def make(top: Path, levels: int = DEEP) -> Path:
        path = top
        for _ in range(levels):
            path = path / "d"
            path.mkdir()
            made.append(path)
        return path

    yield make
    for folder in reversed(made):
        for entry in folder.iterdir():
            if not entry.is_dir():
                entry.unlink()
        folder.rmdir()


def case(classname: str, name: str, source: str = "r.xml", file: str | None = None) -> Case:
    return Case("s", classname, name, file, "passed", None, None, None, source)


# --- deep trees --------------------------------------------------------------


def test_a_results_glob_over_a_very_deep_tree_finds_its_file(tmp_path: Path, deep_folder: Callable[..., Path]) -> None:
    (tmp_path / "reports").mkdir()
    bottom = deep_folder(tmp_path / "reports")
    (bottom / "junit.xml").write_text('<testsuite><testcase classname="a.B" name="c"/></testsuite>')
    imported = read_results([str(tmp_path / "reports/**/*.xml")], 1_000_000)
    assert not imported.problems and [c.label for c in imported.cases] == ["a.B::c"]


def test_specs_in_a_very_deep_tree_are_reported_not_a_crash(basic: Path, deep_folder: Callable[..., Path]) -> None:
    bottom = deep_folder(basic / "specs/features")
    (bottom / "FEAT-99.yaml").write_text("id: FEAT-99\n")
    assert bottom / "FEAT-99.yaml" in list(discover(basic / "specs"))
    result = check(basic, today=DAY)
    assert any("FEAT-99.yaml" in d.path for d in result.diagnostics)  # misfiled, and said so


def test_templates_and_assets_nested_too_deep_are_refused(basic: Path, deep_folder: Callable[..., Path]) -> None:
    for folder in ("templates", "assets"):
        (basic / folder).mkdir(exist_ok=True)
        deep_folder(basic / folder, 40)
    (basic / "specgen.yaml").write_text("assets: assets\n")
    result = check(basic, today=DAY)
    deep = [d for d in result.errors if "nested more than 32 deep" in d.message]
    assert sorted(d.path.split("/")[0] for d in deep) == ["assets", "templates"], [str(d) for d in result.errors]


# --- huge numbers in IDs -----------------------------------------------------


def test_ids_with_thousands_of_digits_sort_and_check(basic: Path) -> None:
    huge = "9" * 5_000  # int() refuses more than 4,300 digits
    assert sorted(["FEAT-10", f"FEAT-{huge}", "FEAT-2", "FEAT-1a"], key=natural_key) == [
        "FEAT-1a",
        "FEAT-2",
        "FEAT-10",
        f"FEAT-{huge}",
    ]
    feature = basic / "specs/features/FEAT-1.yaml"
    feature.write_text(feature.read_text().replace("\nstatus:", f"\ndepends_on: [FEAT-{huge}8]\nstatus:", 1))
    result = check(basic, today=DAY)
    assert any(d.code == "SG303" and huge[:20] in d.message for d in result.errors), [str(d) for d in result.errors]


def test_the_next_id_passes_over_implausible_numbers() -> None:
    from specgen.kinds import KIND_BY_FOLDER

    used = UsedIds(frozenset({"FEAT-7", "FEAT-" + "9" * 5_000, "FEAT-0012"}), frozenset(), True)
    assert used.next_id(KIND_BY_FOLDER["features"]) == "FEAT-13"


# --- many results ------------------------------------------------------------


def test_matching_looks_refs_up_rather_than_scanning_every_result() -> None:
    # One class of 60,000 results and 3,000 refs: scanning the class for each ref made 180 million
    # comparisons (minutes); looking names up makes a few thousand probes.
    cases = [case("tests.test_big", f"test_{i}[p{j}]") for i in range(20_000) for j in range(3)]
    index = Index(cases)
    for i in range(0, 20_000, 7):
        assert len(index.lookup(f"tests/test_big.py::test_{i}")) == 3
    assert index.lookup("tests/test_big.py::test_1[p2]") == [cases[5]]
    assert index.lookup("tests/test_big.py::test_") == []  # a name is whole, up to its parameters


def test_modules_and_file_ends_match_whole_segments_only() -> None:
    index = Index(
        [
            case("tests.test_x", "a"),
            case("tests.test_x.TestC", "b"),
            case("tests.test_xy", "c"),
            case("tests.test_x-y", "d"),
            case("", "Cart adds", file="src/cart.test.js"),
            case("", "Cart adds", file="src/xcart.test.js"),
        ]
    )
    assert [c.name for c in index.lookup("tests/test_x.py")] == ["a", "b"]
    assert [c.file for c in index.lookup("cart.test.js::Cart adds")] == ["src/cart.test.js"]


def test_results_files_past_the_run_limits_are_not_read(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"r{i}.xml").write_text(f'<testsuite><testcase classname="a" name="t{i}"/></testsuite>')
    by_count = read_results([str(tmp_path / "*.xml")], 1_000, most_files=2)
    assert [c.name for c in by_count.cases] == ["t0", "t1"]
    (problem,) = by_count.problems
    assert problem.code == "SG410" and problem.path.endswith("r2.xml")
    assert "limit of 2 files for one run: this file and 1 more were not read" in problem.message
    size = (tmp_path / "r0.xml").stat().st_size
    by_bytes = read_results([str(tmp_path / "*.xml")], 1_000, total=size * 3 - 1)
    assert len(by_bytes.cases) == 2 and "bytes in all" in by_bytes.problems[0].message


def test_unmatched_results_in_many_files_are_a_few_findings(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"job{i:02}.xml").write_text(f'<testsuite><testcase classname="a" name="t{i}"/></testsuite>')
    imported = read_results([str(tmp_path / "*.xml")], 1_000)
    found = findings([], imported)
    assert [d.code for d in found] == ["SG411"] * 6  # five files named, then one for the 35 others
    assert found[-1].message.startswith("35 more results in this file and 34 other files")


def test_results_paths_are_shown_relative_to_the_workspace(basic: Path, tmp_path: Path, monkeypatch) -> None:
    (basic / "reports").mkdir()
    (basic / "reports/junit.xml").write_text('<testsuite><testcase classname="x" name="y"/></testsuite>')
    outside = tmp_path / "elsewhere.xml"
    outside.write_text('<testsuite><testcase classname="x" name="z"/></testsuite>')
    monkeypatch.chdir(basic / "specs")  # run from a folder below the workspace
    result = check(basic, today=DAY, results=["../reports/junit.xml", str(outside)])
    assert sorted({d.path for d in result.diagnostics if d.code == "SG411"}) == sorted(
        ["reports/junit.xml", outside.as_posix()]
    )


# --- forged lines ------------------------------------------------------------


def test_a_finding_is_one_line_that_drives_nothing() -> None:
    d = Diagnostic.of("SG410", "r.xml\n::error file=x::forged\x1b]0;title\x07", "m\nn")
    assert str(d) == "r.xml ::error file=x::forged[U+001B]]0;title[U+0007]:0:0: error[SG410]: m n"


def test_the_text_report_of_a_hostile_results_file_keeps_one_line_per_finding(basic: Path, tmp_path: Path) -> None:
    hostile = tmp_path / "r\n::error file=x::forged\x1b[2J.xml"  # a file name is PR input too
    hostile.write_text('<testsuite><testcase classname="a" name="t"/></testsuite>')
    runner = CliRunner()
    out = runner.invoke(main, ["check", "--workspace", str(basic), "--results", str(hostile), "--today", FIXTURE_TODAY])
    assert "::error file=x::forged[U+001B][2J.xml" in out.output
    assert "\n::error" not in out.output and "\x1b" not in out.output
    assert out.exit_code == 0, out.output  # SG411 is a warning
