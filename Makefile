# Two commands for a fresh machine (Python 3.11): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint screenshots bench clean system-deps

run: $(VENV)/.stamp-run
	$(BIN)/imagestudio

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

# Debian packages for the real Secret Service test and Qt's offscreen platform (installed when missing).
system-deps:
	sh tests/system-deps.sh

test: $(VENV)/.stamp-test system-deps
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests bench
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(VENV)/.stamp-test
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests bench
	$(BIN)/ruff format --check imagestudio tests bench
	$(BIN)/mypy

screenshots: $(VENV)/.stamp-test system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
