import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

django_application = get_wsgi_application()

# WSGI applications that answer beside Django in the same processes (the drive's WebDAV server at
# /dav/) wrap it, named in settings as Django names its middleware: the kernel knows no feature app.
application = django_application
for wrapper in reversed(settings.WSGI_WRAPPERS):
    application = import_string(wrapper)(application)
