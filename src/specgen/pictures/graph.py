"""The dependency graph: features as nodes, ``depends_on`` as edges, what blocks what, each release's critical path.

* A node's colour is its feature's status; each links to the feature's page.
* An open feature is **blocked** when one of its dependencies has not
  shipped (``wont_do`` never will), or sits in a release whose target date
  is later than the feature's own release's: the feature and that edge are
  highlighted, a late release more strongly.
* The **critical path** of a release that has not shipped is the longest
  chain of dependencies among its open features, measured in
  ``scoring.duration_weeks`` when every one of them states it and in
  features otherwise (a chain of one is no path and is not marked).
* Only features in a dependency (either side) are drawn. Past
  :data:`GRAPH_LIMIT` of them, shipped and won't-do features are left out
  too, with the open features that then have no dependency left: the
  caption says how many, and links to the features index for the rest.

Each feature page shows its own neighbourhood: what it needs on the left,
what needs it on the right (:func:`neighbourhood`).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup, escape

from specgen.kinds import natural_key
from specgen.model import Feature, Workspace
from specgen.pictures import svg
from specgen.pictures.common import OPEN_STATUSES, day, plural, status_class, words
from specgen.pictures.layout import layout

#: Features drawn past which the graph shows the open part of the network only.
GRAPH_LIMIT = 60
#: The most dependencies and features the roadmap's graph draws: past them it says so instead (each feature
#: page still draws its own neighbourhood). 400 features each needing the same 400 are 160,000 edges, which
#: took a minute and a 15 MB page to draw.
EDGE_LIMIT, NODE_LIMIT = 3_000, 2_000
#: Dependencies (or dependents) a feature page draws on each side; the rest are counted.
NEIGHBOURS = 8
#: Items a picture's text alternative names before it counts the rest.
NAMED = 25

NODE_W, NODE_H, COLUMN, ROW, MARGIN = 170, 22, 210, 30, 10
WIDE_COLUMNS = 6
Href = Callable[[str], str | None]


@dataclass(frozen=True)
class Network:
    """The dependency facts of a workspace that both pictures draw."""

    ws: Workspace

    @cached_property
    def edges(self) -> list[tuple[str, str]]:
        """(dependency, dependent) for every ``depends_on`` between two known features, in ID order."""
        features = self.ws.features
        found = {(d, f.id) for f in features.values() for d in f.depends_on if d in features and d != f.id}
        return sorted(found, key=lambda e: (natural_key(e[0]), natural_key(e[1])))

    @cached_property
    def blocking(self) -> dict[tuple[str, str], bool]:
        """The edges that block their dependent, each with whether the dependency's release is later."""
        found: dict[tuple[str, str], bool] = {}
        for d, fid in self.edges:
            f, dep = self.ws.features[fid], self.ws.features[d]
            if f.status not in OPEN_STATUSES:
                continue
            late = self._later(dep, f)
            if dep.status != "shipped" or late:
                found[(d, fid)] = late
        return found

    def _later(self, dep: Feature, f: Feature) -> bool:
        mine, theirs = (day(self._target(x)) for x in (f, dep))
        return mine is not None and theirs is not None and theirs > mine

    def _target(self, f: Feature) -> str | None:
        release = self.ws.releases.get(f.release or "")
        return release.target_date if release else None

    @cached_property
    def _open_in(self) -> dict[str, set[str]]:
        """The open features of each release not shipped nor cancelled, by release ID."""
        found: dict[str, set[str]] = {
            rid: set() for rid, r in self.ws.releases.items() if r.status not in ("shipped", "cancelled")
        }
        for fid, f in self.ws.features.items():
            if f.release in found and f.status in OPEN_STATUSES:
                found[f.release].add(fid)
        return found

    @cached_property
    def _edges_in(self) -> dict[str, list[tuple[str, str]]]:
        """The edges between two open features of one such release, by release ID, in ID order."""
        found: dict[str, list[tuple[str, str]]] = {}
        for d, fid in self.edges:
            rid = self.ws.features[fid].release
            if rid in self._open_in and {d, fid} <= self._open_in[rid]:
                found.setdefault(rid, []).append((d, fid))
        return found

    @cached_property
    def _paths(self) -> dict[str, list[str]]:
        """Critical paths worked out so far: a feature page needs its own release's only."""
        return {}

    def critical_of(self, rid: str | None) -> list[str]:
        """The critical path of release ``rid`` (a chain of two or more), or ``[]``."""
        if rid is None or rid not in self._open_in:
            return []
        if rid not in self._paths:
            path = _longest(self._open_in[rid], self._edges_in.get(rid, []), self.ws)
            self._paths[rid] = path if len(path) > 1 else []
        return self._paths[rid]

    @cached_property
    def critical(self) -> dict[str, list[str]]:
        """The critical path of each release not shipped nor cancelled, by release ID (chains of two or more)."""
        paths = {rid: self.critical_of(rid) for rid in sorted(self._open_in, key=natural_key)}
        return {rid: path for rid, path in paths.items() if path}

    def critical_release(self, fid: str) -> str | None:
        """The release whose critical path ``fid`` is on, or ``None``."""
        rid = self.ws.features[fid].release
        return rid if fid in self.critical_of(rid) else None

    def is_critical(self, pair: tuple[str, str]) -> bool:
        """Whether the edge ``pair`` (dependency, dependent) is a step of its release's critical path."""
        path = self.critical_of(self.ws.features[pair[1]].release)
        return any(step == pair for step in itertools.pairwise(path))

    @cached_property
    def blockers(self) -> dict[str, list[str]]:
        """The dependencies that block each blocked feature, in ID order."""
        found: dict[str, list[str]] = {}
        for d, fid in self.blocking:
            found.setdefault(fid, []).append(d)
        return found

    @cached_property
    def needs(self) -> dict[str, list[str]]:
        """Each feature's known dependencies, and (below) what depends on it, in ID order."""
        found: dict[str, list[str]] = {}
        for d, fid in self.edges:
            found.setdefault(fid, []).append(d)
        return found

    @cached_property
    def needed_by(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for d, fid in self.edges:
            found.setdefault(d, []).append(fid)
        return found


_networks: OrderedDict[int, tuple[Workspace, Network]] = OrderedDict()


def network_of(ws: Workspace) -> Network:
    """The facts of ``ws``, worked out once per workspace: a build draws them on every feature page."""
    found = _networks.get(id(ws))
    if found is not None and found[0] is ws:
        return found[1]
    made = _networks[id(ws)] = (ws, Network(ws))
    while len(_networks) > 2:  # the workspace and its customers' view, or the preview's last two
        _networks.popitem(last=False)
    return made[1]


def _longest(members: set[str], edges: list[tuple[str, str]], ws: Workspace) -> list[str]:
    """The heaviest chain through ``members``: weights in weeks when all are known, else one per feature."""
    import networkx as nx

    if len(members) < 2 or not edges:
        return []
    graph: nx.DiGraph[str] = nx.DiGraph()
    ordered: list[str] = sorted(members, key=natural_key)
    graph.add_nodes_from(ordered)
    graph.add_edges_from(edges)
    if not nx.is_directed_acyclic_graph(graph):
        return []  # a cycle is an error of its own (SG306); no chain is longest
    durations = {m: ws.features[m].scoring.duration_weeks for m in members}
    known = all(d is not None for d in durations.values())
    weight = {m: float(d or 0.0) if known else 1.0 for m, d in durations.items()}
    best: dict[str, tuple[float, str | None]] = {}
    for node in nx.lexicographical_topological_sort(graph, key=natural_key):
        score, via = 0.0, None
        for before in sorted(graph.predecessors(node), key=natural_key):
            if best[before][0] > score:  # strictly: a tie goes to the first in ID order
                score, via = best[before][0], before
        best[node] = (score + weight[node], via)
    end = max(sorted(best, key=natural_key), key=lambda n: best[n][0])
    path: list[str] = [end]
    while (via := best[path[-1]][1]) is not None:
        path.append(via)
    return path[::-1]


def _name(f: Feature) -> str:
    return f"{f.id} {svg.label(f.title)}"


def _node(picture: svg.Svg, f: Feature, x: float, y: float, extra: str, tooltip: str, href: Href | None) -> None:
    with picture.link(href(f.id) if href else None), picture.group(f"sg-node {status_class(f.status)}{extra}"):
        picture.tooltip(tooltip)
        picture.element("rect", "sg-box", x=x, y=y, width=NODE_W, height=NODE_H, rx=4)
        picture.text(x + 6, y + 15, _name(f), "sg-label", svg.fits(NODE_W - 12))


def _edge(picture: svg.Svg, start: tuple[float, float], end: tuple[float, float], cls: str) -> None:
    (x1, y1), (x2, y2) = start, end
    middle = (x1 + x2) / 2
    n = svg.num
    d = f"M{n(x1)} {n(y1)}C{n(middle)} {n(y1)} {n(middle)} {n(y2)} {n(x2)} {n(y2)}"
    picture.element("path", cls, d=d)


def _edge_class(network: Network, pair: tuple[str, str]) -> str:
    cls = "sg-edge"
    if pair in network.blocking:
        cls += " sg-blocking" + (" sg-late" if network.blocking[pair] else "")
    if network.is_critical(pair):
        cls += " sg-critical"
    return cls


def _node_facts(network: Network, f: Feature) -> tuple[str, str]:
    """The extra classes of a feature's node, and its tooltip."""
    extra, notes = "", [words(f.status)]
    blockers = network.blockers.get(f.id, [])
    if blockers:
        extra += " sg-blocked"
        notes.append("blocked by " + ", ".join(blockers))
    release = network.critical_release(f.id)
    if release:
        extra += " sg-critical"
        notes.append(f"on the critical path of {release}")
    return extra, f"{_name(f)}: {'; '.join(notes)}"


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown + (f" and {len(items) - NAMED:,} more" if len(items) > NAMED else "")


def dependency_graph(ws: Workspace, *, href: Href | None = None, index: str | None = None) -> Markup:
    """The roadmap's dependency graph as a figure, or empty markup when no feature depends on another.

    ``href`` gives the docs path each node links to; ``index``, that of the
    features index, which the caption links to when features are left out.
    """
    network = network_of(ws)
    edges = network.edges
    nodes = {n for e in edges for n in e}
    closed = isolated = 0
    if len(nodes) > GRAPH_LIMIT:
        kept = {n for n in nodes if ws.features[n].status in OPEN_STATUSES}
        closed = len(nodes) - len(kept)
        edges = [e for e in edges if e[0] in kept and e[1] in kept]
        nodes = {n for e in edges for n in e}
        isolated = len(kept) - len(nodes)
    if not nodes:
        return Markup("")
    if len(edges) > EDGE_LIMIT or len(nodes) > NODE_LIMIT:
        too_many = (
            f"The open dependency network has {plural(len(nodes), 'feature')} and "
            f"{plural(len(edges), 'dependency', 'dependencies')}, too many to draw in one picture; "
            "each feature's page draws what it needs and what needs it."
        )
        return svg.figure("graph", [], too_many)
    placed = layout(sorted(nodes), edges)

    def corner(fid: str) -> tuple[float, float]:
        return MARGIN + placed.column[fid] * COLUMN, MARGIN + placed.row[fid] * ROW

    width = 2 * MARGIN + (placed.columns - 1) * COLUMN + NODE_W
    height = 2 * MARGIN + (placed.rows - 1) * ROW + NODE_H
    blocked = sorted({fid for (_, fid) in network.blocking if fid in nodes}, key=natural_key)
    title = f"Dependency graph of {plural(len(nodes), 'feature')}"
    desc = [f"{plural(len(nodes), 'feature')} and {plural(len(edges), 'dependency', 'dependencies')} drawn."]
    if blocked:
        desc.append(f"Blocked: {_named(blocked)}.")
    for rid, path in network.critical.items():
        desc.append(f"Critical path of {rid}: {' then '.join(path)}.")
    picture = svg.Svg(width, height, svg.digest("graph", *sorted(nodes), *edges), title, " ".join(desc))
    for pair in sorted(edges, key=lambda e: (e in network.blocking, network.is_critical(e))):
        (ax, ay), (bx, by) = corner(pair[0]), corner(pair[1])
        _edge(picture, (ax + NODE_W, ay + NODE_H / 2), (bx, by + NODE_H / 2), _edge_class(network, pair))
    for fid in sorted(nodes, key=natural_key):
        extra, tooltip = _node_facts(network, ws.features[fid])
        _node(picture, ws.features[fid], *corner(fid), extra, tooltip, href)
    caption = _caption(closed, isolated, index)
    # Up to six columns shrink to the page; a wider graph scrolls at full size, where its labels stay readable.
    return svg.figure("graph", [picture], caption, wide=placed.columns > WIDE_COLUMNS)


def _caption(closed: int, isolated: int, index: str | None) -> Markup:
    text = escape(
        "Each feature's dependencies are to its left. Highlighted: blocked features and the dependencies that "
        "block them; in bold: the critical path of each release."
    )
    left = []
    if closed:
        left.append(f"{plural(closed, 'shipped or dropped feature')}")
    if isolated:
        left.append(f"{plural(isolated, 'open feature')} with no open dependency either way")
    if left:
        where = (
            Markup(' (all are on the <a class="sg-ref" href="{}">features index</a>)').format(index) if index else ""
        )
        text += Markup(" Not drawn: {}{}.").format(" and ".join(left), where)
    return Markup(text)


def neighbourhood(ws: Workspace, feature: Feature, *, href: Href | None = None) -> Markup:
    """What ``feature`` needs (left) and what needs it (right), as a small figure; empty when neither."""
    network = network_of(ws)
    needs = _first(network.needs.get(feature.id, []))
    needed = _first(network.needed_by.get(feature.id, []))
    if not needs[0] and not needed[0]:
        return Markup("")
    rows = max(len(needs[0]) + bool(needs[1]), len(needed[0]) + bool(needed[1]), 1)
    width, height = 2 * MARGIN + 2 * COLUMN + NODE_W, 2 * MARGIN + (rows - 1) * ROW + NODE_H
    middle = MARGIN + (rows - 1) * ROW / 2
    title = f"Dependencies of {feature.id}"
    desc = (
        f"{feature.id} needs {_named(needs[0]) or 'nothing'}"
        + (f" and {needs[1]:,} more" if needs[1] else "")
        + f"; needed by {_named(needed[0]) or 'nothing'}"
        + (f" and {needed[1]:,} more" if needed[1] else "")
        + "."
    )
    picture = svg.Svg(width, height, svg.digest("neighbourhood", feature.id, desc), title, desc)
    center = MARGIN + COLUMN
    for side, (ids, more) in ((0, needs), (2, needed)):
        top = middle - (len(ids) + bool(more) - 1) * ROW / 2
        for i, other in enumerate(ids):
            y = top + i * ROW
            pair = (other, feature.id) if side == 0 else (feature.id, other)
            x = MARGIN + side * COLUMN
            start, end = ((x + NODE_W, y), (center, middle)) if side == 0 else ((center + NODE_W, middle), (x, y))
            _edge(picture, (start[0], start[1] + NODE_H / 2), (end[0], end[1] + NODE_H / 2), _edge_class(network, pair))
            extra, tooltip = _node_facts(network, ws.features[other])
            _node(picture, ws.features[other], x, y, extra, tooltip, href)
        if more:
            picture.text(MARGIN + side * COLUMN + 6, top + len(ids) * ROW + 15, f"and {more:,} more", "sg-label")
    extra, tooltip = _node_facts(network, feature)
    _node(picture, feature, center, middle, extra + " sg-self", tooltip, None)
    return svg.figure("neighbourhood", [picture], "What this feature needs (left) and what needs it (right).")


def _first(ids: Iterable[str]) -> tuple[list[str], int]:
    ordered = sorted(dict.fromkeys(ids), key=natural_key)
    return ordered[:NEIGHBOURS], max(0, len(ordered) - NEIGHBOURS)
