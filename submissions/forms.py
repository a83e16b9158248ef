"""Forms of the generic link: the visitor's job, and the staff's settings and sending forms."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.models import TermsOfService, User
from library.models import (
    HEIGHT_MM_MAX,
    HEIGHT_MM_MIN,
    PAGE_COUNT_MAX,
    PRINT_QUANTITY_MAX,
    REMARKS_MAX_LENGTH,
    WIDTH_MM_MAX,
    WIDTH_MM_MIN,
    Binding,
    PaperFormat,
    PaperWeight,
    PrintType,
    Product,
)
from portal.fields import NameFormField
from portal.pdf_intake import PdfUploadHandler

from .models import SubmissionLink
from .services import JobSettings, Refusal, refusal_message

MB = 1024 * 1024


class SubmissionForm(forms.Form):
    name = NameFormField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the confirmation of your job to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    title = NameFormField(label=_("Title of the job"), max_length=255)
    page_count = forms.IntegerField(label=_("Number of pages"), min_value=1, max_value=PAGE_COUNT_MAX)
    quantity = forms.IntegerField(label=_("Quantity to print"), min_value=1, max_value=PRINT_QUANTITY_MAX, initial=1)
    paper_format = forms.ModelChoiceField(
        label=_("Format"), queryset=PaperFormat.objects.none(), required=False, empty_label=_("No preference")
    )
    width_mm = forms.IntegerField(
        label=_("Width (mm)"),
        min_value=WIDTH_MM_MIN,
        max_value=WIDTH_MM_MAX,
        required=False,
        help_text=_("Custom format only."),
    )
    height_mm = forms.IntegerField(
        label=_("Height (mm)"),
        min_value=HEIGHT_MM_MIN,
        max_value=HEIGHT_MM_MAX,
        required=False,
        help_text=_("Custom format only."),
    )
    binding = forms.ModelChoiceField(
        label=_("Binding"), queryset=Binding.objects.none(), required=False, empty_label=_("No preference")
    )
    paper = forms.ModelChoiceField(
        label=_("Paper"), queryset=PaperWeight.objects.none(), required=False, empty_label=_("No preference")
    )
    print_type = forms.ModelChoiceField(
        label=_("Printing"), queryset=PrintType.objects.none(), required=False, empty_label=_("No preference")
    )
    pdf = forms.FileField(
        label=_("Your PDF file"),
        allow_empty_file=True,  # A file of zero bytes gets the PDF intake's own message.
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    remarks = forms.CharField(
        label=_("Your remarks"), required=False, max_length=REMARKS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )

    CATALOGUES = {
        "paper_format": PaperFormat,
        "binding": Binding,
        "paper": PaperWeight,
        "print_type": PrintType,
    }

    def __init__(
        self, *args, link: SubmissionLink, max_bytes: int, upload_handler: PdfUploadHandler | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.link = link
        self.upload_handler = upload_handler
        self.custom_format_ids: list[str] = []
        # One query per catalogue: the entries are read once, both to drop an empty list and to render it.
        for name, model in self.CATALOGUES.items():
            entries = list(model.objects.filter(is_active=True).order_by("position", "name"))
            if not entries:
                del self.fields[name]
                continue
            field = self.fields[name]
            field.queryset = model.objects.filter(is_active=True)
            field.choices = [("", field.empty_label), *((entry.pk, str(entry)) for entry in entries)]
            if name == "paper_format":
                self.custom_format_ids = [str(entry.pk) for entry in entries if entry.is_custom]
                if not self.custom_format_ids:
                    del self.fields["width_mm"], self.fields["height_mm"]
        if "paper_format" not in self.fields:
            self.fields.pop("width_mm", None)
            self.fields.pop("height_mm", None)
        self.fields["pdf"].help_text = _("A PDF of at most %(size)s.") % {"size": _megabytes(max_bytes)}
        if upload_handler is not None and (upload_handler.problem or upload_handler.unexpected_files):
            # The file was stopped on its way in: say why rather than "this field is required".
            self.fields["pdf"].required = False

    def clean_pdf(self):
        """What the streaming intake refused (size, quota, signature, zero bytes); the content is
        judged by the service, in the intake's child process."""
        upload = self.cleaned_data.get("pdf")
        handler = self.upload_handler
        if handler is None:
            return upload
        if handler.unexpected_files:
            raise ValidationError(refusal_message(Refusal.UNEXPECTED_FIELD, self.link), code="unexpected_field")
        if handler.problem:
            raise ValidationError(refusal_message(handler.problem, self.link), code=handler.problem)
        if upload is not None:
            upload.sha256 = handler.sha256
        return upload

    def clean(self):
        cleaned = super().clean()
        paper_format = cleaned.get("paper_format")
        if paper_format is None or not paper_format.is_custom:
            cleaned["width_mm"] = cleaned["height_mm"] = None
            self.errors.pop("width_mm", None)
            self.errors.pop("height_mm", None)
        # The printer's rules on a product (custom size, binding's page range and multiple) are the library's.
        product = Product(
            paper_format=paper_format,
            width_mm=cleaned.get("width_mm"),
            height_mm=cleaned.get("height_mm"),
            binding=cleaned.get("binding"),
            page_count=cleaned.get("page_count"),
        )
        try:
            product.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
        return cleaned

    def job(self) -> JobSettings:
        data = self.cleaned_data
        return JobSettings(
            title=data["title"],
            page_count=data["page_count"],
            quantity=data["quantity"],
            paper_format=data.get("paper_format"),
            width_mm=data.get("width_mm"),
            height_mm=data.get("height_mm"),
            binding=data.get("binding"),
            paper=data.get("paper"),
            print_type=data.get("print_type"),
            remarks=data.get("remarks", ""),
        )


