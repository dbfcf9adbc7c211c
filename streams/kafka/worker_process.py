"""Run ``snowball worker`` as a child process: the demo and the integration tests use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from streams.kafka.processes import die_with_parent, stop_process


class WorkerProcess:
    """``with WorkerProcess(bootstrap, env={...}, log_path=...) as worker:`` stops it on exit."""

    def __init__(self, bootstrap: str, env: dict[str, str] | None = None, log_path: Path | None = None,
                 args: list[str] | None = None) -> None:
        self.bootstrap = bootstrap
        self.env = {**os.environ, "SNOWBALL_BROKER": bootstrap,
                    "PYTHONUNBUFFERED": "1", **(env or {})}
        self.log_path = log_path
        self.args = args or []
        self.process: subprocess.Popen[bytes] | None = None
        self._log = None

    def start(self) -> WorkerProcess:
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli.main", "worker", *self.args],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        return self

    def assignment(self) -> tuple[int, str] | None:
        """(source partitions read, group generation) the worker last logged it reads; None before any."""
        if self.log_path is None or not self.log_path.exists():
            return None
        last = None
        for line in self.log_path.read_text(errors="replace").splitlines():
            if " reading " in line and "(generation " in line:
                words = line.split()
                last = (int(words[words.index("reading") + 1]), words[-1].rstrip(")"))
        return last

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        process, self.process = self.process, None
        code = None
        if process is not None:
            code = stop_process(process, timeout)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None
        return code

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
