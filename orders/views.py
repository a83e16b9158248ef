"""The customer's order pages: thin views over orders.selectors and orders.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from library.forms import ProductForm
from library.models import Product
from library.selectors import product_library
from portal.access import customer_required
from portal.ids import parse_id
from portal.pagination import keyset_page

from . import selectors, services
from .forms import BASKET_FORMS, AddressBasketForm, OrderNameForm, QuantityForm
from .models import Address, Order, OrderStatus, ShippingBasket

STEPS = (
    ("baskets", "orders:baskets"),
    ("name", "orders:name"),
    ("verify", "orders:verify"),
)


def _order(request: HttpRequest, pk: int, **kwargs) -> Order:
    return get_object_or_404(selectors.order_with_baskets(scope=request.scope, pk=pk, **kwargs))


def _editable_order(request: HttpRequest, pk: int, **kwargs) -> Order:
    order = _order(request, pk, **kwargs)
    if not order.is_editable:
        raise Http404
    return order


def _refuse(request: HttpRequest, error: services.OrderError, to: str) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(to)


# Start, drafts, steps -------------------------------------------------------------------------------------------


@customer_required
def order_new_view(request: HttpRequest) -> HttpResponse:
    """GET: start a new order or continue a draft of the account. POST: create the draft."""
    if request.method == "POST":
        order = services.order_create_draft(user=request.user)
        messages.success(request, _("Your new order is saved as a draft. Start with a shipping basket."))
        return redirect("orders:baskets", pk=order.pk)
    drafts = selectors.drafts(scope=request.scope)
    page = Paginator(drafts, 20).get_page(request.GET.get("page"))
    return render(request, "orders/new.html", {"page": page})


@customer_required
def order_baskets_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Steps 1 and 2: the baskets of the order and the products in each."""
    order = _editable_order(request, pk)
    return render(request, "orders/baskets.html", {"order": order, "step": "baskets"})


@customer_required
def order_name_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _editable_order(request, pk)
    form = OrderNameForm(request.POST or None, instance=order)
    if request.method == "POST" and form.is_valid():
        services.order_name(
            order=order,
            name=form.cleaned_data["name"],
            customer_reference=form.cleaned_data["customer_reference"],
            wished_delivery_date=form.cleaned_data["wished_delivery_date"],
        )
        return redirect("orders:verify", pk=order.pk)
    return render(request, "orders/name.html", {"order": order, "form": form, "step": "name"})


@customer_required
def order_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _editable_order(request, pk, with_files=True)
    problems = services.order_problems(order)
    return render(request, "orders/verify.html", {"order": order, "problems": problems, "step": "verify"})


@customer_required
@require_POST
def order_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    try:
        services.order_submit(order_id=order.pk, user=request.user)
    except services.OrderAlreadySubmitted:
        return redirect("orders:confirmation", pk=order.pk)
    except services.OrderIncomplete as error:
        return _refuse(request, error, reverse("orders:verify", args=[order.pk]))
    except services.OrderNotEditable as error:
        return _refuse(request, error, reverse("orders:detail", args=[order.pk]))
    return redirect("orders:confirmation", pk=order.pk)


@customer_required
def order_confirmation_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.visible_to(request.scope).placed(), pk=pk)
    return render(request, "orders/confirmation.html", {"order": order})


@customer_required
def order_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.visible_to(request.scope).drafts().with_totals(), pk=pk)
    if request.method == "POST":
        services.order_delete_draft(order=order)
        messages.success(request, _("The draft “%(name)s” has been deleted.") % {"name": order})
        return redirect("orders:new")
    return render(request, "orders/confirm_delete.html", {"order": order})


# Baskets --------------------------------------------------------------------------------------------------------


@customer_required
def basket_kind_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _editable_order(request, pk)
    return render(request, "orders/basket_kind.html", {"order": order, "kinds": ShippingBasket.Kind, "step": "baskets"})


def _basket_form_context(request: HttpRequest, *, order: Order, kind: str, form, basket=None) -> dict:
    context = {"order": order, "kind": kind, "form": form, "basket": basket, "step": "baskets"}
    query = request.GET.get("q", "").strip()[:100]
    context["query"] = query
    if kind == ShippingBasket.Kind.ADDRESS:
        if query:
            context["found_addresses"] = selectors.addresses_matching(scope=request.scope, text=query)
        context["recent_addresses"] = selectors.addresses_recent(scope=request.scope)
        context["best_addresses"] = selectors.addresses_most_used(scope=request.scope)
    elif kind == ShippingBasket.Kind.BOOKSELLER:
        context["booksellers"] = selectors.booksellers_matching(text=query)
        selected = form["bookseller"].value() if form.is_bound else (basket.bookseller_id if basket else None)
        context["selected_bookseller"] = str(selected or "")
    return context


