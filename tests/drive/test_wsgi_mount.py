"""portal/wsgi.py serves the drive's WebDAV under /dav/ and everything else with Django."""

import io

import pytest

pytestmark = pytest.mark.django_db


def _call(app, method, path):
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    body = app(environ, start_response)
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return seen


def test_dav_asks_for_an_app_password_and_the_rest_is_django(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    from portal.wsgi import application

    answer = _call(application, "PROPFIND", "/dav/")
    assert answer["status"] == 401 and 'realm="Colophon"' in answer["headers"]["WWW-Authenticate"]
    answer = _call(application, "GET", "/healthz")
    assert answer["status"] in (200, 503)
