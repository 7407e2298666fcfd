"""What machine a benchmark ran on, and how fast it ran Python at the time."""
from __future__ import annotations

import os
import platform
import sqlite3
import time
from pathlib import Path


def python_speed(repeat: int = 3) -> float:
    """Seconds a fixed pure-Python loop (2 million multiply-adds) takes, best of ``repeat``:
    how fast this machine runs Python at the moment. A shared machine's speed drifts (by 2x
    over minutes on the one of docs/PERFORMANCE.md): two runs' figures compare only when
    this does."""
    best = float("inf")
    for _ in range(repeat):
        start, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i * i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def machine_description(qt: str | None = None,
                        speed: tuple[float, float] | None = None) -> str:
    """CPU model, cores, RAM, Python, PySide6/Qt versions, the load average now, and the
    reference loop's time (:func:`python_speed`) at the start and at the end of the run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal")).split()[1])
        ram = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        from importlib.metadata import version
        pyside = version("PySide6")
    except Exception:
        pyside = "?"
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average %.2f %.2f %.2f" % os.getloadavg()
    loop = f", reference Python loop {speed[0]:.3f} s (start) / {speed[1]:.3f} s (end)" \
        if speed else ""
    return (f"{cpu}, {os.cpu_count()} cores{ram}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, PySide6 {pyside}" + (f" (Qt {qt})" if qt else "")
            + f", SQLite {sqlite3.sqlite_version}{load}{loop}")
