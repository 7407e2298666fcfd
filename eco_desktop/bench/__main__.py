"""``python -m eco_desktop.bench``: see :mod:`eco_desktop.bench`."""
import sys

from .suite import main

sys.exit(main())
