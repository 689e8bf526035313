# Two commands for a fresh machine (Python 3.11): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-future soak lint screenshots bench clean system-deps translations update-translations package \
	package-test wheel-test

run: $(VENV)/.stamp-run translations
	@sh packaging/system-deps.sh run || echo "(could not install Qt's system libraries; see README Troubleshooting)"
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && [ "$$(uname)" = Linux ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
		echo "No display: run this from a desktop session, or on a virtual one with 'xvfb-run -a make run'; starting offscreen now (Ctrl+C quits)."; \
		QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES='*.warning=false' $(BIN)/imagestudio; \
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

# The Chinese catalogue the app loads is built from the .ts (never edited by hand, not committed).
TS := resources/translations/imagestudio_zh_CN.ts
translations: $(TS:.ts=.qm)
$(TS:.ts=.qm): $(TS) $(VENV)/.stamp-run
	$(BIN)/python -m tools.translations release

# After changing user-visible texts: add them to the .ts, then translate (pyside6-linguist $(TS)).
update-translations: $(VENV)/.stamp-run
	$(BIN)/python -m tools.translations update

# Debian packages for the real Secret Service test, CJK fonts and Qt's libraries (installed when missing).
system-deps:
	sh packaging/system-deps.sh test

test: $(VENV)/.stamp-test system-deps translations
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests tools $(wildcard bench)
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -p no:faulthandler $(PYTEST_ARGS)

# The whole suite again with Python's wall clock years ahead, stopping just before a new year (time-machine, moved
# in every Python process the suite starts: tests/timetravel/sitecustomize.py), so a test that depends on the day
# it runs fails on the day it is written. FUTURE=2033-02-28T23:58:30 picks another moment.
FUTURE ?= 2031-12-31T23:58:30
test-future: $(VENV)/.stamp-test system-deps translations
	IMAGESTUDIO_TIME_TRAVEL=$(FUTURE) PYTHONPATH=tests/timetravel QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q -p no:cacheprovider -p no:faulthandler -W ignore::pytest.PytestAssertRewriteWarning $(PYTEST_ARGS)

# The long reliability runs: 200 random kill -9s (CI runs 20), more fuzz examples, the hostile corpus 4x larger and
# 20 rounds of every hostile-server answer. Takes ~20 minutes.
soak: $(VENV)/.stamp-test translations
	IMAGESTUDIO_KILLS=200 IMAGESTUDIO_FUZZ_EXAMPLES=2000 IMAGESTUDIO_HOSTILE_SCALE=4 IMAGESTUDIO_HOSTILE_ROUNDS=20 \
		QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -p no:faulthandler tests/test_reliability_kill.py \
		tests/test_fuzz_parsers.py tests/test_bad_images.py tests/test_hostile_files.py tests/test_hostile_server.py

lint: $(VENV)/.stamp-test
	$(BIN)/lint-imports
	$(BIN)/ruff check imagestudio tests tools $(wildcard bench)
	$(BIN)/ruff format --check imagestudio tests tools $(wildcard bench)
	$(BIN)/mypy

# Photographed on a virtual X screen of each size (Xvfb + openbox), the window as a person sees it; without
# them, offscreen on a screen of that size. 1920x1080: every shot; 1366x768: the main window.
SHOTS = $(BIN)/python -m tests.screenshots docs/screenshots
screenshots: $(VENV)/.stamp-test system-deps translations
	@if command -v xvfb-run >/dev/null && command -v openbox >/dev/null; then \
		for s in 1920x1080 1366x768; do \
			only=$$([ $$s = 1920x1080 ] || echo --main-only); \
			xvfb-run -a -s "-screen 0 $${s}x24 -nolisten tcp" sh -c \
				"openbox >/dev/null 2>&1 & sleep 1; QT_QPA_PLATFORM=xcb $(SHOTS) --screen $$s $$only" || exit 1; \
		done; \
	else \
		QT_QPA_PLATFORM=offscreen $(SHOTS) --screen 1920x1080 && \
		QT_QPA_PLATFORM=offscreen $(SHOTS) --screen 1366x768 --main-only; \
	fi

# Installed builds (packaging/): dist/imagestudio/ (PyInstaller) and dist/imagestudio_<version>_amd64.deb, validated
# by desktop-file-validate, appstreamcli and lintian. DEB_COMPRESS=xz for releases; package-test builds with gzip
# (seconds instead of minutes), installs the .deb, uses the installed app, purges it (needs root or sudo).
DEB_COMPRESS ?= xz
$(VENV)/.stamp-package: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[package]'
	touch $@ $(VENV)/.stamp-run

package: $(VENV)/.stamp-package translations
	sh packaging/system-deps.sh package
	PYTHON=$(BIN)/python DEB_COMPRESS=$(DEB_COMPRESS) bash packaging/build-deb.sh

package-test: DEB_COMPRESS = gzip
package-test: package
	PYTHON=$(BIN)/python bash packaging/smoke_test.sh

# The wheel is the app: sdist + wheel built in isolation, twine check, installed with pip (wheel and sdist) and
# pipx into fresh environments outside the checkout, then used there (packaging/wheel_smoke.sh).
wheel-test: $(VENV)/.stamp-test
	$(BIN)/python -m pip install -q build twine pipx
	PYTHON=$(BIN)/python bash packaging/wheel_smoke.sh

# Ratios against baselines measured in the same run; BENCH_ARGS=--quick for a smoke run.
bench: $(VENV)/.stamp-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
