"""Reader pages never address the author: missing content is left out or said in reader terms.

What the author should add is a ``specgen check`` warning instead (SG312, SG313;
see tests/test_rules.py for their exact locations).
"""

from __future__ import annotations

import re
from pathlib import Path

from specgen import check
from specgen.render import render_site

from .test_schema import edit

#: Text that speaks to whoever writes the specs, never to a brief's reader.
AUTHOR_TEXT = re.compile(
    r"specs/|\.yaml|Add a file|add a |write a |release_note|visibility|No status update|YAML", re.IGNORECASE
)
BRIEFS = ("exec", "engineering", "sales-marketing", "support", "customer")


def pages(workspace: Path) -> dict[str, str]:
    result = check(workspace)
    assert result.workspace is not None, [str(d) for d in result.diagnostics]
    rendered, _ = render_site(result.workspace, None)
    return rendered


def codes(workspace: Path) -> list[str]:
    return [d.code for d in check(workspace).diagnostics]


def assert_reader_terms(rendered: dict[str, str]) -> None:
    for audience in BRIEFS:
        page = rendered[f"briefs/{audience}.md"]
        found = AUTHOR_TEXT.findall(page.split("---\n", 2)[2])  # the front matter is MkDocs', not the reader's
        assert not found, f"briefs/{audience}.md addresses the author: {found}"


def test_without_any_status_update_no_brief_tells_the_author_to_write_one(basic: Path) -> None:
    as_is = pages(basic)  # the fixture as it is: every brief has its update
    assert_reader_terms(as_is)
    customer = as_is["briefs/customer.md"]
    assert "The timeline view is coming in January." in customer
    # The public view holds no asks: customers are not told that no action is needed.
    assert "## What we need" not in customer and "No action needed" not in customer
    (basic / "specs/updates/UPD-1.yaml").unlink()
    (basic / "specs/updates/UPD-2.yaml").unlink()
    rendered = pages(basic)
    assert_reader_terms(rendered)
    customer = rendered["briefs/customer.md"]
    # The status section is left out whole, not filled with a claim no update made.
    assert "!!!" not in customer and "## What we need" not in customer and "No action needed" not in customer
    body = re.sub(r"\n{3,}", "\n\n", customer.split("---\n", 2)[2]).lstrip()
    assert body.startswith("# What's new and what's next\n\n## Shipped")
    assert "## What we need" not in rendered["briefs/exec.md"]
    assert "SG312" in codes(basic)  # customers see FEAT-1: the author hears of the gap from check


def test_a_shipped_item_never_repeats_its_title_as_its_description(basic: Path) -> None:
    feature = basic / "specs/features/FEAT-1.yaml"
    edit(feature, "summary: See the quarter at a glance.\n", "")
    edit(feature, "status: planned", "status: shipped")
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")  # else SG314: not shipped yet
    rendered = pages(basic)
    assert_reader_terms(rendered)
    customer = rendered["briefs/customer.md"]
    assert "- **Timeline view**\n" in customer
    assert "Timeline view**: Timeline view" not in customer
    support = rendered["briefs/support.md"]
    assert "- **[FEAT-1 Timeline view](../features/FEAT-1.md)**\n" in support
    assert ": Timeline view" not in support
    assert "SG313" in codes(basic)


def test_support_changed_behaviour_shows_release_notes_never_the_problem(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: shipped")
    edit(basic / "specs/releases/REL-1.yaml", "status: planned", "status: shipped")  # else SG314: not shipped yet
    rendered = pages(basic)
    support = rendered["briefs/support.md"]
    # No release note anywhere: nothing to say about what changed, so the section is left out.
    assert "Changed behaviour" not in support
    assert "Leads cannot see" not in support  # FEAT-1's problem statement
    assert "Nothing has shipped yet" not in support  # FEAT-1 has shipped: that would be false

    edit(
        basic / "specs/features/FEAT-1.yaml",
        "status: shipped",
        "status: shipped\nrelease_note: Plans now show on a time axis by release.",
    )
    rendered = pages(basic)
    support = rendered["briefs/support.md"]
    # The note is under its release; what *changed* needs a revision to compare with (`since`, tests/test_since.py).
    notes = support.split("## Release notes\n", 1)[1].split("\n## ", 1)[0]
    assert "- **[FEAT-1 Timeline view](../features/FEAT-1.md)**: Plans now show on a time axis by release." in notes
    assert "Changed behaviour" not in support
    assert "Leads cannot see" not in support
    # The customer brief shows the same note for the shipped item, and check is satisfied.
    assert "- **Timeline view**: Plans now show on a time axis by release.\n" in rendered["briefs/customer.md"]
    assert_reader_terms(rendered)
    assert "SG313" not in codes(basic)


def test_the_sales_brief_gives_no_instruction_over_an_empty_list(basic: Path) -> None:
    assert "- Gantt charts ([FEAT-1 Timeline view]" in pages(basic)["briefs/sales-marketing.md"]
    edit(basic / "specs/features/FEAT-1.yaml", "non_goals: [Gantt charts]\n", "")
    sales = pages(basic)["briefs/sales-marketing.md"]
    assert "Won't-haves" not in sales and "Say these plainly" not in sales
