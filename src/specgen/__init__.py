"""specgen: product specs as code.

The library API; the ``specgen`` command is a thin layer over it::

    import specgen

    result = specgen.check("path/to/workspace")
    for diagnostic in result.diagnostics:
        print(diagnostic)
"""

from specgen.check import CheckResult, check
from specgen.config import Limits, Settings
from specgen.diagnostics import RULES, Diagnostic, Severity

__all__ = ["RULES", "CheckResult", "Diagnostic", "Limits", "Settings", "Severity", "check"]
__version__ = "0.1.0"
