"""A synthetic specgen workspace of any size, for measuring.

Deterministic (seeded): the same N gives the same bytes, so others can measure
on the same corpus. Every workspace it writes passes ``specgen check --strict``.
Each feature is about 10 KB of YAML with 5 requirements and 4 test cases, like a
real, detailed spec.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = [
    "plan",
    "release",
    "customer",
    "roadmap",
    "sprint",
    "backlog",
    "metric",
    "export",
    "import",
    "search",
    "filter",
    "team",
    "owner",
    "review",
    "approval",
    "budget",
    "forecast",
    "latency",
    "report",
    "invoice",
    "account",
    "billing",
    "onboarding",
    "timeline",
    "milestone",
    "dependency",
    "risk",
    "audit",
    "permission",
    "dashboard",
    "notification",
    "comment",
    "history",
    "version",
    "archive",
    "template",
    "workflow",
    "integration",
    "webhook",
    "calendar",
    "reminder",
    "priority",
    "estimate",
    "capacity",
    "velocity",
    "quality",
]
AUDIENCES = ("exec", "engineering", "sales_marketing", "support", "customer")
STATUSES = ("idea", "discovery", "planned", "in_progress", "beta", "shipped")
#: The words specgen 0.1 used where the corpus uses the new ones (specgen.vocabulary), for a --baseline run
#: against a revision from before the rename.
OLD_WORDS = {"shipped": "released", "kind": "type", "passed": "pass", "update_health": "green"}
NEW_WORDS = {"shipped": "shipped", "kind": "kind", "passed": "passed", "update_health": "on_track"}
FIB = (1, 2, 3, 5, 8, 13, 20)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _q(text: str) -> str:
    """A YAML scalar that is always a string (JSON quoting is valid YAML)."""
    return json.dumps(text)


def _feature(rng: random.Random, n: int, total: int, releases: int, words: dict[str, str]) -> str:
    fid = f"FEAT-{n}"
    status = STATUSES[n % len(STATUSES)]
    # Shipped work sits in the release that shipped (REL-0); the rest in planned releases, spread by number.
    release = 0 if status == "shipped" else 1 + (n * releases) // (total + 1)
    horizon = ("now", "next", "later")[min(2, max(0, release - 1) * 3 // releases)]
    deps = sorted({rng.randint(1, n - 1) for _ in range(rng.randint(0, 2))}) if n > 1 else []
    if status == "shipped":
        deps = []  # what shipped did not wait for work still planned (that would be SG308)
    lines = [
        f"id: {fid}",
        f"title: {_q(_sentence(rng, 5)[:-1])}",
        f"summary: {_q(_sentence(rng, 24))}",
        f"status: {words.get(status, status)}",
        f"owner: STK-{1 + n % 6}",
        f"visibility: {'external' if n % 3 else 'internal'}",
        f"horizon: {horizon}",
        f"release: REL-{release}",
        "problem: >-",
        *(f"  {_sentence(rng, 16)}" for _ in range(6)),
        f"why_now: {_q(_sentence(rng, 20))}",
        # What readers are told once it ships: from its own generator, so the rest of the corpus stays as it was.
        *([f"release_note: {_q(_sentence(random.Random(-n), 14))}"] if status in ("beta", "shipped") else []),
        f"personas: [PER-{1 + n % 5}, PER-{1 + (n + 2) % 5}]",
        f"objectives: [OBJ-{1 + n % 10}]",
        f"evidence: [EVD-{1 + n % 50}]",
        "goals:",
        *(f"  - {_q(_sentence(rng, 12))}" for _ in range(3)),
        "non_goals:",
        *(f"  - {_q(_sentence(rng, 10))}" for _ in range(2)),
        "benefits:",
        f"  - persona: PER-{1 + n % 5}",
        f"    benefit: {_q(_sentence(rng, 14))}",
    ]
    if deps:
        lines.append(f"depends_on: [{', '.join(f'FEAT-{d}' for d in deps)}]")
    lines += [
        "risks:",
        f"  - description: {_q(_sentence(rng, 14))}",
        f"    likelihood: {rng.randint(1, 5)}",
        f"    impact: {rng.randint(1, 5)}",
        f"    mitigation: {_q(_sentence(rng, 14))}",
        f"    owner: STK-{1 + n % 6}",
        "open_questions:",
        f"  - {_q(_sentence(rng, 12)[:-1] + '?')}",
        "scoring:",
        f"  cost_of_delay: {rng.randint(5, 200) * 100}",
        f"  duration_weeks: {rng.randint(1, 12)}",
        "  urgency: long_life_peak_affected",
        f"  wsjf: {{business_value: {rng.choice(FIB)}, time_criticality: {rng.choice(FIB)}, "
        f"risk_reduction: {rng.choice(FIB)}, job_size: {rng.choice(FIB)}}}",
        f"  rice: {{reach: {rng.randint(10, 5000)}, impact: {rng.choice((3, 2, 1, 0.5, 0.25))}, "
        f"confidence: {rng.choice((100, 80, 50))}, effort: {rng.randint(1, 12)}}}",
        f"  ice: {{impact: {rng.randint(1, 10)}, confidence: {rng.randint(1, 10)}, ease: {rng.randint(1, 10)}}}",
        "requirements:",
    ]
    for r in range(1, 6):
        lines += [
            f"  - id: R{r}",
            f"    statement: {_q(_sentence(rng, 18))}",
            f"    kind: {('functional', 'functional', 'nfr', 'functional', 'constraint')[r - 1]}",
            f"    priority: {('must', 'must', 'should', 'could', 'should')[r - 1]}",
            "    status: approved",
            "    acceptance_criteria:",
            f"      - given: {_q(_sentence(rng, 10))}",
            f"        when: {_q(_sentence(rng, 8))}",
            f"        then: {_q(_sentence(rng, 12))}",
            f"      - {_q(_sentence(rng, 16))}",
        ]
    lines.append("test_cases:")
    for t in range(1, 5):
        verifies = [f"R{t}"] if t < 4 else ["R4", "R5"]
        lines += [
            f"  - id: TC-{n}-{t}",
            f"    title: {_q(_sentence(rng, 8)[:-1])}",
            f"    verifies: [{', '.join(verifies)}]",
            "    preconditions:",
            f"      - {_q(_sentence(rng, 10))}",
            "    steps:",
            *(
                line
                for _ in range(3)
                for line in (f"      - action: {_q(_sentence(rng, 10))}", f"        expected: {_q(_sentence(rng, 12))}")
            ),
            f"    priority: {('high', 'medium', 'low')[t % 3]}",
            f"    {words['kind']}: functional",
            f"    automation: {'automated' if t % 2 else 'manual'}",
        ]
        if t % 2:
            lines += [
                f"    automation_ref: tests/test_feature_{n}.py::test_case_{t}",
                f"    last_result: {{status: {words['passed']}, date: 2026-11-20}}",
            ]
    return "\n".join(lines) + "\n"


MKDOCS = """site_name: Benchmark
theme:
  name: material
  font: false
