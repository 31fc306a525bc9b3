"""Results of a 10,000-response campaign (SPAK-5 + SPKP-8 + SKM-9, three service types).

    .venv/bin/python tests/bench/bench_surveys.py

Prints how long the import takes and how long ``selectors.campaign_results`` (the figures of the
results page and of ``survey_results``) and the JSON take; the issue's bound is < 1 s for the
results. A figure to read, not an assertion."""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import setup_django  # noqa: E402

N = 10_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp), seed=False)
        from surveys import importing, instrument_sync, links, selectors, services  # noqa: PLC0415
        from units.models import Instansi, WorkUnit  # noqa: PLC0415

        instrument_sync.sync_bundled()
        instansi = Instansi.objects.create(name="Bench")
        unit = WorkUnit.objects.create(instansi=instansi, code="BENCH", name="Unit Bench")
        types = ["Loket", "Daring", "Farmasi"]
        campaign = services.campaign_create(
            actor=None,
            unit=unit,
            year=2026,
            name="Bench",
            instruments=["spak-5", "spkp-8", "skm-9"],
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
            service_types=[(t, 100 * (i + 1)) for i, t in enumerate(types)],
            population_estimate=50_000,
        )
        codes = [f"SPAK-{n}" for n in range(1, 6)] + [f"SPKP-{n}" for n in range(1, 9)]
        codes += [f"SKM-{n}" for n in range(1, 10)]
        header = ["waktu", "jenis_layanan", "selesai", *codes]
        rng = random.Random(13)
        start = dt.datetime(2026, 1, 1, 8, 0)
        rows = []
        for i in range(N):
            when = (start + dt.timedelta(minutes=47 * i)).isoformat(timespec="seconds")
            answers = [rng.choice([1, 2, 3, 3, 4, 4, 4, "TT"]) for _ in codes]
            rows.append((i + 2, [when, rng.choice(types), "Ya" if rng.random() > 0.05 else "Tidak", *answers]))
        table = importing.Table(header, rows)
        t0 = time.perf_counter()
        services.responses_import(actor=None, campaign=campaign, table=table)
        t1 = time.perf_counter()
        figures = selectors.campaign_results(campaign)
        t2 = time.perf_counter()
        selectors.results_json(figures, links.public_url(campaign))
        t3 = time.perf_counter()
        print(f"import of {N} responses ({N * len(codes)} answers): {t1 - t0:.2f} s")
        print(f"results of {figures.responses} responses ({figures.respondents} counted): {t2 - t1:.3f} s")
        print(f"results JSON: {t3 - t2:.3f} s")
        for code, r in figures.results.items():
            ikm = f", IKM {r.ikm:.2f} {r.mutu}" if r.ikm else ""
            print(f"  {code}: index {r.index:.4f}, LKE {r.lke_value}{ikm}")


if __name__ == "__main__":
    main()
