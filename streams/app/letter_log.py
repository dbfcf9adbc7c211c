"""Dead letters in the log: a line for the first of each stage and reason, then a count now and then.

Every dead letter is counted by ``snowball_dead_letters_total`` and kept, with its reason, in the dead-letter
topic; the log only has to say that it happens. A flood of bad records (8,500 of them) is then a few lines,
not 8,500: the first of each (stage, reason), then at most one summary per ``every_seconds``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("streams.app.stages")


@dataclass(slots=True)
class _Kind:
    said_at: float
    unsaid: int = 0
    last: str = ""


class DeadLetterLog:
    def __init__(self, every_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every_seconds = every_seconds
        self._clock = clock
        self._kinds: dict[tuple[str, str], _Kind] = {}

    def lettered(self, stage: str, reason: str, where: str) -> None:
        """A record (``where``: topic/partition@offset, never its content) went to the dead-letter topic."""
        now = self._clock()
        kind = self._kinds.get((stage, reason))
        if kind is None:
            self._kinds[(stage, reason)] = _Kind(now)
            log.warning("dead-lettered %s at %s: %s (more of these are counted in snowball_dead_letters_total and "
                        "summarised every %.0f s)", where, stage, reason, self.every_seconds)
            return
        kind.unsaid += 1
        kind.last = where
        self.say_due(now)

    def say_due(self, now: float | None = None) -> None:
        """Summarise each kind not summarised for ``every_seconds``; the worker loop calls it every cycle."""
        now = self._clock() if now is None else now
        for (stage, reason), kind in self._kinds.items():
            if kind.unsaid and now - kind.said_at >= self.every_seconds:
                log.warning("dead-lettered %d more records at %s: %s in %.0f s (the last %s)", kind.unsaid, stage,
                            reason, now - kind.said_at, kind.last)
                kind.said_at, kind.unsaid = now, 0
