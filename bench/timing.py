"""The one timing helper the benchmark scripts share: the median of single runs, in milliseconds.

Built on ``timeit.repeat`` (number=1), which uses the best clock and pauses the garbage collector
while timing, as the standard library's benchmarking helper does.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn()`` over ``repeat`` single runs, in milliseconds."""
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat)) * 1000
