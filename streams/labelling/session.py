"""What a labelling session knows: the mentions, the labels so far (from the append-only file), what to show next.

Thread-safe: the web handlers and the background trainer share one session.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from streams.io.label_log import COLUMNS, SENTIMENTS, SKIP, UNDO, is_label_log, resolve


class LabelFileError(ValueError):
    """The --out file exists but is not a labels file this command wrote."""


@dataclass(frozen=True, slots=True)
class Mention:
    key: str  # the input's id, or line:N
    text: str


def least_confident_first(confidences: Sequence[float]) -> list[int]:
    """Indices by the model's confidence in its own label, lowest first (ties keep input order)."""
    return sorted(range(len(confidences)), key=confidences.__getitem__)


class LabelLogFile:
    """Appends one row per action and flushes it to disk before answering."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, str]] = []
        if path.exists() and path.stat().st_size:
            with open(path, encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if not is_label_log(reader.fieldnames or ()):
                    raise LabelFileError(f"{path}: not a labels file written by snowball label (expected the "
                                         f"columns {','.join(COLUMNS)}); choose another --out")
                self.rows = list(reader)
        new = not path.exists() or not path.stat().st_size
        self._handle = open(path, "a", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        if new:
            self._write(COLUMNS)

    def append(self, mention: Mention, label: str) -> None:
        row = (mention.key, mention.text, label, datetime.now(UTC).isoformat(timespec="seconds"))
        self._write(row)
        self.rows.append(dict(zip(COLUMNS, row, strict=True)))

    def _write(self, row: Sequence[str]) -> None:
        self._writer.writerow(row)
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


class LabelSession:
    def __init__(self, mentions: list[Mention], confidences: Sequence[float], log: LabelLogFile,
                 on_label: Callable[[], None] | None = None) -> None:
        self.mentions = {m.key: m for m in mentions}
        self._order = [mentions[i].key for i in least_confident_first(confidences)]
        self._log = log
        self._lock = threading.RLock()
        self._on_label = on_label
        self._labels = {key: label for key, (_, label) in resolve(log.rows).items()}
        # Keys of the actions undo can take back, latest last, rebuilt from the file so undo works after a restart.
        self._history: list[str] = []
        for row in log.rows:
            if row.get("label") == UNDO:
                if self._history:
                    self._history.pop()
            elif row.get("label") in (*SENTIMENTS, SKIP):
                self._history.append(row["mention"])
        self._current: str | None = None

    def labelled(self) -> list[tuple[str, str]]:
        """(text, sentiment) of every labelled mention, skips left out; mentions of other files included."""
        with self._lock:
            return [(text, label) for text, label in resolve(self._log.rows).values() if label in SENTIMENTS]

    def counts(self) -> dict[str, int]:
        with self._lock:
            counts = dict.fromkeys((*SENTIMENTS, SKIP), 0)
            for label in self._labels.values():
                counts[label] += 1
            return counts

    def remaining(self) -> int:
        with self._lock:
            return sum(1 for key in self._order if key not in self._labels)

    def unlabelled(self) -> list[Mention]:
        with self._lock:
            return [self.mentions[k] for k in self._order if k not in self._labels]

    def current(self) -> Mention | None:
        """The mention on screen: kept until it is labelled, then the least confident one not yet labelled."""
        with self._lock:
            if self._current is None or self._current in self._labels:
                self._current = next((k for k in self._order if k not in self._labels), None)
            return None if self._current is None else self.mentions[self._current]

    def label(self, key: str, label: str) -> None:
        if label not in (*SENTIMENTS, SKIP):
            raise ValueError(f"unknown label {label!r}")
        with self._lock:
            mention = self.mentions.get(key)
            if mention is None:
                raise KeyError(key)
            self._log.append(mention, label)
            self._labels[key] = label
            self._history.append(key)
        if self._on_label is not None:
            self._on_label()

    def undo(self) -> Mention | None:
        """Take back the latest label; its mention is shown again. None when there is nothing to undo."""
        with self._lock:
            if not self._history:
                return None
            key = self._history.pop()
            text = next((row["text"] for row in reversed(self._log.rows) if row["mention"] == key), "")
            mention = self.mentions.get(key, Mention(key, text))
            self._log.append(mention, UNDO)
            self._labels = {k: label for k, (_, label) in resolve(self._log.rows).items()}
            if key in self.mentions:
                self._current = key
        if self._on_label is not None:
            self._on_label()
        return mention

    def rerank(self, confidences: dict[str, float]) -> None:
        """A new model's confidence for the unlabelled mentions: show the least confident first."""
        with self._lock:
            unlabelled = sorted(confidences, key=confidences.__getitem__)
            rest = [k for k in self._order if k not in confidences]
            self._order = unlabelled + rest
