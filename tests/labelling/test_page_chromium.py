"""`snowball label` as a user tries it: the real command, its page in headless Chromium, keys, undo, a restart.

Needs Debian's chromium (`make test` installs it with scripts/install-ops-tools.sh) and the playwright package;
skips cleanly without them. Playwright drives the system browser: no browser is downloaded.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no chromium (scripts/install-ops-tools.sh)")
playwright = pytest.importorskip("playwright.sync_api")

TEXTS = ["great service, thank you", "awful delay again", "what time does the shop open?", "love the new app",
         "the worst support ever", "ok", "my parcel is lost, terrible", "bravo, super accueil", "new store in Paris",
         "I hate waiting on hold"]


def start(mentions: Path, out: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streams.cli.main", "label", str(mentions), "--out", str(out), "--port", "0",
         "--min-labels", "4", "--retrain-every", "2"],
        stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"http://\S+/", line)
    assert match, line
    return process, match.group(0)


def labels(out: Path) -> list[tuple[str, str]]:
    with open(out, encoding="utf-8", newline="") as handle:
        return [(row["text"], row["label"]) for row in csv.DictReader(handle)]


def wait_for_rows(out: Path, count: int, timeout: float = 10.0) -> None:
    """Until the labels file holds ``count`` actions: the page answers keys one request at a time."""
    deadline = time.monotonic() + timeout
    while len(labels(out)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(labels(out)) == count, labels(out)


@pytest.fixture
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def shown(page) -> str:
    return page.inner_text("#text")


def test_keyboard_labelling_undo_and_restart(tmp_path: Path, browser) -> None:
    mentions, out = tmp_path / "mentions.jsonl", tmp_path / "labels.csv"
    mentions.write_text("".join(f'{{"text": "{t}"}}\n' for t in TEXTS), encoding="utf-8")
    process, url = start(mentions, out)
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("document.getElementById('text').dataset.mention")
        first = shown(page)
        page.keyboard.press("1")
        page.wait_for_function(f"document.getElementById('text').innerText !== {first!r}")
        second = shown(page)
        assert labels(out) == [(first, "negative")]  # saved at once
        page.keyboard.press("3")
        page.keyboard.press("u")  # undo the positive: the same mention again
        wait_for_rows(out, 3)
        assert labels(out)[-2:] == [(second, "positive"), (second, "undo")]
        page.wait_for_function("document.getElementById('status').innerText.startsWith('labelled: 1 ')")
        assert shown(page) == second
        for key in ("2", "s", "3", "1", "2"):
            before = page.evaluate("document.getElementById('status').innerText")
            page.keyboard.press(key)
            page.wait_for_function(f"document.getElementById('status').innerText !== {before!r}")
        assert [label for _, label in labels(out)][-5:] == ["neutral", "skip", "positive", "negative", "neutral"]
        # Five sentiment labels of three classes: the background fit shows a cross-validated score and a curve.
        page.wait_for_function("document.getElementById('score').innerText.includes('cross-validated')",
                               timeout=60_000)
        assert page.locator("#curve circle").count() >= 1 and page.inner_text("#error") == ""
        page.wait_for_function("document.getElementById('status').innerText.includes('a model of your')")
        remembered = shown(page)
    finally:
        process.send_signal(signal.SIGKILL)  # nothing is lost even without a clean stop
        process.wait()

    process, url = start(mentions, out)
    try:
        page.goto(url)
        page.wait_for_function("document.getElementById('status').innerText.startsWith('labelled: 5 ')")
        assert "skipped 1, left 4" in page.inner_text("#status")
        assert shown(page) == remembered
        page.keyboard.press("u")  # undo reaches back before the restart
        wait_for_rows(out, 9)
        assert labels(out)[-1][1] == "undo"
        page.wait_for_function("document.getElementById('status').innerText.startsWith('labelled: 4 ')")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
