"""The reports of ``specgen diff``: text, Markdown (a PR comment, hostile text inert) and JSON with its schema."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from markdown_it import MarkdownIt
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from specgen.cli import main
from specgen.diff import changes as changes_module
from specgen.diff.changes import (
    BACKWARDS,
    INTO_SHIPPED,
    MADE_EXTERNAL,
    NEW_ERROR,
    SLIP,
    SUSPECT,
    UNREADABLE,
    Change,
    Importance,
    Section,
    headline,
    ordered,
)
from specgen.diff.report import MIN_LIMIT, REPORTS, ReportOptions
from specgen.diff.report.data import FORMAT
from specgen.diff.report.markdown import MARKER
from specgen.diff.report.text import FLAG_LABELS
from specgen.diff.result import FORMAT_VERSION, DiffResult, Revision
from specgen.gfm import JOINER, markdown, plain
from specgen.schema import schema_texts

from .conftest import compare_golden

GOLDEN = Path(__file__).parent / "golden" / "diff"
LINK_BASE = "https://github.com/octo/shop/blob/0123456789abcdef0123456789abcdef01234567/"
HOSTILE_TITLE = "@octocat <img src=x onerror=alert(1)> fixes #12 \x1b[2J </details> <!-- specgen-diff -->"

BASE = Revision("base", "origin/main", "1a2b3c4" + "0" * 33, "origin/main (1a2b3c4)", files=14)
HEAD = Revision("head", None, None, "the working tree", files=15)


def change(section: Section, kind: str, subject: str, summary: str, **fields: Any) -> Change:
    path = fields.pop("path", f"specs/features/{subject}.yaml" if subject.startswith("FEAT-") else "")
    return Change(section, kind, subject, summary, path=path, **fields)


def alert(section: Section, kind: str, subject: str, summary: str, flag: str, **fields: Any) -> Change:
    return change(section, kind, subject, summary, importance=Importance.ALERT, flags=frozenset({flag}), **fields)


def detail(section: Section, kind: str, subject: str, summary: str, **fields: Any) -> Change:
    return change(section, kind, subject, summary, importance=Importance.DETAIL, **fields)


def rich() -> DiffResult:
    """A diff touching every section with every flag, a word diff, long and hostile text."""
    s, csv, rel = Section, "Export to CSV", "specs/releases/REL-15.yaml"
    reworded = (("=", "The export"), ("-", "must include"), ("+", "includes"), ("=", "every row | even <b>"))
    long = "problem reworded: " + "customers lose track of exports and [open](https://evil.example) tickets " * 20
    found = [
        change(s.SPECS, "added", "FEAT-12", "added", title="Bulk export", after="FEAT-12"),
        change(s.SPECS, "renamed", "FEAT-14", "renamed from FEAT-4", title="Saved views", before="FEAT-4"),
        change(s.SPECS, "removed", "DEC-2", "removed", title="Use SQLite", path="specs/decisions/DEC-2.yaml"),
        alert(
            s.SPECS,
            "unreadable",
            "",
            "specs/features/FEAT-7.yaml does not load at HEAD: mapping values are not allowed here",
            UNREADABLE,
            path="specs/features/FEAT-7.yaml",
        ),
        alert(
            s.FEATURES,
            "release",
            "FEAT-3",
            "moved from 3.16 (2027-10-01) to 3.15 (shipped)",
            INTO_SHIPPED,
            title=csv,
            before="REL-16",
            after="REL-15",
            external=True,
            public_summary="now planned for 3.15",
        ),
        alert(s.FEATURES, "status", "FEAT-3", "status moved back from shipped to beta", BACKWARDS, title=csv),
        alert(
            s.FEATURES,
            "visibility",
            "FEAT-5",
            "visibility changed from internal to external",
            MADE_EXTERNAL,
            title="Audit log",
        ),
        detail(
            s.FEATURES,
            "requirement_reworded",
            "FEAT-3",
            "statement reworded",
            title=csv,
            item="FEAT-3.R2",
            words=reworded,
        ),
        detail(s.FEATURES, "title", "FEAT-9", "title changed", title=HOSTILE_TITLE),
        detail(s.FEATURES, "problem", "FEAT-10", long, title="Export history"),
        alert(s.REVIEW, "suspect", "FEAT-3", "TC-4 verifies FEAT-3.R2, which changed", SUSPECT, title=csv, item="TC-4"),
        change(
            s.BACKLOG,
            "scoring",
            "FEAT-12",
            "cost of delay per week from $2,000 to $5,000: CD3 rank 9 → 2",
            title="Bulk export",
            details={"cd3": {"before": 9, "after": 2, "score_before": 0.4, "score_after": 1.25}},
        ),
        detail(s.BACKLOG, "small_rank_moves", "", "14 other features moved one or two places"),
        change(
            s.BACKLOG, "cost_of_delay", "", "total cost of delay from $410,000 to $395,000", before=410000, after=395000
        ),
        alert(
            s.RELEASES,
            "target_date",
            "REL-15",
            "target date moved from 2027-03-01 to 2027-04-12: a slip of 6 weeks, costing $48,000 of delay",
            SLIP,
            title="3.15",
            before="2027-03-01",
            after="2027-04-12",
            path=rel,
        ),
        change(s.RELEASES, "scope", "REL-15", "FEAT-3 added", title="3.15", path=rel),
        change(
            s.OBJECTIVES,
            "key_result",
            "OBJ-1",
            "KR 2 (weekly exports) moved from 400 to 550: progress 40% → 55%",
            title="Grow usage",
            path="specs/objectives/OBJ-1.yaml",
        ),
        change(s.COVERAGE, "musts_verified", "", "Must requirements with a test case: 11 of 14 → 11 of 15"),
        change(s.COVERAGE, "untested_must", "FEAT-12", "FEAT-12.R1 is a Must with no test", item="FEAT-12.R1"),
        change(s.RECORDS, "decision", "DEC-4", "decided: keep CSV", title="Formats", path="specs/decisions/DEC-4.yaml"),
        change(s.RECORDS, "risk", "FEAT-3", "new risk: large exports time out (likely, high impact)"),
        alert(s.FINDINGS, "introduced", "FEAT-3", "error SG303: 'STK-9' names no known stakeholder", NEW_ERROR),
        change(s.FINDINGS, "fixed", "FEAT-1", "warning SG316 fixed: release REL-1 is past its date"),
    ]
    return DiffResult(BASE, HEAD, ordered(found))


def render(kind: str, result: DiffResult, **options: Any) -> str:
    return REPORTS[kind](result, ReportOptions(**options))


# --- golden files ---------------------------------------------------------------------------


def test_markdown_and_text_match_goldens(update_goldens: bool) -> None:
    compare_golden(GOLDEN / "rich.md", render("markdown", rich(), link_base=LINK_BASE), update_goldens)
    compare_golden(GOLDEN / "rich.txt", render("text", rich()), update_goldens)


# --- text -----------------------------------------------------------------------------------


def test_text_reads_in_a_terminal() -> None:
    lines = render("text", rich()).splitlines()
    assert lines[0] == "specgen diff: origin/main (1a2b3c4) → the working tree: 23 changes (7 alerts)"
    titles = [line for line in lines if line and not line.startswith(("  ", "! "))][1:]
    assert titles == [f"{s.title} ({len(rich().section(s))})" for s in Section]
    assert "! FEAT-3 Export to CSV: moved from 3.16 (2027-10-01) to 3.15 (shipped) (into a shipped release)" in lines
    assert (
        "  FEAT-3 Export to CSV (FEAT-3.R2): statement reworded — "
        "The export [-must include-]{+includes+} every row | even <b>"
    ) in lines
    assert sum(line.startswith("! ") for line in lines) == len(rich().alerts)


def test_text_shows_control_characters_instead_of_obeying_them() -> None:
    hostile = change(
        Section.FEATURES, "title", "FEAT-1", "title changed", title="a\x1b[2Jb\x9b2J\u202eabc\u2066x\u2069"
    )
    out = render("text", DiffResult(BASE, HEAD, [hostile]))
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    assert "a[U+001B][2Jb[U+009B]2J[U+202E]abc[U+2066]x[U+2069]" in out


def test_an_empty_diff_says_so() -> None:
    empty = DiffResult(BASE, HEAD, [])
    assert render("text", empty) == (
        "specgen diff: origin/main (1a2b3c4) → the working tree: 0 changes (0 alerts)\nNo changes in product terms.\n"
    )
    assert render("markdown", empty).splitlines() == [
        MARKER,
        "**specgen diff** origin/main (1a2b3c4) → the working tree: No changes in product terms.",
    ]


# --- markdown: layout -----------------------------------------------------------------------


def test_markdown_leads_with_the_marker_a_summary_and_the_headline_table() -> None:
    result = rich()
    out = render("markdown", result, link_base=LINK_BASE)
    lines = out.splitlines()
    assert lines[0] == MARKER and out.count(MARKER) == 1
    assert lines[1].startswith("**specgen diff** origin/main (1a2b3c4) → the working tree: **23 changes (7 alerts)**")
    assert "Features 6 · Test cases to review 1 · Backlog 3" in lines[1]
    rows = [line for line in lines if line.startswith("| ")][2:]
    assert len(rows) == len(headline(result.changes)) == 12
    assert [row.count("⚠️") for row in rows] == [1] * len(result.alerts) + [0] * (12 - len(result.alerts))
    assert rows[0].startswith("| — | ⚠️ specs/features/FEAT-7.yaml does not load")  # about no spec: the file is named
    assert rows[1] == (
        "| **FEAT-3** Export to CSV | ⚠️ moved from 3.16 (2027-10-01) to 3.15 (shipped) *(into a shipped release)* |"
    )
    for section in Section:
        assert f"<details><summary>{section.title} ({len(result.section(section))})</summary>" in out
    assert out.count("</details>") == len(Section)
    assert f"[**FEAT-3**]({LINK_BASE}specs/features/FEAT-3.yaml)" in out
    assert "The export ~~must include~~ **includes** every row &#124; even &lt;b&gt;" in out


def test_markdown_links_only_to_quoted_paths_under_the_link_base() -> None:
    odd = [
        change(Section.FEATURES, "status", "FEAT-1", "s", path="specs/features/FEAT 1 (copy)#x.yaml"),
        change(Section.FEATURES, "status", "FEAT-2", "s", path="../../../../evil/repo"),
        change(Section.FEATURES, "status", "](javascript:alert(1))", "s", path="specs/features/FEAT-3.yaml"),
    ]
    rendered = gfm().render(render("markdown", DiffResult(BASE, HEAD, odd), link_base=LINK_BASE))
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    assert hrefs == [
        f"{LINK_BASE}specs/features/FEAT%201%20%28copy%29%23x.yaml",
        f"{LINK_BASE}specs/features/FEAT-3.yaml",
    ]
    assert "javascript" not in "".join(hrefs)
    assert "href" not in gfm().render(render("markdown", DiffResult(BASE, HEAD, odd)))


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x/", "https://x/a b", "https://x/)[y](", "https://x/\n", 'https://x/"']
)
def test_a_link_base_that_could_break_out_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="link-base"):
        ReportOptions(link_base=url)


def test_a_limit_too_small_for_the_summary_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        ReportOptions(limit=MIN_LIMIT - 1)


# --- markdown: size -------------------------------------------------------------------------


def thousand_features() -> DiffResult:
    """A diff touching 1,000 features several ways each, plus every other section."""
    words = (("=", "The report"), ("-", "must list"), ("+", "lists"), ("=", "every open item by owner"))
    found: list[Change] = []
    for n in range(1, 1001):
        ident, title, f = f"FEAT-{n}", f"Feature number {n} with a realistic title", Section.FEATURES
        found += [
            change(f, "release", ident, "moved from 3.16 (2027-10-01) to 3.17 (2028-01-15)", title=title),
            detail(
                f, "requirement_reworded", ident, "statement reworded", title=title, item=f"{ident}.R1", words=words
            ),
            detail(f, "owner", ident, "owner changed from STK-1 to STK-2"),
            change(Section.BACKLOG, "rank", ident, f"CD3 rank {n} → {n + 3}", title=title),
            change(Section.REVIEW, "suspect", ident, f"TC-{n} verifies {ident}.R1", item=f"TC-{n}"),
        ]
    found += [c for c in rich().changes if c.section not in (Section.FEATURES, Section.BACKLOG, Section.REVIEW)]
    return DiffResult(BASE, HEAD, ordered(found))


def _section(out: str, section: Section, total: int) -> str:
    return out.split(f"<details><summary>{section.title} ({total:,})</summary>")[1].split("</details>")[0]


def _items(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.startswith("- ")]


def test_a_diff_of_1000_features_fits_in_a_comment_and_keeps_every_section() -> None:
    result = thousand_features()
    full = render("markdown", result, limit=10**9)
    out = render("markdown", result)
    assert len(full) > 60_000 >= len(out)
    assert out.split("<details>")[0] == full.split("<details>")[0]  # the summary and the table survive whole
    for section in Section:
        total = len(result.section(section))
        block = _section(out, section, total)
        items = _items(block)
        assert items, section
        assert items == _items(_section(full, section, total))[: len(items)]  # the first, most important ones
        more = re.search(r"… and ([\d,]+) more changes? in this section \(run `specgen diff` locally for all\)", block)
        assert (int(more.group(1).replace(",", "")) if more else 0) == total - len(items)
    assert "more changes in this section" in out


def test_the_summary_and_table_fit_the_smallest_limit_whatever_the_text() -> None:
    worst = "|" * 5_000  # the character escaping makes longest
    found = [
        change(s, "k", worst, worst, title=worst, item=worst, importance=Importance.ALERT, flags=frozenset(FLAG_LABELS))
        for s in Section
        for _ in range(3)
    ]
    label = Revision("head", worst, None, worst)
    result = DiffResult(label, label, ordered(found))
    out = render("markdown", result, limit=MIN_LIMIT, link_base=LINK_BASE)
    assert len(out) <= MIN_LIMIT
    assert len([line for line in out.splitlines() if line.startswith("| ")]) == 2 + 12
    assert out.count("<details>") == len(Section)


# --- markdown: hostile text -----------------------------------------------------------------

ATTACKS = [
    "@octocat please look",
    "cc @github/security-team and @Foo-Bar.",
    "write to pm@example.com",
    "fixes #123, closes #7",
    "GH-42 and gh-7",
    "see octo/repo#9 and octo/repo@1a2b3c4d and octocat@1a2b3c4d",
    "<img src=x onerror=alert(1)>",
    "<details><summary>forged</summary>",
    "</details>",
    "<!-- specgen-diff -->",
    "<script>alert(1)</script>",
    "&lt;b&gt; stays text, &amp; &#64;user &#x3C;img&#x3E;",
    "one\n# Heading\n- item\n> quote\n\n| a | b |",
    "# Heading",
    "### Heading",
    "- list",
    "+ list",
    "* list",
    "1. one",
    "2) two",
    "> quote",
    "> [!WARNING]\n> forged alert",
    "a | b | c",
    "| --- | --- |",
    "`code` and ```fence```",
    "**bold** _em_ ~~strike~~ ~one~",
    "[click](https://evil.example/x)",
    "![img](https://evil.example/p.png)",
    "[ref]: https://evil.example",
    "footnote[^1]",
    "<https://evil.example>",
    "https://evil.example/path?x=1",
    "HTTP://EVIL.EXAMPLE/",
    "www.evil.example",
    "mailto:pm@example.com and xmpp:pm@example.com",
    ":smile: :+1: :octocat:",
    "$\\href{https://evil.example}{click}$ and $$x$$",
    "\u202eevil\u202c and \u2066isolated\u2069",
    "\x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x9b2J \x00",
    "trailing backslash \\",
    "- [ ] task",
    "***",
    "---",
    "===",
    "    indented code",
    "\tafter a tab",
    "a\u2028b\u2029c\x85d\r\ne",
]

#: What GitHub links in rendered text, broadly: any match means a ping, a reference, an emoji image or a link.
GITHUB_PATTERNS = {
    "mention or e-mail": r"@[A-Za-z0-9]",
    "issue": r"#\d",
    "GH- reference": r"(?i)\bgh-\d",
    "emoji": r":[A-Za-z0-9_+-]+:",
    "URL autolink": r"(?i)\b(?:https?|ftp|mailto|xmpp):(?!" + JOINER + ")",
    "www autolink": r"(?i)\bwww\.",
}


def gfm() -> MarkdownIt:
    """GitHub's Markdown as far as markdown-it goes: raw HTML on, tables, strikethrough, GFM autolinks.

    The autolinks are GitHub's own rules (``www.``, ``https://``, ``mailto:``,
    e-mail addresses); linkify-it would also link bare names like ``README.md``,
    which GitHub does not. Typographic replacements are off, as on GitHub.
    """
    return MarkdownIt("gfm-like", {"linkify": False, "typographer": False}).use(gfm_autolink_plugin)


@pytest.mark.parametrize("attack", ATTACKS)
def test_hostile_text_shows_literally_and_links_nothing(attack: str) -> None:
    safe = markdown(attack)
    paragraph = gfm().render(safe)
    match = re.fullmatch(r"<p>([^<>]*)</p>\n", paragraph)
    assert match, paragraph  # one paragraph: no tag, link, image, heading, list, quote or code
    visible = html.unescape(match.group(1))
    assert visible.replace(JOINER, "") == plain(attack)  # what the text says, all of it
    for name, pattern in GITHUB_PATTERNS.items():
        assert not re.search(pattern, visible), name
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", visible)

    table = gfm().render(f"| Subject | Change |\n| --- | --- |\n| {safe} | **{safe}** ~~{safe}~~ |\n")
    assert table.count("<tr>") == 2 and table.count("<td>") == 2
    assert not re.search(r"<(?!/?(?:table|thead|tbody|tr|th|td|strong|s)>)", table)
    listed = gfm().render(f"- {safe}\n- **{safe}** {safe}\n")
    assert listed.count("<li>") == 2 and not re.search(r"<(?!/?(?:ul|li|strong)>)", listed)


def test_a_forged_marker_or_details_in_spec_text_stays_text() -> None:
    hostile = change(Section.FEATURES, "title", "FEAT-9", "</details><!-- specgen-diff -->", title=HOSTILE_TITLE)
    out = render("markdown", DiffResult(BASE, HEAD, [hostile]))
    assert out.count(MARKER) == 1 and out.count("</details>") == 1 and out.count("<details>") == 1
    rendered = gfm().render(out)
    assert "<img" not in rendered and "<a " not in rendered and "<!--" not in rendered.split("\n", 1)[1]


def test_long_spec_text_is_cut() -> None:
    assert plain("x" * 50, limit=10) == "x" * 9 + "…"
    assert len(markdown("&" * 500, limit=100)) == 99 * len("&amp;") + 1


# --- json and its schema --------------------------------------------------------------------


def diff_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_texts()["diff.schema.json"])
    return schema


def test_json_is_sorted_stable_ascii_and_valid_against_its_schema() -> None:
    out = render("json", rich())
    assert out.endswith("}\n") and out.isascii() and "\n  " in out
    data = json.loads(out)
    assert out == json.dumps(data, indent=2, sort_keys=True) + "\n"
    Draft202012Validator(diff_schema()).validate(data)
    Draft202012Validator(diff_schema()).validate(json.loads(render("json", DiffResult(BASE, HEAD, []))))
    assert data["format"] == FORMAT and data["version"] == FORMAT_VERSION
    assert data["summary"] == {
        "changes": 23,
        "alerts": 7,
        "by_section": {s.value: len(rich().section(s)) for s in Section},
    }
    first = data["changes"][0]
    assert first["section"] == "specs" and first["importance"] == "alert" and first["flags"] == ["unreadable"]
    reworded = next(c for c in data["changes"] if c["kind"] == "requirement_reworded")
    assert reworded["words"][1] == ["-", "must include"] and reworded["item"] == "FEAT-3.R2"
    hostile = next(c for c in data["changes"] if c["subject"] == "FEAT-9")
    assert hostile["title"] == HOSTILE_TITLE  # data, kept exactly: escaping is for the reader's format


def test_the_schema_names_every_section_importance_and_flag() -> None:
    defs = diff_schema()["$defs"]
    assert defs["section"]["enum"] == [s.value for s in Section]
    assert defs["importance"]["enum"] == [i.name.lower() for i in Importance]
    constants = {v for k, v in vars(changes_module).items() if k.isupper() and isinstance(v, str)}
    assert set(defs["flag"]["enum"]) == changes_module.FLAGS == constants == set(FLAG_LABELS)
    assert diff_schema()["properties"]["version"]["const"] == FORMAT_VERSION
    bad = json.loads(render("json", rich()))
    bad["changes"][0]["flags"] = ["made_up"]
    assert not Draft202012Validator(diff_schema()).is_valid(bad)


def test_specgen_schema_writes_the_diff_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert json.loads((tmp_path / "diff.schema.json").read_text(encoding="utf-8")) == diff_schema()
