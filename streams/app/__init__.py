"""The streaming shell: Faust agents around the pure cores."""

from streams.app.faust_app import create_app, topic_specs
from streams.app.stages import Codecs, Origin, Output, Stages
from streams.app.wiring import build_codecs, build_stages

__all__ = ["Codecs", "Origin", "Output", "Stages", "build_codecs", "build_stages", "create_app", "topic_specs"]
