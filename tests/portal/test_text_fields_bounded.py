"""Every free text of the project has a maximum: no TextField without max_length (forms enforce it)."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

PROJECT = Path(settings.BASE_DIR).resolve()


def project_models():
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(PROJECT) and ".venv" not in Path(config.path).parts:
            yield from config.get_models()


def test_the_walk_sees_the_project_apps():
    labels = {model._meta.app_label for model in project_models()}
    assert {"contacts", "library", "orders", "quotes", "files", "portal"} <= labels
    assert "auth" not in labels and "admin" not in labels


def test_every_text_field_has_a_max_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not field.max_length
    ]
    assert unbounded == []
