"""How django-allauth fits the portal: no self sign-up, e-mails sent by the worker."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from portal.emails import enqueue_message


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Contacts are created by the print shop (invitation or import), never by themselves.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = context.get("request") or self.request
        ctx = {"request": request, "email": email, "current_site": self._current_site(request)}
        ctx.update(context)
        enqueue_message(self.render_mail(template_prefix, email, ctx))

    def get_client_ip(self, request: HttpRequest) -> str:
        # With TRUSTED_PROXY_COUNT=2, a request with fewer X-Forwarded-For entries did not come
        # through every proxy: refuse it (403) rather than fail (allauth raises ImproperlyConfigured).
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured as error:
            raise PermissionDenied("The client address cannot be told from X-Forwarded-For.") from error

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if user.is_staff and not getattr(user, "account_id", None):
            return reverse("admin:index")
        if getattr(user, "is_subscriber", False):  # a subscriber's own login (the subscribers app)
            return reverse("subscribers:space")
        return super().get_login_redirect_url(request)

    @staticmethod
    def _current_site(request: HttpRequest):
        from django.contrib.sites.shortcuts import get_current_site

        return get_current_site(request)
