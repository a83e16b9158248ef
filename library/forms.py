from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .isbn import InvalidISBN, to_isbn13
from .models import Binding, PaperFormat, PaperWeight, PrintType, Product


class ProductForm(forms.ModelForm):
    """The manual's product form; ``doc_number`` is the print shop's and never part of it."""

    isbn = forms.CharField(
        label=_("ISBN"),
        required=False,
        max_length=20,
        help_text=_("Optional. ISBN-10 or ISBN-13, hyphens allowed."),
    )

    class Meta:
        model = Product
        fields = [
            "title",
            "binding",
            "paper_format",
            "width_mm",
            "height_mm",
            "page_count",
            "interior_print_type",
            "quantity_to_print",
            "cover_paper",
            "interior_paper",
            "isbn",
            "attached_document_name",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["binding"].queryset = Binding.objects.filter(is_active=True)
        self.fields["paper_format"].queryset = PaperFormat.objects.filter(is_active=True)
        self.fields["interior_print_type"].queryset = PrintType.objects.filter(is_active=True)
        self.fields["cover_paper"].queryset = PaperWeight.objects.filter(is_active=True)
        self.fields["interior_paper"].queryset = PaperWeight.objects.filter(is_active=True)
        for name in ("binding", "paper_format", "interior_print_type", "cover_paper", "interior_paper"):
            self.fields[name].empty_label = _("None")
        self.fields["paper_format"].help_text = _("For a custom format, choose “Custom” and give width and height.")
        self.fields["width_mm"].help_text = _("Custom format only.")
        self.fields["height_mm"].help_text = _("Custom format only.")
        self.fields["attached_document_name"].help_text = _("Optional.")
        custom = PaperFormat.objects.filter(is_active=True, is_custom=True).values_list("pk", flat=True)
        self.fields["paper_format"].widget.attrs["data-custom-formats"] = " ".join(str(pk) for pk in custom)
        for name in ("width_mm", "height_mm", "page_count", "quantity_to_print"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")

    def clean_isbn(self) -> str:
        value = self.cleaned_data.get("isbn", "").strip()
        if not value:
            return ""
        try:
            return to_isbn13(value)
        except InvalidISBN as error:
            raise forms.ValidationError(error.message) from None
