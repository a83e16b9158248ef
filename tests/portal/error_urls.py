"""The portal's URLs and error handlers, plus views that fail on purpose (tests of the error pages)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401  (read by Django)
from portal.urls import urlpatterns as portal_urlpatterns


def suspicious(request):
    raise SuspiciousOperation("tampered request")


def forbidden(request):
    raise PermissionDenied


def crash(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/403/", forbidden),
    path("test-errors/500/", crash),
    *portal_urlpatterns,
]