def _megabytes(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


class SubmissionLinkAdminForm(forms.ModelForm):
    """Sizes are typed in megabytes and stored in bytes."""

    max_mb_per_job = forms.IntegerField(
        label=_("Maximum size per job (MB)"), min_value=1, max_value=100 * 1024, initial=100
    )
    max_mb_per_day = forms.IntegerField(
        label=_("Maximum size per day (MB)"), min_value=1, max_value=1024 * 1024, initial=500
    )

    class Meta:
        model = SubmissionLink
        fields = ("is_enabled", "expires_at", "max_jobs_per_day", "max_mb_per_job", "max_mb_per_day", "account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["max_mb_per_job"] = round(self.instance.max_bytes_per_job / MB)
            self.initial["max_mb_per_day"] = round(self.instance.max_bytes_per_day / MB)
        self.fields["max_jobs_per_day"].min_value = 1
        self.fields["max_jobs_per_day"].widget.attrs["min"] = 1

    def clean_max_jobs_per_day(self):
        value = self.cleaned_data["max_jobs_per_day"]
        if value < 1:
            raise forms.ValidationError(_("Allow at least one job per day, or turn the link off."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_enabled") and not cleaned.get("account"):
            self.add_error("account", _("Choose the account that receives the submissions before turning the link on."))
        per_job, per_day = cleaned.get("max_mb_per_job"), cleaned.get("max_mb_per_day")
        if per_job and per_day and per_day < per_job:
            self.add_error("max_mb_per_day", _("The size per day must be at least the size per job."))
        return cleaned

    def save(self, commit=True):
        self.instance.max_bytes_per_job = self.cleaned_data["max_mb_per_job"] * MB
        self.instance.max_bytes_per_day = self.cleaned_data["max_mb_per_day"] * MB
        return super().save(commit)


class SubmissionLinkSendForm(forms.Form):
    """Choose the contact who receives the link (searched like the admin's other contact fields)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Made per form, not at import: the widget takes select2's language (its `lang` attribute and
        # its translation script) from the language active when it is made.
        self.fields["recipient"] = forms.ModelChoiceField(
            label=_("Contact"),
            queryset=User.objects.filter(is_active=True),
            widget=AutocompleteSelect(TermsOfService._meta.get_field("published_by"), admin.site),
            error_messages={
                "required": _("Choose the contact to send the link to."),
                "invalid_choice": _("This contact is unknown or deactivated: choose an active contact."),
            },
        )
