"""Deterministic stand-ins for the tax office (DGFiP) and INSEE referentials.

Magic birth names (upper-cased, accents removed, compared exactly):

=============  ==================================
INCONNU        ERR_DGFIP_R2P_INCONNU
SANSIMPOT      ERR_DGFIP_IMPOTPART_INCONNU
HOMONYME       ERR_ECV_PARTICULIERS_EXISTENT
BLOQUE         ERR_COMPTE_BLOQUE
=============  ==================================

Birth-date rules: born before 1900-01-01 -> ``ERR_DGFIP_R2P_INCONNU``; under
18 at the simulated date -> ``ERR_DGFIP_IMPOTPART_INCONNU`` (no own tax
return). Everyone else is known to the tax office.
"""

from datetime import date

from ..formats import strip_accents

MAGIC_BIRTH_NAMES = {
    "INCONNU": "ERR_DGFIP_R2P_INCONNU",
    "SANSIMPOT": "ERR_DGFIP_IMPOTPART_INCONNU",
    "HOMONYME": "ERR_ECV_PARTICULIERS_EXISTENT",
    "BLOQUE": "ERR_COMPTE_BLOQUE",
}
OLDEST_KNOWN_BIRTH = date(1900, 1, 1)
TAX_RETURN_AGE = 18


def normalize_name(value):
    """Upper-case form without accents used to compare names."""
    return " ".join(strip_accents(value or "").upper().split())


def _age(birth, today):
    return (
        today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    )


class IdentityTable:
    """The simulated DGFiP: which civil statuses it knows.

    :param extra: ``{birth name: error code}`` added to :data:`MAGIC_BIRTH_NAMES`.
    """

    def __init__(self, extra=None):
        self.names = dict(MAGIC_BIRTH_NAMES)
        self.names.update({normalize_name(k): v for k, v in (extra or {}).items()})

    def check(self, birth_name, birth_date, today):
        """Return the error code for this identity, or None when it is known."""
        code = self.names.get(normalize_name(birth_name))
        if code:
            return code
        if birth_date < OLDEST_KNOWN_BIRTH:
            return "ERR_DGFIP_R2P_INCONNU"
        if _age(birth_date, today) < TAX_RETURN_AGE:
            return "ERR_DGFIP_IMPOTPART_INCONNU"
        return None


def commune_exists(code):
    """INSEE commune code plausibility: a real department and commune number."""
    code = code.upper()
    if code.startswith("97"):  # overseas: 3-digit department, 2-digit commune
        return code[2] in "123456" and code[3:] != "00"
    department, number = code[:2], code[2:]
    if department not in ("2A", "2B"):
        if not department.isdigit() or not 1 <= int(department) <= 95:
            return False
        if department == "20":  # split into 2A/2B in 1976
            return False
    return number != "000"
