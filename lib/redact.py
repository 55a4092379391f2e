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


def redact(data):
    """Deep copy of decoded JSON with sensitive values replaced by ``***``."""
    if isinstance(data, dict):
        return {
            key: REDACTED if str(key).lower() in SENSITIVE_KEYS else redact(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [redact(item) for item in data]
    return data
