"""Hypothesis strategies producing valid customers and payment requests."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from lib.amounts import line_total
from lib.payload import Address, BirthPlace, ServiceLine
from lib.tests.samples import make_customer, make_payment_request

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçñÉÈÇ"

letter_words = st.text(alphabet=LETTERS, min_size=1, max_size=12)


@st.composite
def names(draw):
    """Names matching the official pattern, at most 80 characters."""
    words = draw(st.lists(letter_words, min_size=1, max_size=4))
    separators = draw(
        st.lists(st.sampled_from([" ", "-", "'"]), min_size=3, max_size=3)
    )
    name = words[0]
    for separator, word in zip(separators, words[1:], strict=False):
        name += separator + word
    return name[:80].rstrip(" -'")


@st.composite
def first_names(draw):
    """First names (possibly compound) separated by single spaces."""
    words = [
        word + draw(st.sampled_from(["", "-" + word.lower(), "'" + word.lower()]))
        for word in draw(st.lists(letter_words, min_size=1, max_size=3))
    ]
    return " ".join(words)


birth_places = st.sampled_from(
    [
        BirthPlace("99100", "69123", "Lyon"),
        BirthPlace("99100", "77288", "Melun"),
        BirthPlace("99100", "2A004", "Ajaccio"),
        BirthPlace("99100", "2B033", "Bastia"),
        BirthPlace("99100", "97411", "Saint-Denis"),
        BirthPlace("99100", "97611", "Mamoudzou"),
        BirthPlace("99109"),
        BirthPlace("99350", None, None),
    ]
)

phones = st.sampled_from(
    ["0612345678", "07 12 34 56 78", "+33 6 12 34 56 78", "+33 (0)7 12.34.56.78"]
    + ["0033612345678", "+262 692 12 34 56", "06-12-34-56-78"]
)

streets = st.sampled_from(
    [
        "8 rue du Soleil",
        "12 bis avenue Jean Jaurès",
        "3, Boulevard Saint-Michel",
        "Le Bourg",
        "14 T chemin des Vignes",
        "Lieu-dit Les Granges",
        "2 place de la Mairie",
    ]
)


@st.composite
def customers(draw):
    """Customers with the sample bank account and anything else drawn."""
    return make_customer(
        civility=draw(st.sampled_from(["1", "2"])),
        birth_name=draw(names()),
        usage_name=draw(st.none() | names()),
        first_names=draw(first_names()),
        birth_date=draw(st.dates(date(1910, 1, 1), date(2005, 12, 31))),
        birth_place=draw(birth_places),
        mobile_phone=draw(phones),
        email=draw(
            st.sampled_from(["a@example.fr", "jean.dupont-x_1@mail.example.com"])
        ),
        address=Address.from_street(
            draw(streets),
            city="LYON 01",
            city_code=draw(st.sampled_from(["69101", "2A004", "97411"])),
            zip_code="69001",
        ),
    )


unit_prices = st.decimals(Decimal("1"), Decimal("500"), places=3)
small_quantities = st.decimals(Decimal("0.25"), Decimal("10"), places=2)
vat_rates = st.sampled_from([0, Decimal("5.5"), 10, 20])


@st.composite
def service_lines(draw):
    return ServiceLine(
        nature_code=draw(st.sampled_from(["10", "60", "100", "270"])),
        quantity=draw(small_quantities),
        unit_price=draw(unit_prices),
        unit=draw(st.sampled_from(["HEURE", "FORFAIT"])),
        vat_rate=draw(vat_rates),
    )


@st.composite
def payment_requests(draw):
    """Valid requests whose total differs from the sum of lines by at most
    one cent per line (the rounding gap the builder absorbs)."""
    lines = draw(st.lists(service_lines(), min_size=1, max_size=6))
    start = draw(st.datetimes(datetime(2023, 1, 1), datetime(2024, 2, 27)))
    end = start + timedelta(hours=draw(st.integers(0, 24 * 30)))
    if end.month != start.month:
        end = start
    plain = sum(line_total(line.unit_price, line.quantity) for line in lines)
    gap = draw(st.integers(-len(lines), len(lines))) * Decimal("0.01")
    return make_payment_request(
        draw(st.text("ABCDEF0123456789-/", min_size=1, max_size=50)),
        invoice_date=end.date(),
        start=start,
        end=end,
        intervenant=draw(st.sampled_from(["SAP123456789", "SIR12345678900011"])),
        lines=lines,
        total=plain + gap,
    )
