"""What machine the benchmark ran on (eco_desktop/bench/machine.py)."""
from __future__ import annotations

from eco_desktop.bench import machine


def test_machine_description():
    text = machine.machine_description("6.9.9")
    assert "cores" in text and "Python" in text and "PySide6" in text and "Qt 6.9.9" in text
    assert "reference Python loop" not in text
    text = machine.machine_description(None, (0.3141, 0.5))
    assert text.endswith("reference Python loop 0.314 s (start) / 0.500 s (end)")

def test_python_speed_times_the_reference_loop():
    assert 0 < machine.python_speed(repeat=1) < 60
