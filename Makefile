# Bình Yên: `make demo` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean lock messages

$(VENV)/.runtime: pyproject.toml requirements.lock
	@scripts/make-venv $(PYTHON) $(VENV)
	$(BIN)/python -m pip install -q -c requirements.lock -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install -q -c requirements-dev.lock -e '.[dev]'
	@touch $@

demo: $(VENV)/.runtime
	BINHYEN_ENV=demo $(BIN)/binhyen demo --port $(PORT)

test: $(VENV)/.dev
	scripts/test-all

lint: $(VENV)/.dev
	$(BIN)/ruff check binhyen tests bench
	$(BIN)/mypy binhyen

# make bench [BENCH="stats_report generate"]: see docs/benchmarks.md.
bench: $(VENV)/.dev
	scripts/bench-all $(BENCH)

messages: $(VENV)/.dev
	cd binhyen && ../$(BIN)/binhyen makemessages -l vi -l en --ignore='*/migrations/*' && ../$(BIN)/binhyen compilemessages

# Re-pin every dependency (run after changing pyproject.toml).
lock:
	rm -rf /tmp/binhyen-lock && $(PYTHON) -m venv /tmp/binhyen-lock
	/tmp/binhyen-lock/bin/pip install -q . && /tmp/binhyen-lock/bin/pip freeze --exclude binhyen > requirements.lock
	/tmp/binhyen-lock/bin/pip install -q '.[dev]' && /tmp/binhyen-lock/bin/pip freeze --exclude binhyen > requirements-dev.lock

clean:
	rm -rf $(VENV) var build *.egg-info
