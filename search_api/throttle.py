"""Failed authentication, counted per client: a wrong key or a wrong sign-in too often from one
address, and that address waits before it may try again, longer each time it comes back to it.

Counted in the server process (each of several `archive serve` processes counts its own): the
bound is on guesses per second, which a key of 256 random bits makes hopeless anyway; what it
buys is that a guessing client is stopped, logged and audited instead of answered at speed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_MAX_WAIT_S = 3600.0
_MAX_CLIENTS = 10_000  # forgotten oldest first beyond this: memory stays bounded


@dataclass
class _Client:
    failures: list[float] = field(default_factory=list)  # when, within the window
    blocked_until: float = 0.0
    strikes: int = 0  # times blocked: each doubles the next wait


class Throttle:
    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """How long the client must still wait before it may try again; 0 when it may."""
        with self._lock:
            c = self._clients.get(client)
            return max(0.0, c.blocked_until - self.clock()) if c else 0.0

    def failed(self, client: str) -> float:
        """Counts a failure; returns the wait this one began (0 when it began none)."""
        now = self.clock()
        with self._lock:
            c = self._clients.pop(client, None) or _Client()
            self._clients[client] = c  # most recent last
            if len(self._clients) > _MAX_CLIENTS:
                del self._clients[next(iter(self._clients))]
            c.failures = [t for t in c.failures if now - t < self.window_s] + [now]
            if len(c.failures) < self.limit:
                return 0.0
            wait = min(self.window_s * 2.0**c.strikes, _MAX_WAIT_S)
            c.strikes += 1
            c.failures = []
            c.blocked_until = now + wait
            return wait

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)
