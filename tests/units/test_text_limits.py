"""Free text of the units app is bounded and refuses NUL in the model, whoever writes it."""

import pytest
from django.core.exceptions import ValidationError

from units import services
from zi_portal.common.text import TEXT_MAX_CHARS

pytestmark = pytest.mark.django_db

HAS_NUL = "Teks memuat karakter NUL (kode 0) yang tidak diizinkan"


def test_instansi_address_is_bounded(world):
    world.instansi.address = "J" * (TEXT_MAX_CHARS + 1)
    with pytest.raises(ValidationError) as exc:
        world.instansi.full_clean()
    assert "5001 karakter, paling banyak 5000 karakter" in exc.value.message_dict["address"][0]


def test_decree_numbers_with_nul_are_refused_by_the_service(world):
    with pytest.raises(ValidationError) as exc:
        services.predicate_record(actor=world.admin, unit=world.unit_a, year=2025, predicate="WBK",
                                  values={"decree_number": "800/\x00"})
    assert HAS_NUL in exc.value.message_dict["decree_number"][0]
    world.unit_a.designation_decree_number = "700/\x00"
    with pytest.raises(ValidationError) as exc:
        services.unit_save(actor=world.admin, unit=world.unit_a)
    assert HAS_NUL in exc.value.message_dict["designation_decree_number"][0]
    assert not world.unit_a.predicates.exists()
