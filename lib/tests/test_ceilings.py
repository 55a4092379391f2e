"""Tax-credit ceilings (article 199 sexdecies CGI)."""

from decimal import Decimal as D

import pytest

from lib.ceilings import household_ceiling, nature_group, overruns


@pytest.mark.parametrize(
    ("children", "seniors", "disabled", "ceiling"),
    [
        (0, 0, False, D(12000)),
        (1, 0, False, D(13500)),
        (1, 1, False, D(15000)),
        (3, 0, False, D(15000)),  # capped
        (5, 2, False, D(15000)),
        (0, 0, True, D(20000)),
        (3, 1, True, D(20000)),  # no increase on top
    ],
)
def test_household_ceiling(children, seniors, disabled, ceiling):
    assert household_ceiling(children, seniors, disabled) == ceiling


def test_nature_groups():
    assert nature_group("70") == "gardening"
    assert nature_group("160") == "computer"
    assert nature_group("80") == "diy"
    assert nature_group("60") is None


def test_under_every_ceiling():
    assert overruns({"60": D(11000)}, {"60": D(999)}, D(12000)) == []
    # Reaching a ceiling exactly is still under it.
    assert overruns({"60": D(11000)}, {"60": D(1000)}, D(12000)) == []


def test_household_ceiling_crossed():
    assert overruns({"60": D(11500)}, {"60": D(600)}, D(12000)) == [
        (None, D(12000), D(11500), D(12100))
    ]
    # Already above: each new invoice adds to it, each says so.
    assert overruns({"60": D(12500)}, {"60": D(100)}, D(12000)) == [
        (None, D(12000), D(12500), D(12600))
    ]


@pytest.mark.parametrize(
    ("code", "limit"), [("70", D(5000)), ("160", D(3000)), ("80", D(500))]
)
def test_sub_ceiling_crossed(code, limit):
    before = {code: limit - 100, "60": D(1000)}
    assert overruns(before, {code: D(150)}, D(12000)) == [
        (nature_group(code), limit, limit - 100, limit + 50)
    ]


def test_both_ceilings_crossed_and_other_natures_do_not_count_in_a_group():
    before = {"70": D(4900), "60": D(7000)}
    found = overruns(before, {"70": D(200), "60": D(100)}, D(12000))
    assert found == [
        (None, D(12000), D(11900), D(12200)),
        ("gardening", D(5000), D(4900), D(5100)),
    ]
    # Ménage only: the gardening total is not touched.
    assert overruns(before, {"60": D(50)}, D(12000)) == []
