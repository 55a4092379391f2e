"""In-process transport: a ``requests`` adapter that calls a WSGI application.

Used by the addon's "local simulation" mode to talk to the simulator without
opening a socket::

    session = wsgi_session(simulator.wsgi_app)
    client = UrssafClient(LOCAL_SIMULATION_URL, "id", "secret", session=session)

Everything else in the client (headers, JSON, error mapping, logging) runs
exactly as over HTTP.
"""

import io
import sys
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.exceptions import ProtocolError
from werkzeug.test import run_wsgi_app

# The ".invalid" TLD never resolves (RFC 2606): a session without the adapter
# mounted cannot leak a request to the network.
LOCAL_SIMULATION_URL = "http://urssaf-simulator.invalid"


class WSGIAdapter(BaseAdapter):
    """Dispatch each request to ``app`` and build a ``requests.Response``.

    An application that raises the built-in :class:`ConnectionError` after
    processing a request (the simulator's "dropped response" fault) is seen by
    the client as a connection aborted after sending, like over a socket.
    """

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(
        self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None
    ):
        environ = _environ(request)
        try:
            app_iter, status, response_headers = run_wsgi_app(
                self.app, environ, buffered=True
            )
            try:
                content = b"".join(app_iter)
            finally:
                getattr(app_iter, "close", lambda: None)()
        except ConnectionError as exc:
            raise requests.exceptions.ConnectionError(
                ProtocolError("Connection aborted.", exc), request=request
            ) from exc
        response = requests.Response()
        code, _sep, reason = status.partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(response_headers.items())
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        """Nothing to release: no socket was opened."""


def _environ(request):
    """The WSGI environ a server would build for ``request`` (PEP 3333);
    built by hand: werkzeug's EnvironBuilder costs more than the simulator's
    answer to a search."""
    url = urlsplit(request.url)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    port = str(url.port or (443 if url.scheme == "https" else 80))
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        # PEP 3333: the percent-decoded bytes, as a latin-1 str.
        "PATH_INFO": unquote(url.path, "latin-1"),
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": f"{url.hostname}:{port}" if url.port else url.hostname,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for key, value in request.headers.items():
        name = key.upper().replace("-", "_")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if name == "CONTENT_TYPE":
            environ[name] = value
        elif name != "CONTENT_LENGTH":
            environ[f"HTTP_{name}"] = value
    return environ


def wsgi_session(app, base_url=LOCAL_SIMULATION_URL):
    """A ``requests.Session`` sending every request under ``base_url`` to ``app``."""
    session = requests.Session()
    # No proxy or .netrc applies in-process: skip reading them at each call.
    session.trust_env = False
    session.mount(base_url, WSGIAdapter(app))
    return session
