# The two commands: `make run` (app on SQLite with demo users) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export FLASK_APP := run.py
# Everything else defaults to production; the local commands are development unless RELAY_ENV is set.
run worker db seed: export RELAY_ENV ?= development

.PHONY: run worker test setup setup-dev db seed test-sqlite test-postgres bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

db: setup
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/python create_users.py

## make run: install, migrate, seed the demo users, serve on http://127.0.0.1:5000
## (in development the outbox worker runs inside this process; RELAY_INPROCESS_WORKER=0 turns it off)
run: seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make worker: the outbox worker and scheduled jobs on their own (what production runs)
worker: db
	$(BIN)/flask worker

## make test: the suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: setup-dev
	$(BIN)/python -m pytest -n 2 -q -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider --postgres; \
	fi

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
