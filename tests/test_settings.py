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


@pytest.mark.parametrize("values", [{"answer_deadline_minutes": 0}, {"repeat_count": 1},
                                    {"warning_glr": 50.0}, {"watch_glr": 20.0}, {"bucket_ms": 1}])
def test_bad_detection_settings_are_refused(values):
    with pytest.raises(ValidationError):
        DetectionSettings(**values)


def test_the_worker_runs_the_configured_detector(monkeypatch):
    from streams.app.wiring import build_stages

    monkeypatch.setenv("SNOWBALL_DETECTION__ANSWER_DEADLINE_MINUTES", "45")
    assert build_stages(Settings()).detector.config.answer_deadline_ms == 45 * 60_000
