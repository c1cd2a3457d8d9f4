"""IDs and case (SG301, SG303), text cut by a comment (SG111), misfiled files and ignore globs (SG108)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import SupportsIndex

import pytest
from ruamel.yaml import YAML

from specgen import check
from specgen.comments import _last_suspect, cut_texts
from specgen.config import read_config
from specgen.globs import Glob
from specgen.kinds import KINDS
from specgen.limits import Limits
from specgen.loader import Document, load_workspace

from .conftest import FIXTURES

#: A small valid workspace: product, PER-1, STK-1 (and specgen.yaml's ignore globs, removed here).
BASE = FIXTURES / "valid" / "ignore-globs"

STAKEHOLDER = "id: {id}\nname: Patrick Lang\nrole: Maintainer\naudience: engineering\n"
FEATURE = "id: {id}\ntitle: Feature {id}\nstatus: idea\nowner: {owner}\nproblem: A problem.\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(BASE, target)
    (target / "specgen.yaml").unlink()
    shutil.rmtree(target / "specs" / "drafts")
    (target / "specs" / "team.schema.yaml").unlink()
    (target / "specs" / "features").mkdir()
    return target


def findings(workspace: Path, *codes: str) -> list[str]:
    """The diagnostics of the given codes (other helpers' rules change around these)."""
    return [str(d) for d in check(workspace).diagnostics if d.code in codes]


def write(workspace: Path, relative: str, text: str) -> None:
    path = workspace / "specs" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# IDs and case ------------------------------------------------------------------------------------


def test_one_person_spelled_two_ways_is_one_finding_that_says_merge(workspace: Path) -> None:
    # File names that differ only in case: possible on Linux, so on CI; kept out of the committed fixtures.
    write(workspace, "stakeholders/STK-PatrickLang.yaml", STAKEHOLDER.format(id="STK-PatrickLang"))
    write(workspace, "stakeholders/STK-patricklang.yaml", STAKEHOLDER.format(id="STK-patricklang"))
    write(workspace, "features/FEAT-1.yaml", FEATURE.format(id="FEAT-1", owner="STK-PatrickLang"))
    write(workspace, "features/FEAT-2.yaml", FEATURE.format(id="FEAT-2", owner="STK-patricklang"))
    write(workspace, "features/FEAT-3.yaml", FEATURE.format(id="FEAT-3", owner="STK-patricklang"))
    # Before: "pick a new one" plus an SG303 on every reference to the second spelling.
    assert findings(workspace, "SG301", "SG302", "SG303") == [
        "specs/stakeholders/STK-patricklang.yaml:1:5: error[SG301]: ID 'STK-patricklang' differs only in case "
        "from 'STK-PatrickLang' in specs/stakeholders/STK-PatrickLang.yaml: the same item spelled two ways "
        "(merge them into one file with one spelling; IDs are case-sensitive)"
    ]


def test_after_the_merge_a_reference_in_the_other_spelling_is_told_the_exact_one(workspace: Path) -> None:
    write(workspace, "stakeholders/STK-PatrickLang.yaml", STAKEHOLDER.format(id="STK-PatrickLang"))
    write(workspace, "features/FEAT-1.yaml", FEATURE.format(id="FEAT-1", owner="STK-patricklang"))
    write(workspace, "features/FEAT-2.yaml", FEATURE.format(id="FEAT-2", owner="STK-9"))
    assert findings(workspace, "SG301", "SG303") == [
        "specs/features/FEAT-1.yaml:4:8: error[SG303]: 'STK-patricklang' names no known stakeholder "
        "(did you mean 'STK-PatrickLang'? IDs are case-sensitive)",
        # Not a case slip: no case hint, and no near spelling either (numbers are identities): the few there are.
        "specs/features/FEAT-2.yaml:4:8: error[SG303]: 'STK-9' names no known stakeholder "
        "(the stakeholders are STK-1, STK-PatrickLang)",
    ]


def test_the_same_spelling_twice_is_still_a_reused_id(workspace: Path) -> None:
    write(workspace, "stakeholders/STK-2.yaml", STAKEHOLDER.format(id="STK-1"))
    assert findings(workspace, "SG301") == [
        "specs/stakeholders/STK-2.yaml:1:5: error[SG301]: ID 'STK-1' is already used by "
        "specs/stakeholders/STK-1.yaml (IDs are never reused: pick a new one)"
    ]


def test_a_malformed_id_is_the_schemas_finding_not_a_twin(workspace: Path) -> None:
    write(workspace, "stakeholders/STK-2.yaml", STAKEHOLDER.format(id="stk-1"))
    assert findings(workspace, "SG301") == []
    assert any(d.code == "SG206" for d in check(workspace).diagnostics)


def test_test_case_ids_that_differ_only_in_case_are_spelled_two_ways(workspace: Path) -> None:
    case = "test_cases:\n  - id: {tc}\n    title: t\n    verifies: [R1]\n"
    requirement = "requirements:\n  - id: R1\n    statement: Do it.\n    priority: could\n"
    write(
        workspace,
        "features/FEAT-1.yaml",
        FEATURE.format(id="FEAT-1", owner="STK-1") + case.format(tc="TC-A") + requirement,
    )
    write(
        workspace,
        "features/FEAT-2.yaml",
        FEATURE.format(id="FEAT-2", owner="STK-1") + case.format(tc="TC-a") + requirement,
    )
    write(
        workspace,
        "features/FEAT-3.yaml",
        FEATURE.format(id="FEAT-3", owner="STK-1") + case.format(tc="TC-A") + requirement,
    )
    assert findings(workspace, "SG301") == [
        "specs/features/FEAT-2.yaml:7:9: error[SG301]: test case ID 'TC-a' differs only in case from 'TC-A' in "
        "specs/features/FEAT-1.yaml: the same test case spelled two ways (merge them, or give one a new ID: "
        "IDs that differ only in case share one anchor on the site)",
        "specs/features/FEAT-3.yaml:7:9: error[SG301]: test case ID 'TC-A' is already used in "
        "specs/features/FEAT-1.yaml",
    ]


# Text cut by a comment ---------------------------------------------------------------------------


def document(text: str, path: str = "specs/features/FEAT-1.yaml") -> Document:
    return Document(path, KINDS["feature"], {}, text, "")


def test_a_cut_is_located_at_the_hash_with_the_quoted_fix() -> None:
    text = "id: FEAT-1\nbusiness_case:\n  summary: It made Python the #1 language\n"
    (found,) = cut_texts([document(text)])
    assert (found.code, found.severity.value, found.line, found.column) == ("SG111", "warning", 3, 31)
    assert found.pointer == ("business_case", "summary")
    assert (
        found.message
        == "' #' starts a YAML comment, so the text ends at 'It made Python the' and '#1 language' is left out"
    )
    assert found.hint == "if '#1 language' belongs to the text, quote it: summary: \"It made Python the #1 language\""


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("title: Top #3 goals\n", 1, 12),
        ("title: Top\t#3 goals\n", 1, 12),
        ("goals:\n  - Ranked by #CD3\n", 2, 15),
        ("problem: a text that goes on\n  and is cut #here\n", 2, 14),
        ("? a key cut #short\n: value\n", 1, 13),
    ],
)
def test_every_cut_plain_value_is_reported(text: str, line: int, column: int) -> None:
    assert [(d.code, d.line, d.column) for d in cut_texts([document(text)])] == [("SG111", line, column)]


