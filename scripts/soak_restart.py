"""make soak-restart: the restart, kill -9 and failover tests, again and again, with the other core kept busy.

Each run is one pytest session of tests/integration/test_restart.py (a clean SIGTERM restart; a worker stopped
and one killed with SIGKILL while it holds uncommitted mentions) and tests/integration/test_workers.py (two
workers, one killed mid-stream, the other takes over). Each of them asserts that no mention is lost and that the
alerts are the offline backtest's. Prints how many runs passed, test by test; exits non-zero if any failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/integration/test_restart.py", "tests/integration/test_workers.py"]
HOG = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def outcomes(junit: Path) -> dict[str, bool]:
    """Test name -> passed, from a JUnit XML report."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        found[case.get("name")] = not failed
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="pytest sessions to run (default 5)")
    parser.add_argument("--no-hog", action="store_true", help="leave the other core idle")
    args = parser.parse_args()
    reports = Path(tempfile.mkdtemp(prefix="snowball-soak-"))
    passed: Counter[str] = Counter()
    runs_passed = 0
    started = time.monotonic()
    for run in range(1, args.runs + 1):
        hog = None if args.no_hog else subprocess.Popen([sys.executable, "-c", HOG.format(seconds=900)])
        junit = reports / f"run-{run}.xml"
        try:
            code = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o",
                                   "junit_family=xunit2", f"--junitxml={junit}", "--basetemp",
                                   str(reports / f"run-{run}"), *TESTS], cwd=ROOT).returncode
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
        results = outcomes(junit) if junit.exists() else {}
        for name, ok in results.items():
            passed[name] += ok
        runs_passed += code == 0 and bool(results)
        print(f"soak-restart: run {run}/{args.runs}: {'passed' if code == 0 else 'FAILED'} "
              f"({sum(results.values())}/{len(results)} tests)", flush=True)
    print(f"\nsoak-restart: {runs_passed}/{args.runs} runs passed in {time.monotonic() - started:.0f} s"
          f"{'' if args.no_hog else ', the other core busy'}; reports and logs in {reports}")
    for name in sorted(passed):
        print(f"  {passed[name]}/{args.runs}  {name}")
    return 0 if runs_passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
