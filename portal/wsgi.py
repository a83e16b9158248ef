import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

django_application = get_wsgi_application()

# The drive's WebDAV server (WsgiDAV) answers under /dav/, beside Django, in the same processes.
from drive.dav.app import DavDispatcher  # noqa: E402  (needs the settings loaded above)

application = DavDispatcher(django_application)