@pytest.mark.parametrize(
    "text",
    [
        "# a comment #1 alone\nid: FEAT-1\n",
        "  # indented comment with #1\nid: FEAT-1\n",
        "status: idea  # a note\n",
        "status: idea #  a note\n",
        'title: "We are #1"\n',
        "title: 'We are #1'\n",
        "why: |\n  block #1 text\n",
        "why: >\n  folded #1 text\n",
        "why: | #note\n  block text\n",
        "url: https://example.com/#a\n",
        "lang: C# and F#\n",
        "personas: [PER-1] #primary\n",
        "vision: #main\n  statement: x\n",
    ],
)
def test_comments_and_hashes_that_cut_nothing_stay_quiet(text: str) -> None:
    assert cut_texts([document(text)]) == []


def test_text_the_c_parser_cannot_read_is_scanned_by_the_pure_one() -> None:
    # U+2028 sends the loader (and so this check) to the pure-Python parser, where plain style is None, not "".
    (found,) = cut_texts([document("title: a\u2028b #1 rank\n")])
    assert (found.line, found.column) == (1, 12)


def test_the_site_and_json_see_the_cut_text_the_warning_names(workspace: Path) -> None:
    write(workspace, "features/FEAT-1.yaml", FEATURE.format(id="FEAT-1", owner="STK-1") + "why_now: We are #1 now\n")
    result = check(workspace)
    (feature,) = [d for d in result.documents if d.path == "specs/features/FEAT-1.yaml"]
    assert feature.data["why_now"] == "We are"  # what YAML reads, and why the warning exists
    assert findings(workspace, "SG111") == [
        "specs/features/FEAT-1.yaml:6:17: warning[SG111]: ' #' starts a YAML comment, so the text ends at 'We are' "
        "and '#1 now' is left out (if '#1 now' belongs to the text, quote it: why_now: \"We are #1 now\")"
    ]
    assert result.success and not check(workspace, strict=True).success


