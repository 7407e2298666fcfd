"""Running the real ``eco-desktop`` command in a subprocess, isolated from the user's
folders, and the catalogue with contacts it runs on: shared by the CLI test modules."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from eco_desktop.catalogue import Catalogue

GENSIGHT, ART_TG = 17, 27


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI run whose user folders all live under ``home``."""
    env = {k: v for k, v in os.environ.items() if k != "ECO_DESKTOP_DB" and not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"),
               QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def run_cli(args, *, home: Path, cwd: Path | None = None, env: dict | None = None,
            expect: int | None = 0) -> subprocess.CompletedProcess:
    """``python -m eco_desktop ARGS``; with ``expect`` set, checks the exit code, that no
    traceback leaked, and that an error says something."""
    proc = subprocess.run([sys.executable, "-m", "eco_desktop", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", env=env or cli_env(home), cwd=cwd or home, timeout=120)
    if expect is not None:
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == expect, (args, proc.returncode, proc.stdout, proc.stderr)
        if expect:
            assert proc.stderr.strip(), "an error needs a message"
    return proc


def catalogue_with_contacts(catalogue_path: Path, path: Path, **alice: str) -> Path:
    """A copy of the bundled catalogue at ``path`` with three contacts: Alice at GenSight,
    usable (``alice`` adds to her fields), Bruno at GenSight without a legal basis, and
    Chloé at ART-TG, who opted out."""
    shutil.copyfile(catalogue_path, path)
    with Catalogue.open(path) as cat:
        cat.add_contact(GENSIGHT, {"civility": "Mme", "first_name": "Alice", "last_name": "Martin",
                                   "email": "alice@gensight.example", "legal_basis": "legitimate_interest",
                                   **alice})
        cat.add_contact(GENSIGHT, {"first_name": "Bruno", "last_name": "Petit", "email": "bruno@gensight.example"})
        cat.add_contact(ART_TG, {"first_name": "Chloé", "last_name": "Durand", "email": "chloe@art-tg.example",
                                 "legal_basis": "consent", "opt_out": True})
    return path
