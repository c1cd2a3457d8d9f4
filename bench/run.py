"""specgen's benchmark: check and build against their physical floors, in one run.

    python bench/run.py                               # sizes 100 and 1,000, 3 runs each
    python bench/run.py --sizes 100 1000 10000 --repeat 3 --out bench/RESULTS.md
    python bench/run.py generate DIR --features N     # only write a workspace
    python bench/run.py --baseline main --sizes 100   # the working tree against a revision, interleaved
    python bench/run.py --no-browser                  # without the search figures (no Chromium needed)

Every figure is the median wall time of ``--repeat`` runs of a fresh process
(interpreter start and imports included, as a user pays them), with the peak
resident memory of that process. Floors are measured on the same files in the
same run, so the ratios hold on a noisy machine even when the seconds do not:

* parse + validate floor: ruamel.yaml's safe loader with its C parser, plus
  one compiled jsonschema validator per kind, over every spec file;
* render + MkDocs floor: rendering the pages in memory, plus a bare
  ``mkdocs build`` of exactly those Markdown pages with a navigation of index
  pages only.

"Cold" runs pass ``--no-cache``; runs "after an edit" use the per-file cache
that an earlier run filled, as a person at a terminal does.

With ``--baseline REV`` the working tree is measured against revision REV in
the same run, on the same workspace, the runs of the two interleaved, and each
figure is printed for both with the ratio head/base (see ``baseline.py``).

The roadmap figures are the time to render the roadmap page (its tables,
timeline and dependency graph, the layout and networkx's import included) in
a process that has checked the workspace, and the size of its inline SVG.

The search figures (see ``search.py``) are the size of the built site's
``search/search_index.json`` and the time of the first query after a feature
page loads in Chromium, the browser's building of the index included;
``--no-browser`` leaves them out.

This is a script that prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import search  # noqa: E402  # a sibling script, found through the path set above
from corpus import generate  # noqa: E402  # a sibling script, found through the path set above

FLOOR_PARSE_VALIDATE = """
import sys
from pathlib import Path
from ruamel.yaml import YAML
from specgen.loader import kind_of
from specgen.schema import validators
specs = Path(sys.argv[1]) / "specs"
yaml = YAML(typ="safe")
checkers = validators()
for path in sorted(specs.rglob("*.yaml")):
    data = yaml.load(path.read_text(encoding="utf-8"))
    kind = kind_of(path.relative_to(specs))
    for _ in checkers[kind.name].iter_errors(data):
        pass
"""

RENDER_ONLY = """
import sys
from pathlib import Path
import specgen
from specgen.render import render_site
from specgen.site import write_docs
result = specgen.check(sys.argv[1])
pages, nav = render_site(result.workspace, None)
write_docs(pages, Path(sys.argv[2]))
Path(sys.argv[3]).write_text(__import__("json").dumps(nav))
"""

TIME_RENDER = """
import sys, time
import specgen
from specgen.render import render_site
result = specgen.check(sys.argv[1])
workspace = result.workspace
start = time.perf_counter()
render_site(workspace, None)
print(time.perf_counter() - start)
"""

PREVIEW = """
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from run import touch_one_feature
from specgen.check import resolve_settings
try:
    from specgen.site.preview import Preview
except ImportError:  # a revision from before the site stage became a package (a --baseline run)
    from specgen.preview import Preview
workspace, root, repeat = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
settings, _ = resolve_settings(workspace)
preview = Preview(settings, root)
assert preview.rebuild().result.success
quick, complete = [], []
for _ in range(repeat):
    touch_one_feature(workspace)
    start = time.perf_counter()
    assert preview.rebuild().pending
    quick.append(time.perf_counter() - start)
    start = time.perf_counter()
    assert preview.rebuild().result.success
    complete.append(time.perf_counter() - start)