@pytest.mark.parametrize(
    ("text", "line", "fix", "data"),
    [
        # Without the anchor the fix breaks the alias below it; without the tag it changes the type.
        ("goals:\n  - &a k #1\n  - *a\n", 2, '  - &a "k #1"', {"goals": ["k #1", "k #1"]}),
        ("title: !!str tagged #3\n", 1, 'title: !!str "tagged #3"', {"title": "tagged #3"}),
        ("size: !!str &s\n  12 #3\nagain: *s\n", 1, 'size: !!str &s "12 #3"', {"size": "12 #3", "again": "12 #3"}),
    ],
)
def test_the_fix_keeps_the_anchor_and_the_tag(text: str, line: int, fix: str, data: dict[str, object]) -> None:
    (found,) = cut_texts([document(text)])
    assert found.hint is not None and found.hint.endswith(f"quote it: {fix.lstrip()}")
    lines = text.splitlines()
    start = found.line - 1  # the fix replaces the lines from the one the value starts on to the "#"
    fixed = "\n".join([*lines[: line - 1], fix, *lines[start + 1 :]]) + "\n"
    assert YAML(typ="safe").load(fixed) == data


def cut_lines(count: int) -> str:
    return "id: FEAT-1\ngoals:\n" + "".join(f"  - goal {i} #{i}\n" for i in range(count))


def test_a_file_with_many_cuts_lists_fifty_and_counts_the_rest() -> None:
    found = cut_texts([document(cut_lines(120)), document(cut_lines(3), "specs/features/FEAT-2.yaml")])
    first = [d for d in found if d.path == "specs/features/FEAT-1.yaml"]
    assert [(d.line, d.pointer) for d in first[:50]] == [(3 + i, ("goals", i)) for i in range(50)]
    more = first[50:]
    assert [(d.code, d.severity.value, d.line, d.column, d.pointer) for d in more] == [
        ("SG111", "warning", 53, 13, ("goals", 50))
    ]
    assert more[0].message == (
        "and 70 more cut texts in this file, from here on (only the first 50 are listed): "
        "a ' #' after plain text starts a YAML comment"
    )
    assert more[0].hint == "quote each text a ' #' cuts, or write '# ' (with a space) where a comment is meant"
    assert len(found) - len(first) == 3  # the cap is per file
    assert cut_texts([document(cut_lines(51))])[-1].message.startswith("and 1 more cut text in this file,")
    assert len(cut_texts([document(cut_lines(50))])) == 50


