"""Limits: what one spec file may cost to read, and what rendering and building the site may cost.

They keep a hostile or broken file (a huge file, an alias bomb, deep nesting,
a template that loops or grows a value without end) from exhausting memory or
time. Documented in the README; set in ``specgen.yaml`` under ``limits:``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds on what one spec file may cost to read, and on rendering the templates.

    They keep a hostile or broken file (a huge file, an alias bomb, deep
    nesting, a runaway template) from exhausting memory or time.
    """

    max_file_bytes: int = 1_000_000
    #: Bytes one test-results file (JUnit XML, ``--results``) may have; checked before it is parsed.
    #: CI writes a few MB for tens of thousands of tests; a bigger file is more likely a mistake or an attack.
    max_results_bytes: int = 50_000_000
    #: Bytes all the results files of one run may have together; files past it are not read (SG410).
    max_results_total_bytes: int = 200_000_000
    #: Results files one run reads at most (a glob over a big tree), for the same reason.
    max_results_files: int = 10_000
    max_depth: int = 32
    max_nodes: int = 100_000
    # Rendering runs in a child process (specgen.site.isolate) bounded by these.
    # 10,000 features render in about 30 s, the largest page in a few
    # seconds, in some hundreds of MiB: the defaults leave ample headroom.
    #: Wall-clock seconds one page may take to render.
    render_seconds_per_page: int = 60
    #: Wall-clock seconds all pages of one build may take to render.
    render_seconds_total: int = 600
    #: MiB of memory rendering may use beyond the model it renders.
    render_memory_mb: int = 2048
    #: MiB of Markdown all pages of one build may add up to (10,000 features write about 150).
    render_output_mb: int = 2048
    # MkDocs converts the rendered Markdown in a child process bounded by these
    # (one page by render_seconds_per_page): Python-Markdown is quadratic on
    # some input. 10,000 features build in about 300 s, peaking near 1.2 GiB.
    #: Wall-clock seconds MkDocs may take to build the whole site.
    build_seconds_total: int = 1800
    #: MiB of memory the MkDocs build may use beyond what specgen holds when it starts.
    build_memory_mb: int = 4096

    def check_shape(self, data: object) -> str | None:
        """A problem message when ``data`` is nested too deep or too large."""
        nodes = 0
        stack: list[tuple[object, int]] = [(data, 1)]
        while stack:
            value, depth = stack.pop()
            nodes += 1
            if nodes > self.max_nodes:
                return (
                    f"the document expands to more than {self.max_nodes:,} values "
                    "(aliases included); use fewer aliases, or split the spec"
                )
            if depth > self.max_depth:
                return f"the document is nested more than {self.max_depth} levels deep; nest it less deeply"
            if isinstance(value, dict):
                stack.extend((v, depth + 1) for v in value.values())
            elif isinstance(value, list):
                stack.extend((v, depth + 1) for v in value)
        return None
