"""Links that spec text makes, turned into the site's URLs while MkDocs builds.

Markdown in spec text reaches MkDocs as raw HTML (see :mod:`specgen.text.markdown`),
and MkDocs rewrites only the links of Markdown it parses itself. So the renderer
writes an ID reference (``<a class="sg-ref" href="FEAT-2.md#feat-2-r1">``) and
an image from the assets folder (``<img src="../static/chart.png">``) relative to
the page's Markdown file, as a Markdown link would be, and this plugin turns
each into the URL of that file from the page's URL, whatever
``use_directory_urls`` says. An ID link whose file is not in the build is left
as it is; an image whose file is not (an asset that does not exist) becomes its
alt text, rather than a broken image.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

_LINK = re.compile(r'(<a class="sg-ref" href=")([^"#]*)((?:#[^"]*)?")|(<img src=")([^":#?]+)("[^<>]*>)')
_ALT = re.compile(r' alt="([^"]*)"')


def rewrite(html: str, page: Any, files: Any) -> str:
    """``html`` with every docs-relative ID link and image path as the URL MkDocs gives the file."""
    if "sg-ref" not in html and "<img" not in html:
        return html
    base = posixpath.dirname(page.file.src_uri)

    def url(match: re.Match[str]) -> str:
        start, path, end = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
        if not path:  # the same page: only an anchor
            return match.group(0)
        target = files.get_file_from_path(posixpath.normpath(posixpath.join(base, path)))
        if target is None:
            if match.group(1):
                return match.group(0)
            alt = _ALT.search(end)
            return alt.group(1) if alt else ""  # already escaped, as attribute values are
        return f"{start}{target.url_relative_to(page.file)}{end}"

    return _LINK.sub(url, html)


def link_plugin() -> Any:
    """The MkDocs plugin that applies :func:`rewrite` to each page's HTML."""
    from mkdocs.plugins import BasePlugin

    class SpecLinks(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' base is generic, untyped
        def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
            return rewrite(html, page, files)

    return SpecLinks()
