"""Remove personal data and secrets from payloads before logging them.

API Tiers de Prestation payloads describe private individuals: identity,
birth data, contact details, address and bank account. Only technical
identifiers, codes, dates of service and amounts are kept.
"""

REDACTED = "***"

# Compared case-insensitively; a matching key hides its whole value, even
# when it is an object (address, birth place, bank details).
SENSITIVE_KEYS = frozenset(
    key.lower()
    for key in (
        # identity and birth data
        "nomNaissance",
        "nomUsage",
        "prenoms",
        "dateNaissance",
        "dateNaissanceClient",
        "lieuNaissance",
        # contact details and address
        "numeroTelephonePortable",
        "adresseMail",
        "adressePostale",
        # bank details
        "coordonneeBancaire",
        "iban",
        "bic",
        "titulaire",
        # free texts that may name people
        "complement1",
        "commentaire",
        # credentials
        "access_token",
        "refresh_token",
        "client_id",
        "client_secret",
        "authorization",
        "password",
    )
)


SECRET_KEYS = frozenset(
    ("access_token", "refresh_token", "client_id", "client_secret", "authorization")
    + ("password",)
)


def _mask(data, keys, replace):
    # Scalars are kept without a call: every search answer goes through here,
    # in the thread waiting for Urssaf.
    if isinstance(data, dict):
        masked = {}
        for key, value in data.items():
            if str(key).lower() in keys:
                masked[key] = replace(key, value)
            elif isinstance(value, dict | list):
                masked[key] = _mask(value, keys, replace)
            else:
                masked[key] = value
        return masked
    if isinstance(data, list):
        return [
            _mask(item, keys, replace) if isinstance(item, dict | list) else item
            for item in data
        ]
    return data


def redact(data):
    """Deep copy of decoded JSON with sensitive values replaced by ``***``."""
    return _mask(data, SENSITIVE_KEYS, lambda key, value: REDACTED)


def mask_iban(iban):
    """``FR76 **** 0143``: enough to tell accounts apart, not to debit one."""
    iban = "".join(str(iban).split())
    return f"{iban[:4]} **** {iban[-4:]}" if len(iban) > 8 else REDACTED


def for_journal(data):
    """Deep copy of decoded JSON as the exchange journal keeps it: secrets
    removed, IBANs masked; the rest (personal data included) kept as sent."""
    return _mask(
        data,
        SECRET_KEYS | {"iban"},
        lambda key, value: mask_iban(value) if key.lower() == "iban" else REDACTED,
    )
