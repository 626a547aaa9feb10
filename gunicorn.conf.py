"""Gunicorn settings for `make serve`, read from the environment.

Gunicorn loads this file by itself when started from the project folder. It serves on loopback
by default: production puts an HTTPS proxy (nginx, Apache, a load balancer's agent) in front on
the same machine, and Django trusts that proxy's X-Forwarded-Proto header (SECURE_PROXY_SSL_HEADER),
so the port must not be reachable by anyone but the proxy.
"""

import multiprocessing
import os
from pathlib import Path

wsgi_app = "config.wsgi:application"

# HOST and PORT, as for `make run`. Gunicorn's own default binds 0.0.0.0 whenever PORT is set;
# naming the host here keeps a stray PORT from opening the app to the network.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# WEB_CONCURRENCY is the name hosting platforms use; otherwise Gunicorn's rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

# Board packs build in the task worker (bin/worker), but a large spreadsheet import, or a pack
# built in the request (the immediate task backend, 10-15 s on two cores), needs more than 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The proxy keeps connections to us open; a little longer than its idle timeout avoids resets.
keepalive = 5

# WeasyPrint and openpyxl keep memory after big jobs: recycle workers now and then, staggered.
max_requests = 1000
max_requests_jitter = 100

# Access and error logs to stdout/stderr, for the service manager's journal.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Proxies allowed to tell Gunicorn the request came over HTTPS: the one on loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The worker heartbeat file in memory: a disk-backed /tmp can stall workers under load.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"
