"""ignore: globs arrive in pull requests: they match in linear time and never hide a misfiled spec."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

from click.testing import CliRunner

from specgen.cli import main
from specgen.globs import Glob, segment_regex

from .conftest import FIXTURES


def test_a_run_of_stars_is_one_atomic_wildcard() -> None:
    # Twelve stars once took longer than 30 s against a 30-letter name: each became its own [^/]*.
    assert segment_regex("*" * 12 + "b.yaml") == r".*b\.yaml"
    assert segment_regex("a*b*c*.yaml") == r"a(?>.*?b)(?>.*?c).*\.yaml"
    stars = Glob("specs/" + "*" * 12 + "b.yaml")
    assert not stars.matches("specs/" + "a" * 30 + ".yaml")
    assert stars.matches("specs/" + "a" * 30 + "b.yaml")
    many = Glob("/".join(["**"] * 10) + "/x.yaml")
    assert many.matches("/".join(["d"] * 40) + "/x.yaml")
    assert not many.matches("/".join(["d"] * 40) + "/y.yaml")


def test_atomic_wildcards_still_find_a_later_match() -> None:
    # The earliest "b" is not the one that lets the rest match: "*b*c" must still match "abxbc".
    assert Glob("specs/*b*c.yaml").matches("specs/abxbc.yaml")
    assert Glob("specs/*.schema.yaml").matches("specs/a.schema.schema.yaml")
    assert not Glob("specs/*.schema.yaml").matches("specs/a.schema.yml")


def test_set_operators_in_a_class_are_literal_and_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glob = Glob("specs/[a||b]/x.yaml")
        assert re.compile(segment_regex("[a&&b--c~~d]"))
    assert glob.matches("specs/|/x.yaml") and not glob.matches("specs/c/x.yaml")


def test_a_broad_glob_never_hides_a_misfiled_spec(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(FIXTURES / "valid" / "basic", workspace)
    feature = (workspace / "specs/features/FEAT-2.yaml").read_text()
    for place in ("feature/FEAT-9.yaml", "features/sub/FEAT-5.yaml", "drafts/FEAT-7.yaml", "notes.yaml"):
        path = workspace / "specs" / place
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feature)
    (workspace / "specgen.yaml").write_text('ignore: ["specs/**"]\n')

    result = CliRunner().invoke(main, ["check", "--workspace", str(workspace)])

    misfiled = sorted(line.split(":")[0] for line in result.output.splitlines() if "[SG108]" in line)
    assert misfiled == ["specs/feature/FEAT-9.yaml", "specs/features/sub/FEAT-5.yaml"], result.output
    assert result.exit_code == 1
