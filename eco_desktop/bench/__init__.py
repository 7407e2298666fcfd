"""The benchmark suite: is the application still fast with N actors (default 100,000)?

``python -m eco_desktop.bench [--actors N] [--json FILE] [--repeat K] [--only a,b]``
builds a synthetic catalogue (:mod:`.synth`, seeded) in a temporary folder, measures
each figure K times (5 by default) and prints median, min, max, target and whether the
median meets it. ``--json`` writes GUIDE §8's shape:
``{"n", "machine", "results": [{"name", "median", "min", "max", "target", "unit", "ok"}]}``.

The modules: :mod:`.figures` (what each figure measures, its target, a result),
:mod:`.machine` (the machine and its speed at the time), :mod:`.core_figures`,
:mod:`.export_figures` and :mod:`.import_figures` (the measurements made in this
process), :mod:`.gui_probe` (the window and map figures, each in a fresh offscreen
process, so that peak memory and the first start are those of a real session),
:mod:`.suite` (the run, the table, the JSON). Targets hold at 100k actors;
``import_csv`` and ``map_build`` scale linearly with N. Not part of the shipped window,
nor of the test suite's timings: ``tests/bench/`` runs it small to keep it working.
Only :mod:`.gui_probe` imports Qt.
"""