def _initial_from_address_book(request: HttpRequest) -> dict:
    """GET ?address=<id>: prefill the form with an entry of the account's address book (no change made)."""
    if "address" not in request.GET:
        return {}
    address_id = parse_id(request.GET["address"])
    if address_id is None:
        raise Http404
    address = get_object_or_404(Address.objects.visible_to(request.scope), pk=address_id)
    return address.address_values()


def _basket_form(kind: str, request: HttpRequest, basket: ShippingBasket | None, initial: dict):
    form_class = BASKET_FORMS[kind]
    data = request.POST if request.method == "POST" else None
    if form_class is AddressBasketForm:
        instance = basket if basket and basket.kind == kind else None
        return form_class(data, instance=instance, initial=initial)
    if basket and basket.kind == kind:
        initial = {"bookseller": basket.bookseller_id, "pickup_name": basket.pickup_name, "phone": basket.phone}
    return form_class(data, initial=initial)


def _basket_form_response(request, *, order: Order, kind: str, basket: ShippingBasket | None) -> HttpResponse:
    if kind not in ShippingBasket.Kind.values:
        raise Http404
    form = _basket_form(kind, request, basket, _initial_from_address_book(request))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.basket_save(order=order, kind=kind, fields=form.cleaned_data, basket=basket)
        except ValidationError as error:
            form.add_error(None, error)  # each rule's message goes next to its field
        except services.OrderError as error:
            return _refuse(request, error, reverse("orders:detail", args=[order.pk]))
        else:
            if basket is None:
                messages.success(request, _("Basket created. Now add the products to send to this destination."))
                return redirect("orders:line_add", pk=saved.pk)
            messages.success(request, _("Basket updated."))
            return redirect("orders:baskets", pk=order.pk)
    context = _basket_form_context(request, order=order, kind=kind, form=form, basket=basket)
    if request.headers.get("HX-Request") and kind == ShippingBasket.Kind.BOOKSELLER and request.method == "GET":
        return render(request, "orders/basket_form.html#bookseller-results", context)
    return render(request, "orders/basket_form.html", context)


@customer_required
def basket_create_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    order = _editable_order(request, pk)
    return _basket_form_response(request, order=order, kind=kind, basket=None)


@customer_required
def basket_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    if not basket.order.is_editable:
        raise Http404
    kind = request.GET.get("kind", basket.kind)
    return _basket_form_response(request, order=basket.order, kind=kind, basket=basket)


@customer_required
@require_POST
def basket_duplicate_view(request: HttpRequest, pk: int) -> HttpResponse:
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    try:
        services.basket_duplicate(basket=basket)
    except services.OrderError as error:
        return _refuse(request, error, reverse("orders:detail", args=[basket.order_id]))
    messages.success(request, _("Basket duplicated with its products."))
    return redirect("orders:baskets", pk=basket.order_id)


@customer_required
def basket_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    if not basket.order.is_editable:
        raise Http404
    if request.method == "POST":
        services.basket_remove(basket=basket)
        messages.success(request, _("Basket removed."))
        return redirect("orders:baskets", pk=basket.order_id)
    return render(request, "orders/basket_confirm_delete.html", {"basket": basket, "order": basket.order})


# Lines ----------------------------------------------------------------------------------------------------------


