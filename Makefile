# The front door: `make run` to try it, `make test` to prove it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help install run serve test lint format bench loadtest scale check clean
.DEFAULT_GOAL := help

help:  ## list the front doors
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/' | expand -t 16

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)  ## make .venv/ with the project and its dev tools

# The task worker runs beside the server and builds the packs; Ctrl-C stops both (bin/together).
run: install  ## try it: migrate, demo plan and users, runserver and the task worker, DEBUG on
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo
	@DEBUG=1 $(PY) manage.py demo_logins
	DEBUG=1 bin/together "$(PY) manage.py runserver $(HOST):$(PORT)" "$(PY) manage.py db_worker"

# bin/serve --check refuses before the install when SECRET_KEY or ALLOWED_HOSTS is missing.
# Gunicorn and the task worker side by side; a service manager may run bin/serve and bin/worker
# as two services instead (docs/operations.md).
serve:  ## production: migrate, gunicorn and the task worker, DEBUG off (needs SECRET_KEY, ALLOWED_HOSTS)
	@bin/serve --check
	@$(MAKE) --no-print-directory install
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) bin/together bin/serve bin/worker

test: install  ## check migrations are complete, run the whole test suite
	DEBUG=1 SECRET_KEY=makemigrations-check $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install  ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install  ## ruff fix and format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install  ## every benchmark at the demo size and 10×, one table (BENCH_SCALES=1: demo only)
	DEBUG=1 $(PY) -m bench

# Needs PostgreSQL on 127.0.0.1 (LOADTEST_DATABASE_URL); makes and drops its own database.
loadtest: install  ## Gunicorn on PostgreSQL under locust: board week, saturation, the admin's floor
	$(PY) -m bench.loadtest.run

# Needs PostgreSQL on 127.0.0.1 (SCALE_DATABASE_URL); makes and drops its own database
# (SCALE_KEEP=1 keeps it). About a quarter of an hour on two cores.
scale: install  ## 153 councils in one PostgreSQL: data volume, pages and a pack at that size
	$(PY) -m bench.scale

CHECK_ENV := DEBUG=0 SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-secret-0123456789abcdef \
	ALLOWED_HOSTS=tracker.example.org

# Collects static files first: the deployment checks warn when STATIC_ROOT has no manifest.
check: install  ## Django's deployment checks with production settings
	$(CHECK_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

clean:  ## remove .venv/, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
