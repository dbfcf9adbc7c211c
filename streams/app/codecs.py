"""Faust codecs of the tables' values."""

from __future__ import annotations

import json
from typing import Any

from faust.serializers import codecs

from streams.detection import SnowballDetector

DETECTOR_STATE_CODEC = "snowball_detector_state"


class DetectorStateCodec(codecs.Codec):
    """JSON of a detector state without its derivable caches: they stay in the worker's memory, the changelog gets
    the state proper (smaller, and a restored worker recomputes the caches on its next evaluation)."""

    def _dumps(self, obj: Any) -> bytes:
        if isinstance(obj, dict):
            obj = SnowballDetector.persistent(obj)
        return json.dumps(obj, separators=(",", ":")).encode("utf-8")

    def _loads(self, s: bytes) -> Any:
        return json.loads(s)


codecs.register(DETECTOR_STATE_CODEC, DetectorStateCodec())
