"""Typed errors raised by the Urssaf client.

The hierarchy tells the caller what to do next:

* :class:`UrssafTemporaryError`: nothing was processed (or the API is down),
  retrying later is safe;
* :class:`UrssafAuthError`: credentials or habilitation problem, fix the
  configuration;
* :class:`UrssafBusinessError`: Urssaf refused the request and said why
  (list of :class:`UrssafErrorDetail`), fix the data;
* :class:`UrssafOutcomeUnknownError`: the request left this machine but no
  usable answer came back; it may have been processed, so reconcile by
  searching, never by resending blindly. It deliberately does **not**
  inherit from :class:`UrssafTemporaryError`, so that generic retry code
  cannot resend a payment request twice.

Problems found locally before sending are not exceptions: see
:mod:`.validators`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class UrssafErrorDetail:
    """One element of an Urssaf ``Erreur`` list."""

    code: str
    message: str = ""
    description: str = ""

    @classmethod
    def from_json(cls, data):
        """Build from one decoded error object, tolerating odd shapes.

        Keys are matched case-insensitively because the API is not consistent
        in its capitalisation (``errors`` vs ``Errors``).
        """
        if not isinstance(data, dict):
            return cls(code="INCONNU", description=str(data))
        lowered = {str(key).lower(): value for key, value in data.items()}
        return cls(
            code=str(lowered.get("code") or "INCONNU"),
            message=str(lowered.get("message") or ""),
            description=str(lowered.get("description") or ""),
        )

    def __str__(self):
        return " - ".join(
            part for part in (self.code, self.message, self.description) if part
        )


class UrssafError(Exception):
    """Base class: a permanent failure that retrying will not fix."""

    def __init__(self, code, message="", description="", http_status=None):
        self.code = code
        self.message = message
        self.description = description
        self.http_status = http_status
        super().__init__(
            " - ".join(part for part in (code, message, description) if part)
        )


class UrssafTemporaryError(UrssafError):
    """Connection refused, timeout before sending, 5xx, 429 or maintenance."""


class UrssafAuthError(UrssafError):
    """Token request refused, or 401/403 on an API call."""


class UrssafOutcomeUnknownError(UrssafError):
    """The request was sent but its outcome is unknown (timeout, reset...)."""


class UrssafBusinessError(UrssafError):
    """Urssaf rejected the request with one or more error codes."""

    def __init__(self, errors, http_status=None):
        self.errors = tuple(errors) or (
            UrssafErrorDetail(
                code="BAD_REQUEST", message="Requête refusée sans détail"
            ),
        )
        first = self.errors[0]
        super().__init__(
            first.code, first.message, first.description, http_status=http_status
        )

    @property
    def codes(self):
        return [error.code for error in self.errors]