print(json.dumps([statistics.median(quick), statistics.median(complete)]))
"""

ROADMAP = """
import json, re, sys, time
import specgen
from specgen.render import plan, render_pages
workspace = specgen.check(sys.argv[1]).workspace
pages = [p for p in plan(workspace) if p.path == "roadmap.md"]
start = time.perf_counter()
markdown = dict(render_pages(workspace, None, pages))["roadmap.md"]
seconds = time.perf_counter() - start
svgs = [len(s.encode()) for s in re.findall(r"<svg .*?</svg>", markdown, re.S)]
print(json.dumps({"seconds": seconds, "svg_bytes": sum(svgs), "svgs": len(svgs)}))
"""

BARE_MKDOCS = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], docs_dir=sys.argv[2], site_dir=sys.argv[3])
config.nav = json.loads(open(sys.argv[4]).read())
build(config)
"""


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak MiB, stdout) of one fresh process running ``command``."""
    child = [sys.executable, __file__, "_child", json.dumps(command)]
    proc = subprocess.run(child, capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed: {' '.join(command)}\n{proc.stdout}\n{proc.stderr}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report["seconds"], report["peak_mib"], report["stdout"]


def _child(command: list[str]) -> None:
    """Run one command and report its wall time and peak memory (this process has no other child)."""
    import time

    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0,):
        print(proc.stdout + proc.stderr, file=sys.stderr)
        raise SystemExit(proc.returncode)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "stdout": proc.stdout}))


def median_of(repeat: int, command: list[str], before: object = None) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(measured(command)[:2])
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def touch_one_feature(workspace: Path, mark: int | None = None) -> None:
    """An edit a PM makes: one feature's title changes.

    Without ``mark`` the title goes back and forth between two texts; with it,
    the title ends in ``edit MARK``, a new text for every new mark.
    """
    path = workspace / "specs/features/FEAT-1.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    plain = re.sub(r' (edited|edit [0-9]+)"$', '"', lines[1])
    if mark is not None:
        lines[1] = plain[:-1] + f' edit {mark}"'
    else:
        lines[1] = plain[:-1] + ' edited"' if plain == lines[1] else plain
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def pull_request(workspace: Path, repo: Path, changed: int) -> Path:
    """A git copy of ``workspace`` with a branch ``pr`` that changes ``changed`` features.

    Each changed feature gets a new title and a new cost of delay, as a
    planning pull request does: the diff re-ranks the backlog as well.
    """
    shutil.copytree(workspace, repo)
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **{
            f"GIT_{who}_{what}": value
            for who in ("AUTHOR", "COMMITTER")
            for what, value in (("NAME", "bench"), ("EMAIL", "bench@example.com"), ("DATE", "2026-11-20T12:00:00Z"))
        },
    }

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "pr")
    for n in range(1, changed + 1):
        path = repo / f"specs/features/FEAT-{n}.yaml"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^title: "(.*)"$', r'title: "\1 (revised)"', text, count=1, flags=re.M)
        text = re.sub(r"cost_of_delay: ([0-9]+)", lambda m: f"cost_of_delay: {int(m[1]) + 700}", text, count=1)
        path.write_text(text, encoding="utf-8")
    git("commit", "-q", "-am", "pr")
    return repo


def junit_results(workspace: Path, out: Path) -> Path:
    """A pytest-shaped JUnit file with a result for every automated test case, as CI writes one.

    Every automation_ref of the specs gets a testcase (one in ten failed, with
    a message), each named twice as a parametrised test, and as many results
    again match no test case, as a real suite's other tests do.
    """
    refs = sorted(
        set(re.findall(r"automation_ref: (\S+)", "".join(p.read_text("utf-8") for p in workspace.rglob("*.yaml"))))
    )
    cases = []
    for i, ref in enumerate(refs):
        module, _, name = ref.partition("::")
        classname = module.removesuffix(".py").replace("/", ".")
        for param in ("a", "b"):
            inner = '<failure message="assert 1 == 2">E assert 1 == 2</failure>' if i % 10 == 0 else ""
            cases.append(f'<testcase classname="{classname}" name="{name}[{param}]" time="0.01">{inner}</testcase>')
        cases.append(f'<testcase classname="tests.test_other_{i}" name="test_unrelated" time="0.01"/>')
    out.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
        f'tests="{len(cases)}" timestamp="2026-11-20T12:00:00">{"".join(cases)}</testsuite></testsuites>',
        encoding="utf-8",
    )
    return out


def bench_size(features: int, repeat: int, root: Path, *, browser: bool = True) -> dict[str, Any]:
    workspace = root / f"ws-{features}"
    generate(workspace, features)
    py = sys.executable
    site = root / f"site-{features}"
    results: dict[str, Any] = {}

    print(f"  {features:,} features: floors", file=sys.stderr)
    results["floor_parse_validate"] = median_of(repeat, [py, "-c", FLOOR_PARSE_VALIDATE, str(workspace)])
    docs, nav = root / f"docs-{features}", root / f"nav-{features}.json"
    subprocess.run([py, "-c", RENDER_ONLY, str(workspace), str(docs), str(nav)], check=True)
    render_seconds = statistics.median(
        float(measured([py, "-c", TIME_RENDER, str(workspace)])[2]) for _ in range(repeat)
    )
    bare = median_of(
        repeat, [py, "-c", BARE_MKDOCS, str(workspace / "mkdocs.yml"), str(docs), str(root / "bare"), str(nav)]
    )
    results["floor_render_mkdocs"] = (render_seconds + bare[0], bare[1])
    print(f"  {features:,} features: the roadmap page and its pictures", file=sys.stderr)
    runs = [json.loads(measured([py, "-c", ROADMAP, str(workspace)])[2]) for _ in range(repeat)]
    results["roadmap"] = {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "svg_bytes": runs[0]["svg_bytes"],
        "svgs": runs[0]["svgs"],
    }

    print(f"  {features:,} features: check", file=sys.stderr)
    specgen = [py, "-m", "specgen"]
    check = [*specgen, "check", "--strict", "-w", str(workspace)]
    results["check_cold"] = median_of(repeat, [*check, "--no-cache"])
    measured(check)  # fill the per-file cache once, as any earlier run would have
    results["check_edit"] = median_of(repeat, check, lambda: touch_one_feature(workspace))
    print(f"  {features:,} features: diff of two revisions", file=sys.stderr)
    repo = pull_request(workspace, root / f"repo-{features}", changed=10)
    results["check_cold_repo"] = median_of(repeat, [*specgen, "check", "-w", str(repo), "--no-cache"])
    results["diff_10"] = median_of(repeat, [*specgen, "diff", "main", "pr", "-w", str(repo), "--format", "json"])
    print(f"  {features:,} features: build", file=sys.stderr)
    build = [*specgen, "build", "-w", str(workspace), "--site-dir", str(site)]
    results["build_cold"] = median_of(repeat, [*build, "--no-cache"], lambda: shutil.rmtree(site, ignore_errors=True))
    results["rebuild_edit"] = median_of(repeat, build, lambda: touch_one_feature(workspace))
    junit = junit_results(workspace, root / f"junit-{features}.xml")
    results["build_results"] = median_of(
        repeat, [*build, "--no-cache", "--results", str(junit)], lambda: shutil.rmtree(site, ignore_errors=True)
    )
    if browser:
        print(f"  {features:,} features: first search query in Chromium", file=sys.stderr)
        results["search"] = search.measure(site, repeat=repeat)
    print(f"  {features:,} features: preview", file=sys.stderr)
    _, peak, out = measured([py, "-c", PREVIEW, str(workspace), str(root / "preview"), str(repeat), str(BENCH)])
    quick, complete = json.loads(out.strip().splitlines()[-1])
    results["preview_quick"], results["preview_complete"] = (quick, peak), (complete, peak)
    return results


ROWS = (
    ("check_cold", "specgen check, cold"),
    ("check_edit", "specgen check after editing one file"),
    ("floor_parse_validate", "floor: C-parser load + compiled validators"),
    ("diff_10", "specgen diff of two revisions, 10 features changed (JSON)"),
    ("check_cold_repo", "specgen check --no-cache of one of those revisions"),
    ("build_cold", "specgen build, cold"),
    ("rebuild_edit", "specgen build after editing one spec"),
    ("build_results", "specgen build, cold, with --results (JUnit: every automated test case, as many others)"),
    ("floor_render_mkdocs", "floor: render + bare mkdocs build (index nav)"),
    ("preview_quick", "specgen serve after editing one spec: its page rebuilt"),
    ("preview_complete", "specgen serve, then: every other page brought up to date"),
)


def search_rows(figures: list[dict[str, Any] | None]) -> list[str]:
    """Table rows (one cell per column) for the search index's size and the first query, if measured."""
    if not any(figures):
        return []
    size = [f"{f['bytes'] / 1e6:.2f} MB ({f['gzip_bytes'] / 1e6:.2f} MB gzipped)" if f else "" for f in figures]
    built = [
        f"{f['steps']['ready'] - f['steps']['setup']:.2f} s" if f and "ready" in f["steps"] else "" for f in figures
    ]
    first = [f"{f['first_query']:.2f} s ({f['word']!r})" if f else "" for f in figures]
    return [
        "| search index (search/search_index.json) | " + " | ".join(size) + " |",
        "| search: lunr index built in the browser's worker | " + " | ".join(built) + " |",
        "| search: first query, typed at the page's load event, until a result shows | " + " | ".join(first) + " |",
    ]


