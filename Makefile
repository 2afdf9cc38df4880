# Two commands for a newcomer: `make run` (set up everything, then serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the site's emails and the demo banner follow the address `make run` serves (`make run PORT=8001`).
SITE_URL ?= http://$(HOST):$(PORT)
# The web process of production; it refuses to start without the static manifest `make release` builds.
# WEB_CONCURRENCY sets gunicorn's number of workers.
WEB = $(VENV)/bin/gunicorn directory.wsgi:application --bind $(HOST):$(PORT) --access-logfile -
# The task worker: emails, periodic purges of personal data past their keeping period, other background work.
WORKER = $(PY) manage.py procrastinate worker
SIZE ?= 100000
BENCH_ARGS ?=

.PHONY: run test install db demo release web worker production lint format bench bench-throughput bench-import stopdb clean-db messages test-browser

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
	SITE_URL=$(SITE_URL) $(PY) manage.py create_demo_staff
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo_buyers
	SITE_URL=$(SITE_URL) $(PY) manage.py create_demo_member
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo_activity

# The site and, beside it, the task worker (emails, digests, reminders, purges); Ctrl-C stops both.
run: demo
	@SITE_URL=$(SITE_URL) $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

# --- Production (README, "Production"): DJANGO_DEBUG=0 and the environment documented there. ---
# Once per deployment: static files and their manifest, `check --deploy` (any warning stops it), migrations.
release: install
	$(PY) manage.py collectstatic --no-input
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --no-input

web:
	$(WEB)

# Everything on one host: release, then the worker in the background and the web process in the foreground.
production: release
	$(WORKER) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(WEB)

# The task worker alone (production runs one or more of these beside the web servers).
worker: db
	$(WORKER)

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
	$(PY) manage.py sync_french_plurals
	$(PY) manage.py compilemessages -l en -l fr --ignore '.venv/*' --ignore 'var/*'

stopdb:
	$(PY) -m directory.localdb stop

clean-db: stopdb
	rm -rf var/pgdata
