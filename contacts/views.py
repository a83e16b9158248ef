"""Customer-facing pages of a contact's lifecycle: sign-up by invitation, activation, fresh link, terms."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import FreshLinkForm, SignUpForm, TermsAcceptForm
from .models import IllegalTransition, User
from .tokens import activation_token, invitation_token


def _contact_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, account__isnull=False).first()


def _link_invalid(request: HttpRequest) -> HttpResponse:
    """Expired, used or tampered: one clear page, which offers a fresh link."""
    return render(request, "contacts/link_invalid.html", {"form": FreshLinkForm()}, status=410)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows the sign-up form and consumes nothing (mail scanners); POST creates the login."""
    contact = _contact_from_uid(uidb64)
    if contact is None or not invitation_token.check_token(contact, token):
        return _link_invalid(request)
    terms = selectors.terms_current()
    form = SignUpForm(request.POST or None, contact=contact, terms=terms)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_register(contact=contact, password=form.cleaned_data["password1"], terms=terms)
        except IllegalTransition:
            return _link_invalid(request)
        return redirect("contacts:invitation_done")
    return render(request, "contacts/invitation_accept.html", {"form": form, "contact": contact, "terms": terms})


@require_http_methods(["GET"])
def invitation_done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "contacts/invitation_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def activation_confirm_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a confirmation button (nothing consumed); POST activates the account."""
    contact = _contact_from_uid(uidb64)
    if contact is None or not activation_token.check_token(contact, token):
        return _link_invalid(request)
    if request.method == "POST":
        try:
            services.contact_activate(contact=contact)
        except IllegalTransition:
            return _link_invalid(request)
        messages.success(request, _("Your account is active. You can now sign in."))
        return redirect("account_login")
    return render(request, "contacts/activation_confirm.html", {"contact": contact})


@never_cache
@require_http_methods(["GET", "POST"])
def link_request_view(request: HttpRequest) -> HttpResponse:
    """Ask for a fresh link. The answer is the same whether the address is known or not."""
    form = FreshLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = User.objects.normalize_email(form.cleaned_data["email"])
        if not ratelimit.consume(request, action="reset_password", key=email):
            form.add_error(None, _("Too many requests. Please wait a minute and try again."))
            return render(request, "contacts/link_request.html", {"form": form}, status=429)
        services.contact_request_fresh_link(email=email)
        return render(request, "contacts/link_requested.html", {"email": email})
    return render(request, "contacts/link_request.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def terms_accept_view(request: HttpRequest) -> HttpResponse:
    """New terms were published: the customer reads and accepts them before going on."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe:
        next_url = ""
    terms = selectors.terms_current()
    if terms is None or request.user.terms_accepted_at is not None:
        return redirect(next_url or "portal:dashboard")
    form = TermsAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_accept_terms(contact=request.user)
        messages.success(request, _("Thank you: you have accepted the terms of service."))
        return redirect(next_url or "portal:dashboard")
    return render(request, "contacts/terms_accept.html", {"form": form, "terms": terms, "next": next_url})


@require_http_methods(["GET"])
def terms_document_view(request: HttpRequest) -> FileResponse:
    """The current terms (a PDF), public: people read them before they have a login.

    Served as an attachment with a sandboxing CSP and ``nosniff``; the file itself passed the PDF intake.
    """
    terms = selectors.terms_current()
    if terms is None or not terms.document:
        raise Http404
    try:
        handle = terms.document.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    # A download, never a page of this site: even a PDF with active content would run nowhere.
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"terms-{terms.published_at:%Y-%m-%d}.pdf",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
