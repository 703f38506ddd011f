# Two commands matter: `make run` (the app with demo data) and `make test` (every test).
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portfolio
PORT ?= 5000

.PHONY: run test setup system-deps bench

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test,postgres]'
	touch $@

setup: $(VENV)/.installed

# Chromium drives the browser tests; espeak-ng is the speech engine. Debian packages, so root installs them.
system-deps:
	@if command -v chromium >/dev/null && command -v espeak-ng >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then :; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium espeak-ng fonts-dejavu-core; fi

run: setup
	-@command -v espeak-ng >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng) \
	  || echo "espeak-ng could not be installed: pages will use the browser's own voice."
	$(FLASK) demo --if-empty --base-url http://localhost:$(PORT)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup system-deps
	$(PY) -m pytest

bench: setup system-deps
	$(PY) bench/run.py
