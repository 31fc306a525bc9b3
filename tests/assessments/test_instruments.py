"""Instrument versions as data: present after migrate, validated on load, frozen once published."""

import copy
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.models import Instrument, InstrumentItem, InstrumentNode, PublishedInstrumentError
from assessments.services import InstrumentLoadError, instrument_load, instrument_publish
from tests.factories import AssessmentFactory, PeriodFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db

BUNDLED = Path(__file__).resolve().parents[2] / "assessments" / "instruments" / "permenpanrb-90-2021.yaml"


@pytest.fixture
def definition():
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def draft_of(definition, code="uji-draft"):
    data = copy.deepcopy(definition)
    data["instrument"]["code"] = code
    return data


def write(tmp_path, data, name="instrument.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_load(path):
    out, err = StringIO(), StringIO()
    try:
        call_command("load_instrument", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_permenpanrb_90_2021_is_present_and_published_after_migrate():
    instrument = Instrument.objects.get(code="permenpanrb-90-2021")
    assert instrument.is_published
    assert instrument.items.count() == 113
    assert instrument.items.filter(scale__code="PCT").count() == 8
    areas = InstrumentNode.objects.filter(instrument=instrument, level="area")
    assert areas.count() == 12
    assert sum(a.weight for a in areas if a.code.startswith("P.")) == Decimal("30")
    assert sum(a.weight for a in areas if a.code.startswith("R.")) == Decimal("30")
    item = instrument.items.get(code="R.3.iii.a")
    assert item.zero_denominator_value == Decimal("1")
    assert item.formula["kind"] == "reduction"
    assert instrument.items.get(code="P.1.iii.a").scale.options.get(code="B").value == Decimal("0.67")


def test_loading_the_published_file_again_changes_nothing():
    before = Instrument.objects.get().updated_at
    code, out, _ = run_load(BUNDLED)
    assert code == 0 and "unchanged" in out
    assert Instrument.objects.get().updated_at == before


def test_weights_that_do_not_add_up_are_refused_by_code(tmp_path, definition):
    data = draft_of(definition)
    indicator = data["components"][0]["aspects"][0]["areas"][0]["indicators"][0]
    assert indicator["code"] == "P.1.i"
    indicator["weight"] = 0.75
    code, _, err = run_load(write(tmp_path, data))
    assert code == 2
    assert "P.1" in err and "4.25" in err
    assert not Instrument.objects.filter(code="uji-draft").exists()


def test_duplicate_codes_unknown_scale_and_formula_kind_are_named(tmp_path, definition):
    data = draft_of(definition)
    area = data["components"][0]["aspects"][0]["areas"][0]
    area["indicators"][1]["items"][0]["code"] = "P.1.i.a"  # duplicate
    area["indicators"][2]["items"][0]["scale"] = "ABCDEF"  # unknown scale
    reform_area = data["components"][0]["aspects"][1]["areas"][0]
    reform_area["indicators"][0]["items"][0]["formula"]["kind"] = "eval"  # unknown formula kind
    code, _, err = run_load(write(tmp_path, data))
    assert code == 2
    assert "P.1.i.a" in err and "duplicate" in err.lower()
    assert "ABCDEF" in err and "P.1.iii.a" in err
    assert "eval" in err and "R.1.i.a" in err


def test_malformed_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("instrument: [unclosed", encoding="utf-8")
    code, _, err = run_load(path)
    assert code == 2 and "not valid YAML" in err
    code, _, err = run_load(tmp_path / "missing.yaml")
    assert code == 2 and "cannot read" in err


def test_changing_a_published_version_is_refused_naming_the_codes(tmp_path, definition):
    data = copy.deepcopy(definition)
    data["components"][0]["aspects"][0]["areas"][0]["indicators"][0]["items"][0]["text"] = "Diubah"
    code, _, err = run_load(write(tmp_path, data))
    assert code == 2
    assert "published" in err and "P.1.i.a" in err
    assert InstrumentItem.objects.get(instrument__code="permenpanrb-90-2021", code="P.1.i.a").text != "Diubah"


def test_draft_updates_in_place_then_freezes_when_published(definition):
    data = draft_of(definition)
    instrument, action = instrument_load(definition=data)
    assert action == "created" and not instrument.is_published
    item_pk = instrument.items.get(code="P.1.i.a").pk
    assert instrument_load(definition=data)[1] == "unchanged"

    data["components"][0]["aspects"][0]["areas"][0]["indicators"][0]["items"][0]["text"] = "Teks baru"
    instrument, action = instrument_load(definition=data)
    assert action == "updated"
    item = instrument.items.get(code="P.1.i.a")
    assert item.pk == item_pk and item.text == "Teks baru"

    instrument_publish(instrument=instrument)
    data["components"][0]["aspects"][0]["areas"][0]["indicators"][0]["items"][0]["text"] = "Lagi"
    with pytest.raises(InstrumentLoadError) as exc:
        instrument_load(definition=data)
    assert "P.1.i.a" in exc.value.errors[0]
    item.text = "Langsung"
    with pytest.raises(PublishedInstrumentError):
        item.save()
    with pytest.raises(PublishedInstrumentError):
        Instrument.objects.get(code="uji-draft").delete()


def test_engine_view_matches_the_rows():
    instrument = Instrument.objects.get(code="permenpanrb-90-2021")
    engine = instrument.engine()
    assert list(engine.item_codes) == list(instrument.items.order_by("position").values_list("code", flat=True))


def test_a_version_that_assessments_use_sends_the_figures_warm_up_when_it_changes(
        definition, django_capture_on_commit_callbacks):
    def warm_ups(callbacks):
        return [cb.keywords for cb in callbacks if getattr(cb, "args", ()) == ("assessments.tasks.figures_warm",)]

    data = draft_of(definition)
    with django_capture_on_commit_callbacks() as callbacks:
        instrument, _ = instrument_load(definition=data)
    assert warm_ups(callbacks) == []  # no assessment uses it: no figures to warm
    # written directly: the services create assessments on published versions only
    AssessmentFactory.build(instrument=instrument, period=PeriodFactory(), unit=WorkUnitFactory()).save()
    data["components"][0]["aspects"][0]["areas"][0]["indicators"][0]["items"][0]["text"] = "Teks baru"
    with django_capture_on_commit_callbacks() as callbacks:
        instrument_load(definition=data)
        instrument_load(definition=data)  # unchanged the second time
    assert warm_ups(callbacks) == [{}]
    with django_capture_on_commit_callbacks() as callbacks:
        instrument_publish(instrument=instrument)
        instrument_publish(instrument=instrument)  # already published: nothing happens
    assert warm_ups(callbacks) == [{}]
