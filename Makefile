# Werkdruk: everything a developer or CI needs, from a fresh clone.
#
#   make run      install, migrate, load demo data, serve http://127.0.0.1:8000 with a real
#                 Celery worker and beat (Ctrl-C stops all of them)
#   make test     install what the tests need, then lint, checks and the whole test suite
#                 (TEST_WORKERS=n: in n processes, default 2; 0: in one)
#   make lint     ruff check, ruff format --check and the floors (lint-imports)
#   make format   ruff format and ruff check --fix
#   make coverage the suite (without e2e, on SQLite) under coverage, and its report per file
#   make lock     regenerate requirements.lock and requirements-test.lock from pyproject.toml
#                 (LOCK_ARGS=--upgrade also moves the packages pyproject.toml does not pin)
#   make messages update the translation files (locale/nl, locale/en)
#   make bench    the vote's benchmark (BENCH_ARGS=... passes options; docs/performance.md)
#   make bench-report  the annual report's benchmark (the same; its data is built once)
#   make bench-import  the staff import's benchmark (the same; SQLite and a throwaway PostgreSQL)
#   make bench-pages  every main page against base.html for the same user (the same)
#   make clean    remove the virtualenv, the local database and caches

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# The newest supported Python that runs (3.13 to 3.11; a pyenv shim of a version that is not
# selected prints nothing); PYTHON=... chooses another one. Evaluated once, not at each use.
ifndef PYTHON
PYTHON := $(firstword $(foreach v,3.13 3.12 3.11,\
	$(shell python$(v) -c 'import sys; print(sys.executable)' 2>/dev/null)))
endif
ifeq ($(strip $(PYTHON)),)
$(error No python3.13, python3.12 or python3.11 found: install one or set PYTHON=/path/to/python)
endif
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
MANAGE := $(PY) manage.py
VAR    := var

# Debian packages: gettext for compilemessages, Pango and HarfBuzz for WeasyPrint;
# the tests also need PostgreSQL, Redis and Chromium (never `playwright install`).
DEBS_RUN  := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBS_TEST := $(DEBS_RUN) postgresql redis-server chromium

# The whole dependency tree, pinned with hashes (`make lock` regenerates them from the pins in
# pyproject.toml). The project itself is not installed (it has no packages to install, and
# manage.py runs from here).
LOCK_RUN  := requirements.lock
LOCK_TEST := requirements-test.lock
# pip-compile runs from its own virtualenv, so pip-tools never lands in the project's.
PIPTOOLS_VENV := $(VAR)/pip-tools
PIP_COMPILE   := $(PIPTOOLS_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links

# Stamps: reinstall Python packages only when a lock file changes.
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

# `manage.py check --deploy` runs with what production would have in its environment (the
# production settings refuse to start without these; werkdruk/checks.py judges their values).
DEPLOY_ENV = DJANGO_SETTINGS_MODULE=werkdruk.settings.production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=example.org \
	DATABASE_URL=postgres://werkdruk@127.0.0.1:5432/werkdruk \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	EMAIL_URL=smtp+tls://werkdruk:secret@smtp.example.org:587 \
	SITE_URL=https://example.org \
	VOTE_KEY_DIR=$(CURDIR)/$(VAR)/deploy-check/vote-keys

# Installs the missing Debian packages when running as root; otherwise prints the
# command to run and fails.
define debian_packages
	@missing=""; \
	for pkg in $(1); do \
		dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
		else \
			echo "Missing Debian packages. Run:"; \
			echo "    sudo apt-get update && sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi
endef

.PHONY: help run test coverage lint lock format messages compilemessages bench bench-report bench-import bench-pages clean \
	debs-run debs-test

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

# --- installation ----------------------------------------------------------------------------

# A bare Debian lacks ensurepip: install python3-venv (as root) when creating the venv fails.
$(PY):
	$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "Run: sudo apt-get install -y python3-venv"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
		$(PYTHON) -m venv $(VENV); }

