"""In-process transport: a ``requests`` adapter that calls a WSGI application.

Used by the addon's "local simulation" mode to talk to the simulator without
opening a socket::

    session = wsgi_session(simulator.wsgi_app)
    client = UrssafClient(LOCAL_SIMULATION_URL, "id", "secret", session=session)

Everything else in the client (headers, JSON, error mapping, logging) runs
exactly as over HTTP.
"""

import io
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.exceptions import ProtocolError
from werkzeug.test import EnvironBuilder, run_wsgi_app

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
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() != "content-length"
        }
        environ = EnvironBuilder(
            method=request.method,
            base_url=f"{url.scheme}://{url.netloc}",
            path=url.path,
            query_string=url.query,
            headers=headers,
            data=body,
        ).get_environ()
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


def wsgi_session(app, base_url=LOCAL_SIMULATION_URL):
    """A ``requests.Session`` sending every request under ``base_url`` to ``app``."""
    session = requests.Session()
    session.mount(base_url, WSGIAdapter(app))
    return session
