from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .documents.views import document_signed_view, document_status_view
from .jobs.views import job_status_view

admin.site.site_header = _("Colophon — print-shop administration")
admin.site.site_title = _("Colophon administration")
admin.site.index_title = _("Customers, orders and subscriptions")
# Notices the feature apps register (portal.admin_index) above the applications.
admin.site.index_template = "admin/portal_index.html"
# Staff sign in through allauth's rate-limited login, never through the admin's own form.
admin.site.login = secure_admin_login(admin.site.login)


portal_patterns = [
    path("language/", views.language_switch_view, name="language_switch"),
    # The shell's pages (dashboard, warehouse, search) keep their ``portal:`` names.
    path("", include("workspace.urls")),
    path("jobs/<int:pk>/status/", job_status_view, name="job_status"),
    path("documents/<int:pk>/status/", document_status_view, name="document_status"),
    # Answered by portal.documents.signed.SignedDocumentDispatcher before Django under portal.wsgi.
    path("documents/signed/<str:token>", document_signed_view, name="document_signed"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("orders/", include("orders.urls")),
    path("library/", include("library.urls")),
    path("files/", include("files.urls")),
    path("quotes/", include("quotes.urls")),
    path("drive/", include("drive.urls")),
    path("contacts/", include("contacts.urls")),
    path("submit/", include("submissions.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    path("subscribers/", include("subscribers.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz_view, name="healthz"),
]

# Error pages in the portal's layout and the visitor's language (portal/errors.py); the 500 needs no database.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