def roadmap_rows(figures: list[dict[str, Any] | None]) -> list[str]:
    """Rows for the roadmap page's render time (in a process that has checked the workspace) and its SVGs."""
    if not any(figures):
        return []
    rendered = [f"{f['seconds']:.2f} s" if f else "" for f in figures]
    size = [f"{f['svg_bytes'] / 1e3:.0f} KB in {f['svgs']} SVGs" if f else "" for f in figures]
    return [
        "| roadmap page rendered, pictures included (target: under 1 s) | " + " | ".join(rendered) + " |",
        "| roadmap page's inline SVG (target: under 500 KB) | " + " | ".join(size) + " |",
    ]


def table(all_results: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(all_results)
    head = "| Measure | " + " | ".join(f"{n:,} features" for n in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]
    for key, title in ROWS:
        cells = [f"{all_results[n][key][0]:.2f} s, {all_results[n][key][1]:.0f} MiB" for n in sizes]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += roadmap_rows([all_results[n].get("roadmap") for n in sizes])
    lines += search_rows([all_results[n].get("search") for n in sizes])
    ratios = (
        ("check cold / parse+validate floor", "check_cold", "floor_parse_validate"),
        ("check after one edit / check cold", "check_edit", "check_cold"),
        ("diff of 10 features / check --no-cache (target: at most 2.5x)", "diff_10", "check_cold_repo"),
        ("build cold / render+mkdocs floor", "build_cold", "floor_render_mkdocs"),
        ("build cold with --results / build cold", "build_results", "build_cold"),
    )
    for title, a, b in ratios:
        cells = [f"{all_results[n][a][0] / all_results[n][b][0]:.2f}x" for n in sizes]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    for small, large in itertools.pairwise(sizes):
        for key in ("check_cold", "build_cold"):
            growth = all_results[large][key][0] / all_results[small][key][0]
            lines.append(
                f"| {key} growth {small:,} to {large:,} ({large // small}x features) | {growth:.1f}x |"
                + " |" * (len(sizes) - 1)
            )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        _child(json.loads(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    gen = sub.add_parser("generate", help="only write a synthetic workspace")
    gen.add_argument("dir", type=Path)
    gen.add_argument("--features", type=int, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="leave out the search figures that need Chromium (index size and first query)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="measure the working tree against this git revision (from a temporary worktree), interleaved",
    )
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.dir, args.features)
        print(f"wrote a workspace with {args.features:,} features to {args.dir}")
        return
    if args.baseline:
        from baseline import compare  # a sibling script, found through the path set above

        report = compare(args.baseline, args.sizes, args.repeat, browser=not args.no_browser)
        print(report)
        if args.out:
            args.out.write_text(f"# Benchmark: {args.baseline} against the working tree\n\n{report}", encoding="utf-8")
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="specgen-bench-") as tmp:
        os.environ["SPECGEN_CACHE_DIR"] = str(Path(tmp) / "cache")  # never the user's cache
        os.environ.pop("CI", None)  # measure what a person at a terminal gets
        for n in args.sizes:
            results[n] = bench_size(n, args.repeat, Path(tmp), browser=not args.no_browser)
    report = f"Machine: {machine()}\n\nMedian of {args.repeat} runs each.\n\n{table(results)}\n"
    print(report)
    if args.out:
        args.out.write_text(f"# Benchmark results\n\n{report}", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
