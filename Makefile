# Two commands for a fresh machine (Python 3.11): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint screenshots bench clean system-deps

run: $(VENV)/.stamp-run
	@sh packaging/system-deps.sh run || echo "(could not install Qt's system libraries; see README Troubleshooting)"
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && [ "$$(uname)" = Linux ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
		echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): running with QT_QPA_PLATFORM=offscreen (Ctrl+C quits)."; \
		QT_QPA_PLATFORM=offscreen $(BIN)/imagestudio; \
	else $(BIN)/imagestudio; fi

$(VENV)/.stamp-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.stamp-run

# Debian packages for the real Secret Service test, CJK fonts and Qt's libraries (installed when missing).
system-deps:
	sh packaging/system-deps.sh test

test: $(VENV)/.stamp-test system-deps
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests $(wildcard bench)
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(VENV)/.stamp-test
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests $(wildcard bench)
	$(BIN)/ruff format --check imagestudio tests $(wildcard bench)
	$(BIN)/mypy

screenshots: $(VENV)/.stamp-test system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.screenshots docs/screenshots

# Ratios against baselines measured in the same run; BENCH_ARGS=--quick for a smoke run.
bench: $(VENV)/.stamp-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
