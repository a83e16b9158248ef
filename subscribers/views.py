"""Pages of the subscribers' space: the client's "My subscribers" and a subscriber's own space."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import Reader, customer_required
from portal.audit import audit_snapshot
from portal.ids import parse_id
from subscriptions.models import Subscriber, Subscription

from . import exports, selectors, services
from .forms import ClaimForm, ReplyForm, SubscriberForm
from .models import Claim, SubscriberLogin


def space_required(view):
    """A member of an account (the client) or a subscriber signed in with its own login."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = request.scope
        if scope.reader not in (Reader.MEMBER, Reader.SUBSCRIBER):
            if scope.is_staff and not kwargs:
                return redirect("admin:index")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _filters(request: HttpRequest) -> frozenset[str]:
    return frozenset(name for name in request.GET.getlist("filter") if name in selectors.FILTERS)


@customer_required
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    filters = _filters(request)
    page = selectors.subscriber_page(
        request.scope,
        query=query,
        filters=filters,
        sort=request.GET.get("sort", "name"),
        after=parse_id(request.GET.get("after", "")),
    )
    params = request.GET.copy()
    params.pop("after", None)
    if page.next_after:
        params["after"] = str(page.next_after)
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "sorts": [
            ("name", _("Name")),
            ("company", _("Company")),
            ("town", _("Town")),
            ("newest", _("Newest")),
        ],
        "filter_choices": [
            ("active", _("with subscriptions in progress")),
            ("claims", _("with open claims")),
            ("login", _("with a login")),
        ],
        "next_query": params.urlencode() if page.next_after else "",
        "export_query": request.GET.urlencode(),
        "first_page": request.GET.get("after") is not None,
    }
    template = "subscribers/_rows.html" if request.headers.get("HX-Request") else "subscribers/list.html"
    return render(request, template, context)


def _form_page(request, form: SubscriberForm, subscriber: Subscriber | None, status: int = 200) -> HttpResponse:
    return render(request, "subscribers/form.html", {"form": form, "subscriber": subscriber}, status=status)


def _save(request: HttpRequest, subscriber: Subscriber, *, creating: bool) -> HttpResponse:
    had_login = not creating and SubscriberLogin.objects.filter(subscriber=subscriber).exists()
    before = {} if creating else audit_snapshot(subscriber, services.SUBSCRIBER_FIELDS)
    form = SubscriberForm(request.POST or None, instance=subscriber, has_login=had_login)
    if request.method != "POST":
        return _form_page(request, form, None if creating else subscriber)
    if not form.is_valid():
        return _form_page(request, form, None if creating else subscriber, status=400)
    saved = services.subscriber_save(subscriber=form.save(commit=False), by=request.user, before=before)
    if form.wants_login() and not had_login:
        try:
            services.login_grant(subscriber=saved, by=request.user)
            messages.success(
                request, _("The access was created: the subscriber received an e-mail to choose a password.")
            )
        except services.SubscriberRefused as refused:
            messages.error(request, refused.message)
    elif had_login and (form.cleaned_data.get("grant_login") == "no" or not saved.email):
        services.login_remove(subscriber=saved, by=request.user)
        messages.success(request, _("The subscriber’s access was removed."))
    messages.success(request, _("The subscriber was saved; the shop’s customer service is told of the change."))
    return redirect("subscribers:detail", saved.pk)


@customer_required
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    return _save(request, Subscriber(account_id=request.scope.account_id, kind=Subscriber.Kind.PERSON), creating=True)


def _subscriber(request, pk: int) -> Subscriber:
    return get_object_or_404(Subscriber.objects.visible_to(request.scope), pk=pk)


@customer_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _subscriber(request, pk), creating=False)


@customer_required
@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = selectors.with_flags([_subscriber(request, pk)])[0]
    context = {
        "subscriber": subscriber,
        "subscriptions": selectors.subscriber_subscriptions(request.scope, subscriber),
        "claims": selectors.claims_of(request.scope, subscriber=subscriber),
    }
    return render(request, "subscribers/detail.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = _subscriber(request, pk)
    refused = None
    if request.method == "POST":
        try:
            services.subscriber_delete(subscriber=subscriber, by=request.user)
        except services.SubscriberRefused as error:
            refused = error
        else:
            messages.success(request, _("The subscriber was deleted."))
            return redirect("subscribers:list")
    blocking = services.blocking_subscriptions(subscriber)
    context = {"subscriber": subscriber, "blocking": blocking, "refused": refused}
    return render(request, "subscribers/delete.html", context, status=409 if refused else 200)


@customer_required
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.filtered_subscribers(
        request.scope, query=request.GET.get("q", "")[:200], filters=_filters(request)
    )
    response = StreamingHttpResponse(exports.xlsx_chunks(rows), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename()}"'
    return response


# --- The subscriber's own space, and the claims (client or subscriber) -----------------------------------


@space_required
@require_GET
def space_view(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if scope.reader != Reader.SUBSCRIBER:
        return redirect("subscribers:list")
    subscriptions = list(
        Subscription.objects.visible_to(scope).select_related("offer").order_by("-created_at", "-pk")[:200]
    )
    subscriber = Subscriber.objects.get(pk=scope.subscriber_id)
    return render(
        request,
        "subscribers/space.html",
        {"subscriber": subscriber, "subscriptions": subscriptions, "claims": selectors.claims_of(scope)},
    )


@space_required
@require_GET
def claims_view(request: HttpRequest) -> HttpResponse:
    return render(request, "subscribers/claims.html", {"claims": selectors.claims_of(request.scope)})


@space_required
@require_http_methods(["GET", "POST"])
def claim_new_view(request: HttpRequest) -> HttpResponse:
    subscriptions = Subscription.objects.visible_to(request.scope).select_related("offer", "subscriber")
    initial = {}
    chosen = parse_id(request.GET.get("subscription", ""))
    if chosen is not None:
        initial["subscription"] = chosen
    form = ClaimForm(request.POST or None, subscriptions=subscriptions, initial=initial)
    if request.method == "POST" and form.is_valid():
        posted = services.claim_open(
            subscription=form.cleaned_data["subscription"],
            reason=form.cleaned_data["reason"],
            issue=form.cleaned_data["issue"],
            body=form.cleaned_data["body"],
            by=request.user,
        )
        messages.success(request, _("Your claim was sent to the shop."))
        return redirect("subscribers:claim", posted.claim.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subscribers/claim_new.html", {"form": form}, status=status)


@space_required
@require_http_methods(["GET", "POST"])
def claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.visible_to(request.scope).select_related("subscriber", "subscription__offer"), pk=pk
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.claim_reply(claim=claim, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, _("Your message was sent to the shop."))
        return redirect("subscribers:claim", claim.pk)
    context = {"claim": claim, "thread": selectors.claim_thread(request.scope, claim), "form": form}
    return render(request, "subscribers/claim.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def set_password_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The single-use link of the welcome e-mail: the subscriber chooses a password."""
    user_id = parse_id(force_str(_decode(uidb64)))
    user = get_user_model().objects.filter(pk=user_id, is_subscriber=True, is_active=True).first() if user_id else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "subscribers/link_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.login_set_password(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is chosen: sign in with your e-mail address."))
        return redirect(f"{reverse('account_login')}?next={reverse('subscribers:space')}")
    return render(request, "subscribers/set_password.html", {"form": form, "identifier": user.email})


def _decode(value: str) -> bytes:
    try:
        return urlsafe_base64_decode(value)
    except ValueError:
        return b""
