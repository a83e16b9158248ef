"""Model and form fields of the kernel.

``NameField`` is the CharField for every name-like text that staff or customers read back (order
names, companies, people, address lines, product titles, file names): it drops the bidirectional
controls (see ``portal.text``) at the model, so every way in — the customer's forms, the admin,
the generic link, imports and services that build rows themselves — stores the same clean text.
"""

from __future__ import annotations

from django import forms
from django.db import models

from .text import strip_bidi_controls


class NameFormField(forms.CharField):
    """A form CharField whose cleaned value has no bidirectional controls."""

    def to_python(self, value):
        return strip_bidi_controls(super().to_python(value))


class NameField(models.CharField):
    """A CharField without bidirectional controls: stripped on clean (forms, admin) and on save (everything else)."""

    def to_python(self, value):
        value = super().to_python(value)
        return strip_bidi_controls(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = strip_bidi_controls(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})
