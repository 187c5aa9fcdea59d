# The front door: `make run` serves the WSCE 2021 demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test e2e lint format bench prod-like install migrate messages clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --verbosity 0

run: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_wsce2021 --demo
	@echo ""
	@echo "  Open http://127.0.0.1:$(PORT)/  (admin: /admin/, API docs: /api/v1/docs/)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite over the machine's cores (pytest-xdist; each worker its own test database).
test: install
	$(BIN)/python -m pytest -n auto --maxprocesses 4

# The browser journeys only (headless Debian Chromium; screenshots in test-artifacts/screenshots/).
e2e: install
	$(BIN)/python -m pytest -m e2e tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark beside its same-run baseline (~10 min). Nothing to set: PostgreSQL is found
# (DATABASE_URL, else the local default, started if stopped; without it the database benchmarks
# are listed as skipped, with what to install). Writes bench/results.json, then regenerates the
# README's Scale tables from it (python -m bench.readme). One benchmark: python -m bench.run bench.bench_http
bench: install
	$(BIN)/python -m bench.run

# PostgreSQL + Redis + a Celery worker + gunicorn in S3 mode (moto) on 127.0.0.1, a smoke test
# through the whole pipeline over HTTP, then everything stops (docs/deploy.md).
prod-like: install
	$(BIN)/python -m bench.prod_like

messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ko -l en --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache .hypothesis
