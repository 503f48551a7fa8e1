# `make chat` runs the bot in this terminal; `make test` runs every check. Both create the
# virtual environment in .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: chat test lint browser check eval bench fuzz diagram clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

chat: $(VENV)/.installed
	$(PY) app.py chat

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The dashboard's browser tests drive the system's Chromium (Playwright never downloads one);
# only the tests need it, so running the bot never installs it.
browser:
	@test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
		|| echo "warning: could not install chromium with apt-get: the browser tests will be skipped" >&2

test: lint browser
	$(PY) app.py check
	$(PY) -m pytest

check eval bench fuzz diagram: $(VENV)/.installed
	$(PY) app.py $@

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
