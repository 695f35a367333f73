# welfare-plans: `make run` serves the app with demo data, `make test` runs lint and the whole suite.
# Both start from a fresh machine: they create .venv and install everything the project needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app welfare_plans
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
# WeasyPrint draws with Pango; font subsetting is several times slower without libharfbuzz-subset0
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help system-deps install install-test translations messages db demo run test lint format bench clean

help:
	@echo "make run    install, prepare the database with demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install the test dependencies, run ruff and the whole test suite"
	@echo "make bench  speed and memory measurements"

# Debian packages the PDF renderer needs: installed where missing when we may (root, apt), named otherwise.
system-deps:
	@command -v dpkg >/dev/null 2>&1 || exit 0; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "the PDF renderer needs: sudo apt-get install $$missing"; fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp is remade whenever a setup.cfg, setup.py or pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python setup.cfg setup.py pyproject.toml $(wildcard plugins/*/setup.cfg plugins/*/pyproject.toml)
	$(BIN)/python -m pip install --quiet -e '.[test]' $(addprefix -e ,$(PLUGIN_DIRS))
	touch $@

install: system-deps $(VENV)/.installed translations

install-test: install

# Compiled catalogs (.mo) are build products, not in git.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d welfare_plans/translations

# Re-extract the strings to translate and merge them into the catalogs (maintainers).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --omit-header -o welfare_plans/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i welfare_plans/translations/messages.pot -d welfare_plans/translations

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

bench: install $(VENV)/.bench
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
