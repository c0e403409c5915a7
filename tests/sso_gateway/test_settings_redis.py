"""With REDIS_URL alone, the Celery broker gets a Redis database of its own, beside the cache's (settings.py).

Django's `cache.clear()` on Redis is FLUSHDB, so a broker sharing the cache's database loses its queued tasks
to any cache flush; kombu's Redis transport keeps the queues as plain keys of that database.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sso_gateway import settings as gateway_settings

broker_for = gateway_settings._redis_broker_database


@pytest.mark.parametrize(
    "redis_url, broker",
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/13", "redis://127.0.0.1:6379/14"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),  # no database named: 0
        ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14"),  # the last of Redis's default 16
        (
            "rediss://:pw@cache.internal:6380/2?ssl_cert_reqs=required",
            "rediss://:pw@cache.internal:6380/3?ssl_cert_reqs=required",
        ),
        ("redis://cache.internal:6379?db=4", "redis://cache.internal:6379?db=5"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock?db=1"),
        ("unix:///run/redis.sock?db=2", "unix:///run/redis.sock?db=3"),
        ("", ""),  # no Redis: no broker, tasks run in-process
    ],
)
def test_the_broker_gets_the_database_beside_the_caches(redis_url, broker):
    assert broker_for(redis_url) == broker


def test_a_database_that_cannot_be_read_names_the_setting_to_fix():
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL") as caught:
        broker_for("redis://:s3cret@127.0.0.1:6379/queues")
    assert "s3cret" not in str(caught.value)  # the URL's password never reaches a log
