# Evidence Bank. Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000
export DJANGO_SETTINGS_MODULE := config.settings
TEST_SETTINGS := config.test_settings

.PHONY: run test test-api test-browser lint check-python install install-test migrate demo bench soak clean

check-python:
	@$(PYTHON) -c 'import sys; v=sys.version_info; sys.exit(0 if v >= (3, 12) else "Python 3.12 or newer is needed (3.13 recommended); found %d.%d. Set PYTHON=/path/to/python3.13." % v[:2])'

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

## run: set up everything and serve the site on http://$(HOST)
run: migrate
	DEBUG=1 $(PY) manage.py load_demo --demo-users
	@echo ""
	@echo "  Evidence Bank on http://$(HOST)/  (cell E4: http://$(HOST)/matrices/alcohol/E4/)"
	@echo "  Editors sign in at http://$(HOST)/admin/ as editor / editor (Editors group)"
	@echo "  or admin / admin (superuser). These demo sign-ins exist only in this local database."
	@echo "  The task worker runs beside the server (scheduled publication, mail)."
	@echo ""
	DEBUG=1 $(PY) manage.py runsite $(HOST)

## test: set up, then run the whole suite (not the browser tests: see test-browser) in
## TEST_WORKERS processes (one per core by default). It never opens the database `make run`
## uses: the tests have their own, one per process, and the migrations check runs in memory.
TEST_WORKERS ?= auto
test: install-test
	DATABASE_URL=sqlite://:memory: DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest tests --ignore=tests/browser \
		-n $(TEST_WORKERS)

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## test-browser: the Playwright tests in Debian's chromium (apt-get install chromium), with
## axe-core from npm for the accessibility checks
test-browser: install-test node_modules/.installed
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest tests/browser

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## test-api: Schemathesis against a running site on a throwaway database (DATABASE_URL picks
## PostgreSQL), every check, stateful tests, a fixed and a random seed, 100 examples an operation
test-api: install-test
	$(PY) scripts/test_api.py

## bench: time the main screens and the markup renderer (measures, asserts nothing)
bench: install-test
	$(PY) bench/run.py

## soak: the site under load, beside heavy searches, through a Redis stop and a PostgreSQL restart (needs DATABASE_URL=postgres://…; SOAK_RESTART=0 skips the restart)
soak: install-test
	$(PY) scripts/soak.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
