"""The worker's liveness and readiness, as ``/healthz`` and ``/readyz`` on the metrics server say them.

- alive: the worker loop keeps turning (it turns at least every ``IDLE_SECONDS``, busy or not); a loop stuck
  longer than ``stall_seconds`` is dead, and a restart is the cure;
- ready: alive, and reading the partitions Faust assigned for the current group generation, with their tables
  restored (an empty assignment counts: more workers than partitions). Not ready while it starts, recovers its
  tables, rebalances or stops.

``python -m streams.app.health [ready|live]`` asks the local worker (port ``SNOWBALL_METRICS_PORT``): exit 0
when it answers yes, 1 otherwise. The Docker image's HEALTHCHECK and the compose file use it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

STALL_SECONDS = 60.0  # far above any batch: a cycle of 2,000 records takes well under a second


class WorkerHealth:
    def __init__(self, stall_seconds: float = STALL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.stall_seconds = stall_seconds
        self._clock = clock
        self._last_turn: float | None = None
        self._reading: int | None = None  # partitions read for the current generation; None: not reading
        self._why_not = "starting"

    def turned(self) -> None:
        """The worker loop went round once."""
        self._last_turn = self._clock()

    def reading(self, partitions: int) -> None:
        """The worker reads its ``partitions`` (maybe none), its tables restored."""
        self._reading, self._why_not = partitions, ""

    def not_reading(self, why: str) -> None:
        self._reading, self._why_not = None, why

    def live(self) -> tuple[bool, str]:
        if self._last_turn is None:
            return True, "starting"
        idle = self._clock() - self._last_turn
        if idle > self.stall_seconds:
            return False, f"the worker loop has not turned for {idle:.0f} s"
        return True, "alive"

    def ready(self) -> tuple[bool, str]:
        alive, why = self.live()
        if not alive:
            return False, why
        if self._reading is None:
            return False, f"not ready: {self._why_not}"
        return True, f"ready: reading {self._reading} partitions"


def probe(what: str = "ready", port: int | None = None, host: str = "127.0.0.1", timeout: float = 4.0) -> int:
    """Ask the worker on ``port`` (default: the settings') whether it is ready or alive; 0 yes, 1 no."""
    import urllib.error
    import urllib.request

    if port is None:
        from streams.settings import Settings

        port = Settings().metrics_port
    path = {"ready": "/readyz", "live": "/healthz"}[what]
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=timeout) as response:
            print(response.read().decode().strip())
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read().decode().strip() or str(exc), file=sys.stderr)
    except OSError as exc:
        print(f"no worker answers on {host}:{port}: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover - the image's HEALTHCHECK
    sys.exit(probe(sys.argv[1] if len(sys.argv) > 1 else "ready"))
