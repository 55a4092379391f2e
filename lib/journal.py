"""What an exchange with Urssaf is about, read from what was exchanged."""

# JSON key -> kind of identifier it holds.
KEY_KINDS = {
    "idClient": "customer",
    "adresseMail": "email",
    "numFactureTiers": "invoice",
    "idDemandePaiement": "request",
    "idDemandePaiements": "request",
}


def exchange_keys(exchange):
    """``{(kind, value)}`` of the customers, e-mails, invoice numbers and
    payment request ids named in a :class:`.client.Exchange`."""
    keys = set()
    _collect(exchange.request, keys)
    _collect(exchange.response, keys)
    return keys


def _collect(data, keys):
    if isinstance(data, dict):
        for key, value in data.items():
            kind = KEY_KINDS.get(key)
            values = value if isinstance(value, list) else [value]
            if kind:
                for item in values:
                    if isinstance(item, str) and item:
                        keys.add(
                            (kind, item.strip().lower() if kind == "email" else item)
                        )
            _collect(value, keys)
    elif isinstance(data, list):
        for item in data:
            _collect(item, keys)
