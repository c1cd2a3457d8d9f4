"""The site stage: render the checked model into pages, build them with MkDocs, put the site in place.

One module a step, data flowing one way: :mod:`~specgen.site.pipeline` (the
build, start to end) -> :mod:`~specgen.site.pages` (render into a docs folder,
bounded by :mod:`~specgen.site.isolate`) -> :mod:`~specgen.site.mkdocs_run`
(MkDocs) -> :mod:`~specgen.site.swap` (the atomic swap). The live preview
(:mod:`~specgen.site.preview`, served by :mod:`~specgen.site.serve`) reuses
the same steps.
"""

from specgen.site.mkdocs_run import MkDocsRun, publish, run_mkdocs, stops_build
from specgen.site.pages import Rendered, render_checked, write_docs
from specgen.site.pipeline import BuildResult, build, unsafe_site_dir
from specgen.site.swap import SITE_MARKER

__all__ = [
    "SITE_MARKER",
    "BuildResult",
    "MkDocsRun",
    "Rendered",
    "build",
    "publish",
    "render_checked",
    "run_mkdocs",
    "stops_build",
    "unsafe_site_dir",
    "write_docs",
]
