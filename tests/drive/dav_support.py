"""Calling the WebDAV application in the test's own thread and database transaction."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote, unquote

from django.core import signals
from django.db import close_old_connections

from drive.dav.app import DavDispatcher, build_dav_app


def _not_django(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"django"]


class DavClient:
    def __init__(self, email: str, secret: str):
        self.auth = "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()
        self.app = DavDispatcher(_not_django, build_dav_app())

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None, *, length=None):
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            # As a WSGI server gives it: percent-decoded, UTF-8 bytes read as Latin-1.
            "PATH_INFO": unquote(path).encode("utf-8").decode("latin-1"),
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_AUTHORIZATION": self.auth,
            "CONTENT_LENGTH": str(len(body) if length is None else length),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        # As Django's test client does: the request signals must not close the test's connection.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = self.app(environ, start_response)
            content = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return answer["status"], answer["headers"], content


def dav_path(*segments: str) -> str:
    return "/dav/" + "/".join(quote(segment) for segment in segments)
