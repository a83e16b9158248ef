"""The account's product library ("My digital warehouse" → "My library")."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import customer_required
from portal.pagination import keyset_page

from . import hooks
from .forms import ProductForm
from .models import Product
from .selectors import LIBRARY_ORDERING, product_library
from .services import product_save

FILES_PARTIAL = "files/_product_files.html"


def _files_partial_exists() -> bool:
    try:
        select_template([FILES_PARTIAL])
    except TemplateDoesNotExist:
        return False
    return True


@customer_required
def product_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    products = product_library(scope=request.scope, text=query)
    page = keyset_page(products, params=request.GET, ordering=LIBRARY_ORDERING)
    context = {"page": page, "query": query}
    if not query and not page.has_previous:
        highlights = hooks.product_highlights(scope=request.scope)
        context["recent"], context["best"] = highlights.recent, highlights.best
    return render(request, "library/list.html", context)


@customer_required
def product_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The product page: its specification (editable) and its files."""
    product = get_object_or_404(Product.objects.visible_to(request.scope), pk=pk)
    form = ProductForm(request.POST or None, instance=product)
    back_link = hooks.product_back_link(request)
    if request.method == "POST" and form.is_valid():
        product_save(product=form.instance, user=request.user)
        messages.success(request, _("Product saved."))
        return redirect(request.get_full_path())
    context = {
        "product": product,
        "form": form,
        "back_link": back_link,
        "show_files": _files_partial_exists(),
        "orders_page": hooks.product_orders(request=request, product=product),
    }
    return render(request, "library/product.html", context)


@customer_required
def product_create_view(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None, instance=Product(account_id=request.user.account_id))
    if request.method == "POST" and form.is_valid():
        product = product_save(product=form.instance, user=request.user)
        messages.success(request, _("Product created. You can now send its PDF files."))
        return redirect(reverse("library:detail", args=[product.pk]))
    return render(request, "library/product.html", {"product": form.instance, "form": form, "show_files": False})
