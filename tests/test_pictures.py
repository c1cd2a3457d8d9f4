"""Pictures drawn at build time: goldens on the basic fixture, what they mark, hostile labels, scale, the site.

Workspaces are real files checked by specgen; the site tests build with the
real MkDocs. Goldens refresh with ``pytest tests/test_pictures.py --update-goldens``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

import specgen
from specgen.model import Workspace
from specgen.pictures import by_objective, dependency_graph, key_result_trends, neighbourhood, timeline
from specgen.pictures import layout as layouts
from specgen.pictures.common import month_ticks
from specgen.pictures.graph import GRAPH_LIMIT
from specgen.pictures.svg import CHAR_WIDTH, ELLIPSIS, TOOLTIP_LIMIT
from specgen.render import render_site
from specgen.site.sanitize import clean_html

from .conftest import FIXTURE_TODAY, REPO, compare_golden

TODAY = dt.date.fromisoformat(FIXTURE_TODAY)
GOLDEN = Path(__file__).parent / "golden" / "pictures"
SVG = "{http://www.w3.org/2000/svg}"


def checked(folder: Path) -> Workspace:
    result = specgen.check(folder)
    assert result.workspace is not None and not result.errors, [str(d) for d in result.errors]
    return result.workspace


def links(fid: str) -> str:
    return f"features/{fid}.md"


def feature(folder: Path, fid: str, *lines: str, title: str | None = None) -> None:
    """Write a small feature spec ``fid`` into the workspace, with extra YAML ``lines``."""
    text = "\n".join(
        [
            f"id: {fid}",
            f"title: {json.dumps(title or 'Feature ' + fid)}",
            "owner: STK-1",
            "problem: Something hurts.",
            "requirements:",
            "  - {id: R1, statement: It works., priority: could}",
            *lines,
        ]
    )
    (folder / f"specs/features/{fid}.yaml").write_text(text + "\n", encoding="utf-8")


def release(folder: Path, rid: str, *lines: str) -> None:
    (folder / f"specs/releases/{rid}.yaml").write_text(
        "\n".join([f"id: {rid}", f"name: {json.dumps('Release ' + rid)}", *lines]) + "\n", encoding="utf-8"
    )


def svg_of(markup: str) -> list[SafeET.Element]:
    """Each ``<svg>`` of a figure, parsed as XML: the pictures are well-formed."""
    html = re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), markup)  # Python-Markdown's entities, as a browser reads
    html = html.replace("&#39;", "'")
    return [
        SafeET.fromstring(s.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        for s in re.findall(r"<svg .*?</svg>", html, re.S)
    ]


def texts(tree: SafeET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in tree.iter(f"{SVG}text")]


def titles(tree: SafeET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in tree.iter(f"{SVG}title")]


def classes(tree: SafeET.Element, tag: str) -> list[str]:
    return [e.get("class", "") for e in tree.iter(f"{SVG}{tag}")]


# --- goldens ------------------------------------------------------------------


def test_pictures_of_the_basic_fixture_match_goldens(basic: Path, update_goldens: bool) -> None:
    ws = checked(basic)
    pictures = {
        "timeline.html": timeline(ws, TODAY, lanes=by_objective(ws), href=links),
        "graph.html": dependency_graph(ws, href=links, index="features/index.md"),
        "neighbourhood-FEAT-1.html": neighbourhood(ws, ws.features["FEAT-1"], href=links),
        "neighbourhood-FEAT-2.html": neighbourhood(ws, ws.features["FEAT-2"], href=links),
    }
    objective = basic / "specs/objectives/OBJ-1.yaml"
    objective.write_text(
        objective.read_text(encoding="utf-8").replace(
            "    current: 60\n",
            "    current: 60\n    measured_on: 2026-05-20\n    history:\n"
            "      - {date: 2026-01-10, value: 10}\n      - {date: 2026-03-01, value: 35}\n"
            "      - {date: 2026-05-20, value: 60}\n",
        ),
        encoding="utf-8",
    )
    pictures["trends-OBJ-1.html"] = key_result_trends(checked(basic).objectives["OBJ-1"])
    for name, markup in pictures.items():
        assert markup, name
        compare_golden(GOLDEN / name, markup + "\n", update_goldens)
    # The same picture again, from a fresh check: nothing depends on the run (ids, order, floats).
    again = checked(basic)
    assert str(key_result_trends(again.objectives["OBJ-1"])) == str(pictures["trends-OBJ-1.html"])
    shuffled = dataclasses.replace(again, features=dict(reversed(list(again.features.items()))))
    assert timeline(shuffled, TODAY, href=links) == pictures["timeline.html"]
    assert dependency_graph(shuffled, href=links, index="features/index.md") == pictures["graph.html"]


def test_pictures_are_raw_html_blocks_the_sanitizer_keeps(basic: Path) -> None:
    ws = checked(basic)
    for markup in (timeline(ws, TODAY, href=links), dependency_graph(ws, href=links)):
        lines = str(markup).splitlines()
        assert lines[0].startswith("<figure ") and lines[-1] == "</figure>"
        # Python-Markdown reads one raw block: no blank line, no indented line, nothing it rewrites inside.
        assert all(line.startswith("<") and line.strip() == line for line in lines), markup
        assert not re.search(r"[{}`~\t]| style=", str(markup))
        assert _elements(clean_html(str(markup))) == _elements(str(markup))


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((tag, *sorted(f"{k}={v}" for k, v in attrs)))

    def handle_data(self, data: str) -> None:
        self.events.append(("text", data))


def _elements(html: str) -> list[tuple[str, ...]]:
    parser = _Parsed()
    parser.feed(html)
    parser.close()
    return parser.events


# --- what the pictures mark ---------------------------------------------------


def test_timeline_marks_today_confidence_slips_shipped_and_overdue(basic: Path) -> None:
    release(basic, "REL-0", "status: shipped", "target_date: 2026-03-01", "date_confidence: high")
    release(basic, "REL-2", "status: planned", "target_date: 2026-05-01", "date_confidence: low")
    release(basic, "REL-3", "status: in_progress", "target_date: 2026-09-01")
    feature(basic, "FEAT-3", "status: shipped", "release: REL-0")
    ws = checked(basic)
    [tree] = svg_of(timeline(ws, TODAY, href=links))
    groups = {g.get("class"): g for g in tree.iter(f"{SVG}g") if "sg-release" in g.get("class", "")}
    assert list(groups) == [
        "sg-release sg-r-shipped",  # REL-0, muted by its class
        "sg-release sg-r-planned sg-overdue",  # REL-2: past its date, not shipped
        "sg-release sg-r-in-progress",  # REL-3
        "sg-release sg-r-planned",  # REL-1
    ]
    bands = [classes(g, "rect") for g in groups.values()]
    assert bands == [[], ["sg-band sg-band-low"], ["sg-band sg-band-unstated"], ["sg-band sg-band-medium"]]
    # REL-1 slipped from 2026-12-15 to 2027-01-15: a ghost at the baseline and a line to the target.
    rel1 = groups["sg-release sg-r-planned"]
    assert classes(rel1, "polygon") == ["sg-baseline", "sg-target"] and classes(rel1, "line") == ["sg-slip"]
    assert "4.4 weeks later than the baseline 2026-12-15" in titles(rel1)[0]
    assert [classes(g, "polygon") for g in list(groups.values())[:3]] == [["sg-target"]] * 3
    [today] = [line for line in tree.iter(f"{SVG}line") if line.get("class") == "sg-today"]
    assert "today 2026-06-01" in texts(tree)
    # Today lies between REL-2 (2026-05-01) and REL-3 (2026-09-01) on the axis.
    targets = [
        float(p.get("points", "").split(",")[0]) for g in groups.values() for p in g if "target" in str(p.get("class"))
    ]
    assert targets == sorted(targets) and targets[1] < float(today.get("x1", "")) < targets[2]


def test_timeline_lanes_by_objective_or_as_the_caller_maps_them(basic: Path) -> None:
    feature(basic, "FEAT-3", "status: planned", "release: REL-1", "objectives: [OBJ-1]")
    feature(basic, "FEAT-4", "status: planned", "release: REL-1")
    ws = checked(basic)
    shown = texts(svg_of(timeline(ws, TODAY))[0])
    start = shown.index("OBJ-1 Teams plan in Acme")
    assert shown[start : start + 5] == [
        "OBJ-1 Teams plan in Acme",
        "FEAT-1 Timeline view",
        "FEAT-3 Feature FEAT-3",
        "No objective",
        "FEAT-4 Feature FEAT-4",
    ]
    teams = {"FEAT-1": ["Zeta"], "FEAT-3": ["Alpha", "Zeta"]}
    by_team = texts(
        svg_of(timeline(ws, TODAY, lanes=lambda f: teams.get(f.id, []), fallback="No team", order=["Zeta"]))[0]
    )
    start = by_team.index("Zeta")
    assert by_team[start : start + 8] == [
        "Zeta",  # first: the order given
        "FEAT-1 Timeline view",
        "FEAT-3 Feature FEAT-3",
        "Alpha",
        "FEAT-3 Feature FEAT-3",  # in both of its lanes
        "No team",
        "FEAT-4 Feature FEAT-4",
        "Not in a release: 1 open feature",  # FEAT-2
    ]


def test_graph_marks_blocked_features_late_releases_and_each_critical_path(basic: Path) -> None:
    release(basic, "REL-2", "status: planned", "target_date: 2027-06-01")
    release(basic, "REL-0", "status: shipped", "target_date: 2026-01-01")
    # In REL-1: FEAT-3 (2 weeks) -> FEAT-4 (10 weeks) is heavier than FEAT-1 (4) -> FEAT-5 (3), FEAT-1 -> FEAT-6 (1).
    feature(basic, "FEAT-3", "status: in_progress", "release: REL-1", "scoring: {duration_weeks: 2}")
    feature(
        basic, "FEAT-4", "status: planned", "release: REL-1", "depends_on: [FEAT-3]", "scoring: {duration_weeks: 10}"
    )
    feature(
        basic, "FEAT-5", "status: planned", "release: REL-1", "depends_on: [FEAT-1]", "scoring: {duration_weeks: 3}"
    )
    feature(
        basic, "FEAT-6", "status: planned", "release: REL-1", "depends_on: [FEAT-1]", "scoring: {duration_weeks: 1}"
    )
    # FEAT-7 waits for FEAT-8, planned in a later release; FEAT-9 needs FEAT-10, which shipped: not blocked.
    feature(
        basic, "FEAT-7", "status: planned", "release: REL-1", "depends_on: [FEAT-8]", "scoring: {duration_weeks: 1}"
    )
    feature(basic, "FEAT-8", "status: planned", "release: REL-2")
    feature(basic, "FEAT-9", "status: planned", "release: REL-2", "depends_on: [FEAT-10]")
    feature(basic, "FEAT-10", "status: shipped", "release: REL-0")
    result = specgen.check(basic)
    assert result.workspace is not None
    ws = result.workspace
    [tree] = svg_of(dependency_graph(ws, href=links))
    node_of = {"".join(g.find(f"{SVG}title").itertext()).split(":")[0]: g.get("class") for g in tree.iter(f"{SVG}g")}  # type: ignore[union-attr]
    assert node_of["FEAT-2 Internal scoring dashboard"] == "sg-node sg-s-idea sg-blocked"
    assert node_of["FEAT-4 Feature FEAT-4"] == "sg-node sg-s-planned sg-blocked sg-critical"
    assert node_of["FEAT-3 Feature FEAT-3"] == "sg-node sg-s-in-progress sg-critical"
    assert node_of["FEAT-5 Feature FEAT-5"] == "sg-node sg-s-planned sg-blocked"
    assert node_of["FEAT-7 Feature FEAT-7"] == "sg-node sg-s-planned sg-blocked"
    assert node_of["FEAT-9 Feature FEAT-9"] == "sg-node sg-s-planned"
    assert node_of["FEAT-10 Feature FEAT-10"] == "sg-node sg-s-shipped"
    edges = sorted(classes(tree, "path"))
    assert edges.count("sg-edge sg-blocking sg-critical") == 1  # FEAT-3 -> FEAT-4
    assert edges.count("sg-edge sg-blocking sg-late") == 1  # FEAT-8 (REL-2) -> FEAT-7 (REL-1)
    assert edges.count("sg-edge") == 1  # FEAT-10 (shipped) -> FEAT-9
    desc = "".join(next(tree.iter(f"{SVG}desc")).itertext())
    assert "Critical path of REL-1: FEAT-3 then FEAT-4." in desc
    # One feature of the release without a duration: the path is the longest by count, FEAT-1 -> FEAT-5 -> FEAT-11.
    feature(basic, "FEAT-11", "status: planned", "release: REL-1", "depends_on: [FEAT-5]")
    ws = specgen.check(basic).workspace
    assert ws is not None
    desc = "".join(next(svg_of(dependency_graph(ws))[0].iter(f"{SVG}desc")).itertext())
    assert "Critical path of REL-1: FEAT-1 then FEAT-5 then FEAT-11." in desc


def test_feature_page_neighbourhood_shows_needs_left_and_needed_by_right(basic: Path) -> None:
    feature(basic, "FEAT-3", "status: idea", "depends_on: [FEAT-2]")
    ws = checked(basic)
    [tree] = svg_of(neighbourhood(ws, ws.features["FEAT-2"], href=links))
    boxes = {
        "".join(g.find(f"{SVG}text").itertext()): float(g.find(f"{SVG}rect").get("x", ""))  # type: ignore[union-attr]
        for g in tree.iter(f"{SVG}g")
    }
    assert boxes["FEAT-1 Timeline view"] < boxes["FEAT-2 Internal scorin" + ELLIPSIS] < boxes["FEAT-3 Feature FEAT-3"]
    hrefs = [a.get("href") for a in tree.iter(f"{SVG}a")]
    assert hrefs == ["features/FEAT-1.md", "features/FEAT-3.md"]  # the feature itself links nowhere
    assert neighbourhood(ws, ws.features["FEAT-1"], href=links)
    feature(basic, "FEAT-4", "status: idea")
    assert neighbourhood(checked(basic), checked(basic).features["FEAT-4"]) == ""


def test_trends_draw_history_against_target_and_nothing_without_history(basic: Path) -> None:
    ws = checked(basic)
    assert key_result_trends(ws.objectives["OBJ-1"]) == ""  # the fixture's key result has no history
    objective = basic / "specs/objectives/OBJ-1.yaml"
    objective.write_text(
        objective.read_text(encoding="utf-8").replace(
            "    current: 60\n",
            "    current: 60\n    measured_on: 2026-05-20\n    history:\n"
            "      - {date: 2026-05-20, value: 60}\n      - {date: 2026-02-01, value: 20}\n",
        ),
        encoding="utf-8",
    )
    [tree] = svg_of(key_result_trends(checked(basic).objectives["OBJ-1"]))
    [trend] = list(tree.iter(f"{SVG}polyline"))
    points = [tuple(map(float, p.split(","))) for p in trend.get("points", "").split()]
    assert len(points) == 2 and points[0][0] < points[1][0] and points[0][1] > points[1][1]  # oldest first, rising
    lines = {line.get("class"): float(line.get("y1", "")) for line in tree.iter(f"{SVG}line")}
    assert lines["sg-goal"] < points[1][1] < points[0][1] < lines["sg-base"]  # 110 above 60 above 20 above 10
    assert "target 110 teams" in texts(tree) and "baseline 10 teams" in texts(tree)
    assert titles(tree)[0].startswith("Weekly active teams over time: 20 teams on 2026-02-01 to 60 teams")


# --- hostile labels -----------------------------------------------------------

HOSTILE = '<script>alert(1)</script> {{ x }} ]]> \u2067gnp.exe\u2069 & "quoted" ' + "x" * 5000


def test_hostile_labels_stay_text_and_inside_the_picture(basic: Path) -> None:
    path = basic / "specs/features/FEAT-1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Timeline view", f"title: {json.dumps(HOSTILE)}"),
        encoding="utf-8",
    )
    objective = basic / "specs/objectives/OBJ-1.yaml"
    objective.write_text(
        objective.read_text(encoding="utf-8").replace("title: Teams plan in Acme", f"title: {json.dumps(HOSTILE)}"),
        encoding="utf-8",
    )
    ws = checked(basic)
    shown = "[U+2067]gnp.exe[U+2069]"
    for markup in (
        timeline(ws, TODAY, href=links),
        dependency_graph(ws, href=links),
        neighbourhood(ws, ws.features["FEAT-2"], href=links),
    ):
        raw = str(markup)
        assert "<script" not in raw and "{{" not in raw and "]]>" not in raw and "\u2067" not in raw
        [tree] = svg_of(raw)
        assert not list(tree.iter(f"{SVG}script"))
        width = float(tree.get("width", ""))
        for element in tree.iter(f"{SVG}text"):
            text = "".join(element.itertext())
            assert "x" * 100 not in text  # cut
            # Within the picture: a label starts inside and its estimated advance ends inside.
            start = float(element.get("x", ""))
            end = (
                start - len(text) * CHAR_WIDTH
                if "sg-end" in element.get("class", "")
                else start + len(text) * CHAR_WIDTH
            )
            assert min(start, end) >= 0 and max(start, end) <= width, text
        cut = [t for t in texts(tree) if "<script>" in t]
        assert cut and all(t.endswith(ELLIPSIS) for t in cut)
        # Tooltips hold the text as written, cut at 300 characters: the tables hold it whole.
        tips = [t for t in titles(tree) if "<script>alert(1)</script> {{ x }} ]]> " + shown in t]
        assert tips and all(len(t) <= TOOLTIP_LIMIT and t.endswith(ELLIPSIS) for t in tips)


# --- scale ----------------------------------------------------------------------


def _corpus(folder: Path, features: int) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import generate  # type: ignore[import-not-found]

    generate(folder, features)


def test_at_scale_the_timeline_collapses_and_the_graph_shows_open_work_only(tmp_path: Path) -> None:
    _corpus(tmp_path / "ws", 150)
    ws = specgen.check(tmp_path / "ws").workspace
    assert ws is not None
    [line] = svg_of(timeline(ws, TODAY, href=links))
    # 150 features in 4 releases: one row per release and lane with counts, not a row per feature.
    rows = texts(line)
    assert not any(re.match(r"FEAT-\d+ ", t) for t in rows)
    counted = [t for t in rows if re.search(r": \d+ (open|shipped)", t)]
    assert counted and sum(int(n) for t in counted for n in re.findall(r"(\d+) (?:open|shipped)", t)) == 150
    graph = dependency_graph(ws, href=links, index="features/index.md")
    [tree] = svg_of(graph)
    drawn = [g for g in tree.iter(f"{SVG}g") if "sg-node" in g.get("class", "")]
    assert len(drawn) > GRAPH_LIMIT and not [g for g in drawn if "sg-s-shipped" in g.get("class", "")]
    caption = re.search(r"Not drawn: (\d+) shipped or dropped features", str(graph))
    assert caption and int(caption[1]) > 0
    assert '<a class="sg-ref" href="features/index.md">features index</a>' in str(graph)


def test_layout_is_cached_by_digest_and_survives_cycles() -> None:
    first = layouts.layout(["FEAT-1", "FEAT-2", "FEAT-3"], [("FEAT-1", "FEAT-2"), ("FEAT-2", "FEAT-3")])
    again = layouts.layout(["FEAT-3", "FEAT-2", "FEAT-1"], [("FEAT-2", "FEAT-3"), ("FEAT-1", "FEAT-2")])
    assert again is first and first.column == {"FEAT-1": 0, "FEAT-2": 1, "FEAT-3": 2}
    cyclic = layouts.layout(["FEAT-1", "FEAT-2"], [("FEAT-1", "FEAT-2"), ("FEAT-2", "FEAT-1")])
    assert cyclic.dropped == {("FEAT-2", "FEAT-1")} and cyclic.column == {"FEAT-1": 0, "FEAT-2": 1}


def test_barycenter_ordering_untangles_crossings() -> None:
    # A1 feeds B2 and A2 feeds B1: in ID order the two edges cross; the sweeps put them side by side.
    placed = layouts.layout(["A-1", "A-2", "B-1", "B-2"], [("A-1", "B-2"), ("A-2", "B-1")])
    assert (placed.row["A-1"] < placed.row["A-2"]) == (placed.row["B-2"] < placed.row["B-1"])


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2026-05-20", "2026-09-10", ["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01"]),
        ("2026-01-15", "2027-12-31", ["2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01", "2027-04-01"]),
    ],
)
def test_month_ticks_stay_few_and_on_round_months(first: str, last: str, expected: list[str]) -> None:
    ticks = [t.isoformat() for t in month_ticks(dt.date.fromisoformat(first), dt.date.fromisoformat(last))]
    assert ticks[: len(expected)] == expected and len(ticks) <= 9


# --- on the site ----------------------------------------------------------------


def test_pages_carry_the_pictures_and_the_site_keeps_them_out_of_search(basic: Path) -> None:
    pages = render_site(checked(basic), None, today=TODAY)[0]
    roadmap = pages["roadmap.md"]
    assert roadmap.index('<figure class="sg-picture sg-timeline"') < roadmap.index("### REL-1: 1.0")
    assert '## Dependencies\n\n<figure class="sg-picture sg-graph"' in roadmap
    assert '<figure class="sg-picture sg-neighbourhood"' in pages["features/FEAT-2.md"]
    assert "sg-picture" not in pages["objectives.md"]  # no history, no trend
    result = specgen.build(basic, strict=True)
    assert result.success, [str(d) for d in result.diagnostics]
    html = (basic / "site/roadmap/index.html").read_text(encoding="utf-8")
    assert html.count('<svg class="sg-svg"') == 2
    assert '<a class="sg-ref" href="../features/FEAT-2/">' in html  # the link plugin made it the page's URL
    index = (basic / "site/search/search_index.json").read_text(encoding="utf-8")
    for noise in ("today 2026", "needs (left)", "sg-", "Timeline of"):
        assert noise not in index, noise


@pytest.mark.parametrize("target", ["9999-12-31", "0001-01-01"])
def test_dates_at_the_ends_of_the_calendar_still_draw(basic: Path, target: str) -> None:
    # Valid dates a spec may hold; the margins and bands a picture adds around them once overflowed.
    release = basic / "specs/releases/REL-1.yaml"
    release.write_text(release.read_text().replace("target_date: 2027-01-15", f"target_date: {target}"))
    objective = basic / "specs/objectives/OBJ-1.yaml"
    objective.write_text(
        objective.read_text()
        + "    measured_on: 9999-12-31\n    history:\n      - {date: 0001-01-01, value: 10}\n"
        + "      - {date: 9999-12-31, value: 60}\n"
    )
    ws = checked(basic)
    assert timeline(ws, TODAY) and key_result_trends(ws.objectives["OBJ-1"])
    pages = render_site(ws, None, today=TODAY)[0]
    assert "<svg" in pages["roadmap.md"] and "<svg" in pages["objectives.md"]


def test_a_title_of_900_000_characters_is_cut_in_every_tooltip(basic: Path) -> None:
    path = basic / "specs/features/FEAT-2.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: " + "A" * 900_000, text, count=1, flags=re.M), encoding="utf-8")
    pages = render_site(checked(basic), None, today=TODAY)[0]
    for page in ("roadmap.md", "features/FEAT-1.md"):
        titles = re.findall(r"<title[^>]*>([^<]*)</title>", pages[page])
        assert titles and max(len(t) for t in titles) <= TOOLTIP_LIMIT, page


def test_a_network_too_dense_to_draw_says_so_instead(basic: Path) -> None:
    from specgen.pictures.graph import EDGE_LIMIT

    needed = [f"FEAT-{100 + i}" for i in range(40)]
    for fid in needed:
        feature(basic, fid, "status: planned")
    for i in range(EDGE_LIMIT // len(needed) + 1):
        feature(basic, f"FEAT-{200 + i}", "status: planned", f"depends_on: [{', '.join(needed)}]")
    figure = str(dependency_graph(checked(basic)))
    assert "too many to draw in one picture" in figure and "<svg" not in figure