plugins:
  - search
markdown_extensions:
  - tables
  - attr_list
  - admonition
  - toc
"""


def generate(out: Path, features: int, *, seed: int = 7, old_words: bool = False) -> None:
    """Write a complete workspace with ``features`` features into ``out``.

    ``old_words`` writes the spellings of specgen 0.1 (``released``, ``type``, ``pass``, ``green``) with the
    same content, for a revision from before :mod:`specgen.vocabulary`.
    """
    words = OLD_WORDS if old_words else NEW_WORDS
    rng = random.Random(seed)
    specs = out / "specs"
    releases = max(3, features // 100)

    def write(rel: str, text: str) -> None:
        path = specs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    (out / "mkdocs.yml").parent.mkdir(parents=True, exist_ok=True)
    (out / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write(
        "product.yaml",
        "name: Benchmark product\nowner: STK-1\ncurrency: EUR\nvision:\n"
        f"  problem: {_q(_sentence(rng, 20))}\n  for_whom: [PER-1, PER-2]\n  why_now: {_q(_sentence(rng, 16))}\n",
    )
    for i in range(1, 7):
        write(
            f"stakeholders/STK-{i}.yaml",
            f"id: STK-{i}\nname: Stakeholder {i}\nrole: Role {i}\naudience: {AUDIENCES[(i - 1) % 5]}\n",
        )
    for i in range(1, 6):
        write(
            f"personas/PER-{i}.yaml",
            f"id: PER-{i}\nname: Persona {i}\nsegment: {_q(_sentence(rng, 4))}\n"
            f"jobs_to_be_done: [{_q(_sentence(rng, 8))}]\npains: [{_q(_sentence(rng, 8))}]\n",
        )
    for i in range(1, 11):
        write(
            f"objectives/OBJ-{i}.yaml",
            f"id: OBJ-{i}\ntitle: {_q(_sentence(rng, 6))}\nperiod: 2027-H1\nowner: STK-1\nhealth: on_track\n"
            "key_results:\n  - {metric: Weekly active teams, unit: teams, baseline: 10, target: 100, "
            "current: 40, direction: up, due: 2027-06-30}\n",
        )
    for i in range(1, 51):
        write(
            f"evidence/EVD-{i}.yaml",
            f"id: EVD-{i}\nkind: interview\ndate: 2026-10-{1 + i % 28:02d}\nsource: Customer {i}\n"
            f"summary: {_q(_sentence(rng, 16))}\nquote: {_q(_sentence(rng, 12))}\nimportance: {1 + i % 3}\n",
        )
    write(
        "releases/REL-0.yaml",
        "id: REL-0\nname: '0.9'\nstatus: shipped\ntarget_date: 2026-06-15\ndate_confidence: high\n",
    )
    for i in range(1, releases + 1):
        month = 1 + (i - 1) % 12
        write(
            f"releases/REL-{i}.yaml",
            f"id: REL-{i}\nname: '{i}.0'\nstatus: planned\ntarget_date: {2027 + (i - 1) // 12}-{month:02d}-15\n"
            "date_confidence: medium\n",
        )
    for n in range(1, features + 1):
        write(f"features/FEAT-{n}.yaml", _feature(rng, n, features, releases, words))
    write(
        "updates/UPD-1.yaml",
        f"id: UPD-1\ndate: 2026-11-20\nauthor: STK-1\nhealth: {words['update_health']}\n"
        f"headline: {_q(_sentence(rng, 10))}\n"
        "visibility: external\n",
    )
