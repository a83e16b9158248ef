from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.pdf_intake import PdfUploadHandler, inspect_upload

from .models import FileKind
from .reports import refusal_message
from .uploads import max_upload_bytes


class ProductFileUploadForm(forms.Form):
    """A typed PDF for a product. The file is judged by its content (the kernel's PDF intake)."""

    kind = forms.ChoiceField(label=_("Type of file"), choices=[("", _("Choose a type")), *FileKind.choices])
    file = forms.FileField(
        label=_("PDF file"),
        allow_empty_file=True,  # A file of zero bytes gets the PDF intake's own message.
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, checker: PdfUploadHandler | None = None, **kwargs):
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
        if upload is None and not (checker is not None and checker.problem):
            return upload
        result = inspect_upload(upload, handler=checker)
        if result.problem:
            max_bytes = checker.max_bytes if checker is not None else max_upload_bytes()
            raise forms.ValidationError(refusal_message(result.problem, max_bytes=max_bytes), code=result.problem)
        self.page_count = result.page_count
        return upload
