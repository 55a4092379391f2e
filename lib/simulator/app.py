"""WSGI front end: Urssaf routes, OAuth, fault injection, request logging."""

import base64
import binascii
import contextlib
import json
import logging
import socket
import time
from decimal import Decimal

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ..codes import API_PATH as API_PREFIX
from ..codes import OAUTH_SCOPE, TOKEN_PATH
from . import codes, control
from .errors import ResponseDropped
from .faults import DROP, EMPTY_400, ERROR_500, EXPIRED_TOKEN, MAINTENANCE_503
from .rules import Rejected
from .store import dumps

_logger = logging.getLogger(__package__)


def json_response(data, status=200, headers=None):
    return Response(dumps(data), status, headers, mimetype="application/json")


def _errors_response(error, status=400):
    return json_response([error], status)


def _unauthorized():
    return Response(
        status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def _oauth_error(error, status):
    return json_response({"error": error}, status, {"Cache-Control": "no-store"})


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_json(request):
    """Body as strict JSON (no NaN/Infinity) with exact decimals, or raise Rejected."""
    try:
        return json.loads(
            request.get_data(as_text=True),
            parse_float=Decimal,
            parse_constant=_reject_constant,
        )
    except ValueError as exc:
        raise Rejected("ERREUR_VALIDATION", "Corps de requête JSON invalide") from exc


def _basic_credentials(request):
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _bearer_token(request):
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class SimulatorApp:
    """WSGI application of a :class:`~.simulator.Simulator`."""

    def __init__(self, simulator):
        self.sim = simulator
        self.url_map = Map(
            [
                Rule(TOKEN_PATH, methods=["POST"], endpoint="token"),
                Rule(
                    f"{API_PREFIX}/particulier",
                    methods=["POST"],
                    endpoint="inscription",
                ),
                Rule(f"{API_PREFIX}/particulier", methods=["GET"], endpoint="statut"),
                Rule(
                    f"{API_PREFIX}/demandePaiement",
                    methods=["POST"],
                    endpoint="demande",
                ),
                Rule(
                    f"{API_PREFIX}/demandePaiement/rechercher",
                    methods=["POST"],
                    endpoint="recherche",
                ),
                *control.rules(),
            ]
        )
        self._handlers = {
            "inscription": self._inscription,
            "statut": self._statut,
            "demande": self._demande,
            "recherche": self._recherche,
        }

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except ResponseDropped:
            _logger.info("%s %s -> response dropped", request.method, request.path)
            raise
        _logger.info("%s %s -> %s", request.method, request.path, response.status_code)
        return response(environ, start_response)

    def _dispatch(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
        except HTTPException as exc:
            return exc.get_response(request.environ)
        if endpoint.startswith(control.ENDPOINT_PREFIX):
            return control.dispatch(self.sim, endpoint, request, arguments)
        return self._urssaf(endpoint, request)

    def _urssaf(self, operation, request):
        fault = self.sim.fault_registry.take(operation)
        kind = fault.kind if fault else None
        if fault and fault.delay:
            time.sleep(fault.delay)
        if kind == ERROR_500:
            return _errors_response(codes.error("ERREUR_TECHNIQUE"), 500)
        if kind == MAINTENANCE_503:
            return Response(status=503)
        if kind == EMPTY_400:
            return Response(status=400)
        if operation == "token":
            if kind == EXPIRED_TOKEN:
                return _oauth_error("invalid_client", 401)
            response = self._token(request)
        else:
            token = _bearer_token(request)
            provider = token and self.sim.authenticate(token)
            if not provider:
                return _unauthorized()
            if kind == EXPIRED_TOKEN:
                self.sim.revoke_token(token)
                return _unauthorized()
            try:
                response = self._handlers[operation](provider, request)
            except Rejected as exc:
                response = _errors_response(exc.error)
            except Exception:  # an Urssaf-shaped answer even for a simulator bug
                _logger.exception("%s %s failed", request.method, request.path)
                response = _errors_response(codes.error("ERREUR_TECHNIQUE"), 500)
        if kind == DROP:
            _drop_connection(request)
        return response

    def _token(self, request):
        form = request.form
        if form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", 400)
        scope = form.get("scope")
        if scope is not None and scope.split() != [OAUTH_SCOPE]:
            return _oauth_error("invalid_scope", 400)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if not client_id:
            client_id, secret = _basic_credentials(request)
        if not self.sim.client_allowed(client_id, secret):
            return _oauth_error("invalid_client", 401)
        return json_response(
            {
                "access_token": self.sim.issue_token(client_id),
                "token_type": "Bearer",
                "expires_in": self.sim.settings.token_lifetime,
                "scope": OAUTH_SCOPE,
            },
            headers={"Cache-Control": "no-store"},
        )

    def _inscription(self, provider, request):
        id_client = self.sim.register_customer(provider, parse_json(request))
        return json_response({"idClient": id_client})

    def _statut(self, provider, request):
        status = self.sim.customer_status(
            provider, request.args.get("idClient"), request.args.get("adresseMail")
        )
        return json_response(status)

    def _demande(self, provider, request):
        return json_response(
            self.sim.submit_payment_requests(provider, parse_json(request))
        )

    def _recherche(self, provider, request):
        return json_response(
            self.sim.search_payment_requests(provider, parse_json(request))
        )


def _drop_connection(request):
    """Close the client connection without answering (the work is done)."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        # OSError: the client is already gone, the response is lost anyway.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ResponseDropped("response deliberately dropped by the simulator")
