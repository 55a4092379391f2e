"""Amount fix-up (lib.amounts.balance_lines): examples and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.amounts import (
    CENT,
    balance_lines,
    decimal_places,
    line_total,
    round_amount,
    round_quantity,
)

D = Decimal


def totals(lines):
    return [line.total for line in lines]


def test_three_decimal_unit_price():
    # CAERP's test case: 5 x 69.996 = 349.98.
    (line,) = balance_lines([(D("69.996"), 5, 0)])
    assert (line.unit_price, line.total, line.untaxed, line.tax) == (
        D("69.996"),
        D("349.98"),
        D("349.98"),
        D("0.00"),
    )


def test_cent_goes_into_the_first_line_that_can_take_it():
    lines = balance_lines(
        [(D("33"), 4, 10), (D("20"), D("1.5"), D("5.5"))], D("162.01")
    )
    assert totals(lines) == [D("132.01"), D("30.00")]
    assert lines[0].unit_price == D("33.002")
    assert line_total(lines[0].unit_price, 4) == D("132.01")
    assert lines[0].untaxed + lines[0].tax == D("132.01")


def test_negative_gap():
    lines = balance_lines([(D("10"), 3, 0), (D("10"), 3, 0)], D("59.98"))
    assert totals(lines) == [D("29.99"), D("29.99")]


def test_one_hour_twenty_minutes():
    (line,) = balance_lines([(D("30"), round_quantity(D(4) / 3), 0)], D("40"))
    assert (line.quantity, line.total) == (D("1.333"), D("40.00"))


def test_large_gap_is_left_for_validation():
    lines = balance_lines([(D("10"), 1, 0)], D("10.05"))
    assert totals(lines) == [D("10.00")]


def test_impossible_fix_up_changes_nothing():
    # With 25 units a 0.001 price step moves the total by 2.5 cents.
    lines = balance_lines([(D("30"), 25, 0)], D("750.01"))
    assert totals(lines) == [D("750.00")]
    assert lines[0].unit_price == D("30")


def test_a_later_line_takes_the_cent_when_the_first_cannot():
    lines = balance_lines([(D("30"), 25, 0), (D("12"), 2, 0)], D("774.01"))
    assert totals(lines) == [D("750.00"), D("24.01")]


def test_vat_split():
    (line,) = balance_lines([(D("110"), 1, 10)])
    assert (line.untaxed, line.tax) == (D("100.00"), D("10.00"))
    (line,) = balance_lines([(D("10"), 1, D("5.5"))])
    assert (line.untaxed, line.tax) == (D("9.48"), D("0.52"))


lines_strategy = st.lists(
    st.tuples(
        st.decimals(D("1"), D("1000"), places=3),
        st.decimals(D("0.01"), D("10"), places=3),
        st.sampled_from([D(0), D("5.5"), D(10), D(20)]),
    ),
    min_size=1,
    max_size=8,
)


@given(lines_strategy, st.data())
def test_gap_of_up_to_a_cent_per_line_is_always_absorbed(lines, data):
    plain = [line_total(unit, quantity) for unit, quantity, _rate in lines]
    gap = data.draw(st.integers(-len(lines), len(lines))) * CENT
    total = sum(plain) + gap
    result = balance_lines(lines, total)
    assert sum(totals(result)) == total
    for (unit, quantity, _rate), before, line in zip(lines, plain, result, strict=True):
        assert line.quantity == quantity
        assert abs(line.total - before) <= CENT
        assert line_total(line.unit_price, quantity) == line.total
        assert line.unit_price == line.unit_price.quantize(D("0.001"))
        assert abs(line.unit_price - unit) * quantity <= CENT + D("0.001") * quantity
        assert line.untaxed + line.tax == line.total
        assert line.tax >= 0 and line.untaxed >= 0


@given(
    st.lists(
        st.tuples(
            st.decimals(D("0"), D("1000"), places=3),
            st.decimals(D("0"), D("200"), places=3),
            st.sampled_from([D(0), D(10), D(20)]),
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(-15, 15),
)
def test_result_is_balanced_or_untouched(lines, cents):
    plain = [line_total(unit, quantity) for unit, quantity, _rate in lines]
    total = round_amount(sum(plain) + cents * CENT)
    result = balance_lines(lines, total)
    if sum(totals(result)) != total:
        assert totals(result) == plain
    for (_unit, quantity, _rate), line in zip(lines, result, strict=True):
        assert line_total(line.unit_price, quantity) == line.total
        assert line.untaxed + line.tax == line.total


@given(lines_strategy)
def test_without_total_lines_are_plain(lines):
    result = balance_lines(lines)
    assert totals(result) == [line_total(unit, qty) for unit, qty, _rate in lines]


@pytest.mark.parametrize(
    ("value", "places"),
    [("1.50", 1), (1.5, 1), (2, 0), (D("1E+2"), 0), ("100.00", 0), ("0.001", 3)],
)
def test_decimal_places_ignore_trailing_zeros(value, places):
    assert decimal_places(value) == places
