"""The WsgiDAV application at ``/dav/`` and the dispatcher that mounts it beside Django's.

Clients sign in with HTTP Basic: the portal e-mail and an app password (``drive.app_passwords``);
the main password never opens WebDAV, and failed sign-ins are rate-limited. Requests run with
Django's request signals sent, so database connections are handled as for a Django request.
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree
from django.core.signals import request_finished, request_started
from wsgidav.dc.base_dc import BaseDomainController
from wsgidav.wsgidav_app import WsgiDAVApp

from portal.access import webdav_scope

from ..app_passwords import authenticate_app_password
from .provider import DriveProvider
from .stores import DatabaseLockStorage, DatabasePropertyManager, current_account_id, current_listing

MOUNT = "/dav"
REALM = "Colophon"


class AppPasswordDomainController(BaseDomainController):
    def __init__(self, wsgidav_app, config):
        super().__init__(wsgidav_app, config)

    def get_domain_realm(self, path_info, environ):
        return REALM

    def require_authentication(self, realm, environ):
        return True

    def supports_http_digest_auth(self):
        return False

    def basic_auth_user(self, realm, user_name, password, environ):
        client_ip = environ.get("REMOTE_ADDR", "")
        user = authenticate_app_password(email=user_name, secret=password, client_ip=client_ip)
        if user is None:
            return False
        environ["drive.user"] = user
        environ["drive.scope"] = webdav_scope(user)
        current_account_id.set(user.account_id)
        return True


def build_dav_app() -> WsgiDAVApp:
    config = {
        "mount_path": MOUNT,
        "provider_mapping": {"/": DriveProvider()},
        "http_authenticator": {
            "domain_controller": AppPasswordDomainController,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
            "trusted_auth_header": None,
        },
        "lock_storage": DatabaseLockStorage(),
        "property_manager": DatabasePropertyManager(),
        "verbose": 1,
        "logging": {"enable": False, "enable_loggers": []},
        "dir_browser": {"enable": False},
        "add_header_MS_Author_Via": True,
        "hotfixes": {"emulate_win32_lastmod": False, "re_encode_path_info": True, "unquote_path_info": False},
        "cors": {"allow_origin": None},
        "suppress_version_info": True,
        # A PUT's body is read in blocks of 1 MB (8 KB by default: a 2 GB upload would take 250,000 reads).
        "block_size": 1024 * 1024,
    }
    return WsgiDAVApp(config)


XML_METHODS = {"PROPFIND", "PROPPATCH", "LOCK"}
MAX_XML_BYTES = 1024 * 1024


def _refuse(start_response, status: str, text: str):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def _xml_refusal(environ) -> str | None:
    """An XML body (PROPFIND, PROPPATCH, LOCK) is read whole (1 MB at most) and parsed with defusedxml
    first: no DTD, no entities (billion laughs, external entities), nothing malformed. WsgiDAV
    then reads the same bytes."""
    if environ.get("REQUEST_METHOD") not in XML_METHODS:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request"
    if length > MAX_XML_BYTES:
        return "413 Request Entity Too Large"
    if not length and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        body = environ["wsgi.input"].read(MAX_XML_BYTES + 1)
        if len(body) > MAX_XML_BYTES:
            return "413 Request Entity Too Large"
    else:
        body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    if body.strip():
        try:
            DefusedElementTree.fromstring(body, forbid_dtd=True)
        except (DefusedXmlException, ParseError):
            return "400 Bad Request"
    return None


class DavDispatcher:
    """``/dav/…`` to WsgiDAV, everything else to Django."""

    def __init__(self, django_app, dav_app=None):
        self.django_app = django_app
        self._dav_app = dav_app

    @property
    def dav_app(self):
        if self._dav_app is None:
            self._dav_app = build_dav_app()
        return self._dav_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path != MOUNT and not path.startswith(MOUNT + "/"):
            return self.django_app(environ, start_response)
        refusal = _xml_refusal(environ)
        if refusal:
            return _refuse(start_response, refusal, "The XML body is refused.")
        request_started.send(sender=self.__class__, environ=environ)  # closes stale connections, as for Django
        current_account_id.set(None)
        current_listing.set(None)
        # WsgiDAV expects the mount in SCRIPT_NAME and the rest in PATH_INFO.
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + MOUNT
        environ["PATH_INFO"] = path[len(MOUNT) :] or "/"
        try:
            body = self.dav_app(environ, start_response)
        except BaseException:
            self._finish()
            raise
        return _Closing(body, self._finish)

    def _finish(self):
        current_account_id.set(None)
        current_listing.set(None)
        request_finished.send(sender=self.__class__)


class _Closing:
    """The response body, streamed; the request is finished (connections, account) when it is closed."""

    def __init__(self, body, on_close):
        self.body = body
        self.on_close = on_close

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close()
