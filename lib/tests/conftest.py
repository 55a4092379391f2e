"""Make ``lib`` importable as a top-level package without importing the addon.

The repository root is the Odoo addon, whose ``__init__.py`` imports odoo; the
pure tests must never run it, so they import ``lib`` from the root's parent
directory entry instead.

Also the fixtures shared by the simulator tests (see ``helpers.py``).
"""

import os
import sys

import pytest
from werkzeug.test import Client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# lib is importable only once the path is set.
from lib.simulator import ManualClock, Simulator  # noqa: E402
from lib.simulator.testing import LocalClient  # noqa: E402
from lib.tests.helpers import ACTIVATION, TRANSMITTED_AT  # noqa: E402


@pytest.fixture
def sim():
    """A simulator whose manual clock starts at ``ACTIVATION``."""
    simulator = Simulator(clock=ManualClock(ACTIVATION))
    yield simulator
    simulator.close()


@pytest.fixture
def api(sim):
    """In-process Urssaf client of ``sim``, authenticated as provider ``test``."""
    return LocalClient(sim)


@pytest.fixture
def http(sim):
    """werkzeug test client of ``sim``: raw requests, control endpoints."""
    return Client(sim.wsgi_app)


@pytest.fixture
def transmission_time():
    """Where ``customer`` moves the clock; a module may override it."""
    return TRANSMITTED_AT


@pytest.fixture
def customer(sim, api, transmission_time):
    """A customer activated at ``ACTIVATION``; the clock then moves on to
    ``transmission_time``."""
    id_client = api.active_customer()
    sim.set_time(transmission_time)
    return id_client
