"""The typed settings: environment variables, and the detection knobs in human units."""

import pytest
from pydantic import ValidationError

from streams.detection import DetectorConfig
from streams.settings import DetectionSettings, Settings


def test_default_detection_settings_are_the_detectors_defaults():
    assert DetectionSettings().to_config() == DetectorConfig()


def test_detection_settings_come_from_the_environment_in_human_units(monkeypatch):
    monkeypatch.setenv("SNOWBALL_DETECTION__ANSWER_DEADLINE_MINUTES", "90")
    monkeypatch.setenv("SNOWBALL_DETECTION__UPDATE_INTERVAL_MINUTES", "10")
    monkeypatch.setenv("SNOWBALL_DETECTION__REPEAT_WINDOW_HOURS", "12")
    monkeypatch.setenv("SNOWBALL_DETECTION__WARNING_GLR", "20")
    config = Settings().detection.to_config()
    assert config.answer_deadline_ms == 90 * 60_000
    assert config.update_interval_ms == 10 * 60_000
    assert config.repeat_window_ms == 12 * 3_600_000
    assert config.warning_glr == 20.0
    assert config.bucket_ms == DetectorConfig().bucket_ms  # the time grid is not a setting


FIELD_CASES = [
    ("answer_deadline_minutes", 45, "answer_deadline_ms", 45 * 60_000),
    ("update_interval_minutes", 5, "update_interval_ms", 5 * 60_000),
    ("resolve_hold_minutes", 20, "resolve_hold_ms", 20 * 60_000),
    ("reopen_window_minutes", 90, "reopen_window_ms", 90 * 60_000),
    ("brand_silence_minutes", 45, "brand_silence_ms", 45 * 60_000),
    ("watch_glr", 9, "watch_glr", 9.0),
    ("warning_glr", 18, "warning_glr", 18.0),
    ("critical_glr", 44, "critical_glr", 44.0),
    ("repeat_count", 7, "repeat_count", 7),
    ("repeat_window_hours", 6, "repeat_window_ms", 6 * 3_600_000),
    ("high_reach_followers", 50_000, "high_reach_followers", 50_000),
]


@pytest.mark.parametrize("name, value, field, expected", FIELD_CASES)
def test_each_detection_setting_reaches_its_detector_field(name, value, field, expected):
    config = DetectionSettings(**{name: value}).to_config()
    assert getattr(config, field) == expected and getattr(DetectorConfig(), field) != expected
    assert {f for f in DetectorConfig.__dataclass_fields__ if getattr(config, f) != getattr(DetectorConfig(), f)} \
        == {field}


def test_every_detection_setting_is_covered_above():
    assert [case[0] for case in FIELD_CASES] == list(DetectionSettings.model_fields)


@pytest.mark.parametrize("values", [
    {"answer_deadline_minutes": 0}, {"answer_deadline_minutes": float("inf")}, {"repeat_window_hours": "inf"},
    {"update_interval_minutes": 0}, {"repeat_count": 1}, {"repeat_count": 51}, {"high_reach_followers": 2_000_000},
    {"warning_glr": 50.0}, {"watch_glr": 20.0}, {"watch_glr": 2.0}, {"bucket_ms": 1}])
def test_bad_detection_settings_are_refused(values):
    with pytest.raises(ValidationError):
        DetectionSettings(**values)


def test_the_worker_runs_the_configured_detector(monkeypatch):
    from streams.app.wiring import build_stages

    monkeypatch.setenv("SNOWBALL_DETECTION__ANSWER_DEADLINE_MINUTES", "45")
    assert build_stages(Settings()).detector.config.answer_deadline_ms == 45 * 60_000
