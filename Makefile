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

# Chromium drives the browser tests; espeak-ng is the speech engine; redis-server backs the shared
# sign-in limits test; java runs the Nu HTML Checker; npm fetches it. Debian packages, so root installs them.
system-deps:
	@if command -v chromium >/dev/null && command -v espeak-ng >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
	  && command -v redis-server >/dev/null && command -v java >/dev/null && command -v npm >/dev/null; then :; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium espeak-ng fonts-dejavu-core \
	  redis-server $$(command -v java >/dev/null || echo default-jre-headless) $$(command -v npm >/dev/null || echo npm); fi

# The Nu HTML Checker (tests/browser/test_valid_html.py), pinned, kept out of git in .tools/.
VNU := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	mkdir -p .tools
	npm install --prefix .tools --no-audit --no-fund --ignore-scripts vnu-jar@26.9.27

# Lighthouse's installability audit (tests/browser/test_offline_shell.py), pinned, in .tools/ too.
# 11.7.1 because Lighthouse 12 removed the PWA audits, installable-manifest among them.
LIGHTHOUSE := .tools/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE):
	mkdir -p .tools
	npm install --prefix .tools --no-audit --no-fund --ignore-scripts lighthouse@11.7.1

# pa11y with HTML_CodeSniffer (tests/browser/test_pa11y.py), pinned, in .tools/ too. It drives Debian's
# chromium, so puppeteer's own Chrome download is switched off (and --ignore-scripts skips it anyway).
PA11Y := .tools/node_modules/pa11y/package.json
$(PA11Y):
	mkdir -p .tools
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools --no-audit --no-fund --ignore-scripts pa11y@9.1.1

run: setup
	-@command -v espeak-ng >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng) \
	  || echo "espeak-ng could not be installed: pages will use the browser's own voice."
	$(FLASK) demo --if-empty --base-url http://localhost:$(PORT)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite runs twice: on SQLite (the embedded default), then on PostgreSQL. .ci/postgres-up starts
# the server (installing Debian's postgresql as root when it is missing; TEST_DATABASE_URL names another)
# and fails loudly when it cannot: the PostgreSQL pass is never skipped. Its tests work in a schema of
# their own (tests/postgres.py). The browser journeys run in the SQLite pass only, and so does the
# access matrix (tests/web/test_policy.py: who may open what is decided in Python, in one place, and
# every route's queries run on PostgreSQL in its area's own route tests); PG_PASS to change.
# Tests without a browser run in two worker processes (pytest-xdist, WORKERS to change), one per core;
# the browser tests run alone in one process, so their timings are not squeezed by other work.
PG_PASS ?= --ignore=tests/browser --ignore=tests/web/test_policy.py
WORKERS ?= 2

test: setup system-deps $(VNU) $(LIGHTHOUSE) $(PA11Y)
	env -u DATABASE_URL $(PY) -m pytest -n $(WORKERS) --durations=10 --ignore=tests/browser
	env -u DATABASE_URL $(PY) -m pytest --durations=25 tests/browser
	url=$$(PYTHON=$(PY) sh .ci/postgres-up) && DATABASE_URL="$$url" $(PY) -m pytest -n $(WORKERS) --durations=10 $(PG_PASS)

bench: setup system-deps
	$(PY) bench/run.py
