from __future__ import annotations

from django import forms

from library.models import (
    HEIGHT_MM_MAX,
    HEIGHT_MM_MIN,
    PAGE_COUNT_MAX,
    PRINT_QUANTITY_MAX,
    WIDTH_MM_MAX,
    WIDTH_MM_MIN,
    Binding,
    PaperFormat,
    PaperWeight,
    PrintType,
)


class EstimateForm(forms.Form):
    """The product form's fields the grid looks at; every one optional, junk is simply invalid."""

    binding = forms.ModelChoiceField(queryset=Binding.objects.all(), required=False)
    paper_format = forms.ModelChoiceField(queryset=PaperFormat.objects.all(), required=False)
    interior_print_type = forms.ModelChoiceField(queryset=PrintType.objects.all(), required=False)
    cover_paper = forms.ModelChoiceField(queryset=PaperWeight.objects.all(), required=False)
    interior_paper = forms.ModelChoiceField(queryset=PaperWeight.objects.all(), required=False)
    page_count = forms.IntegerField(min_value=1, max_value=PAGE_COUNT_MAX)
    quantity_to_print = forms.IntegerField(min_value=1, max_value=PRINT_QUANTITY_MAX)
    width_mm = forms.IntegerField(required=False, min_value=WIDTH_MM_MIN, max_value=WIDTH_MM_MAX)
    height_mm = forms.IntegerField(required=False, min_value=HEIGHT_MM_MIN, max_value=HEIGHT_MM_MAX)
    isbn = forms.CharField(required=False, max_length=20)
