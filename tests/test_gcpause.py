"""gcpause.py: the collector paused while an import makes its objects."""
from __future__ import annotations


def test_objects_made_during_a_pause_skip_the_young_generations():
    """A collection right after an import must not scan the whole plan (a second at 100k)."""
    import gc

    from eco_desktop.gcpause import gc_paused

    assert gc.isenabled()
    with gc_paused():
        with gc_paused():  # nested: the outer pause decides
            made = [[i] for i in range(1000)]
        assert not gc.isenabled()
    assert gc.isenabled()
    young = {id(obj) for generation in (0, 1) for obj in gc.get_objects(generation)}
    assert not any(id(obj) in young for obj in made)
    assert any(obj is made[0] for obj in gc.get_objects(2))
    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # still collected by a full collection
