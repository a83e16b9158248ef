"""gunicorn settings for production; every value can be overridden with GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# Long uploads (PDFs up to 2 GB) stream through; the reverse proxy should buffer them.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 300))
graceful_timeout = 30
# Recycle a worker after this many requests (a guard against slow leaks); a restart costs a Django boot, so
# it must stay rare under load: at 2,000 downloads a second, 2,000 would restart every worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# Addresses whose X-Forwarded-Proto gunicorn believes. "*" because docker-compose publishes this
# port on the host's 127.0.0.1 only, so the host's reverse proxy is the one client (inside the
# container it shows as the bridge gateway, an address not known in advance). Where other hosts can
# reach gunicorn, set the proxy's address: Django (SECURE_PROXY_SSL_HEADER) and the sign-in limits
# (TRUSTED_PROXY_COUNT, TRUSTED_CLIENT_IP_HEADER) trust the same proxy's headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
