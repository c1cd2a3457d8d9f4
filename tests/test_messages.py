"""Messages a PM can act on: suggestions likely to be meant, shapes and fixes written out.

The cases come from a corpus of real public specs, where the old hints named
the opposite word (``replaced`` -> ``released``), another number
(``FEAT-30`` -> ``FEAT-630``) or said nothing of what was wanted.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from specgen import ecma, suggest
from specgen.rules import identity
from specgen.schema import messages as messages_module
from specgen.suggest import adjective, closest, did_you_mean, in_words, key_synonyms, value_synonyms

from .test_schema import edit, messages

PERSONA_ID = "^PER-[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"

FEATURE_STATUSES = ["idea", "discovery", "planned", "in_progress", "beta", "shipped", "wont_do"]
PERSONA_KEYS = ["id", "name", "segment", "summary", "jobs_to_be_done", "pains", "gains", "size_estimate"]
DECISION_KEYS = ["id", "title", "status", "date", "context", "options", "outcome", "deciders", "due", "features"]


@pytest.mark.parametrize(
    ("word", "candidates"),
    [
        # A word of the opposite meaning, one letter-shuffle away (the 0.1 statuses said `released`).
        ("replaced", [*FEATURE_STATUSES, "released"]),
        ("goals", PERSONA_KEYS),
        ("decision", DECISION_KEYS),
        # Numbers are identities, not typos.
        ("REL-0-0", ["REL-v1-0", "REL-1"]),
        ("FEAT-30", ["FEAT-630", "FEAT-3"]),
        ("FEAT-20190226", ["FEAT-2926"]),
        ("STK-7", ["STK-1"]),
        ("R5", ["R1", "R2"]),
    ],
)
def test_no_suggestion_that_means_something_else(word: str, candidates: list[str]) -> None:
    assert did_you_mean(word, candidates) is None


@pytest.mark.parametrize(
    ("word", "candidates", "meant"),
    [
        ("imlpemented", ["draft", "approved", "implemented", "verified"], "implemented"),
        ("planed", FEATURE_STATUSES, "planned"),
        ("In Progress", FEATURE_STATUSES, "in_progress"),
        ("sumary", ["name", "summary"], "summary"),
        ("tilte", ["title", "status"], "title"),
        ("requirment", ["requirements", "release"], "requirements"),
        # Same numbers, other case or separator: likely the same ID.
        ("feat-30", ["FEAT-30", "FEAT-630"], "FEAT-30"),
        ("REL_v1_0", ["REL-v1-0", "REL-v1-1"], "REL-v1-0"),
    ],
)
def test_a_typo_still_gets_its_word(word: str, candidates: list[str], meant: str) -> None:
    assert closest(word, candidates) == meant


@pytest.mark.parametrize(
    ("kind", "mapping", "word", "candidates", "meant"),
    [
        ("release", (), "date", ["id", "name", "status", "target_date", "baseline_date"], "target_date"),
        ("release", (), "due", ["id", "name", "status", "target_date"], "target_date"),
        ("evidence", (), "type", ["id", "kind", "date", "source", "summary"], "kind"),
        ("feature", (), "description", ["id", "title", "summary", "status"], "summary"),
        ("feature", (), "state", ["id", "title", "summary", "status"], "status"),
        ("feature", (), "dependencies", ["id", "status", "depends_on"], "depends_on"),
        (
            "feature",
            ("requirements", 0),
            "acceptance",
            ["id", "statement", "acceptance_criteria"],
            "acceptance_criteria",
        ),
        ("feature", ("test_cases", 2), "type", ["id", "title", "kind", "verifies"], "kind"),
        ("decision", ("options", 0), "name", ["title", "pros", "cons"], "title"),
        ("decision", (), "decision", DECISION_KEYS, "outcome"),
        ("persona", (), "goals", PERSONA_KEYS, "jobs_to_be_done"),
    ],
)
def test_synonyms_people_write_per_mapping(
    kind: str, mapping: tuple[str | int, ...], word: str, candidates: list[str], meant: str
) -> None:
    assert did_you_mean(word, candidates, synonyms=key_synonyms(kind, mapping)) == f"did you mean {meant!r}?"


def test_a_synonym_is_offered_only_where_its_key_is_allowed() -> None:
    # A persona has a name, not a title; `description` means nothing in a risk, which has one.
    assert closest("name", ["id", "name", "segment"], synonyms=key_synonyms("persona", ())) is None
    assert closest("title", ["id", "name", "segment"], synonyms=key_synonyms("persona", ())) == "name"
    assert closest("date", ["id", "title", "target_date"], synonyms=key_synonyms("objective", ())) is None


def test_value_synonyms() -> None:
    synonyms = value_synonyms("feature", ("status",))
    assert closest("done", FEATURE_STATUSES, synonyms=synonyms) == "shipped"
    assert closest("wip", FEATURE_STATUSES, synonyms=synonyms) == "in_progress"
    assert closest("replaced", FEATURE_STATUSES, synonyms=synonyms) is None


def test_enum_values_in_words() -> None:
    assert adjective("in_progress") == "an in-progress"
    assert adjective("planned") == "a planned"
    assert adjective("wont_do") == "a won't-do"
    assert in_words("not_run") == "not run"


def test_untested_must_of_an_in_progress_feature_reads_as_english(basic: Path) -> None:
    edit(basic / "specs/features/FEAT-1.yaml", "status: planned", "status: in_progress")
    edit(basic / "specs/features/FEAT-1.yaml", "verifies: [R1]", "verifies: [R2]")
    assert [m for m in messages(basic) if "SG307" in m] == [
        "specs/features/FEAT-1.yaml:32:9: warning[SG307]: Must requirement FEAT-1.R1 of an in-progress feature "
        "has no test case (add a test case whose verifies lists it)"
    ]


# The real-corpus cases, end to end, as `specgen check` prints them.
CASES = [
    (
        "specs/features/FEAT-1.yaml",
        "status: planned",
        "status: replaced",
        "specs/features/FEAT-1.yaml:4:9: error[SG204]: status: 'replaced' is not one of idea, discovery, planned, "
        "in_progress, beta, shipped, wont_do",
    ),
    (
        "specs/releases/REL-1.yaml",
        "target_date:",
        "date:",
        "specs/releases/REL-1.yaml:4:1: error[SG201]: unknown key 'date' in release (did you mean 'target_date'?)",
    ),
    (
        "specs/evidence/EVD-1.yaml",
        "kind: interview",
        "type: interview",
        "specs/evidence/EVD-1.yaml:2:1: error[SG201]: unknown key 'type' in evidence (did you mean 'kind'?)",
    ),
    (
        "specs/features/FEAT-1.yaml",
        "summary: See",
        "description: See",
        "specs/features/FEAT-1.yaml:3:1: error[SG201]: unknown key 'description' in feature (did you mean 'summary'?)",
    ),
    (
        "specs/features/FEAT-1.yaml",
        "goals: [",
        "dependencies: [FEAT-2]\ngoals: [",
        "specs/features/FEAT-1.yaml:13:1: error[SG201]: unknown key 'dependencies' in feature "
        "(did you mean 'depends_on'?)",
    ),
    (
        "specs/objectives/OBJ-1.yaml",
        "period: 2026-Q4",
        "period: 2025",
        "specs/objectives/OBJ-1.yaml:3:9: error[SG203]: period: expected text, found number 2025 "
        '(YAML reads 2025 as a number; quote it to keep it as written: period: "2025")',
    ),
    (
        "specs/releases/REL-1.yaml",
        'name: "1.0"',
        "name: 1.10",
        "specs/releases/REL-1.yaml:2:7: error[SG203]: name: expected text, found number 1.1 "
        '(YAML reads 1.10 as the number 1.1; quote it to keep it as written: name: "1.10")',
    ),
    (
        "specs/releases/REL-1.yaml",
        'name: "1.0"',
        "name: true",
        "specs/releases/REL-1.yaml:2:7: error[SG203]: name: expected text, found boolean true "
        '(YAML reads true as a true/false value; quote it to keep it as written: name: "true")',
    ),
    (
        "specs/evidence/EVD-1.yaml",
        "importance: 3",
        "importance: 3\npii: on",
        "specs/evidence/EVD-1.yaml:8:6: error[SG203]: pii: expected true or false, found text 'on' "
        "(write true or false: pii: true)",
    ),
    (
        "specs/features/FEAT-1.yaml",
        "personas: [PER-1]",
        "personas: PER-1",
        "specs/features/FEAT-1.yaml:10:11: error[SG203]: personas: expected a list, found text 'PER-1' "
        "(a list is written in brackets: personas: [PER-1])",
    ),
    (
        "specs/features/FEAT-1.yaml",
        "owner: STK-2",
        "owner: 'STK-seans3 '",
        "specs/features/FEAT-1.yaml:5:8: error[SG206]: owner: 'STK-seans3 ' does not have the expected form: "
        "it ends with a space (write 'STK-seans3')",
    ),
    (
        "specs/features/FEAT-1.yaml",
        "owner: STK-2",
        "owner: STK-quinton_hoole",
        "specs/features/FEAT-1.yaml:5:8: error[SG206]: owner: 'STK-quinton_hoole' does not have the expected form: "
        "an underscore (character 12) does not belong (write 'STK-quinton-hoole')",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), CASES, ids=[c[2].split("\n")[-1] for c in CASES])
def test_the_message_says_what_to_write(basic: Path, file: str, old: str, new: str, expected: str) -> None:
    edit(basic / file, old, new)
    assert messages(basic) == [expected]


def test_a_mapping_written_as_text_gets_its_keys_and_smallest_shape(basic: Path) -> None:
    product = basic / "specs/product.yaml"
    text = product.read_text()
    start = text.index("vision:")
    product.write_text(text[:start] + "vision: Every team knows what ships next and why.\nbusiness_case: Seats.\n")
    assert messages(basic) == [
        "specs/product.yaml:5:9: error[SG203]: vision: expected a mapping with problem, for_whom and why_now, "
        "found text 'Every team knows what ships next and why.' "
        '(write it as vision: {problem: "...", for_whom: [PER-1], why_now: "..."})',
        "specs/product.yaml:6:16: error[SG203]: business_case: expected a mapping (keys: summary, revenue_model, "
        "market, alternatives), found text 'Seats.' (write it as business_case: {summary: \"Seats.\"})",
    ]


def test_a_list_item_written_as_text_keeps_the_text_in_its_shape(basic: Path) -> None:
    edit(basic / "specs/decisions/DEC-1.yaml", "  - title: Web first\n    pros: [Faster]\n", "  - Web first\n")
    edit(basic / "specs/decisions/DEC-1.yaml", "    cons: [Mobile waits]\n", "")
    edit(basic / "specs/features/FEAT-1.yaml", "last_result: {status: passed, date: 2026-11-20}", "last_result: failed")
    assert messages(basic) == [
        "specs/decisions/DEC-1.yaml:9:5: error[SG203]: options[0]: expected a mapping with title, "
        "found text 'Web first' (write it as - {title: \"Web first\"})",
        "specs/features/FEAT-1.yaml:53:18: error[SG203]: test_cases[0].last_result: expected a mapping with status, "
        "found text 'failed' (write it as last_result: {status: failed})",
    ]


# Hostile input: hints must stay cheap. These count the work done, not the time (speed is measured in bench/).
def _look_alikes(count: int) -> list[str]:
    """``count`` stakeholder IDs alike but for their last three letters: STK-aaaa...aab."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"STK-{'a' * 30}{x}{y}{z}" for x in letters for y in letters for z in letters][:count]


