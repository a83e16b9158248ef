from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import preflight
from .models import FileKind
from .reports import refusal_message
from .uploads import CheckedPdfUploadHandler, max_upload_bytes


def inspect_timeout() -> float:
    return float(getattr(settings, "PRODUCT_FILE_INSPECT_TIMEOUT", 30))


class ProductFileUploadForm(forms.Form):
    """A typed PDF for a product. The file is judged by its content, never by its name or type."""

    kind = forms.ChoiceField(label=_("Type of file"), choices=[("", _("Choose a type")), *FileKind.choices])
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, checker: CheckedPdfUploadHandler | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.checker = checker
        self.page_count: int | None = None
        self.fields["file"].help_text = _("PDF only, up to %(max)s.") % {"max": filesizeformat(max_upload_bytes())}
        if checker is not None and checker.problem:
            # The file was stopped on its way in: say why rather than "this field is required".
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        checker = self.checker
        if checker is not None and checker.problem:
            raise forms.ValidationError(refusal_message(checker.problem, max_bytes=checker.max_bytes), code="refused")
        if upload is None:
            return upload
        path = getattr(upload, "temporary_file_path", None)
        if path is None:  # Only when a caller bypasses the view's handlers (tests, shell).
            raise forms.ValidationError(refusal_message(preflight.Problem.CRASHED), code="refused")
        result = preflight.run_limited(
            path(), mode="inspect", timeout=inspect_timeout(), memory_bytes=preflight_memory_limit()
        )
        problem = result.get("crash") or result.get("problem")
        if problem:
            raise forms.ValidationError(refusal_message(problem), code="refused")
        self.page_count = result.get("page_count")
        return upload


def preflight_memory_limit() -> int:
    return int(getattr(settings, "PREFLIGHT_MEMORY_LIMIT", 512 * 1024 * 1024))
