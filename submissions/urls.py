"""Public pages of the generic submission link (no account needed)."""

from django.urls import path

from . import views

app_name = "submission"

urlpatterns = [
    path("<str:token>/", views.submission_create_view, name="submit"),
    path("<str:token>/thanks/", views.submission_thanks_view, name="thanks"),
]