class _CountedMatcher(difflib.SequenceMatcher[str]):
    made = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self).made += 1
        super().__init__(*args, **kwargs)


def test_a_hint_compares_by_difflib_only_the_nearest_of_many_look_alikes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every one of these IDs is within the edit limit of the word: difflib ran on all 1,000, per reference.
    monkeypatch.setattr(suggest.difflib, "SequenceMatcher", _CountedMatcher)
    assert closest(f"STK-{'a' * 30}bjxx", _look_alikes(1000)) == f"STK-{'a' * 30}bjx"
    assert _CountedMatcher.made == 0  # one ID is nearest: no tie to break
    assert closest(f"STK-{'a' * 30}hjmzq", _look_alikes(1000)) == f"STK-{'a' * 30}ajm"
    assert _CountedMatcher.made == 9  # only the nine IDs three edits away, the nearest


def test_candidates_are_prepared_once_for_many_words(monkeypatch: pytest.MonkeyPatch) -> None:
    # 3,000 dangling references against 3,000 features read every ID's numbers once per reference.
    calls = []
    numbers = suggest._numbers
    monkeypatch.setattr(suggest, "_numbers", lambda word: calls.append(word) or numbers(word))
    features = [f"FEAT-{i}" for i in range(3000)] + ["FEAT-x1"]
    assert [closest(f"FEAT-{i}x", features) for i in range(20)] == [f"FEAT-{i}" for i in range(20)]
    assert len(calls) <= 3001 + 20
    # A prepared list serves words without reading the IDs again.
    prepared = suggest.Candidates(features)
    calls.clear()
    assert did_you_mean("FEAT-2999y", prepared) == "did you mean 'FEAT-2999'?"
    assert calls == ["FEAT-2999y"]


