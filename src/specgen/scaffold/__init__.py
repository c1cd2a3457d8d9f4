"""Scaffold: write new files, never over old ones.

* :mod:`~specgen.scaffold.init`: ``specgen init``, an example workspace with its CI;
* :mod:`~specgen.scaffold.new`: ``specgen new``, one spec with prompts (SG320) to fill in;
* :mod:`~specgen.scaffold.ids`: the next free ID, from the working tree and git history;
* :mod:`~specgen.scaffold.install`: how the running specgen was installed, for CI to install the same;
* :mod:`~specgen.scaffold.render` and :mod:`~specgen.scaffold.write`: templates in ``files/``, and safe writes.
"""

from __future__ import annotations

from specgen.scaffold.init import Outcome, init_workspace, workflows
from specgen.scaffold.install import Install, current_install
from specgen.scaffold.new import Created, Refused, new_spec

__all__ = ["Created", "Install", "Outcome", "Refused", "current_install", "init_workspace", "new_spec", "workflows"]
