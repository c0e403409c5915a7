"""WSGI entry of the benchmark's gunicorn: the gateway plus the floor and the peer (bench/urls.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = get_wsgi_application()