@customer_required
def line_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Add a product": find one in the library (search, last, most ordered) and give a quantity."""
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    order = basket.order
    if not order.is_editable:
        raise Http404
    form = QuantityForm(request.POST or None)
    refused = None
    if request.method == "POST":
        product_id = parse_id(request.POST.get("product"))
        if product_id is None:
            raise Http404
        product = get_object_or_404(Product.objects.visible_to(request.scope), pk=product_id)
        if form.is_valid():
            try:
                services.line_add(basket=basket, product=product, quantity=form.cleaned_data["quantity"])
            except services.OrderError as error:
                return _refuse(request, error, reverse("orders:baskets", args=[order.pk]))
            messages.success(request, _("“%(title)s” added to the basket.") % {"title": product.title})
            return redirect("orders:baskets", pk=order.pk)
        # The reason goes next to this product's quantity field (the page is shown again, not redirected).
        refused = {"product_id": product.pk, "value": form["quantity"].value(), "errors": form.errors["quantity"]}
        messages.error(request, _("“%(title)s” was not added: check its quantity.") % {"title": product.title})
    query = request.GET.get("q", "").strip()[:100]
    found = None
    if query:
        found = Paginator(product_library(scope=request.scope, text=query), 20).get_page(request.GET.get("page"))
    context = {
        "order": order,
        "basket": basket,
        "query": query,
        "found": found,
        "recent": selectors.products_recent(scope=request.scope),
        "best": selectors.products_most_ordered(scope=request.scope),
        "refused": refused,
        "step": "baskets",
    }
    return render(request, "orders/line_add.html", context)


@customer_required
def line_new_product_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+ Add a product" → create a product with the manual's form; it goes to the basket and the library."""
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    order = basket.order
    if not order.is_editable:
        raise Http404
    form = ProductForm(request.POST or None, instance=Product(account_id=request.user.account_id))
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_add_new_product(basket=basket, product=form.instance, user=request.user)
        except services.OrderError as error:
            return _refuse(request, error, reverse("orders:baskets", args=[order.pk]))
        messages.success(request, _("Product created and added to the basket. You can now send its PDF files."))
        return redirect(reverse("library:detail", args=[line.product_id]) + f"?order={order.pk}")
    return render(
        request, "orders/line_new_product.html", {"order": order, "basket": basket, "form": form, "step": "baskets"}
    )


@customer_required
def line_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(selectors.line_for(scope=request.scope, pk=pk))
    order = line.basket.order
    if not order.is_editable:
        raise Http404
    form = QuantityForm(request.POST or None, initial={"quantity": line.quantity})
    if request.method == "POST" and form.is_valid():
        services.line_update(line=line, quantity=form.cleaned_data["quantity"])
        messages.success(request, _("Quantity updated."))
        return redirect("orders:baskets", pk=order.pk)
    return render(request, "orders/line_edit.html", {"line": line, "order": order, "form": form, "step": "baskets"})


@customer_required
@require_POST
def line_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(selectors.line_for(scope=request.scope, pk=pk))
    try:
        services.line_remove(line=line)
    except services.OrderError as error:
        return _refuse(request, error, reverse("orders:detail", args=[line.basket.order_id]))
    messages.success(request, _("“%(title)s” removed from the basket.") % {"title": line.product.title})
    return redirect("orders:baskets", pk=line.basket.order_id)


# After validation -----------------------------------------------------------------------------------------------


@customer_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OrderStatus.values or status == OrderStatus.DRAFT:
        status = ""
    query = request.GET.get("q", "").strip()[:200]
    orders = selectors.order_list(scope=request.scope, status=status, query=query)
    # By keyset: any page reads its 25 rows through the index and computes their totals only.
    page = keyset_page(orders, params=request.GET, ordering=selectors.ORDER_LIST_ORDERING, with_count=True)
    statuses = [(value, label) for value, label in OrderStatus.choices if value != OrderStatus.DRAFT]
    context = {"page": page, "status": status, "statuses": statuses, "query": query}
    return render(request, "orders/list.html", context)


@customer_required
def order_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, with_files=True)
    if order.is_draft:
        return redirect("orders:baskets", pk=order.pk)
    quotes = list(order.quotes.all()) if hasattr(order, "quotes") else None
    timeline = selectors.order_timeline(order=order)
    return render(request, "orders/detail.html", {"order": order, "quotes": quotes, "timeline": timeline})


@customer_required
@require_POST
def order_again_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    draft = services.order_copy(order=order, user=request.user)
    messages.success(request, _("A new draft was made from this order: check it and validate."))
    return redirect("orders:baskets", pk=draft.pk)


@customer_required
@require_POST
def basket_again_view(request: HttpRequest, pk: int) -> HttpResponse:
    basket = get_object_or_404(selectors.basket_for(scope=request.scope, pk=pk))
    draft = services.order_copy(order=basket.order, user=request.user, basket=basket)
    messages.success(request, _("A new draft was made from this basket: check it and validate."))
    return redirect("orders:baskets", pk=draft.pk)
