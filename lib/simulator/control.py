"""``/simulator/...`` HTTP endpoints driving the simulator (not Urssaf API).

No authentication: the simulator only listens on the loopback interface.
Errors: 400 bad parameters, 404 unknown id, 409 transition not allowed; the
body is ``{"error": "..."}``.
"""

import json

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from .errors import SimulatorError, UnknownId
from .store import dumps

PREFIX = "/simulator"
ENDPOINT_PREFIX = "control."

CUSTOMER_ACTIONS = {
    "activate": "activate",
    "expire-activation": "expire_activation",
    "block": "block_customer",
    "unblock": "unblock_customer",
    "expire-mandate": "expire_mandate",
    "renew-mandate": "renew_mandate",
}
PAYMENT_REQUEST_ACTIONS = {
    "validate": "validate",
    "refuse": "refuse",
    "bounce": "bounce",
    "pay": "pay",
    "cancel": "cancel",
    "close-unpaid": "close_unpaid",
}


def rules():
    def rule(path, endpoint, *methods):
        return Rule(PREFIX + path, endpoint=ENDPOINT_PREFIX + endpoint, methods=methods)

    return [
        rule("/clock", "clock", "GET"),
        rule("/clock/advance", "clock_advance", "POST"),
        rule("/clock/set", "clock_set", "POST"),
        rule("/settings", "settings", "GET", "PATCH"),
        rule("/customers", "customers", "GET"),
        rule("/customers/<id_client>", "customer", "GET"),
        rule("/customers/<id_client>/<action>", "customer_action", "POST"),
        rule("/payment-requests", "payment_requests", "GET"),
        rule("/payment-requests/<id_dp>", "payment_request", "GET"),
        rule("/payment-requests/<id_dp>/<action>", "payment_request_action", "POST"),
        rule("/faults", "faults", "GET", "POST", "DELETE"),
        rule("/faults/<int:fault_id>", "fault", "DELETE"),
        rule("/providers", "providers", "GET"),
        rule("/providers/<client_id>", "provider", "PUT"),
        rule("/token", "token", "POST"),
        rule("/reset", "reset", "POST"),
    ]


def _json(data, status=200):
    return Response(dumps(data), status, mimetype="application/json")


def _body(request):
    text = request.get_data(as_text=True)
    if not text.strip():
        return {}
    body = json.loads(text)
    if not isinstance(body, dict):
        raise ValueError("a JSON object is expected")
    return body


def dispatch(sim, endpoint, request, arguments):
    """Run a control endpoint; map exceptions to HTTP errors."""
    handler = _HANDLERS[endpoint[len(ENDPOINT_PREFIX) :]]
    try:
        return _json(handler(sim, request, **arguments))
    except UnknownId as exc:
        return _json({"error": str(exc)}, 404)
    except SimulatorError as exc:
        return _json({"error": str(exc)}, 409)
    except (ValueError, TypeError) as exc:
        return _json({"error": str(exc)}, 400)


def _clock(sim, request):
    return sim.clock_info()


def _clock_advance(sim, request):
    sim.advance(**_body(request))
    return sim.clock_info()


def _clock_set(sim, request):
    body = _body(request)
    sim.set_time(body.get("now") or sim.now(), mode=body.get("mode"))
    return sim.clock_info()


def _settings(sim, request):
    if request.method == "PATCH":
        sim.settings.update(_body(request))
    return sim.settings.as_dict()


def _customers(sim, request):
    return sim.customers()


def _customer(sim, request, id_client):
    return sim.customer(id_client)


def _customer_action(sim, request, id_client, action):
    if action not in CUSTOMER_ACTIONS:
        raise UnknownId(f"unknown action {action}")
    return getattr(sim, CUSTOMER_ACTIONS[action])(id_client, **_body(request))


def _payment_requests(sim, request):
    return sim.payment_requests(provider=request.args.get("provider"))


def _payment_request(sim, request, id_dp):
    return sim.payment_request(id_dp)


def _payment_request_action(sim, request, id_dp, action):
    if action not in PAYMENT_REQUEST_ACTIONS:
        raise UnknownId(f"unknown action {action}")
    return getattr(sim, PAYMENT_REQUEST_ACTIONS[action])(id_dp, **_body(request))


def _faults(sim, request):
    if request.method == "POST":
        body = _body(request)
        return {"id": sim.inject_fault(**body), "faults": sim.faults()}
    if request.method == "DELETE":
        sim.clear_faults()
    return sim.faults()


def _fault(sim, request, fault_id):
    sim.remove_fault(fault_id)
    return sim.faults()


def _providers(sim, request):
    return {client_id: config.as_dict() for client_id, config in sim.providers.items()}


def _provider(sim, request, client_id):
    return sim.configure_provider(client_id, **_body(request)).as_dict()


def _token(sim, request):
    client_id = _body(request).get("client_id") or "test"
    return {"access_token": sim.issue_token(client_id), "token_type": "Bearer"}


def _reset(sim, request):
    sim.reset()
    return {"reset": True}


_HANDLERS = {
    "clock": _clock,
    "clock_advance": _clock_advance,
    "clock_set": _clock_set,
    "settings": _settings,
    "customers": _customers,
    "customer": _customer,
    "customer_action": _customer_action,
    "payment_requests": _payment_requests,
    "payment_request": _payment_request,
    "payment_request_action": _payment_request_action,
    "faults": _faults,
    "fault": _fault,
    "providers": _providers,
    "provider": _provider,
    "token": _token,
    "reset": _reset,
}
