"""The second process of a big import's preparation (see prepare._prepare_in_two_processes).

``python -m eco_desktop.importer.worker TASK RESULT``: TASK holds the pickled arguments of
``prepare._prepare_rows``; the candidates are pickled into RESULT. Exit code 0 when done.
"""
from __future__ import annotations

import pickle
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    task, result = Path(argv[0]), Path(argv[1])
    from ._gc import gc_paused
    from .prepare import _prepare_rows
    with gc_paused():
        args = pickle.loads(task.read_bytes())
    candidates = _prepare_rows(*args)
    with gc_paused():
        result.write_bytes(pickle.dumps(candidates, pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
