"""Yearly ceilings of the tax credit for services à la personne (article 199
sexdecies du code général des impôts), on the household's expenses: the
credit, and so the avance immédiate, is half of what stays under them.

Urssaf does not check them (the customer may have other providers, and
declares the year's total): a provider can only warn.
"""

from decimal import Decimal

BASE_CEILING = Decimal(12000)
# Per dependent child and per household member over 65.
INCREASE = Decimal(1500)
MAX_CEILING = Decimal(15000)
# A household member holds a disability card or invalidity pension, or a
# child gives right to the AEEH: no increase on top.
DISABLED_CEILING = Decimal(20000)
# Sub-ceilings of some natures (codes of lib.codes.NATURE_CODES), inside the
# household's ceiling.
SUB_CEILINGS = {
    "gardening": (Decimal(5000), frozenset({"70"})),
    "computer": (Decimal(3000), frozenset({"160"})),
    "diy": (Decimal(500), frozenset({"80"})),
}


def household_ceiling(children=0, seniors=0, disabled=False):
    """The household's yearly ceiling of expenses."""
    if disabled:
        return DISABLED_CEILING
    return min(BASE_CEILING + INCREASE * (children + seniors), MAX_CEILING)


def nature_group(code):
    """The sub-ceiling group of a nature code, or None."""
    return next(
        (group for group, (_limit, codes) in SUB_CEILINGS.items() if code in codes),
        None,
    )


def group_totals(amounts):
    """``{nature code: amount}`` -> ``{None: total, group: amount}``."""
    totals = {None: sum(amounts.values(), Decimal(0))}
    for code, amount in amounts.items():
        group = nature_group(code)
        if group:
            totals[group] = totals.get(group, Decimal(0)) + amount
    return totals


def overruns(before, adding, ceiling):
    """The ceilings that adding expenses crosses or adds to once crossed.

    :param before: ``{nature code: amount}`` already sent this year
    :param adding: ``{nature code: amount}`` about to be sent
    :param ceiling: the household's ceiling
    :return: ``[(group, limit, total before, total after)]``, the household's
        ceiling first (group None)
    """
    before, adding = group_totals(before), group_totals(adding)
    limits = {
        None: ceiling,
        **{group: limit for group, (limit, _c) in SUB_CEILINGS.items()},
    }
    found = []
    for group, limit in limits.items():
        added = adding.get(group, Decimal(0))
        total = before.get(group, Decimal(0))
        if added > 0 and total + added > limit:
            found.append((group, limit, total, total + added))
    return found
