"""What the worker says and does when its broker stops answering: one line, not a flood.

The Kafka clients (aiokafka under Faust, librdkafka) log every failed reconnection, tens of lines a second.
``BrokerWatch`` filters their warnings and errors: on each (at most one check a second) it asks whether the
broker still accepts connections. While it does, the record goes through. When it does not:

- an embedded broker that refuses connections (nothing listens: the worker that started it is gone, or it
  crashed) never comes back with the topics, offsets and tables it held in memory: the worker says so in one
  line and exits at once (1), rather than retrying for ever and taking a minute to stop;
- any other broker may come back: the records are held back, and one line every ``summary_seconds`` says for
  how long the broker has been unreachable and how many client messages were not shown.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Callable

from streams.kafka.clients import bootstrap_servers

log = logging.getLogger("snowball.broker")

CLIENT_LOGGERS = ("aiokafka", "faust", "mode", "librdkafka")  # whose warnings may be about the connection
CHECK_EVERY_SECONDS = 1.0
CHECK_WHILE_UP_SECONDS = 0.05
# A broker being killed may still accept connections for a few milliseconds while its clients already log that
# their connections broke: an embedded broker is asked again after this long before such a line is let through.
DYING_GRACE_SECONDS = 0.2
_CONNECTION_LOST = ("connectionerror", "connection at", "connection reset", "transport failure", "disconnected",
                    "unable connect", "connect call failed", "refused")
BROKER_LOST_EXIT_CODE = 1


UP, REFUSED, SILENT = "up", "refused", "silent"


def broker_state(bootstrap: str, timeout: float = 0.5) -> str:
    """UP when a bootstrap server accepts a connection; REFUSED when every one refuses it (nothing listens:
    a broker that is gone); SILENT otherwise (no answer in time, no route: maybe only slow or cut off)."""
    states = set()
    for host, port in bootstrap_servers(bootstrap):
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return UP
        except ConnectionRefusedError:
            states.add(REFUSED)
        except OSError:
            states.add(SILENT)
    return REFUSED if states == {REFUSED} else SILENT


class BrokerWatch(logging.Filter):
    def __init__(self, bootstrap: str, embedded: bool, summary_seconds: float = 30.0,
                 state: Callable[[str], str] = broker_state, clock: Callable[[], float] = time.monotonic,
                 exit: Callable[[int], None] = os._exit,  # noqa: A002 - tests pass a fake
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.bootstrap = bootstrap
        self.embedded = embedded
        self.summary_seconds = summary_seconds
        self._state = state
        self._clock = clock
        self._exit = exit
        self._sleep = sleep
        self._checked_at: float | None = None
        self._up = True
        self._down_since: float | None = None
        self._said_at: float | None = None
        self.held_back = 0

    def install(self) -> BrokerWatch:
        """Filter every client logger that exists now (they are made when their modules are imported)."""
        names = [name for name in logging.Logger.manager.loggerDict
                 if name.split(".")[0] in CLIENT_LOGGERS]
        for name in [*CLIENT_LOGGERS, *names]:
            logging.getLogger(name).addFilter(self)
        return self

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        now = self._clock()
        # While the broker answers, each warning is checked (they are rare); while it does not, once a second.
        every = CHECK_EVERY_SECONDS if not self._up else CHECK_WHILE_UP_SECONDS
        if self._checked_at is None or now - self._checked_at >= every:
            self._checked_at = now
            self._observe(self._state(self.bootstrap), now)
        if self._up and self.embedded and record.levelno >= logging.ERROR and _connection_lost(record):
            self._sleep(DYING_GRACE_SECONDS)  # only on a broken connection: rare while the broker lives
            self._checked_at = now = self._clock()
            self._observe(self._state(self.bootstrap), now)
        if self._up:
            return True
        self.held_back += 1
        return False

    def _observe(self, state: str, now: float) -> None:
        up = state == UP
        if up and not self._up:
            log.warning("the Kafka broker at %s answers again after %.0f s (%d client messages not shown)",
                        self.bootstrap, now - self._down_since, self.held_back)
            self._down_since = self._said_at = None
            self.held_back = 0
        self._up = up
        if up:
            return
        if self._down_since is None:
            self._down_since = now
        if self.embedded and state == REFUSED:  # on this machine, and nothing listens there any more
            log.error("the embedded broker at %s is gone (the worker that started it stopped, or it crashed): "
                      "its topics, offsets and tables were in memory; stopping. Start a worker without "
                      "--broker for a new one, then the others with its address", self.bootstrap)
            _flush_logs()
            self._exit(BROKER_LOST_EXIT_CODE)
        elif self._said_at is None or now - self._said_at >= self.summary_seconds:
            self._said_at = now
            log.warning("the Kafka broker at %s does not answer (for %.0f s); retrying (%d client messages not "
                        "shown)", self.bootstrap, now - self._down_since, self.held_back)


def _connection_lost(record: logging.LogRecord) -> bool:
    text = record.getMessage().casefold()
    return any(mark in text for mark in _CONNECTION_LOST)


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
