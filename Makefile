# Newsroom: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test faults lint format migrations-check install env chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# A git-ignored .env with a random SECRET_KEY, written once and kept (deploy/make-env); settings
# read it, so manage.py and pytest work without one in the environment.
env:
	@$(PYTHON) deploy/make-env

# Development server on SQLite (or DATABASE_URL), with the demo story and a demo staff login.
run: export DEBUG ?= 1
run: install env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py create_demo_staff --admin-url http://127.0.0.1:$(PORT)/admin/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests, installed when missing and we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will skip."; \
	  else echo "No /usr/bin/chromium and not root: browser tests will skip."; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install env
	$(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite, on DATABASE_URL when set (PostgreSQL in CI), SQLite otherwise.
test: install env chromium lint migrations-check
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

# The fault suite alone: real gunicorn, a private PostgreSQL and Redis, each broken on purpose
# (tests/faults). Needs PostgreSQL's server binaries; `make test` runs it too.
faults:
	$(MAKE) test PYTEST_ARGS="-m fault"

# Production server under load on PostgreSQL (see bench/run.py); writes docs/benchmarks.md.
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 wrk >/dev/null)
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