class CountedText(str):
    """Real text that counts the characters Python code reads of it through slices and searches.

    Not a mock: every call does the real work. Regular expressions read the text directly and are
    not counted; they are linear by themselves.
    """

    scanned = 0

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        part = super().__getitem__(key)
        CountedText.scanned += len(part)
        return part

    def _span(self, start: SupportsIndex | None, end: SupportsIndex | None) -> tuple[int, int]:
        return slice(start, end).indices(len(self))[:2]

    def find(self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None) -> int:
        low, high = self._span(start, end)
        found = super().find(sub, low, high)
        CountedText.scanned += (high if found < 0 else found + len(sub)) - low
        return found

    def rfind(self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None) -> int:
        low, high = self._span(start, end)
        found = super().rfind(sub, low, high)
        CountedText.scanned += high - (low if found < 0 else found)
        return found

    def count(self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None) -> int:
        low, high = self._span(start, end)
        CountedText.scanned += high - low
        return super().count(sub, low, high)


@pytest.mark.parametrize(
    "text",
    [
        "id: FEAT-1\nproblem: x" + " #a" * 20_000 + "\n",  # one long line of suspects
        "id: FEAT-1\ngoals:\n" + ("  - x" + " #a" * 200 + "\n") * 200,  # many such lines
    ],
)
def test_the_pre_filter_reads_each_line_once_however_many_hashes_it_holds(text: str) -> None:
    # The parser that confirms a suspect takes only exact text (no subclass), so the count is of the pre-filter.
    counted = CountedText(text)
    CountedText.scanned = 0
    assert _last_suspect(counted) == _last_suspect(text) == text.rindex(" #a") + 1
    assert CountedText.scanned <= 2 * len(text)


# Misfiled files and ignore globs -----------------------------------------------------------------


def test_a_misfiled_spec_is_an_error_with_the_folder_hint_and_no_cascade(workspace: Path) -> None:
    write(workspace, "feature/FEAT-1.yaml", FEATURE.format(id="FEAT-1", owner="STK-1"))
    write(
        workspace,
        "decisions/DEC-1.yaml",
        "id: DEC-1\ntitle: t\nstatus: proposed\ncontext: c\ndeciders: [STK-1]\n"
        "features: [FEAT-1]\noptions:\n  - title: A\n",
    )
    result = check(workspace)
    assert [(d.code, d.severity.value, d.path, d.hint) for d in result.diagnostics if d.code in ("SG108", "SG303")] == [
        ("SG108", "error", "specs/feature/FEAT-1.yaml", "did you mean 'features'?")
    ]
    assert not result.success


def test_a_file_in_no_near_folder_is_told_the_ignore_glob(workspace: Path) -> None:
    write(workspace, "drafts/FEAT-9.yaml", "id: FEAT-9\n")
    write(workspace, "notes.yaml", "a: 1\n")
    assert [d.hint for d in check(workspace).diagnostics if d.code == "SG108"] == [
        'move it where its kind lives, or, if it is no spec, add to specgen.yaml: ignore: ["specs/drafts/**"]',
        'move it where its kind lives, or, if it is no spec, add to specgen.yaml: ignore: ["specs/notes.yaml"]',
    ]


