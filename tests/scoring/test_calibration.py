"""The TPI-against-TPN calibration arithmetic (pure, no database), against hand-computed cases."""

from decimal import Decimal as D

from assessments.lke import calibration
from assessments.lke.calibration import EVEN, OVER, UNDER, UnitFigures, calibrate

# A: TPI 80,00 TPN 75,50 -> +4,50; area 1 6,00 vs 5,00 -> +1,00; area 2 5,00 vs 5,50 -> -0,50
# B: TPI 70,00 TPN 72,25 -> -2,25; area 1 7,00 vs 6,50 -> +0,50 (TPN named no other area)
# C: TPI 65,00 TPN 65,00 ->  0;    TPN named no area
# mean (4,50 - 2,25 + 0) / 3 = 0,75; mean |.| 6,75 / 3 = 2,25; largest A; area 1 (1,00 + 0,50) / 2 = 0,75
# over two units (over), area 2 -0,50 over one unit (under)
UNITS = [
    UnitFigures("A", D("80.00"), D("75.50"), {"1": D("6.00"), "2": D("5.00"), "3": D("9.00")},
                {"1": D("5.00"), "2": D("5.50")}),
    UnitFigures("B", D("70.00"), D("72.25"), {"1": D("7.00"), "2": D("4.00")}, {"1": D("6.50")}),
    UnitFigures("C", D("65.00"), D("65.00")),
]


def test_hand_computed_calibration():
    c = calibrate(UNITS)
    assert [(u.key, u.deviation) for u in c.units] == [("A", D("4.50")), ("B", D("-2.25")), ("C", D("0.00"))]
    assert c.units[0].areas == {"1": D("1.00"), "2": D("-0.50")}
    assert c.mean == D("0.75") and c.mean_abs == D("2.25")
    assert c.largest is not None and c.largest.key == "A"
    assert [(a.number, a.mean, a.units, a.direction) for a in c.areas] == [
        ("1", D("0.75"), 2, OVER),
        ("2", D("-0.50"), 1, UNDER),
    ]


def test_no_units_has_no_figures():
    c = calibrate([])
    assert (c.units, c.mean, c.mean_abs, c.largest, c.areas) == ((), None, None, None, ())


def test_largest_tie_keeps_the_first_and_negative_deviation_can_be_largest():
    c = calibrate([UnitFigures("X", D("60"), D("62")), UnitFigures("Y", D("64"), D("62")),
                   UnitFigures("Z", D("50"), D("53"))])
    assert c.largest is not None and c.largest.key == "Z" and c.largest.deviation == D("-3")
    tie = calibrate([UnitFigures("X", D("60"), D("62")), UnitFigures("Y", D("64"), D("62"))])
    assert tie.largest is not None and tie.largest.key == "X" and tie.mean == 0 and tie.mean_abs == 2


def test_direction_reads_the_rounded_mean():
    # a bias of 0,004 points shows as 0,00: "even", never "over" by a rounding crumb
    c = calibrate([UnitFigures("A", D("70"), D("70"), {"5": D("10.004")}, {"5": D("10.000")})])
    assert c.areas[0].mean == D("0.004") and c.areas[0].direction == EVEN
    c = calibrate([UnitFigures("A", D("70"), D("70"), {"5": D("10.005")}, {"5": D("10.000")})])
    assert c.areas[0].direction == OVER


def test_area_missing_on_the_tpi_side_counts_zero():
    c = calibrate([UnitFigures("A", D("70"), D("71"), {}, {"6": D("2.50")})])
    assert c.units[0].areas == {"6": D("-2.50")} and calibration.UNDER == c.areas[0].direction
