"""The school's way in: the checkout gate (sign in or create the establishment's account), activation,
a lost password, the head's written request, an account request, and "My assistance"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.tokens import activation_token
from portal.access import customer_required
from portal.documents.responses import StoredFileMissing, stored_document_response
from portal.documents.services import document_issue, document_restore

from . import school_access, services
from .documents import ACCESS_LETTER_DOCUMENT
from .forms_access import (
    AccessLetterForm,
    ActivationResendForm,
    EstablishmentRequestForm,
    FindEstablishmentForm,
    SchoolPasswordResetForm,
    SchoolSignUpForm,
    SupportQuestionForm,
    clean_uai_value,
)
from .models import AccessLetter, FaqEntry, SupportContact
from .selectors import cart_lines
from .support import support_question_ask


def _language() -> str:
    return (get_language() or "fr")[:2]


def _live_cart(request: HttpRequest):
    cart = services.find_cart(reader=request.scope, session=request.session)
    return cart if cart is not None and cart_lines(cart) else None


# --- The checkout gate --------------------------------------------------------------------------------


@require_GET
def checkout_gate_view(request: HttpRequest) -> HttpResponse:
    """ "Validate the cart": a signed-in member goes on to the checkout; a visitor signs in or creates
    the establishment's account (the cart is kept either way)."""
    if _live_cart(request) is None:
        messages.error(request, _("Your cart has expired or is empty: add the offers again from the catalogue."))
        return redirect("subscriptions:cart")
    if request.scope.is_member:
        return redirect("subscriptions:checkout")
    login_url = f"{reverse('account_login')}?{urlencode({'next': reverse('subscriptions:checkout')})}"
    return render(request, "subscriptions/checkout_gate.html", {"login_url": login_url})


@require_GET
def signup_find_view(request: HttpRequest) -> HttpResponse:
    """Find the establishment in the directory, by its UAI or by its name and town."""
    form = FindEstablishmentForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        uai = form.cleaned_data.get("uai")
        if uai:
            establishment = school_access.establishment_for_uai(uai)
            if establishment is None:
                form.add_error(
                    "uai",
                    _(
                        "The UAI code %(uai)s is not in the directory of establishments. "
                        "Check it, or ask us to open your account with the form below."
                    )
                    % {"uai": uai},
                )
            elif school_access.establishment_has_account(uai):
                form.add_error("uai", school_access.ALREADY_HAS_ACCOUNT)
            else:
                return redirect(f"{reverse('subscriptions:signup_details')}?{urlencode({'uai': uai})}")
        else:
            results = school_access.establishments_matching(
                name=form.cleaned_data["name"], town=form.cleaned_data["town"]
            )
    return render(request, "subscriptions/signup_find.html", {"form": form, "results": results})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup_details_view(request: HttpRequest) -> HttpResponse:
    """The contact's details and the password of the establishment's account."""
    raw_uai = request.POST.get("uai") or request.GET.get("uai") or ""
    try:
        uai = clean_uai_value(raw_uai)
    except forms.ValidationError:  # a malformed code: back to the search, which explains
        return redirect(f"{reverse('subscriptions:signup')}?{urlencode({'uai': raw_uai[:12]})}")
    establishment = school_access.establishment_for_uai(uai)
    if establishment is None or school_access.establishment_has_account(uai):
        return redirect(f"{reverse('subscriptions:signup')}?{urlencode({'uai': uai})}")
    form = SchoolSignUpForm(request.POST or None, initial={"email": establishment.email})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = school_access.school_account_create(
                establishment=establishment,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password1"],
                language=_language(),
                session=request.session,
            )
        except school_access.SchoolAccessError as error:
            form.add_error("email" if error.field == "email" else None, error.message)
        else:
            request.session["subscriptions_signup_email"] = user.email
            return redirect("subscriptions:signup_sent")
    return render(
        request,
        "subscriptions/signup_details.html",
        {"form": form, "establishment": establishment, "has_cart": _live_cart(request) is not None},
    )


