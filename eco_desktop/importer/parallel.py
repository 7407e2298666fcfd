"""A second Python process for a big import's preparation, when a core is idle for it.

prepare.py gives it the last rows of a big file to prepare while this process prepares
the first; worker.py is what runs in it.
"""
from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..gcpause import gc_paused

log = logging.getLogger(__name__)

# A file this big gets its second process before it is read: Python and the preparation's
# modules take ~0.5 s to start. ECO_DESKTOP_ONE_PROCESS=1 turns it off.
PARALLEL_BYTES = 2_000_000


def _idle_core() -> bool:
    """Whether a second process would find a core to itself: about two cores idle while
    this process waits 50 ms (Linux, /proc/stat), else by the load average — which our
    own import of a moment ago would still weigh on."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    idle = _idle_cores(0.05)
    if idle is not None:
        return idle >= 1.5
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every system
        return True
    return load < cores - 0.5


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all cores since boot, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if len(fields) < 5 or fields[0] != b"cpu":
        return None
    ticks = [int(f) for f in fields[1:9]]       # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


def _idle_cores(interval: float) -> float | None:
    """How many cores were idle over ``interval`` seconds; None when it cannot be told."""
    before = _cpu_times()
    if before is None:
        return None
    time.sleep(interval)
    after = _cpu_times()
    if after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


class SecondProcess:
    """A second Python process preparing the last rows of a big file while this one
    prepares the first: ``python -m eco_desktop.importer.worker``, a plain process (not
    multiprocessing, which would import the caller's main module again). It is told on
    its stdin where its pickled task is; the candidates come back pickled on its stdout.
    Started early, it loads its modules while this process reads the file."""

    def __init__(self, child: subprocess.Popen, errors) -> None:
        self._child = child
        self._errors = errors   # its stderr, a temporary file (a pipe could fill up)
        self._sent = False
        self._task: Path | None = None

    @classmethod
    def start_for(cls, path: Path) -> SecondProcess | None:
        """The process for a file about to be read, when it is big enough to need one."""
        try:
            big = path.stat().st_size >= PARALLEL_BYTES
        except OSError:  # reading the file will say what is wrong
            big = False
        return cls.start() if big else None

    @classmethod
    def start(cls) -> SecondProcess | None:
        """The process, or None when a second core is busy, turned off, or it cannot start."""
        if os.environ.get("ECO_DESKTOP_ONE_PROCESS") or not _idle_core():
            return None
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        errors = tempfile.TemporaryFile()
        try:
            child = subprocess.Popen([sys.executable, "-m", "eco_desktop.importer.worker"],
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=errors)
        except OSError as exc:
            errors.close()
            log.warning("import preparation in one process only (%s)", exc)
            return None
        return cls(child, errors)

    def send(self, task: tuple) -> bool:
        """Give the process its task: pickled into a temporary file whose name goes to its
        stdin (a pipe would take 10 MB piece by piece, each piece waiting for this busy
        process's GIL). False when it cannot be given."""
        try:
            with tempfile.NamedTemporaryFile(prefix="eco-import-", suffix=".pickle",
                                             delete=False) as handle:
                self._task = Path(handle.name)
                pickle.dump(task, handle, pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("import preparation in one process only (%s)", exc)
            return False
        self._sent = True
        try:
            self._child.stdin.write(os.fsencode(self._task) + b"\n")
            self._child.stdin.close()
        except OSError:  # it has already ended: result() says how
            pass
        return True

    def result(self) -> list | None:
        """The candidates it made (waits for it), or None when it failed."""
        out = self._child.stdout.read()
        self._child.wait()
        if self._child.returncode != 0:
            self._errors.seek(0)
            log.warning("second import process failed (%s): %s", self._child.returncode,
                        self._errors.read().decode("utf-8", "replace")[-2000:])
            return None
        try:
            with gc_paused():
                return pickle.loads(out)
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            log.warning("second import process gave no result (%s)", exc)
            return None

    def close(self) -> None:
        """Ends it: given no task, it exits by itself once its stdin is closed; one still
        at work is stopped."""
        child = self._child
        if self._sent and child.poll() is None:
            child.kill()
            child.wait()
        if self._task is not None:
            self._task.unlink(missing_ok=True)
        for stream in (child.stdin, child.stdout, self._errors):
            if stream is not None and not stream.closed:
                try:
                    stream.close()
                except OSError:
                    pass
