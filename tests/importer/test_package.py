"""The importer package: core code without Qt."""
from __future__ import annotations


def test_no_qt_in_the_importer():
    import subprocess
    import sys
    code = ("import sys, eco_desktop.importer; "
            "sys.exit(any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
