"""specgen: product specs as code.

The library API; the ``specgen`` command is a thin layer over it::

    import specgen

    result = specgen.check("path/to/workspace")
    for diagnostic in result.diagnostics:
        print(diagnostic)

    built = specgen.build("path/to/workspace")
    assert built.success, built.diagnostics
"""

from specgen.check import CheckResult, check
from specgen.config import Settings
from specgen.diagnostics import RULES, Diagnostic, Severity
from specgen.limits import Limits
from specgen.site import BuildResult, build
from specgen.version import __version__

__all__ = [
    "RULES",
    "BuildResult",
    "CheckResult",
    "Diagnostic",
    "Limits",
    "Settings",
    "Severity",
    "__version__",
    "build",
    "check",
]
