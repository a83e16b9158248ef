"""``{% product_files_panel product %}``: the files of a product, for any page that shows one."""

from __future__ import annotations

from django import template

from ..forms import ProductFileUploadForm
from ..hooks import panel_extras
from ..models import ProductFile
from ..uploads import max_upload_bytes

register = template.Library()


def row_context(product_file: ProductFile, *, replace_form=None, next_url: str = "") -> dict:
    form = replace_form or ProductFileUploadForm(
        auto_id=f"id_replace_{product_file.pk}_%s", initial={"kind": product_file.kind}
    )
    return {"file": product_file, "replace_form": form, "next_url": next_url, "max_bytes": max_upload_bytes()}


def panel_context(
    request, product, *, upload_form=None, replace_form=None, replace_file_id=None, notice: str = "", next_url=""
) -> dict:
    files = list(ProductFile.objects.filter(product=product).order_by("uploaded_at", "pk"))
    rows = [
        row_context(
            product_file, replace_form=replace_form if product_file.pk == replace_file_id else None, next_url=next_url
        )
        for product_file in files
    ]
    can_add = len(files) < ProductFile.MAX_PER_PRODUCT
    return {
        "request": request,
        "product": product,
        "rows": rows,
        "can_add": can_add,
        "extras": panel_extras(request, product, can_add=can_add),
        "max_files": ProductFile.MAX_PER_PRODUCT,
        "max_bytes": max_upload_bytes(),
        "upload_form": upload_form or ProductFileUploadForm(),
        "notice": notice,
        "next_url": next_url,
    }


@register.inclusion_tag("files/_panel.html", takes_context=True)
def product_files_panel(context, product) -> dict:
    request = context.get("request")
    next_url = request.get_full_path() if request is not None else ""
    return panel_context(request, product, upload_form=context.get("upload_form"), next_url=next_url)
