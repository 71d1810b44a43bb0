"""Gunicorn settings for `binhyen serve` (read with `-c python:binhyen.ops.gunicorn_conf`).

Threads, not only processes: every logged-in page holds one Server-Sent Events stream (the alert gong)
for about 30 seconds at a time, mostly asleep, so each process needs many threads. Each thread may
hold a database connection (CONN_MAX_AGE), so processes × threads × app servers must stay under
PostgreSQL's max_connections, or go through PgBouncer (docs/deployment.md).
"""

from __future__ import annotations

import os

bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_PROCESSES") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
# SSE streams end by themselves after 30 s; a request stuck for 120 s is killed and its worker replaced.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 35
keepalive = 5
# Recycle processes now and then, staggered, so a slow leak never takes all of them down at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The address of the proxy in front, whose X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No access log: it would hold client addresses (tips may be anonymous). The app logs each request
# without them (binhyen.ops.logs); errors still go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "binhyen-web"
