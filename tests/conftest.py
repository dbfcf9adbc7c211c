"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "faust", metrics_port=0)
