"""Exceptions the simulator raises to its Python callers."""


class SimulatorError(Exception):
    """An action is not allowed in the current state (HTTP 409)."""


class ResponseDropped(ConnectionError):
    """The request was processed but its response deliberately lost.

    Over a socket the connection is closed without answer; in-process (werkzeug
    test client) this exception reaches the caller.
    """


class UnknownId(KeyError):
    """No customer / payment request / fault with this id (HTTP 404)."""

    def __str__(self):
        return str(self.args[0]) if self.args else "unknown id"
