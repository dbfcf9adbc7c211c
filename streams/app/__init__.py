"""The streaming shell: Faust owns the group, tables and commits; librdkafka moves records through the cores."""

from streams.app.faust_app import create_app, topic_specs
from streams.app.stages import Codecs, Output, Record, Stages
from streams.app.wiring import build_codecs, build_stages

__all__ = ["Codecs", "Output", "Record", "Stages", "build_codecs", "build_stages", "create_app", "topic_specs"]
