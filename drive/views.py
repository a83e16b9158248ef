"""Thin views of the drive: read through visible_to, call a service, present the result."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from files.models import FileKind
from files.reports import render_report
from library.models import Product
from portal.access import customer_required
from portal.ids import parse_id
from portal.pdf_intake import inspect_upload

from . import app_passwords, attachments, previews, retention, services
from .forms import AppPasswordForm, AttachForm, FolderCreateForm, MoveForm, RenameForm
from .messages import error_message, upload_problem_message
from .models import AppPassword, DriveEntry, DriveQuota, Space
from .uploads import declared_too_large, install_upload_handlers, max_upload_bytes

PAGE_SIZE = 50


def _entries(request: HttpRequest):
    return DriveEntry.objects.visible_to(request.scope)


def _folder_url(space: str, folder: DriveEntry | None) -> str:
    if folder is not None:
        return reverse("drive:folder", args=[folder.pk])
    return reverse("drive:archive" if space == Space.DRIVE else "drive:my_files")


def _location(request: HttpRequest, source) -> tuple[str, DriveEntry | None]:
    """The space and folder named by ``space`` and ``folder`` (a folder of another account: 404)."""
    folder_pk = source.get("folder") or ""
    if folder_pk:
        if not folder_pk.isdigit():
            raise Http404
        folder = get_object_or_404(_entries(request).folders(), pk=int(folder_pk))
        return folder.space, folder
    space = source.get("space") or Space.MY_FILES
    if space not in Space.values:
        raise Http404
    return space, None


def _usage(request: HttpRequest) -> dict:
    quota = DriveQuota.objects.visible_to(request.scope).first()
    limit = quota.limit_bytes if quota else DriveQuota._meta.get_field("limit_bytes").default
    used_bytes = _entries(request).files().filter(read_only=False).aggregate(total=Sum("size"))["total"] or 0
    return {"used": used_bytes, "limit": limit, "percent": min(100, round(used_bytes * 100 / limit)) if limit else 100}


def _listing(request: HttpRequest, space: str, folder: DriveEntry | None) -> HttpResponse:
    rows = _entries(request).filter(space=space)
    rows = rows.filter(parent=folder) if folder is not None else rows.filter(parent__isnull=True)
    if space == Space.MY_FILES:
        rows = retention.with_removal_dates(rows)
    page = Paginator(rows.order_by("-is_folder", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    in_production = services.production_orders_for(page.object_list)
    for entry in page.object_list:
        entry.removal_at = retention.removal_date(getattr(entry, "used_since", None))
        entry.production_order = in_production.get(entry.pk, "")
        entry.preview_kind = previews.preview_kind(entry)
    usage = _usage(request)
    context = {
        "space": space,
        "space_label": Space(space).label,
        "folder": folder,
        "ancestors": folder.ancestors() if folder is not None else [],
        "page": page,
        "usage": usage,
        "folder_form": FolderCreateForm(),
        "max_bytes": min(max_upload_bytes(), max(0, usage["limit"] - usage["used"])),
        "writable": folder is None or not folder.read_only,
        "here": _folder_url(space, folder),
        "spaces": [(value, label, _folder_url(value, None)) for value, label in Space.choices],
        "keep_days": retention.keep_days(),
    }
    return render(request, "drive/listing.html", context)


@customer_required
@require_GET
def my_files_view(request: HttpRequest) -> HttpResponse:
    return _listing(request, Space.MY_FILES, None)


@customer_required
@require_GET
def archive_view(request: HttpRequest) -> HttpResponse:
    return _listing(request, Space.DRIVE, None)


@customer_required
@require_GET
def folder_view(request: HttpRequest, pk: int) -> HttpResponse:
    folder = get_object_or_404(_entries(request).folders(), pk=pk)
    return _listing(request, folder.space, folder)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _upload_refused(request: HttpRequest, message: str, *, status: int, back: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=status)
    messages.error(request, message)
    return redirect(back)


@csrf_exempt  # Outermost, so the CSRF middleware does not read the body before our handlers are in place.
@customer_required
@require_POST
def upload_view(request: HttpRequest) -> HttpResponse:
    """One file per request (the page's script sends each file on its own, with its progress bar)."""
    space, folder = _location(request, request.GET)
    back = _folder_url(space, folder)
    usage = _usage(request)
    remaining = max(0, usage["limit"] - usage["used"])
    refused = declared_too_large(request, remaining_bytes=remaining)
    if refused:
        return _upload_refused(request, upload_problem_message(refused), status=413, back=back)
    handler = install_upload_handlers(request, remaining_bytes=remaining)
    return _upload(request, space, folder, handler, back)


@csrf_protect
def _upload(request: HttpRequest, space: str, folder, handler, back: str) -> HttpResponse:
    upload = request.FILES.get("file")
    if handler.problem:
        status = 413 if handler.problem in {"too_large", "quota_exceeded"} else 400
        return _upload_refused(request, upload_problem_message(handler.problem), status=status, back=back)
    if upload is None:
        return _upload_refused(request, _("Choose a file to send."), status=400, back=back)
    if handler.is_pdf:
        result = inspect_upload(upload)
        if result.problem:
            return _upload_refused(request, upload_problem_message(result.problem), status=400, back=back)
    try:
        entry = services.file_upload(
            account=request.user.account,
            space=space,
            parent=folder,
            upload=upload,
            sha256=handler.sha256,
            user=request.user,
            content_type=handler.content_type,
            replace=request.POST.get("replace") == "1",
        )
    except services.DriveError as error:
        status = 413 if isinstance(error, services.QuotaExceeded) else 400
        return _upload_refused(request, error_message(error), status=status, back=back)
    notice = _("“%(name)s” was received.") % {"name": entry.name}
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": notice, "id": entry.pk}, status=201)
    messages.success(request, notice)
    return redirect(back)


@customer_required
@require_POST
def folder_create_view(request: HttpRequest) -> HttpResponse:
    space, parent = _location(request, request.POST)
    form = FolderCreateForm(request.POST)
    if form.is_valid():
        try:
            created = services.folder_create(
                account=request.user.account,
                space=space,
                parent=parent,
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except services.DriveError as error:
            form.add_error("name", error_message(error))
        else:
            messages.success(request, _("The folder “%(name)s” was created.") % {"name": created.name})
            return redirect(_folder_url(space, parent))
    return render(
        request,
        "drive/folder_create.html",
        {"form": form, "space": space, "folder": parent, "back": _folder_url(space, parent)},
        status=400,
    )


def _entry(request: HttpRequest, pk: int) -> DriveEntry:
    return get_object_or_404(_entries(request).select_related("parent"), pk=pk)


@customer_required
@require_http_methods(["GET", "POST"])
def rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    back = _folder_url(entry.space, entry.parent)
    form = RenameForm(request.POST or None, initial={"name": entry.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_rename(entry=entry, name=form.cleaned_data["name"])
        except services.DriveError as error:
            form.add_error("name", error_message(error))
        else:
            messages.success(request, _("The new name is saved."))
            return redirect(back)
    status = 400 if form.errors else 200
    return render(request, "drive/rename.html", {"entry": entry, "form": form, "back": back}, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    back = _folder_url(entry.space, entry.parent)
    folders = list(_entries(request).folders().select_related("parent").order_by("space", "name"))
    form = MoveForm(request.POST or None, entry=entry, folders=folders)
    if request.method == "POST" and form.is_valid():
        space, target = form.cleaned_data["target"]
        try:
            services.entry_move(entry=entry, space=space, parent=target)
        except services.DriveError as error:
            form.add_error("target", error_message(error))
        else:
            messages.success(request, _("“%(name)s” was moved.") % {"name": entry.name})
            return redirect(_folder_url(space, target))
    status = 400 if form.errors else 200
    return render(request, "drive/move.html", {"entry": entry, "form": form, "back": back}, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    back = _folder_url(entry.space, entry.parent)
    error = ""
    if request.method == "POST":
        try:
            services.entry_delete(entry=entry)
        except services.DriveError as refusal:
            error = error_message(refusal)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": entry.name})
            return redirect(back)
    return render(
        request, "drive/delete.html", {"entry": entry, "back": back, "error": error}, status=400 if error else 200
    )


@customer_required
@require_GET
def download_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if entry.is_folder:
        response = StreamingHttpResponse(services.zip_stream(entry), content_type="application/zip")
        response["Content-Disposition"] = _attachment(f"{entry.name}.zip")
    else:
        try:
            handle = entry.file.open("rb")
        except (FileNotFoundError, OSError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=entry.name,
            content_type=entry.content_type or "application/octet-stream",
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, name)


# --- Previews ---------------------------------------------------------------------------------------


@customer_required
@require_GET
def preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A file's first pages (PDF), the image itself, or the start of a text, without downloading it."""
    entry = _entry(request, pk)
    kind = previews.preview_kind(entry)
    if kind is None:
        raise Http404
    context = {
        "entry": entry,
        "kind": kind,
        "back": _folder_url(entry.space, entry.parent),
        "pages": range(len(entry.previews or [])),
        "reasons": render_report(entry.preflight_report) if entry.preflight_report else [],
    }
    if kind == "text":
        context["text"], context["more"] = previews.text_preview(entry)
    return render(request, "drive/preview.html", context)


@customer_required
@require_GET
def preview_image_view(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """One drawn page of a PDF (``page`` from 0), or the image itself (page 0)."""
    entry = _entry(request, pk)
    kind = previews.preview_kind(entry)
    if kind == "pdf" and page < len(entry.previews or []):
        storage = DriveEntry._meta.get_field("file").storage
        try:
            handle = storage.open(entry.previews[page], "rb")
        except OSError as error:
            raise Http404 from error
        content_type = "image/png"
    elif kind == "image" and page == 0:
        content_type = previews.image_type(previews.read_head(entry, 16))
        if content_type is None:
            raise Http404  # Not an image a browser shows safely (or not what its name says).
        try:
            handle = entry.file.open("rb")
        except (OSError, ValueError) as error:
            raise Http404 from error
    else:
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Attaching a "My files" PDF to a product ---------------------------------------------------------

ATTACH_CHOICES = 100


def attach_panel(request: HttpRequest, product: Product) -> str:
    """The files panel's "from My files" form (registered with ``files.hooks``), or nothing."""
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return ""
    entries = list(attachments.attachable_entries(scope)[:ATTACH_CHOICES])
    form = AttachForm(product=product, entries=entries, initial={"next": request.get_full_path()})
    return render_to_string(
        "drive/_attach_panel.html", {"form": form, "product": product, "entries": entries}, request=request
    )


def _next_from(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@customer_required
@require_POST
def attach_view(request: HttpRequest) -> HttpResponse:
    product_pk = parse_id(request.POST.get("product"))
    if product_pk is None:
        raise Http404
    product = get_object_or_404(Product.objects.visible_to(request.scope), pk=product_pk)
    entries = list(attachments.attachable_entries(request.scope)[:ATTACH_CHOICES])
    form = AttachForm(request.POST, product=product, entries=entries)
    back = _next_from(request, reverse("files:product", args=[product.pk]))
    if form.is_valid():
        entry_pk = parse_id(form.cleaned_data["entry"])
        entry = get_object_or_404(attachments.attachable_entries(request.scope), pk=entry_pk)
        try:
            product_file = attachments.file_attach(
                entry=entry, product=product, kind=form.cleaned_data["kind"], user=request.user
            )
        except services.DriveError as error:
            form.add_error("entry", error_message(error))
        else:
            messages.success(
                request,
                _("“%(name)s” is attached to “%(product)s” as %(kind)s. Its check appears with the file.")
                % {"name": entry.name, "product": product, "kind": FileKind(product_file.kind).label.lower()},
            )
            return redirect(back)
    return render(
        request,
        "drive/attach.html",
        {"form": form, "product": product, "entries": entries, "back": back},
        status=400,
    )


# --- App passwords ---------------------------------------------------------------------------------


def _app_passwords(request: HttpRequest):
    return AppPassword.objects.visible_to(request.scope).filter(user=request.user)


def _apps_page(request: HttpRequest, *, form=None, created=None, secret: str = "", status: int = 200):
    response = render(
        request,
        "drive/app_passwords.html",
        {
            "form": form or AppPasswordForm(),
            "passwords": _app_passwords(request).usable(),
            "created": created,
            "secret": secret,
            "dav_url": request.build_absolute_uri("/dav/"),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
@require_http_methods(["GET", "POST"])
def app_passwords_view(request: HttpRequest) -> HttpResponse:
    """The customer's app passwords, how to connect a client, and the form to create one."""
    if request.method != "POST":
        return _apps_page(request)
    form = AppPasswordForm(request.POST)
    if not form.is_valid():
        return _apps_page(request, form=form, status=400)
    try:
        created, secret = app_passwords.app_password_create(user=request.user, name=form.cleaned_data["name"])
    except app_passwords.TooManyAppPasswords:
        form.add_error("name", _("You have too many app passwords: revoke one you no longer use first."))
        return _apps_page(request, form=form, status=400)
    return _apps_page(request, created=created, secret=secret)


@customer_required
@require_http_methods(["GET", "POST"])
def app_password_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    app_password = get_object_or_404(_app_passwords(request).usable(), pk=pk)
    if request.method == "POST":
        app_passwords.app_password_revoke(app_password=app_password)
        messages.success(request, _("“%(name)s” can no longer connect.") % {"name": app_password.name})
        return redirect("drive:app_passwords")
    return render(request, "drive/app_password_revoke.html", {"app_password": app_password})
