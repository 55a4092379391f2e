"""Local simulator of the Urssaf "API Tiers de Prestation" (avance immédiate).

A werkzeug WSGI application with the real API's paths, JSON shapes, status
codes and error codes, plus a clock, explicit actions, fault injection and a
deterministic identity table. Full documentation: ``README.md`` next to this
file.

Python API::

    from lib.simulator import (
        API_PREFIX, TOKEN_PATH, ManualClock, Settings, Simulator,
    )

    sim = Simulator()                          # in-memory SQLite, real clock
    sim = Simulator(db_path="state.sqlite3",   # state survives restarts
                    clock=ManualClock("2024-03-15T09:00:00Z"),
                    settings=Settings(token_lifetime=600))
    sim.wsgi_app                               # WSGI callable
    with sim.serve() as base_url:              # http://127.0.0.1:<free port>
        token_url = base_url + TOKEN_PATH      # /api/oauth/v1/token
        api_base = base_url + API_PREFIX       # /atp/v1/tiersPrestations
    sim.issue_token("provider-a")              # bearer token without HTTP

    # clock (the simulator's own time; pending transitions follow it)
    sim.now(); sim.advance(days=2, hours=1); sim.set_time("2024-04-01T08:00:00Z")

    # customer actions
    sim.activate(id_client, provider=None, at=None)   # -> APPAREILLAGE_VALIDE
    sim.expire_activation(id_client)                   # -> APPAREILLAGE_NF
    sim.block_customer(id_client); sim.unblock_customer(id_client)
    sim.expire_mandate(id_client); sim.renew_mandate(id_client)

    # payment-request actions (ids from POST /demandePaiement)
    sim.validate(id_dp)                                # -> 30
    sim.refuse(id_dp, code="CONTEST_ERR_FACT", commentaire="")  # -> 40
    sim.bounce(id_dp)                                  # -> 60, blocks customer
    sim.pay(id_dp, amount=None)                        # -> 70 + infoVirement
    sim.cancel(id_dp, code="ANNUL_AUTRE", commentaire="")       # -> 110
    sim.close_unpaid(id_dp, status="120")              # 60 -> 111/112/120

    # inspection
    sim.customer(id_client); sim.customers()
    sim.payment_request(id_dp); sim.payment_requests(provider=None)

    # faults: operations token|inscription|statut|demande|recherche|*
    #         kinds delay|error_500|maintenance_503|empty_400|expired_token|drop
    fid = sim.inject_fault("demande", "drop", times=1, delay=0.0)
    sim.faults(); sim.remove_fault(fid); sim.clear_faults()

    # provider flags (BR18/BR19, secrets)
    sim.configure_provider("provider-a", secret="s3cret", deposits_allowed=False)
    sim.reset(); sim.close()

Identity table (simulated DGFiP), on the birth name upper-cased without
accents: ``INCONNU`` -> ERR_DGFIP_R2P_INCONNU, ``SANSIMPOT`` ->
ERR_DGFIP_IMPOTPART_INCONNU, ``HOMONYME`` -> ERR_ECV_PARTICULIERS_EXISTENT,
``BLOQUE`` -> ERR_COMPTE_BLOQUE; born before 1900 -> ERR_DGFIP_R2P_INCONNU;
under 18 -> ERR_DGFIP_IMPOTPART_INCONNU; anyone else is known.

HTTP control endpoints live under ``/simulator/`` (see README.md); they are
not part of the Urssaf API.
"""

from .app import API_PREFIX, TOKEN_PATH
from .clock import ManualClock, RealClock
from .control import PREFIX as CONTROL_PREFIX
from .errors import ResponseDropped, SimulatorError, UnknownId
from .faults import ANY_OPERATION, FAULT_KINDS, OPERATIONS
from .identity import IdentityTable
from .simulator import ProviderConfig, Settings, Simulator

__all__ = [
    "ANY_OPERATION",
    "API_PREFIX",
    "CONTROL_PREFIX",
    "FAULT_KINDS",
    "OPERATIONS",
    "TOKEN_PATH",
    "IdentityTable",
    "ManualClock",
    "ProviderConfig",
    "RealClock",
    "ResponseDropped",
    "Settings",
    "Simulator",
    "SimulatorError",
    "UnknownId",
]
