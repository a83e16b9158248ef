from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from . import health, services


@require_POST
def language_switch_view(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie), and the user's profile so e-mails follow the choice too."""
    response = set_language(request)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    database = "ok" if health.database_ok() else "unreachable"
    broker = health.broker_status()
    healthy = database == "ok" and broker in {"ok", "in-process"}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
