"""The second process of a big import's preparation (see parallel.SecondProcess).

``python -m eco_desktop.importer.worker``: loads the preparation's modules and the
gazetteer, then reads on stdin the name of a file holding the pickled arguments of
``prepare.prepare_rows`` and writes the pickled candidates to stdout. Exit code 0 when
done, or when stdin closes without a task (the file turned out small).
"""
from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path


def main() -> int:
    from ..geo import gazetteer
    from ..gcpause import gc_paused
    from .prepare import prepare_rows
    gazetteer()  # loaded while the first process reads the file
    task = sys.stdin.buffer.readline().strip()
    if not task:  # stdin closed without a task
        return 0
    with gc_paused():
        args = pickle.loads(Path(os.fsdecode(task)).read_bytes())
    candidates = prepare_rows(*args)
    with gc_paused():  # pickled whole first: the first process may not be reading yet
        data = pickle.dumps(candidates, pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
