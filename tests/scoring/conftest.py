"""Fixtures for the pure scoring-engine tests: no database, no Django settings needed."""

import copy

import pytest
import yaml

from assessments.lke import BUNDLED_DIR, load_instrument_file

BUNDLED_FILE = BUNDLED_DIR / "permenpanrb-90-2021.yaml"


@pytest.fixture(scope="session")
def instrument():
    """The bundled PermenPANRB 90/2021 instrument, validated."""
    return load_instrument_file(BUNDLED_FILE)


@pytest.fixture(scope="session")
def _definition():
    with open(BUNDLED_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def definition(_definition):
    """A deep copy of the bundled YAML dict, free to tamper with."""
    return copy.deepcopy(_definition)
