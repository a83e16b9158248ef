from __future__ import annotations

from django import forms

from library.models import Binding, PaperFormat, PaperWeight, PrintType


class EstimateForm(forms.Form):
    """The product form's fields the grid looks at; every one optional, junk is simply invalid."""

    binding = forms.ModelChoiceField(queryset=Binding.objects.all(), required=False)
    paper_format = forms.ModelChoiceField(queryset=PaperFormat.objects.all(), required=False)
    interior_print_type = forms.ModelChoiceField(queryset=PrintType.objects.all(), required=False)
    cover_paper = forms.ModelChoiceField(queryset=PaperWeight.objects.all(), required=False)
    interior_paper = forms.ModelChoiceField(queryset=PaperWeight.objects.all(), required=False)
    page_count = forms.IntegerField(min_value=1, max_value=100_000)
    quantity_to_print = forms.IntegerField(min_value=1, max_value=10_000_000)
    width_mm = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    height_mm = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    isbn = forms.CharField(required=False, max_length=20)
