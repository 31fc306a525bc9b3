"""Benchmark of the pure scoring engine: ``python tests/bench/bench_scoring.py``.

Needs no Django settings. Targets (2-core machine): one full LKE < 2 ms, 1,000 LKEs < 2 s, gap
analysis of one LKE < 50 ms. Exits 1 when a target is missed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assessments.lke import BUNDLED_DIR, Instrument, gap_analysis, load_instrument_file, score  # noqa: E402


def random_lke(instrument: Instrument, rng: random.Random, level: float = 0.75) -> dict:
    """A fully answered LKE; ``level`` biases option answers towards the top of each scale."""
    answers: dict = {}
    for item in instrument.items:
        kind = item.scale.kind
        if kind == "option":
            options = item.scale.ascending
            pick = min(len(options) - 1, int(rng.betavariate(level * 4, (1 - level) * 4) * len(options)))
            answers[item.code] = options[pick]
        elif kind == "index":
            answers[item.code] = f"{rng.uniform(2.8, 4.0):.2f}"
        else:
            answers[item.code] = {name: rng.randint(0, 30) for name in item.inputs}
    return answers


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    start = time.perf_counter()
    instrument = load_instrument_file(BUNDLED_DIR / "permenpanrb-90-2021.yaml")
    load_ms = (time.perf_counter() - start) * 1000
    rng = random.Random(90_2021)

    one = random_lke(instrument, rng)
    score(instrument, one)  # warm up
    one_ms = median_ms(lambda: score(instrument, one), 2000)

    batch = [random_lke(instrument, rng, level=rng.uniform(0.3, 0.95)) for _ in range(1000)]
    start = time.perf_counter()
    for answers in batch:
        score(instrument, answers)
    batch_s = time.perf_counter() - start

    typical = random_lke(instrument, rng, level=0.7)
    typical_result = score(instrument, typical)
    gap_analysis(instrument, typical, typical_result)  # warm the per-instrument model
    gap_ms = median_ms(lambda: gap_analysis(instrument, typical, typical_result), 50)
    gap_full_ms = median_ms(lambda: gap_analysis(instrument, typical), 50)

    # worst case: every option at its minimum, surveys high enough for a plan to WBK and WBBM
    worst = {item.code: item.scale.ascending[0] for item in instrument.items if item.scale.kind == "option"}
    worst.update({"B.I.a": "3.60", "B.II.a": "3.60"})
    worst_result = score(instrument, worst)
    worst_ms = median_ms(lambda: gap_analysis(instrument, worst, worst_result), 20)
    worst_steps = {p: len(g.plan or ()) for p, g in gap_analysis(instrument, worst, worst_result).items()}

    print(f"instrument load + validation:          {load_ms:8.2f} ms")
    print(f"score one full LKE (median of 2000):   {one_ms:8.3f} ms   (target < 2 ms)")
    print(f"score 1,000 LKEs:                      {batch_s * 1000:8.1f} ms   (target < 2000 ms)")
    print(f"gap analysis, typical LKE (median):    {gap_ms:8.2f} ms   (target < 50 ms; "
          f"{len(typical_result.thresholds) - (typical_result.predicate is not None)} predicate(s) analysed)")
    print(f"  the same incl. validation + scoring: {gap_full_ms:8.2f} ms")
    print(f"gap analysis, worst case (median):     {worst_ms:8.2f} ms   (plans of {worst_steps} steps)")
    ok = one_ms < 2 and batch_s < 2 and gap_full_ms < 50 and worst_ms < 50
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
