# Colophon — every command a developer or an operator needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ADDRESS ?= 127.0.0.1:8000
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help run test test-services lint format bench messages lock check-deploy clean system-packages rehearsal rehearsal-short

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.base: requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

system-packages: ## Install the Debian packages the tests need (Chromium, poppler, gettext), when missing
	@scripts/system-packages

run: $(VENV)/.base ## Start the portal on embedded defaults with demo data, at http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py demo_data
	$(PY) manage.py runserver $(ADDRESS)

test: $(VENV)/.dev system-packages ## Run the whole test suite (SQLite, in-process tasks, browser tests in Chromium)
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The tests under tests/services/ that take the `worker` fixture go through a real Celery worker
# process of the portal's app (all three queues, this Redis, the PostgreSQL test database; one per
# pytest process, with queues of its own): that fixture turns eager mode off for them. The rest of
# the suite calls task functions in-process, hence CELERY_TASK_ALWAYS_EAGER=true.
test-services: $(VENV)/.dev system-packages ## Run the suite against PostgreSQL and Redis; worker-backed tests through a real Celery worker
	@scripts/services-up
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/colophon} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	CELERY_TASK_ALWAYS_EAGER=true \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --services -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev ## ruff (lint and format check), the layers (import-linter) and missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev ## Fix what ruff can fix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: $(VENV)/.base ## Django's deployment checks with production settings
	@scripts/check-deploy

# Needs root (it runs its own PostgreSQL cluster as the postgres user), wrk, redis-server and PostgreSQL's
# server binaries; it never touches the machine's PostgreSQL or Redis (see README, Operating).
rehearsal: $(VENV)/.dev system-packages ## Two web nodes, two worker sets, beat: shared-nothing checks, 60 s of load, faults
	$(PY) scripts/rehearsal.py

rehearsal-short: $(VENV)/.dev system-packages ## The rehearsal with a few seconds of load (what CI runs)
	$(PY) scripts/rehearsal.py --short

bench: $(VENV)/.dev ## Run the benchmarks in bench/ and print their figures
	@for script in bench/bench_*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(PY) "$$script" || exit 1; done

messages: $(VENV)/.dev ## Extract the strings to translate into locale/ and compile the catalogues
	$(PY) scripts/translate.py

lock: $(VENV)/.base ## Re-pin requirements/*.txt from requirements/*.in
	@scripts/lock-requirements

clean: ## Remove the virtual environment and local data (database, uploads, e-mails)
	rm -rf $(VENV) var
