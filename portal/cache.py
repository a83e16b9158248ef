"""Django's Redis cache, made optional: a page never needs Redis to be served.

The portal caches what it can recompute (a job's live progress, rate-limit counters, flags read
from the database). When Redis does not answer, :class:`ResilientRedisCache` logs once, answers
as an empty cache (a read gives its default, a write is dropped) and leaves Redis alone for
``RETRY_AFTER`` seconds, so that pages pay no connection timeout meanwhile. Rate limits are then
not counted (allauth's sign-in limits open) until Redis is back; sessions live in the database.
"""

from __future__ import annotations

import logging
import time

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError, TimeoutError)
#: Seconds during which a Redis found down is not asked again.
RETRY_AFTER = 5.0


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def _run(self, default, method, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return method(*args, **kwargs)
        except ERRORS as error:
            logger.warning("Cache unreachable (%s): pages go on without it for %s s", error, RETRY_AFTER)
            type(self)._down_until = time.monotonic() + RETRY_AFTER
            return default

    def get(self, key, default=None, version=None):
        return self._run(default, super().get, key, default, version)

    def set(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._run(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        # As if the key were absent and the add took: a lock taken on the cache (allauth's rate limits)
        # must not refuse every request while Redis is down.
        return self._run(True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._run(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._run(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._run({}, super().get_many, keys, version)

    def set_many(self, data, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._run([], super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._run(None, super().delete_many, keys, version)

    def has_key(self, key, version=None):
        return self._run(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        return self._run(delta, super().incr, key, delta, version)

    def clear(self):
        return self._run(False, super().clear)
