"""Logging: a rotating log file in the user log folder holds the tracebacks of the
unexpected; users only ever see French sentences."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from . import paths

LOG_NAME = "eco-desktop.log"
_configured = False


def log_path() -> Path:
    return paths.user_log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send log records to the rotating file (1 MB × 5). Returns its path, or None if
    the folder cannot be written (logging then stays off rather than failing)."""
    global _configured
    path = log_path()
    if _configured:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
    return path
