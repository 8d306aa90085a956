"""What bench/ab_text.py and bench/ab_flattened.py print of runs taken in turns: each side's best and
median, and the working copy's over the other revision's."""

from __future__ import annotations

import statistics
from collections.abc import Callable


def summary(samples: dict[str, list[float]], ref: str, unit: str, best: Callable = min, scale: float = 1.0) -> None:
    """`samples`: each side's figures (`ref` and "working copy"), in `unit` once multiplied by `scale`;
    `best`: min where lower is better (times), max where higher is (speeds)."""
    for name, got in samples.items():
        print(f"{name:14} best {best(got) * scale:6.2f} {unit}, median {statistics.median(got) * scale:6.2f} {unit} "
              f"({len(got)} runs, process time)")
    a, b = samples[ref], samples["working copy"]
    print(f"working copy / {ref}: best {best(b) / best(a):.2f}, "
          f"median {statistics.median(b) / statistics.median(a):.2f}")
