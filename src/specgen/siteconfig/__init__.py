"""What MkDocs is given: read ``mkdocs.yml`` like a spec, keep what is safe, generate the configuration.

MkDocs reads its own configuration with PyYAML's full loader, where a tag runs
Python, ``!ENV`` reads the environment and ``INHERIT`` reads any file, and
several keys (``hooks``, ``theme.custom_dir``, plugins, Markdown-extension
options) run code of the workspace. ``mkdocs.yml`` arrives in pull requests,
so specgen reads it with the safe loader that reads specs (any tag is an
error), takes only an allowlist of keys whose values it validates, and hands
MkDocs a configuration it generated: MkDocs never parses the workspace's file.

Teams that review ``mkdocs.yml`` like code can opt in to MkDocs reading it
as it is, with ``--trust-mkdocs-config`` or ``SPECGEN_TRUST_MKDOCS_CONFIG=1``;
never from a file in the workspace.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.error import YAMLError

from specgen.config import Settings
from specgen.diagnostics import Diagnostic
from specgen.loader import parse, shown_path
from specgen.locate import locate_all
from specgen.reading import read_text
from specgen.siteconfig.allowed import Checker, plain_text, url
from specgen.siteconfig.assets import Asset, collect_assets
from specgen.siteconfig.defaults import STYLESHEET, default_options, write_stylesheet
from specgen.yamlio import make_yaml, needs_pure

#: The environment variable that lets MkDocs read ``mkdocs.yml`` as it is.
TRUST_ENV = "SPECGEN_TRUST_MKDOCS_CONFIG"


def trusted_by_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment grants trust to ``mkdocs.yml`` (``1``, ``true`` or ``yes``)."""
    return environ.get(TRUST_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class SiteConfig:
    """What MkDocs is given: the generated options, and the assets to copy into the docs folder."""

    #: Options for ``mkdocs.config.load_config``; ``None`` when ``mkdocs.yml`` is trusted and read by MkDocs.
    options: dict[str, Any] | None
    assets: list[Asset] = field(default_factory=list)


def site_config(settings: Settings) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """The checked site configuration of a workspace, or ``None`` with the reasons it cannot be used.

    Without ``mkdocs.yml`` (and no link by that name), the workspace gets
    specgen's default configuration, named after the product (see
    :func:`~specgen.siteconfig.defaults.default_options`): no problem at all.
    """
    assets, problems = collect_assets(settings.assets_dir, settings.workspace)
    config = settings.mkdocs_config
    missing = not config.exists() and not config.is_symlink()
    if missing:
        return (None if problems else SiteConfig(default_options(settings), assets)), problems
    if settings.trust_mkdocs_config:
        return (None if problems else SiteConfig(None, assets)), problems
    options, config_problems = _read_options(settings, assets)
    problems += config_problems
    if options is None or problems:
        return None, problems
    return SiteConfig(options, assets), []


def check_site_config(settings: Settings) -> list[Diagnostic]:
    """The problems of a workspace's ``mkdocs.yml`` and assets, for ``specgen check``."""
    return site_config(settings)[1]


def _read_options(settings: Settings, assets: list[Asset]) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    shown = shown_path(settings.mkdocs_config, settings.workspace)
    limits = settings.limits
    text, problems = read_text(settings.mkdocs_config, shown, settings.workspace.resolve(), limits)
    if text is None:
        return None, problems
    tags = _tags(text, shown)
    if tags:
        return None, tags
    data, problems = parse(text, shown, make_yaml(), limits)
    if data is None:
        return None, problems
    checker = Checker(shown, settings, assets)
    options = checker.config(data)
    return options, locate_all(checker.problems, {shown: text})


def _tags(text: str, shown: str) -> list[Diagnostic]:
    """Every explicit YAML tag of the text, as an error at the tag.

    Tags are how PyYAML runs code (``!!python/object/apply``) and reads the
    environment (``!ENV``); a site configuration needs none. A text that is
    not YAML is left to :func:`specgen.loader.parse` to report.
    """
    problems = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for event in make_yaml(pure=needs_pure(text)).parse(text):
                tag = getattr(event, "tag", None)
                if tag is None:
                    continue
                mark = event.start_mark
                problems.append(
                    Diagnostic.of(
                        "SG403",
                        shown,
                        f"the YAML tag {_short_tag(tag)!r} is not allowed in the MkDocs configuration",
                        hint="tags such as !ENV and !!python/... read the environment or run code; write plain values",
                        line=mark.line + 1,
                        column=mark.column + 1,
                    )
                )
    except (YAMLError, RecursionError):
        return problems  # parse() says what is wrong with the text
    return problems


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


__all__ = [
    "STYLESHEET",
    "TRUST_ENV",
    "SiteConfig",
    "check_site_config",
    "plain_text",
    "site_config",
    "trusted_by_environment",
    "url",
    "write_stylesheet",
]
