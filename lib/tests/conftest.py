"""Make ``lib`` importable as a top-level package without importing the addon.

The repository root is the Odoo addon, whose ``__init__.py`` imports odoo; the
pure tests must never run it, so they import ``lib`` from the root's parent
directory entry instead.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
