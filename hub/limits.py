"""Rate limits of the hub's API: token buckets, per station or staff member, and per client
address for failed authentication.

A bucket holds up to `burst` requests and refills at `per_second`; a request that finds it
empty is refused (429) with the seconds until the next one would pass (`Retry-After`). The
limits are per hub process (behind one reverse proxy a county runs one). Memory stays bounded:
past `max_keys` buckets, the full (idle) ones are dropped, and if none is idle the oldest go.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


@dataclass(frozen=True)
class Limits:
    """The hub's limits. A station's sync run makes a few requests per batch; a backlog of
    10,000 cases is ~30 batches, so a station is never held up by 600 a minute."""

    holder: Rate = Rate(per_second=10.0, burst=300)  # per station / staff token
    slip_checks: Rate = Rate(per_second=1.0, burst=60)  # per staff token: no guessing
    failed_auth: Rate = Rate(per_second=0.2, burst=20)  # per client address
    enrolments: Rate = Rate(per_second=0.05, burst=10)  # per client address: no guessing


class _Bucket:
    __slots__ = ("at", "refused", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens = tokens
        self.at = at
        self.refused = False  # refusals since the last request that passed (logged once)


class Refused(Exception):
    """A request over its limit; `retry_after` is whole seconds, `first` whether it is the
    first refusal since a request of that key last passed (so a flood is logged once)."""

    def __init__(self, retry_after: int, first: bool) -> None:
        super().__init__(f"rate limit: retry after {retry_after} s")
        self.retry_after = retry_after
        self.first = first


class RateLimiter:
    def __init__(
        self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.rate.burst), now)
        else:
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(
                float(self.rate.burst), bucket.tokens + elapsed * self.rate.per_second
            )
            bucket.at = now
        return bucket

    def _prune(self, now: float) -> None:
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate.per_second >= self.rate.burst
        ]
        for key in full or list(self._buckets)[: max(1, self._max_keys // 10)]:
            del self._buckets[key]

    def _wait(self, bucket: _Bucket) -> int:
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate.per_second))

    def take(self, key: str) -> None:
        """Count one request of `key`; raises Refused if its bucket is empty."""
        with self._lock:
            bucket = self._bucket(key, self._clock())
            if bucket.tokens < 1.0:
                first, bucket.refused = not bucket.refused, True
                raise Refused(self._wait(bucket), first)
            bucket.tokens -= 1.0
            bucket.refused = False

    def check(self, key: str) -> None:
        """Raise Refused if `key` has no request left, without counting one."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return
            bucket = self._bucket(key, self._clock())
            if bucket.tokens < 1.0:
                first, bucket.refused = not bucket.refused, True
                raise Refused(self._wait(bucket), first)

    def spend(self, key: str) -> None:
        """Count one event of `key` (e.g. a failed authentication), never refusing."""
        with self._lock:
            bucket = self._bucket(key, self._clock())
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
