"""Public pages of the generic submission link (no account needed)."""

from django.urls import path  # noqa: F401

app_name = "submission"

urlpatterns: list = []
