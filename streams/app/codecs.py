"""Faust codecs of the tables' values."""

from __future__ import annotations

from typing import Any

from faust.serializers import codecs

from streams.detection import codec

DETECTOR_STATE_CODEC = "snowball_detector_state"


class DetectorStateCodec(codecs.Codec):
    """A detector state as ``streams.detection.codec`` saves it: JSON without its derivable caches (they stay in the
    worker's memory; a restored worker recomputes them on its next evaluation), older saved versions migrated."""

    def _dumps(self, obj: Any) -> bytes:
        return codec.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return codec.loads(s)


codecs.register(DETECTOR_STATE_CODEC, DetectorStateCodec())


class DetectorStateValue:
    """The detector table's ``value_type``. Faust 0.15 takes a table's serializer from its value type (a table's
    ``schema`` argument is not used for its changelog), so this type names the codec; recovery then hands what the
    codec decoded, a typed ``BrandState``, to ``from_data``, which keeps it as it is."""

    class _options:  # noqa: N801 - the attribute Faust reads (faust.tables.base.Collection._serializer_from_type)
        serializer = DETECTOR_STATE_CODEC

    @classmethod
    def from_data(cls, data: Any, *, preferred_type: Any = None) -> Any:
        return data
