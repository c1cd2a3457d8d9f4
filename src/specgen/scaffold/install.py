"""How the running specgen was installed, as the requirement a workflow or pre-commit installs it by.

A workspace's CI must run the specgen its author ran, so ``specgen init``
writes the install that PEP 610 recorded for this one (``direct_url.json``):

* from a VCS URL (``pip install git+https://...``): that URL, pinned to the
  recorded commit;
* from a local git clone (``pip install -e .``, as the README says): the
  clone's ``origin`` URL, pinned to the checked-out commit when a
  remote-tracking branch holds it (so CI can fetch it), read offline;
* anything else: ``specgen==<version>`` from PyPI, with a warning for the
  user to read, since the name on PyPI may not be this project.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from specgen.diff.git import GitError, run_git
from specgen.version import __version__

DISTRIBUTION = "specgen"

_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
#: A URL that can stand in a requirement, a shell word and a YAML scalar without surprises: no spaces,
#: quotes, ``#`` (a YAML comment, a URL fragment), ``@`` beyond the user's (it separates the commit) or controls.
_URL = re.compile(r"[A-Za-z0-9._~:/%+-]+")
#: Schemes a CI runner can fetch from; ``file:`` names a folder on the author's machine.
_REMOTE = frozenset({"https", "http", "ssh"})


@dataclass(frozen=True)
class Install:
    """Where specgen comes from: a PEP 508 requirement, and what it was made from."""

    requirement: str
    #: ``"vcs"`` (a recorded URL and commit), ``"clone"`` (a local clone's origin and commit) or ``"version"``.
    source: str
    #: What the user should check before committing the CI files; ``None`` when the install is pinned.
    warning: str | None = None

    @property
    def pip_command(self) -> str:
        """The shell command that installs it, e.g. ``pip install 'specgen @ git+https://...@abc'``."""
        return f"pip install {shlex.quote(self.requirement)}"


def current_install() -> Install:
    """The install of the running specgen (see the module's docstring)."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        recorded = None
    return from_direct_url(recorded, __version__)


def from_direct_url(text: str | None, version: str) -> Install:
    """The install that a ``direct_url.json`` (PEP 610) records, or this ``version`` on PyPI.

    The file is the installer's, but it is read as data all the same: a URL
    that is not plainly remote, carries a password or holds a character that
    would need quoting is not written into a workspace's CI.
    """
    fallback = Install(
        f"{DISTRIBUTION}=={version}",
        "version",
        f"this specgen was not installed from a git URL, so CI installs {DISTRIBUTION}=={version} from PyPI, "
        "where the name specgen belonged to another project when this release was made: change the install "
        "line of the workflows and .pre-commit-config.yaml to where you get specgen "
        "(e.g. pip install git+https://github.com/OWNER/specgen@COMMIT)",
    )
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return fallback
    if not isinstance(data, dict):
        return fallback
    vcs_info, url = data.get("vcs_info"), data.get("url")
    if isinstance(data.get("dir_info"), dict) and isinstance(url, str) and url.startswith("file://"):
        return _from_clone(Path(unquote(urlsplit(url).path))) or fallback
    if not isinstance(vcs_info, dict):
        return fallback
    vcs, commit = vcs_info.get("vcs"), vcs_info.get("commit_id")
    if not (isinstance(vcs, str) and vcs.isalpha() and isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        return fallback
    remote = _remote(url)
    if remote is None:
        return fallback
    return Install(f"{DISTRIBUTION} @ {vcs}+{remote}@{commit}", "vcs")


def _from_clone(folder: Path) -> Install | None:
    """The install from the git clone at ``folder``: its ``origin``, at a commit CI can fetch; ``None`` if none."""

    def git(*args: str) -> str | None:
        try:
            proc = run_git(folder, args)
        except GitError:
            return None
        return proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else None

    if not folder.is_dir():
        return None
    remote = _remote(git("remote", "get-url", "origin"))
    head = git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if remote is None or head is None or not _COMMIT.fullmatch(head):
        return None
    # Only a commit that origin has can be installed by CI: one a remote-tracking branch holds (as last fetched).
    if not git("for-each-ref", "--count=1", "--contains", head, "--format=%(refname)", "refs/remotes/origin/"):
        return None
    return Install(f"{DISTRIBUTION} @ git+{remote}@{head}", "clone")


def _remote(url: object) -> str | None:
    """``url`` without credentials when CI can fetch it, else ``None``."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # a malformed host or port
        return None
    if parts.scheme not in _REMOTE or not host or parts.query or parts.fragment:
        return None
    # PEP 610 asks installers to strip credentials, but for ssh's conventional "git" user; keep no other.
    user = "git@" if parts.username == "git" and parts.password is None else ""
    netloc = f"{user}{host}" + (f":{port}" if port else "")
    cleaned = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return cleaned if _URL.fullmatch(cleaned.replace("git@", "", 1)) else None
