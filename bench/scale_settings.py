"""Settings for the scale benchmark's server (``bench/scale_http.py``) only: the
production settings plus a bench URLconf with the reference endpoints, and a header
counting each request's SQL queries. Never used by the application itself."""

from governance.settings import *  # noqa: F403
from governance.settings import MIDDLEWARE

ROOT_URLCONF = "bench.scale_urls"
MIDDLEWARE = ["bench.scale_server.QueryCountMiddleware", *MIDDLEWARE]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
