"""The window's figures' process (eco_desktop/bench/gui_probe.py)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="Linux /proc")
def test_the_probe_measures_its_own_peak_not_its_parents():
    """Linux carries ru_maxrss over exec: a probe started by a benchmark that had just
    imported 100k rows reported the benchmark's peak (694 MB) instead of its own."""
    child = ("import resource; from eco_desktop.bench.gui_probe import own_peak_mb; "
             "print(own_peak_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    parent = ("import subprocess, sys; big = bytearray(300 * 2**20); big[::4096] = b'x' * len(big[::4096]); "
              "del big; print(subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, "
              "text=True, check=True).stdout)")
    done = subprocess.run([sys.executable, "-c", parent, child], capture_output=True, text=True, timeout=120,
                          check=True)
    own, inherited = map(float, done.stdout.split())
    assert inherited > 300  # the parent's peak, as ru_maxrss gives it
    assert own < 150
