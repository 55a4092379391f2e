"""A small scriptable stand-in for the Urssaf gateway, for client tests.

It is a werkzeug WSGI application: tests serve it on 127.0.0.1 (real HTTP)
or plug it through :class:`lib.wsgi_adapter.WSGIAdapter`. By default it
answers like a healthy Urssaf; ``script()`` queues one-shot handlers for a
route to inject other answers.

Use the simulator (``lib.simulator``) for everything it can produce,
including its faults (500, 503, empty 400, expired token, dropped response,
delay). The fake is kept for what the simulator does not and should not
produce: wire-format variants (``Errors`` vs ``errors``, a list where an
object is expected, non-JSON or malformed bodies, odd ``statut`` values,
missing or reordered items), HTTP statuses outside its fault kinds (403,
404, 429, 504, an empty 500), and a record of every request (headers, form,
JSON) to check exactly what the client sends.
"""

import contextlib
import json
import logging
import threading
import uuid
from collections import defaultdict

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from lib.codes import API_PATH, TOKEN_PATH

SUBMIT = ("POST", API_PATH + "/demandePaiement")
SEARCH = ("POST", API_PATH + "/demandePaiement/rechercher")
REGISTER = ("POST", API_PATH + "/particulier")
STATUS = ("GET", API_PATH + "/particulier")
TOKEN = ("POST", TOKEN_PATH)


def json_response(body, status=200):
    return Response(json.dumps(body), status=status, mimetype="application/json")


def raw_response(body, status):
    return Response(body, status=status)


def empty_response(status):
    return raw_response(b"", status)


def errors_response(*codes, status=400, key=None):
    errors = [{"code": code, "message": "msg", "description": "desc"} for code in codes]
    return json_response({key: errors} if key else errors, status=status)


def passthrough(request, fake):
    """Handler answering like the default behaviour (to script later calls)."""
    return fake.default(request)


class FakeUrssaf:
    def __init__(self):
        self.calls = defaultdict(list)
        self.scripts = defaultdict(list)
        self.tokens = set()
        self.expires_in = 3600
        self.payment_requests = {}

    def script(self, route, *handlers):
        """Queue one-shot handlers ``handler(request, fake) -> Response``
        (or a Response) for ``route``, used before the default behaviour."""
        self.scripts[route].extend(handlers)

    def count(self, route):
        return len(self.calls[route])

    def issue_token(self):
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return token

    def __call__(self, environ, start_response):
        request = Request(environ)
        route = (request.method, request.path)
        body = request.get_data()
        self.calls[route].append(
            {
                "headers": dict(request.headers),
                "args": dict(request.args),
                "form": dict(request.form),
                "json": json.loads(body) if body and request.is_json else None,
            }
        )
        if self.scripts[route]:
            handler = self.scripts[route].pop(0)
            response = (
                handler if isinstance(handler, Response) else handler(request, self)
            )
        elif route != TOKEN and not self._authorised(request):
            response = empty_response(401)
        else:
            response = self.default(request)
        return response(environ, start_response)

    def _authorised(self, request):
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def default(self, request):
        route = (request.method, request.path)
        payload = request.get_json(silent=True)
        if route == TOKEN:
            return json_response(
                {
                    "access_token": self.issue_token(),
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                }
            )
        if route == REGISTER:
            return json_response({"idClient": str(uuid.uuid4())})
        if route == STATUS:
            return json_response(
                {
                    "idClient": request.args.get("idClient"),
                    "statut": {
                        "code": "APPAREILLAGE_VALIDE",
                        "etat": "OK",
                        "description": "Transmission DP possible depuis le "
                        "05/03/2024 10:15:30",
                    },
                }
            )
        if route == SUBMIT:
            return json_response([self._accept(item) for item in payload])
        if route == SEARCH:
            return self._search(payload)
        return empty_response(404)

    def _accept(self, item):
        identifier = str(len(self.payment_requests) + 1).zfill(14)
        self.payment_requests[identifier] = item
        return {
            "idClient": item["idClient"],
            "idDemandePaiement": identifier,
            "numFactureTiers": item["numFactureTiers"],
            "statut": "10",
        }

    def _search(self, payload):
        ids = payload.get("idDemandePaiements") or []
        numbers = payload.get("numFactureTiers") or []
        found = [
            {
                "idDemandePaiement": identifier,
                "demandePaiement": item,
                "statut": {"code": "20", "libelle": "En attente de validation"},
            }
            for identifier, item in self.payment_requests.items()
            if identifier in ids or item["numFactureTiers"] in numbers
        ]
        if not found:
            return errors_response("ERR_RECHERCHE_VIDE")
        unknown = [i for i in ids if i not in self.payment_requests]
        errors = [{"code": "ERR_RECHERCHE_VIDE", "description": i} for i in unknown]
        return json_response({"infoDemandePaiements": found, "errors": errors})


@contextlib.contextmanager
def serve(app):
    """Serve ``app`` on 127.0.0.1 on a free port; yield the base URL."""
    werkzeug_logger = logging.getLogger("werkzeug")
    level = werkzeug_logger.level
    werkzeug_logger.setLevel(logging.ERROR)  # its access log shows query strings
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        werkzeug_logger.setLevel(level)
