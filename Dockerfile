# The portal's image: the same code as `make run`, configured by environment variables.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings COLOPHON_ENV=production

# WeasyPrint needs Pango and HarfBuzz; poppler-utils draws the thumbnails of uploaded PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation poppler-utils curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 colophon
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY --chown=colophon:colophon . .
# collectstatic reads settings: give it throw-away values, never used at run time.
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_hex(32))') \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input -v0

USER colophon
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--config", "portal/gunicorn.conf.py"]
