"""The portal's error pages: 400, 403 (and the CSRF failure), 404, 500 and 503, in the portal's layout.

They speak the visitor's language (LocaleMiddleware has already chosen it; French by default) and
each offers a way back: the home page, and the page the visitor came from when it is one of ours.

The 500 page must render when the database is down, so it is rendered with a plain context: no
context processor runs, and the template never reads the user, the session or the messages (the
header then shows the brand and the language switch only).
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# Served if even the 500 template cannot be rendered: no template, no database, both languages.
LAST_RESORT_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur · Error</title></head>'
    "<body><h1>Une erreur est survenue</h1><p>Réessayez dans quelques minutes.</p>"
    '<h1 lang="en">Something went wrong</h1><p lang="en">Please try again in a few minutes.</p>'
    '<p><a href="/">Accueil · Home</a></p></body></html>'
)


def back_url(request: HttpRequest) -> str | None:
    """The page the visitor came from, when it is on this site and is not the failing page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:  # a 400 for a bad Host header: no host to trust, no link back
        return None
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    if referer.split("#")[0] == request.build_absolute_uri():
        return None
    return referer


def _page(request: HttpRequest, status: int, *, template: str | None = None) -> HttpResponse:
    return render(
        request,
        template or f"errors/{status}.html",
        {"status": status, "back_url": back_url(request)},
        status=status,
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a missing or stale token (often an old tab)."""
    return _page(request, 403, template="errors/403_csrf.html")


#: What the database driver raises while the database is down or restarting: a 503, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """No database: a plain context (no context processors), and nothing that reads the user.

    Django calls this view while it handles the exception: when the database could not be reached
    (down, restarting, failed over), the answer is the 503 page with a Retry-After, which load
    balancers and monitoring read as "come back soon"; any other error is the 500 page."""
    status = 503 if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE) else 500
    context = {
        "status": status,
        "request": request,
        "csrf_token": get_token(request),
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SHOP_NAME": settings.SHOP_NAME,
        "back_url": back_url(request),
    }
    try:
        body = loader.get_template(f"errors/{status}.html").render(context)  # no request: no context processors
    except Exception:
        logger.exception("The %s page could not be rendered; serving the last-resort page", status)
        body = LAST_RESORT_500
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
