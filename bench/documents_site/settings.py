"""The portal's settings, with the URLconf that also serves today's render-per-click view (bench only)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "documents_site.urls"