def test_ignore_globs_are_relative_to_the_workspace_and_never_hide_a_spec(workspace: Path) -> None:
    write(workspace, "drafts/deep/FEAT-9.yaml", "id: FEAT-9\n")
    write(workspace, "team.schema.yaml", "type: object\n")
    write(workspace, "features/FEAT-1.yaml", "id: FEAT-1\n")  # invalid: it must still be checked
    result = load_workspace(
        workspace / "specs", workspace, Limits(), ignore=("specs/drafts/**", "specs/*.schema.yaml", "specs/features/**")
    )
    assert result.diagnostics == []
    assert [d.path for d in result.documents] == [
        "specs/features/FEAT-1.yaml",
        "specs/personas/PER-1.yaml",
        "specs/product.yaml",
        "specs/stakeholders/STK-1.yaml",
    ]
    # Relative to the specs folder, the same globs match nothing.
    relative = load_workspace(workspace / "specs", workspace, Limits(), ignore=("drafts/**", "*.schema.yaml"))
    assert sorted(d.path for d in relative.diagnostics) == ["specs/drafts/deep/FEAT-9.yaml", "specs/team.schema.yaml"]


def test_ignore_from_specgen_yaml_reaches_the_check(workspace: Path) -> None:
    write(workspace, "drafts/FEAT-9.yaml", "id: FEAT-9\n")
    assert findings(workspace, "SG108")
    (workspace / "specgen.yaml").write_text('ignore: ["specs/drafts/**"]\n')
    assert findings(workspace, "SG108", "SG403") == []


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("specs/drafts/**", "specs/drafts/a/b.yaml", True),
        ("specs/*.schema.yaml", "specs/team.schema.yaml", True),
        ("specs/*.schema.yaml", "specs/x/team.schema.yaml", False),
        ("**/*.schema.yaml", "specs/x/team.schema.yaml", True),
        ("specs/**/x.yaml", "specs/x.yaml", True),
        ("specs/?.yaml", "specs/a/b.yaml", False),
        ("specs/[!a]b.yaml", "specs/ab.yaml", False),
        ("specs/[!a]b.yaml", "specs/cb.yaml", True),
        ("specs/[z-a].yaml", "specs/[z-a].yaml", True),  # no valid class: literal, never an error
        ("specs/[x.yaml", "specs/[x.yaml", True),
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert Glob(glob).matches(path) is matches


def test_specgen_yaml_refuses_globs_that_are_not_relative_text(tmp_path: Path) -> None:
    (tmp_path / "specgen.yaml").write_text(
        'ignore:\n  - 3\n  - {code: SG308, reason: "later"}\n  - /etc/**\n  - ../other/**\n'
        '  - "specs\\\\drafts"\n  - ""\n'
    )
    overrides, problems = read_config(tmp_path)
    assert "ignore" not in overrides
    assert [str(p) for p in problems] == [
        "specgen.yaml:2:5: error[SG403]: ignore[0] must be a glob (text), not a number "
        '(e.g. ignore: ["specs/drafts/**"])',
        "specgen.yaml:3:5: error[SG403]: ignore[1] must be a glob (text); a finding is accepted on its spec or item "
        'instead (write ignore: [{code: SG308, reason: "..."}] in that spec)',
        "specgen.yaml:4:5: error[SG403]: ignore[2]: '/etc/**' is not relative to the workspace "
        '(e.g. ignore: ["specs/drafts/**"])',
        "specgen.yaml:5:5: error[SG403]: ignore[3]: '../other/**' is not relative to the workspace "
        '(e.g. ignore: ["specs/drafts/**"])',
        "specgen.yaml:6:5: error[SG403]: ignore[4]: 'specs\\\\drafts' holds a backslash "
        "(separate folders with /, as in specs/drafts/**)",
        "specgen.yaml:7:5: error[SG403]: ignore[5] must be a glob (text), not blank text "
        '(e.g. ignore: ["specs/drafts/**"])',
    ]
    (tmp_path / "specgen.yaml").write_text("ignore: specs/drafts/**\n")
    assert [str(p) for p in read_config(tmp_path)[1]] == [
        "specgen.yaml:1:9: error[SG403]: ignore must be a list of globs relative to the workspace "
        '(e.g. ignore: ["specs/drafts/**"])'
    ]
