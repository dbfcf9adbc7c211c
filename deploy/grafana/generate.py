"""Write Snowball's Grafana dashboards (dashboards as code) to deploy/grafana/dashboards/*.json.

    .venv/bin/python deploy/grafana/generate.py          # regenerate the committed JSON
    .venv/bin/python deploy/grafana/generate.py --check  # exit 1 when the committed JSON is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "dashboards"
sys.path.insert(0, str(HERE))  # the dashboards package lives beside this script, outside `streams`

from snowball_dashboards import DASHBOARDS  # noqa: E402
from snowball_dashboards.common import to_json  # noqa: E402


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {name: to_json(build()) for name, build in DASHBOARDS.items()}


def stale(out_dir: Path = OUT_DIR) -> list[str]:
    """Dashboards whose committed JSON differs from what the code generates (or is missing)."""
    return [name for name, text in render().items()
            if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the committed JSON is up to date")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            print(f"out of date: {OUT_DIR / name} (run deploy/grafana/generate.py)", file=sys.stderr)
        return 1 if names else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
