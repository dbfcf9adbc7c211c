# Snowball: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SNOWBALL := $(VENV)/bin/snowball
SHARED_DATA ?= ../shared/data

.PHONY: install demo test test-unit test-integration bench soak-restart eval-detection eval-classification ops-tools lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Prometheus and Alertmanager tools (promtool, amtool, prometheus) for the ops tests; chromium for the page test.
ops-tools:
	bash scripts/install-ops-tools.sh

demo: install
	$(SNOWBALL) demo

# Two test processes (pytest-xdist): the integration tests mostly wait on the embedded broker's group joins, so two
# of them share the 2 cores well; the whole suite takes about 4.5 min instead of 6.5.
TEST_WORKERS ?= 2
test: install ops-tools
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test-unit: install
	$(PY) -m pytest -q -m "not integration"

test-integration: install ops-tools
	$(PY) -m pytest -q -m integration

bench: install
	$(PY) benchmarks/classification.py --data $(SHARED_DATA)
	$(PY) benchmarks/detection.py
	$(PY) benchmarks/run.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/sources.py

# Not part of `make test`: the restart, kill -9 and failover tests RUNS times with the other core busy.
RUNS ?= 5
soak-restart: install
	$(PY) scripts/soak_restart.py --runs $(RUNS)

eval-detection: install
	$(PY) evaluation/detection.py --data $(SHARED_DATA) --out docs/detection.md

eval-classification: install
	$(PY) evaluation/classification.py --data $(SHARED_DATA) --out docs/classification.md

lint: install
	$(VENV)/bin/ruff check streams tests

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
