"""The shop's signed-in pages: checkout (the purchase order, payment, Chorus Pro), the order's page
(its confirmation), "my subscriptions" and the renewal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import customer_required
from portal.pdf_intake import Problem, declared_too_large, install_pdf_upload_handler, problem_message

from . import ordering, pricing, services
from .forms import MAX_SUBSCRIBER_CHOICES, CheckoutForm, purchase_order_max_bytes
from .models import Subscriber, Subscription, SubscriptionOrder
from .selectors import cart_lines, establishment_of

SUBSCRIPTIONS_PER_PAGE = 25
RECENT_ORDERS = 10


def _checkout_context(request: HttpRequest):
    cart = services.find_cart(reader=request.scope, session=request.session)
    lines = cart_lines(cart)
    account = request.user.account
    establishment = establishment_of(account)
    school = ordering.is_school(account)
    subscribers = None
    if not school:
        subscribers = list(
            Subscriber.objects.visible_to(request.scope).order_by("company", "last_name", "first_name", "pk")[
                : MAX_SUBSCRIBER_CHOICES + 1
            ]
        )
    return {
        "cart": cart,
        "lines": lines,
        "establishment": establishment,
        "is_school": school,
        "is_public": bool(establishment and establishment.is_public),
        "subscribers": subscribers,
        "totals": pricing.totals(line.price for line in lines),
        "valid_until": services.valid_until(cart) if cart else None,
    }


def _render(request, context, form, status=200):
    names = form.subscriber_field_names
    lines_and_fields = [(line, form[names[line.pk]] if line.pk in names else None) for line in context["lines"]]
    return render(
        request,
        "subscriptions/checkout.html",
        {**context, "form": form, "lines_and_fields": lines_and_fields},
        status=status,
    )


@customer_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def checkout_view(request: HttpRequest) -> HttpResponse:
    """Django's documented pattern for custom upload handlers: this outer view is CSRF-exempt so the
    PDF intake's streaming handler is in place before anything reads the body; the inner view is
    CSRF-protected as usual."""
    handler = None
    if request.method == "POST":
        if declared_too_large(request, max_bytes=purchase_order_max_bytes()):
            return _checkout_too_large(request)
        handler = install_pdf_upload_handler(request, field_name="purchase_order", max_bytes=purchase_order_max_bytes())
    return _checkout(request, handler)


@csrf_protect
def _checkout_too_large(request: HttpRequest) -> HttpResponse:
    context = _checkout_context(request)
    form = _form(context)
    # The body was never read: an unbound form carrying the one error, next to the file field.
    form._errors, form.cleaned_data = ErrorDict(), {}
    form.add_error("purchase_order", problem_message(Problem.TOO_LARGE, max=purchase_order_max_bytes()))
    return _render(request, context, form, status=413)


def _form(context, *args, **kwargs) -> CheckoutForm:
    initial = {"cart_version": ordering.cart_version(context["cart"])} if context["cart"] else {}
    return CheckoutForm(
        *args,
        lines=context["lines"],
        subscribers=context["subscribers"],
        is_public=context["is_public"],
        initial=initial,
        **kwargs,
    )


@csrf_protect
def _checkout(request: HttpRequest, handler) -> HttpResponse:
    context = _checkout_context(request)
    if request.method != "POST":
        return _render(request, context, _form(context))
    form = _form(context, request.POST, request.FILES, checker=handler)
    if form.is_valid():
        data = form.cleaned_data
        upload = data["purchase_order"]
        order_request = ordering.OrderRequest(
            subscribers=form.chosen_subscribers(),
            payment_method=data["payment_method"],
            purchase_order=upload,
            purchase_order_name=getattr(upload, "name", ""),
            purchase_order_sha256=handler.sha256 if handler is not None else "",
            siret=data.get("siret", ""),
            engagement_number=data.get("engagement_number", ""),
            service_code=data.get("service_code", ""),
            cart_version=data["cart_version"],
        )
        try:
            order, created = ordering.subscription_order_place(
                reader=request.scope, user=request.user, request=order_request
            )
        except ordering.CheckoutError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            if not created:
                messages.info(request, _("This order was already validated: here it is."))
            return redirect("subscriptions:order", pk=order.pk)
    return _render(request, context, form, status=400)


@customer_required
@require_GET
def order_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The order's page; right after the validation it is the confirmation (reference, 72 h, how to pay)."""
    order = get_object_or_404(SubscriptionOrder.objects.visible_to(request.scope), pk=pk)
    lines = list(order.lines.select_related("subscriber", "subscription").order_by("pk"))
    return render(
        request,
        "subscriptions/order.html",
        {
            "order": order,
            "lines": lines,
            "totals": pricing.totals(line.price for line in lines),
            "payment_instructions": ordering.payment_instructions(order),
        },
    )


@customer_required
@require_GET
def my_subscriptions_view(request: HttpRequest) -> HttpResponse:
    subscriptions = (
        Subscription.objects.visible_to(request.scope)
        .select_related("offer", "subscriber", "order_line__order")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(subscriptions, SUBSCRIPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    today = ordering.shop_today()
    renewal = ordering.renewal_open(today)
    orders = list(SubscriptionOrder.objects.visible_to(request.scope).order_by("-placed_at", "-pk")[:RECENT_ORDERS])
    return render(
        request,
        "subscriptions/mine.html",
        {"page": page, "renewal_open": renewal, "orders": orders, "today": today},
    )


@customer_required
@require_POST
def renew_view(request: HttpRequest) -> HttpResponse:
    try:
        result = ordering.renewal_add_to_cart(reader=request.scope, session=request.session)
    except ordering.CheckoutError as error:
        messages.error(request, " ".join(str(message) for message in error.errors.values()))
        return redirect("subscriptions:mine")
    if result.unavailable:
        messages.warning(
            request,
            _("These offers are no longer sold and were not added: %(offers)s.")
            % {"offers": ", ".join(result.unavailable)},
        )
    if not result.added:
        messages.info(request, _("You have no current subscription to renew."))
        return redirect("subscriptions:mine")
    messages.success(
        request,
        _("Next year’s subscriptions are in your cart: check them and validate the cart."),
    )
    return redirect("subscriptions:cart")