@require_GET
def signup_sent_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "subscriptions/signup_sent.html",
        {"email": request.session.get("subscriptions_signup_email", ""), "resend_form": ActivationResendForm()},
    )


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/activation_invalid.html", {"form": ActivationResendForm()}, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def signup_activate_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (a mail scanner consumes nothing); POST activates, signs in and resumes the
    checkout with the cart kept on the account."""
    user = school_access.school_user_from_uid(uidb64)
    if user is None or not activation_token.check_token(user, token):
        return _link_invalid(request)
    if request.method == "POST":
        school_access.school_activate(user=user)
        user.refresh_from_db()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("The establishment’s account is active."))
        if services.find_cart(reader=user, session=request.session) is None:
            messages.error(request, _("Your cart has expired meanwhile: add the offers again from the catalogue."))
            return redirect("subscriptions:catalogue")
        return redirect("subscriptions:checkout")
    return render(request, "subscriptions/activation_confirm.html", {"contact": user})


@require_POST
def activation_resend_view(request: HttpRequest) -> HttpResponse:
    form = ActivationResendForm(request.POST)
    if form.is_valid():
        school_access.school_activation_resend(email=form.cleaned_data["email"])
        return render(request, "subscriptions/signup_sent.html", {"email": form.cleaned_data["email"], "resent": True})
    return render(request, "subscriptions/activation_invalid.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
def establishment_request_view(request: HttpRequest) -> HttpResponse:
    """An establishment that is not in the directory, or has no UAI: a request staff answer."""
    form = EstablishmentRequestForm(request.POST or None, initial={"uai": request.GET.get("uai", "")[:12]})
    if request.method == "POST" and form.is_valid():
        try:
            school_access.establishment_request_create(**form.cleaned_data)
        except school_access.SchoolAccessError as error:
            form.add_error(error.field, error.message)
        else:
            return render(request, "subscriptions/establishment_request_sent.html")
    return render(request, "subscriptions/establishment_request.html", {"form": form})


# --- Lost password --------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """One answer whatever the case (the address on file, the academic address, or neither)."""
    form = SchoolPasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_access.school_password_reset_request(uai=form.cleaned_data["uai"], email=form.cleaned_data["email"])
        except school_access.SchoolAccessError as error:
            form.add_error("uai", error.message)
        else:
            return redirect(
                f"{reverse('subscriptions:password_reset_sent')}?{urlencode({'uai': form.cleaned_data['uai']})}"
            )
    return render(request, "subscriptions/password_reset.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def password_reset_sent_view(request: HttpRequest) -> HttpResponse:
    uai = request.GET.get("uai", "")[:12]
    return render(
        request,
        "subscriptions/password_reset_sent.html",
        {"letter_url": f"{reverse('subscriptions:access_letter')}?{urlencode({'uai': uai})}" if uai else ""},
    )


@require_http_methods(["GET", "POST"])
def access_letter_view(request: HttpRequest) -> HttpResponse:
    form = AccessLetterForm(request.POST or None, initial={"uai": request.GET.get("uai", "")[:12]})
    if request.method == "POST" and form.is_valid():
        try:
            letter = school_access.access_letter_create(language=_language(), **form.cleaned_data)
        except school_access.SchoolAccessError as error:
            form.add_error("uai", error.message)
        else:
            return redirect("subscriptions:access_letter_detail", token=letter.token)
    return render(request, "subscriptions/access_letter.html", {"form": form})


def _letter_document(letter: AccessLetter):
    return document_issue(kind=ACCESS_LETTER_DOCUMENT, obj=letter, language=letter.language)


def _letter_urls(letter: AccessLetter) -> dict:
    return {
        "download_url": reverse("subscriptions:access_letter_pdf", args=[letter.token]),
        "status_url": reverse("subscriptions:access_letter_status", args=[letter.token]),
    }


@require_GET
def access_letter_detail_view(request: HttpRequest, token) -> HttpResponse:
    letter = get_object_or_404(AccessLetter, token=token)
    context = {"letter": letter, "document": _letter_document(letter), **_letter_urls(letter)}
    return render(request, "subscriptions/access_letter_detail.html", context)


@never_cache
@require_GET
def access_letter_status_view(request: HttpRequest, token) -> HttpResponse:
    letter = get_object_or_404(AccessLetter, token=token)
    context = {"document": _letter_document(letter), **_letter_urls(letter)}
    return render(request, "subscriptions/_document_status.html", context)


@require_GET
def access_letter_pdf_view(request: HttpRequest, token) -> HttpResponse:
    letter = get_object_or_404(AccessLetter, token=token)
    document = _letter_document(letter)
    if document.is_ready:
        try:
            return stored_document_response(request, document, filename=letter.pdf_filename)
        except StoredFileMissing:
            document_restore(document=document)
    return redirect("subscriptions:access_letter_detail", token=letter.token)


# --- My assistance -----------------------------------------------------------------------------------------


@customer_required
@require_http_methods(["GET", "POST"])
def assistance_view(request: HttpRequest) -> HttpResponse:
    form = SupportQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        support_question_ask(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your question was sent to the shop. We answer by e-mail within two working days."))
        return redirect("subscriptions:assistance")
    contacts = list(SupportContact.objects.order_by("kind", "position", "pk")[:20])
    context = {
        "form": form,
        "commercial": [contact for contact in contacts if contact.kind == SupportContact.Kind.COMMERCIAL],
        "technical": [contact for contact in contacts if contact.kind == SupportContact.Kind.TECHNICAL],
        "faq": list(FaqEntry.objects.filter(published=True)[:100]),
    }
    return render(request, "subscriptions/assistance.html", context, status=400 if form.errors else 200)
