"""Detection: tell a snowball of negative mentions from sporadic critics, in event time."""

from streams.detection.config import DetectorConfig
from streams.detection.snowball import GAUGES, SnowballDetector
from streams.detection.state import BrandState

__all__ = ["GAUGES", "BrandState", "DetectorConfig", "SnowballDetector"]
