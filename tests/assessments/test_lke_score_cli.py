"""The lke_score CLI contract: hand-computed LKEs to the hundredth, exact keys, bad input by name."""

import json
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Instrument
from tests.scoring.builders import max_answers

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEYS = [
    "instrument", "total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel",
    "pelayanan_prima", "areas", "area_totals", "indicators", "items", "unanswered", "thresholds",
    "predicate", "gaps",
]


def r2(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lke_score(tmp_path, payload, fmt="json"):
    path = tmp_path / "lke.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("lke_score", "--input", str(path), "--format", fmt, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def full():
    return max_answers(Instrument.objects.get(code="permenpanrb-90-2021").engine())


def test_regulation_example_gives_100(tmp_path, full):
    code, out, _ = lke_score(tmp_path, {"instrument": "permenpanrb-90-2021", "answers": full})
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == KEYS
    assert (r2(doc["pemenuhan"]), r2(doc["reform"]), r2(doc["hasil"]), r2(doc["total"])) == (
        Decimal("30.00"), Decimal("30.00"), Decimal("40.00"), Decimal("100.00"),
    )
    assert doc["thresholds"]["WBK"]["met"] and doc["thresholds"]["WBBM"]["met"]
    assert doc["predicate"] == "WBBM" and doc["unanswered"] == []


def test_hand_computed_lke(tmp_path, full):
    """By hand: P.1.ii = mean(1,0,1) = 2/3; P.2.i = mean(0.67,1,0.75) = 0.80667; R.1.i = 2 x mean(0.7, 1);
    Pemenuhan = 28 + 4.42/3 = 29.47333; Reform = 29.70; Pengungkit = 59.17333;
    Hasil = 3.59/4 x 17.5 (15.70625) + 0.75 x 5 (3.75) + 3.40/4 x 17.5 (14.875) = 34.33125;
    Total = 93.50458 -> 93.50. IPAK 15.70625 shows 15.71 < 15.75, so neither predicate is met."""
    answers = dict(full)
    answers.update({"P.1.ii.a": "Ya", "P.1.ii.b": "C", "P.1.ii.c": "A"})
    answers.update({"P.2.i.a": "B", "P.2.i.b": "A", "P.2.i.c": "B"})
    answers["R.1.i.a"] = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7}
    answers.update({"B.I.a": 3.59, "B.II.a": 3.40, "B.I.b": "B"})
    code, out, _ = lke_score(tmp_path, {"instrument": "permenpanrb-90-2021", "answers": answers})
    assert code == 0
    doc = json.loads(out, parse_float=Decimal)
    assert r2(doc["indicators"]["P.1.ii"]) == Decimal("0.67")
    assert r2(doc["indicators"]["P.2.i"]) == Decimal("0.81")
    assert r2(doc["areas"]["P.1"]) == Decimal("3.67")
    assert r2(doc["indicators"]["R.1.i"]) == Decimal("1.70")
    assert r2(doc["pemenuhan"]) == Decimal("29.47")
    assert r2(doc["reform"]) == Decimal("29.70")
    assert r2(doc["pengungkit"]) == Decimal("59.17")
    assert doc["bersih_akuntabel"] == Decimal("19.45625")
    assert doc["pelayanan_prima"] == Decimal("14.875")
    assert r2(doc["hasil"]) == Decimal("34.33")
    assert r2(doc["total"]) == Decimal("93.50")
    assert doc["predicate"] is None
    wbk_rules = [f["rule"] for f in doc["thresholds"]["WBK"]["failures"]]
    assert wbk_rules == ["ipak"]
    wbbm_rules = sorted(f["rule"] for f in doc["thresholds"]["WBBM"]["failures"])
    assert wbbm_rules == ["bersih_akuntabel", "ipak", "pelayanan_prima"]


def test_list_input_keeps_order_and_text_format(tmp_path, full):
    payload = [
        {"instrument": "permenpanrb-90-2021", "answers": full},
        {"instrument": "permenpanrb-90-2021", "answers": {}},
    ]
    code, out, _ = lke_score(tmp_path, payload)
    docs = json.loads(out)
    assert code == 0 and [r2(d["total"]) for d in docs] == [Decimal("100.00"), Decimal("0.00")]
    assert len(docs[1]["unanswered"]) == 113
    code, out, _ = lke_score(tmp_path, payload, fmt="text")
    assert code == 0 and "100,00" in out


@pytest.mark.parametrize(
    "answers, needle",
    [
        ({"P.1.i.b": "F"}, "P.1.i.b"),
        ({"P.9.z": "Ya"}, "P.9.z"),
        ({"R.4.i.a": {"jumlah_sasaran_kinerja": 5, "jumlah_sasaran_tercapai_100": -1}}, "R.4.i.a"),
        ({"B.I.a": 4.5}, "B.I.a"),
    ],
)
def test_bad_answers_exit_2_naming_the_item(tmp_path, answers, needle):
    code, out, err = lke_score(tmp_path, {"instrument": "permenpanrb-90-2021", "answers": answers})
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1


def test_malformed_json_and_unknown_instrument(tmp_path):
    code, _, err = lke_score(tmp_path, "{not json")
    assert code == 2 and "JSON" in err
    code, _, err = lke_score(tmp_path, {"instrument": "permenpanrb-99-2099", "answers": {}})
    assert code == 2 and "permenpanrb-99-2099" in err


def test_real_process_never_prints_a_traceback(tmp_path):
    """Run as integrators do, on a database that was never migrated (bundled instrument fallback)."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"instrument": "permenpanrb-90-2021", "answers": {"P.1.i.a": "Mungkin"}}', encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text('{"instrument": "permenpanrb-90-2021", "answers": {"B.I.a": "3.60"}}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", DJANGO_SETTINGS_MODULE="zi_portal.settings.dev")
    cmd = [sys.executable, "manage.py", "lke_score", "--input"]
    result = subprocess.run([*cmd, str(bad)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "P.1.i.a" in result.stderr
    result = subprocess.run([*cmd, str(good)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hasil"] == 15.75
