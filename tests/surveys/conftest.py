import datetime as dt

import pytest

from surveys import instrument_sync, services


@pytest.fixture
def survey_instruments(db):
    """The bundled instruments (migrate loads them; a flushed transactional test may not have them)."""
    return instrument_sync.sync_bundled()


@pytest.fixture
def make_campaign(world, survey_instruments):
    def _make(unit=None, *, instruments=("spak-5", "spkp-8"), types=(("Loket", 300), ("Daring", 100)), **kwargs):
        unit = unit or world.unit_a
        actor = world.team_a if unit == world.unit_a else world.team_b
        defaults = {
            "year": 2026,
            "name": "Survei 2026",
            "opens_on": dt.date(2026, 1, 1),
            "closes_on": dt.date(2026, 12, 31),
            "population_estimate": 100,
        }
        return services.campaign_create(
            actor=actor, unit=unit, instruments=list(instruments), service_types=list(types), **(defaults | kwargs)
        )

    return _make


SPAK = [f"SPAK-{n}" for n in range(1, 6)]
SPKP = [f"SPKP-{n}" for n in range(1, 9)]
HEADER = ["waktu", "jenis_layanan", "selesai", *SPAK, *SPKP]


def csv_bytes(rows, header=HEADER, sep=",") -> bytes:
    lines = [sep.join(header)] + [sep.join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def row(when="2026-03-14T09:30", kind="Loket", done="Ya", spak=(4, 4, 3, 3, 4), spkp=(3,) * 8):
    return [when, kind, done, *spak, *spkp]
