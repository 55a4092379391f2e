"""Enumerations exposed to the addon."""

from lib.codes import (
    ACCOUNT_STATUSES,
    CIVILITIES,
    FINAL_PAYMENT_STATUSES,
    NATURE_CODES,
    NATURE_USUAL_VAT_RATES,
    PAYMENT_STATUS_STATES,
    PAYMENT_STATUSES,
    REJECTION_REASONS,
    ROAD_TYPES,
    STATE_UNKNOWN,
    payment_status_label,
    payment_status_state,
)


def test_payment_statuses():
    assert list(PAYMENT_STATUSES) == [
        "10", "20", "30", "40", "50", "60", "70", "110", "111", "112", "120"
    ]  # fmt: skip
    assert set(PAYMENT_STATUS_STATES) == set(PAYMENT_STATUSES)
    assert FINAL_PAYMENT_STATUSES < set(PAYMENT_STATUSES)
    assert payment_status_label("70") == "Payée"
    assert payment_status_label("999") == "Statut inconnu (999)"
    assert payment_status_state("999") == STATE_UNKNOWN
    assert payment_status_state("120") == "recovered"


def test_nomenclatures():
    assert len(NATURE_CODES) == 27
    assert set(NATURE_USUAL_VAT_RATES) == set(NATURE_CODES)
    assert len(REJECTION_REASONS) == 11
    assert {code.split("_")[0] for code in REJECTION_REASONS} == {
        "REGUL",
        "CONTEST",
        "ANNUL",
    }
    assert len(ACCOUNT_STATUSES) == 5
    assert CIVILITIES == {"1": "Monsieur", "2": "Madame"}
    assert len(ROAD_TYPES) == 216
    assert all(code.isupper() and len(code) <= 4 for code in ROAD_TYPES)
    assert (ROAD_TYPES["R"], ROAD_TYPES["AV"], ROAD_TYPES["LD"]) == (
        "Rue",
        "Avenue",
        "Lieu dit",
    )


def test_rejection_reasons_read_as_words():
    """No "Autre(s) (motif)": each label is plain French."""
    for category, label in REJECTION_REASONS.values():
        assert "(" not in label and "(" not in category
    assert REJECTION_REASONS["ANNUL_AUTRE"] == ("Annulation", "Autre motif")
