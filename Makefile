# Hameln Quartiere. `make run` starts the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make run: a first run on one machine, SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=true

.DEFAULT_GOAL := help
.PHONY: help run test lint format messages clean bench

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed ## Install, migrate, seed demo data and serve http://127.0.0.1:8000
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev ## Run the whole test suite (on DATABASE_URL when set, else SQLite)
	$(BIN)/python -m pytest -n auto

bench: $(VENV)/.installed ## Load benchmark on PostgreSQL at scale 50 (needs wrk; about 25 min; see README)
	bench/run

lint: $(VENV)/.installed-dev ## ruff, djlint and a check that migrations match the models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint templates/
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev ## Format Python code and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat templates/

messages: $(VENV)/.installed-dev ## Update and compile the translation catalogues (needs GNU gettext)
	$(RUN_ENV) $(BIN)/python manage.py makemessages --all --no-location --ignore=.venv --ignore=static/vendor
	$(RUN_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
