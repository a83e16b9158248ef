"""My digital warehouse → "My shipping addresses": the account's address book, its search, the 10
entries used last and the 20 used most, and for each entry "+" (a basket going to it in the current
order), edit and delete. Thin views over ``orders.selectors`` and ``orders.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import selectors, services
from orders.forms import AddressBookForm
from portal.access import customer_required
from portal.pagination import keyset_page

#: entries per page of the address book and of its search's results
PER_PAGE = 25
QUERY_MAX_LENGTH = 100


@customer_required
def address_list_view(request: HttpRequest) -> HttpResponse:
    """The address book, or the entries matching ``?q=`` (every word, in any order); htmx asks for the
    results only, as the customer types."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    addresses = selectors.address_book(scope=request.scope, text=query)
    page = keyset_page(addresses, params=request.GET, ordering=selectors.ADDRESS_BOOK_ORDERING, per_page=PER_PAGE)
    context = {"page": page, "query": query, "recent": None, "best": None}
    if not query and not page.has_previous:
        context["recent"] = selectors.addresses_recent(scope=request.scope)
        context["best"] = selectors.addresses_most_used(scope=request.scope)
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "workspace/addresses.html#address-results" if partial else "workspace/addresses.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@customer_required
def address_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(selectors.address_for(scope=request.scope, pk=pk))
    form = AddressBookForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(address=address, fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # each rule's message goes next to its field
        else:
            messages.success(request, _("Address saved. The baskets already made with it are unchanged."))
            return redirect("portal:addresses")
    return render(request, "workspace/address_edit.html", {"address": address, "form": form})


@customer_required
def address_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(selectors.address_for(scope=request.scope, pk=pk))
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, _("“%(address)s” was removed from your address book.") % {"address": address})
        return redirect("portal:addresses")
    return render(request, "workspace/address_confirm_delete.html", {"address": address})


@customer_required
@require_POST
def address_basket_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "+": a new basket going to this entry in the current draft (a draft is made when there is none),
    then straight to its products."""
    address = get_object_or_404(selectors.address_for(scope=request.scope, pk=pk))
    try:
        basket = services.basket_from_address(user=request.user, address=address)
    except ValidationError:
        messages.error(request, _("This address is incomplete: correct it before sending a basket to it."))
        return redirect("portal:address_edit", pk=address.pk)
    messages.success(
        request,
        _("A basket to “%(address)s” was added to your order “%(order)s”. Now add its products.")
        % {"address": address, "order": basket.order.name or _("untitled")},
    )
    return redirect("orders:line_add", pk=basket.pk)
