"""Settings for the tips_intake benchmark's server: the real settings, plus a ceiling view in the URLconf.

Everything else (middleware, database, caches) is exactly binhyen.settings, so the ceiling view and the
tip intake API go through the same middleware stack on the same gunicorn server.
"""

from binhyen.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"
