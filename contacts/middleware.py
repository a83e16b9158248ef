"""Signed-in customers accept the latest terms of service before using the portal."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import contact_must_accept_terms

# Pages a customer can reach before accepting: the acceptance page itself, the terms document,
# signing out, switching language, and the sign-up/activation links.
EXEMPT_VIEW_NAMES = frozenset(
    {
        "contacts:terms_accept",
        "contacts:terms_document",
        "account_logout",
        "portal:language_switch",
        "portal:document_signed",
        "healthz",
    }
)
EXEMPT_NAMESPACES = frozenset({"submission"})


class TermsAcceptanceMiddleware:
    """Place after ``AuthenticationMiddleware``: redirects to the acceptance page until accepted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        path = request.path_info
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_VIEW_NAMES
            or match.view_name.startswith(("contacts:invitation", "contacts:activation", "contacts:link_"))
            or match.namespace in EXEMPT_NAMESPACES
        ):
            return None
        if not contact_must_accept_terms(user=request.user):
            return None
        target = f"{reverse('contacts:terms_accept')}?next={quote(request.get_full_path())}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
