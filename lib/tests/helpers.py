"""Dates, sample requests and small utilities shared by the test modules.

The simulator fixtures built on them (``sim``, ``api``, ``http``,
``customer``) are in ``conftest.py``.
"""

import copy
import socket
import time
from datetime import datetime, timezone

from lib.simulator.testing import DELETE, payment_request

# The simulator tests' calendar: the customer activates on 1 March 2024, the
# services run from 4 to 15 March, the requests are sent on 29 March.
ACTIVATION = "2024-03-01T08:00:00Z"
TRANSMITTED_AT = "2024-03-29T12:00:00Z"
START = datetime(2024, 3, 4, 9, tzinfo=timezone.utc)
END = datetime(2024, 3, 15, 18, tzinfo=timezone.utc)


def payment_item(id_client, number="F1", **overrides):
    """A valid ``InputDemandePaiement`` of ``id_client`` for START-END."""
    return payment_request(id_client, number, START, END, **overrides)


def replaced(data, keys, value):
    """Deep copy of ``data`` with ``value`` at the ``keys`` path (:data:`DELETE`
    removes the key)."""
    data = copy.deepcopy(data)
    parent = data
    for key in keys[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[keys[-1]]
    else:
        parent[keys[-1]] = value
    return data


def free_port():
    """A TCP port of 127.0.0.1 nobody listens on (for now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds=5):
    """Poll ``predicate`` until it is true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)
