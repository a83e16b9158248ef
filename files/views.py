"""Thin views: scope with visible_to, parse the upload, call a service, present the result."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from library.models import Product
from portal.access import customer_required

from . import services
from .forms import ProductFileUploadForm
from .models import ProductFile
from .reports import refusal_message
from .templatetags.product_files import panel_context, row_context
from .uploads import declared_too_large, install_upload_handlers, max_upload_bytes


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("HX-Request") == "true"


def _requested_next(request: HttpRequest) -> str:
    """Where the customer came from (the product page), if it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request: HttpRequest, product: Product) -> str:
    return _requested_next(request) or reverse("files:product", args=[product.pk])


def _respond(
    request: HttpRequest,
    product: Product,
    *,
    status: int = 200,
    upload_form=None,
    replace_form=None,
    replace_file_id=None,
    notice: str = "",
    next_url: str | None = None,
) -> HttpResponse:
    """The files panel as a fragment (JavaScript uploads) or the product's files page (plain form)."""
    context = panel_context(
        request,
        product,
        upload_form=upload_form,
        replace_form=replace_form,
        replace_file_id=replace_file_id,
        notice=notice,
        next_url=_requested_next(request) if next_url is None else next_url,
    )
    if _wants_fragment(request):
        return HttpResponse(render_to_string("files/_panel.html", context, request=request), status=status)
    return render(request, "files/product_files.html", {**context, "product": product}, status=status)


@customer_required
@require_GET
def product_file_list_view(request: HttpRequest, product_pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.visible_to(request.scope), pk=product_pk)
    return _respond(request, product)


def _refused_before_reading(request: HttpRequest, product: Product, problem: str, *, replace_file_id=None):
    """Answer without reading the body: the form is shown again with the reason next to the file field."""
    form = ProductFileUploadForm(auto_id=_auto_id(replace_file_id))
    form.errors["file"] = form.error_class([refusal_message(problem, max_bytes=max_upload_bytes())])
    next_url = ""  # Never read request.POST here: that would read the body.
    if replace_file_id:
        return _respond(
            request, product, status=413, replace_form=form, replace_file_id=replace_file_id, next_url=next_url
        )
    return _respond(request, product, status=413, upload_form=form, next_url=next_url)


def _auto_id(replace_file_id) -> str:
    return f"id_replace_{replace_file_id}_%s" if replace_file_id else "id_%s"


@csrf_exempt  # Outermost, so the CSRF middleware does not read the body before our handlers are in place.
@customer_required
@require_POST
def product_file_upload_view(request: HttpRequest, product_pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.visible_to(request.scope), pk=product_pk)
    if declared_too_large(request):
        return _refused_before_reading(request, product, "too_large")
    checker = install_upload_handlers(request)
    return _upload(request, product, checker)


@csrf_protect
def _upload(request: HttpRequest, product: Product, checker) -> HttpResponse:
    form = ProductFileUploadForm(request.POST, request.FILES, checker=checker)
    if not form.is_valid():
        return _respond(request, product, status=400, upload_form=form)
    try:
        product_file = services.product_file_add(
            product=product,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            sha256=checker.sha256,
            user=request.user,
            page_count=form.page_count,
        )
    except services.TooManyFiles:
        form.add_error("file", refusal_message("too_many", max_files=ProductFile.MAX_PER_PRODUCT))
        return _respond(request, product, status=400, upload_form=form)
    notice = _("“%(name)s” was received. Its check appears with the file.") % {"name": product_file.original_name}
    if _wants_fragment(request):
        return _respond(request, product, notice=notice)
    messages.success(request, notice)
    return redirect(_next_url(request, product))


@csrf_exempt  # See product_file_upload_view.
@customer_required
@require_POST
def product_file_replace_view(request: HttpRequest, pk: int) -> HttpResponse:
    product_file = get_object_or_404(ProductFile.objects.visible_to(request.scope).select_related("product"), pk=pk)
    product = product_file.product
    if declared_too_large(request):
        return _refused_before_reading(request, product, "too_large", replace_file_id=pk)
    checker = install_upload_handlers(request)
    return _replace(request, product_file, checker)


@csrf_protect
def _replace(request: HttpRequest, product_file: ProductFile, checker) -> HttpResponse:
    product = product_file.product
    form = ProductFileUploadForm(request.POST, request.FILES, checker=checker, auto_id=_auto_id(product_file.pk))
    if not form.is_valid():
        return _respond(request, product, status=400, replace_form=form, replace_file_id=product_file.pk)
    replaced = services.product_file_replace(
        product_file=product_file,
        kind=form.cleaned_data["kind"],
        upload=form.cleaned_data["file"],
        sha256=checker.sha256,
        user=request.user,
        page_count=form.page_count,
    )
    notice = _("“%(name)s” replaces the previous file. Its check appears with the file.") % {
        "name": replaced.original_name
    }
    if _wants_fragment(request):
        return _respond(request, product, notice=notice)
    messages.success(request, notice)
    return redirect(_next_url(request, product))


@customer_required
@require_http_methods(["GET", "POST"])
def product_file_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    product_file = get_object_or_404(ProductFile.objects.visible_to(request.scope).select_related("product"), pk=pk)
    product = product_file.product
    back = _next_url(request, product)
    if request.method == "POST":
        name = product_file.original_name
        services.product_file_delete(product_file=product_file)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect(back)
    return render(
        request, "files/product_file_confirm_delete.html", {"file": product_file, "product": product, "back": back}
    )


@customer_required
@require_GET
def product_file_download_view(request: HttpRequest, pk: int) -> FileResponse:
    product_file = get_object_or_404(ProductFile.objects.visible_to(request.scope), pk=pk)
    try:
        handle = product_file.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.clean_file_name(product_file.original_name),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
@require_GET
def product_file_thumbnail_view(request: HttpRequest, pk: int) -> FileResponse:
    product_file = get_object_or_404(ProductFile.objects.visible_to(request.scope), pk=pk)
    if not product_file.thumbnail:
        raise Http404
    try:
        handle = product_file.thumbnail.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@never_cache
@customer_required
@require_GET
def product_file_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The file's row, polled by htmx while its check is waiting or running."""
    product_file = get_object_or_404(ProductFile.objects.visible_to(request.scope), pk=pk)
    html = render_to_string("files/_file_row.html", row_context(product_file), request=request)
    return HttpResponse(html)