def test_dangling_references_share_one_list_of_ids(basic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lists: list[list[str]] = []

    def hint(word: str, candidates: list[str]) -> str | None:
        lists.append(candidates)
        return did_you_mean(word, candidates)

    monkeypatch.setattr(identity, "did_you_mean", hint)
    edit(basic / "specs/features/FEAT-1.yaml", "personas: [PER-1]", "personas: [PER-1, PER-7, PER-8, PER-9]")
    assert [m.split(": ", 1)[1] for m in messages(basic)] == [
        f"error[SG303]: {ident!r} names no known persona (the only persona is PER-1)"
        for ident in ("PER-7", "PER-8", "PER-9")
    ]
    assert len(lists) == 3 and all(known is lists[0] for known in lists)


def test_a_long_value_of_the_wrong_form_is_not_tried_character_by_character(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4,000 `PER-aaaa...a!!` values of 190 characters tried 380 patterns each: 24 s of `check`.
    tries: list[str] = []
    search = ecma.search
    monkeypatch.setattr(ecma, "search", lambda pattern, text: tries.append(text) or search(pattern, text))
    messages_module.pattern_problem.cache_clear()
    long = f"PER-{'a' * 190}!!"
    assert messages_module.pattern_problem(long, PERSONA_ID) == (f"{long!r} does not have the expected form", None)
    assert tries == []
    # A short one is still tried, once: the same mistake written again is not tried again.
    expected = (
        "'PER-ann_lee' does not have the expected form: an underscore (character 8) does not belong",
        "write 'PER-ann-lee'",
    )
    assert messages_module.pattern_problem("PER-ann_lee", PERSONA_ID) == expected
    first = len(tries)
    assert 0 < first <= 2 * len("PER-ann_lee")
    assert messages_module.pattern_problem("PER-ann_lee", PERSONA_ID) == expected
    assert len(tries) == first
