"""Amount arithmetic for payment requests.

Urssaf checks, for every line, ``mntPrestationTTC == round2(mntUnitaireTTC *
quantite)`` (ERR_MNT_PREST_TTC) and ``HT + TVA == TTC`` (ERR_MNT_PREST_HT_TVA),
and for the request ``sum(mntPrestationTTC) == mntFactureTTC``
(ERR_TOTAL_PRESTATIONS). Amounts carry at most 2 decimals, unit prices 3.

An invoice total computed by an accounting system (tax rounded globally,
unit prices with more decimals...) can differ by a few cents from the sum of
``round2(unit * quantity)``. :func:`balance_lines` closes that gap with the
algorithm below, which generalises the CAERP "first line absorbs the cent"
fix:

1. round every unit price to 3 decimals and compute each line total
   ``t_i = round2(unit_i * qty_i)``;
2. ``gap = invoice_total - sum(t_i)`` expressed in cents ``k``;
3. if ``k == 0`` nothing changes; if ``|k|`` exceeds the number of lines
   (one cent per line at most) the gap is not a rounding artefact and the
   lines are returned unchanged, so that validation reports the mismatch;
4. otherwise walk the lines from the first one and move one cent
   (``sign(k) * 0.01``) into each line until ``k`` cents are placed; a line
   takes the cent only if a 3-decimal unit price ``u'`` exists with
   ``round2(u' * qty) == t_i ± 0.01``; the ``u'`` closest to the original
   unit price is chosen (always possible when ``qty <= 10``);
5. if the cents cannot all be placed, the lines are returned unchanged
   (all or nothing);
6. finally each line's HT is ``round2(TTC / (1 + rate))`` and its TVA is
   ``TTC - HT`` (never negative for a non-negative rate), so HT + TVA == TTC
   holds exactly.

Every line thus stays within one cent of its original total, and its
quantity, unit and VAT rate are never changed.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
HUNDRED = Decimal(100)


def to_decimal(value):
    """Exact Decimal from an int, str, Decimal or float (via its repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_amount(value):
    """Round to the cent, half up (the usual French invoicing rule)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_unit_price(value):
    """Round a unit price to the 3 decimals Urssaf accepts."""
    return to_decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)


def round_quantity(value):
    """Round a quantity to 3 decimals (1h20 = 1.333 h)."""
    return to_decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)


def line_total(unit_price, quantity):
    return round_amount(to_decimal(unit_price) * to_decimal(quantity))


def decimal_places(value):
    """Decimals written in ``value``, trailing zeros ignored (``1.50`` -> 1)."""
    return max(0, -to_decimal(value).normalize().as_tuple().exponent)


@dataclass(frozen=True)
class LineAmounts:
    unit_price: Decimal
    quantity: Decimal
    total: Decimal
    untaxed: Decimal
    tax: Decimal


def _unit_price_for_total(target, quantity, current):
    """3-decimal unit price whose line total is ``target``, or None.

    Half-up rounding gives ``round2(u * q) == target`` exactly when
    ``target - 0.005 <= u * q < target + 0.005``; the candidates are the
    ends of that interval on the 0.001 grid.
    """
    if quantity <= 0 or target < 0:
        return None
    half_cent = CENT / 2
    with localcontext() as ctx:
        ctx.prec = 50
        low = ((target - half_cent) / quantity).quantize(MILLI, rounding=ROUND_CEILING)
        high = ((target + half_cent) / quantity).quantize(MILLI, rounding=ROUND_FLOOR)
        if high * quantity >= target + half_cent:  # the upper bound is excluded
            high -= MILLI
    candidates = [
        price
        for price in {max(low, Decimal(0)), high}
        if price >= 0 and line_total(price, quantity) == target
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda price: (abs(price - current), price))


def _place_cents(units, quantities, totals, cents):
    """Move ``cents`` (signed) into the lines, or return None if impossible."""
    units, totals = list(units), list(totals)
    step = CENT if cents > 0 else -CENT
    remaining = abs(cents)
    for index, (unit, quantity) in enumerate(zip(units, quantities, strict=True)):
        if not remaining:
            break
        price = _unit_price_for_total(totals[index] + step, quantity, unit)
        if price is not None:
            units[index] = price
            totals[index] += step
            remaining -= 1
    return None if remaining else (units, totals)


def balance_lines(lines, invoice_total=None):
    """Compute line amounts so that they add up to ``invoice_total``.

    :param lines: iterable of ``(unit_price_ttc, quantity, vat_rate_percent)``
    :param invoice_total: invoice total incl. VAT, ``None`` for the plain sum
    :return: list of :class:`LineAmounts`, in input order; see the module
        docstring for the algorithm and its failure mode.
    """
    lines = [
        (round_unit_price(unit), to_decimal(quantity), to_decimal(rate))
        for unit, quantity, rate in lines
    ]
    units = [unit for unit, _quantity, _rate in lines]
    quantities = [quantity for _unit, quantity, _rate in lines]
    totals = [
        line_total(unit, qty) for unit, qty in zip(units, quantities, strict=True)
    ]
    if invoice_total is not None and lines:
        cents = int((round_amount(invoice_total) - sum(totals)) / CENT)
        if cents and abs(cents) <= len(lines):
            placed = _place_cents(units, quantities, totals, cents)
            if placed:
                units, totals = placed
    result = []
    for (_unit, quantity, rate), unit, total in zip(lines, units, totals, strict=True):
        untaxed = round_amount(total / (1 + rate / HUNDRED))
        result.append(LineAmounts(unit, quantity, total, untaxed, total - untaxed))
    return result
