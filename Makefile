# Two commands for a newcomer: `make run` (set up everything, then serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= 100000
BENCH_ARGS ?=

.PHONY: run worker test install db demo lint format bench bench-throughput bench-import stopdb clean-db messages test-browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

db: install
	$(PY) manage.py migrate --no-input

demo: db
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_catalogue
	$(PY) manage.py create_demo_staff
	$(PY) manage.py load_demo_buyers

# The site and, beside it, the task worker (emails, digests, reminders, purges); Ctrl-C stops both.
run: demo
	@$(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The task worker alone (production runs one or more of these beside the web servers).
worker: db
	$(PY) manage.py procrastinate worker

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# Only the real-browser and axe-core tests (Debian's Chromium at /usr/bin/chromium, or CHROMIUM_PATH).
test-browser: install
	$(PY) -m pytest tests/browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks (bench/README.md), never part of `make test`: `make bench SIZE=1000000 BENCH_ARGS="--rebuild"`.
bench: install
	$(PY) -m bench.run --size $(SIZE) $(BENCH_ARGS)

bench-throughput: install
	$(PY) -m bench.throughput --size $(SIZE) $(BENCH_ARGS)

bench-import: install
	$(PY) -m bench.import_speed $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l en --no-location --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*' --ignore 'var/*'

stopdb:
	$(PY) -m directory.localdb stop

clean-db: stopdb
	rm -rf var/pgdata