$(STAMP_RUN): $(LOCK_RUN) | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_RUN)
	touch $@

$(STAMP_TEST): $(LOCK_TEST) | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_TEST)
	touch $@ $(STAMP_RUN)

lock:
	test -x $(PIPTOOLS_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(PIPTOOLS_VENV) \
		&& $(PIPTOOLS_VENV)/bin/pip install --quiet pip-tools==7.6.2; }
	$(PIP_COMPILE) $(LOCK_ARGS) -o $(LOCK_RUN) pyproject.toml
	$(PIP_COMPILE) $(LOCK_ARGS) --extra test -o $(LOCK_TEST) pyproject.toml

debs-run:
	$(call debian_packages,$(DEBS_RUN))

debs-test:
	$(call debian_packages,$(DEBS_TEST))

# Only our own locale/ folders: --ignore keeps it out of the virtualenv's site-packages.
compilemessages: | $(PY)
	$(MANAGE) compilemessages --ignore=$(VENV) --ignore=$(VAR) --ignore=node_modules

# --- running ---------------------------------------------------------------------------------

run: debs-run $(STAMP_RUN) compilemessages
	mkdir -p $(VAR)/celery/queue $(VAR)/celery/processed $(VAR)/celery/control
	$(MANAGE) migrate --noinput
	$(MANAGE) demo
	bin/dev-server

# --- quality and tests -----------------------------------------------------------------------

# The tests run in TEST_WORKERS processes (pytest-xdist): two, or one on a single core; 0 runs
# them in make's own pytest. A file's tests stay together, so its module fixtures are built once.
TEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 2 ? n : 2 )))
XDIST = -n $(TEST_WORKERS) --dist loadfile

test: debs-test $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	install -d -m 700 $(VAR)/deploy-check/vote-keys
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING
	$(MAKE) --no-print-directory compilemessages
	$(BIN)/pytest $(XDIST) -m "not integration"
	$(PY) bin/run-integration-tests $(XDIST) -m "not e2e"

# Every app's code ([tool.coverage.run] in pyproject.toml); not part of `make test`.
coverage: $(STAMP_TEST) compilemessages
	$(BIN)/coverage run -m pytest -m "not integration and not e2e" -q
	$(BIN)/coverage report

lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP_TEST)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: debs-run $(STAMP_RUN)
	$(MANAGE) makemessages -l nl -l en --ignore=$(VENV) --ignore=$(VAR) --ignore=node_modules \
		--ignore=static/vendor --ignore=tests --no-obsolete

# The vote benchmark starts its own throwaway PostgreSQL and gunicorn on free ports of
# 127.0.0.1 and stops them again, also on Ctrl-C or failure (docs/performance.md).
bench: debs-run $(STAMP_RUN) compilemessages
	$(call debian_packages,postgresql)
	$(PY) tests/benchmarks/vote_bench.py $(BENCH_ARGS)

# The annual report of a board of 30 schools and of one school, next to WeasyPrint alone. Builds
# its data once into a SQLite file under /tmp and reuses it (--rebuild builds it again).
bench-report: debs-run $(STAMP_RUN) compilemessages
	$(PY) tests/benchmarks/report_bench.py $(BENCH_ARGS)

# The staff import of an HR export of 5,000 and 20,000 rows on SQLite and on a throwaway
# PostgreSQL, next to pandas reading the same file (docs/performance.md).
bench-import: debs-run $(STAMP_RUN) compilemessages
	$(call debian_packages,postgresql)
	$(PY) tests/benchmarks/import_bench.py $(BENCH_ARGS)
# Every main page's CPU time, queries and HTML size next to a view rendering base.html for the
# same user, in-process on the demo data (built once into a SQLite file under /tmp).
bench-pages: $(STAMP_RUN) compilemessages
	$(PY) tests/benchmarks/pages_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(VAR) *.egg-info .pytest_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete
