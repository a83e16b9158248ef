from django.conf import settings


def portal(request):
    return {"PORTAL_NAME": settings.PORTAL_NAME, "SHOP_NAME": settings.SHOP_NAME, "SHOP_EMAIL": settings.SHOP_EMAIL}
