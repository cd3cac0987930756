# Impact Alliances — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed
# Exit status of scripts/with-postgres.sh when no PostgreSQL binaries exist.
NO_POSTGRES := 3

.PHONY: install system-deps run test test-sqlite test-postgres lint format screenshots \
	bench bench-import bench-freshness reliability relevance clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(INSTALLED)

# Debian packages the tests use (PostgreSQL server binaries, chromium for the browser tests);
# installed when missing and possible.
system-deps:
	@scripts/install-system-deps.sh chromium redis

run: export DJANGO_DEBUG = true
run: install
	@mkdir -p var
	@$(MANAGE) check_database
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) load_reference_data
	$(MANAGE) generate_demo_data --count 1200 --seed 17 --if-empty
	@$(MANAGE) ensure_demo_admin
	PYTHON=$(PY) scripts/run-dev.sh

lint: install
	@mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(MANAGE) check --fail-level WARNING
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

# The browser tests (tests/e2e) run on both databases: 15-30 s each on 2 cores, and the
# PostgreSQL run is the one closest to production.
test-sqlite: install system-deps
	env -u DATABASE_URL $(PY) -m pytest

# The PostgreSQL run is also the one with the shared Redis cache (CACHE_URL) and a streaming
# read replica (DATABASE_REPLICA_URL, tests/test_replica.py), as production.
test-postgres: install system-deps
	@scripts/with-redis.sh scripts/with-postgres.sh scripts/with-replica.sh $(PY) -m pytest; status=$$?; \
	if [ $$status -eq $(NO_POSTGRES) ]; then \
	  if [ "$$CI" = "true" ]; then echo "ÉCHEC : PostgreSQL et Redis sont obligatoires en CI et n'ont pas pu être lancés."; exit 1; fi; \
	  echo "ATTENTION : PostgreSQL ou Redis absent, seule la suite SQLite a été exécutée."; \
	else exit $$status; fi

test: lint test-sqlite test-postgres

# The search relevance set (docs/search.md) on both databases, even when the first fails:
# P@10 and recall per query, printed and written to var/search-relevance-<vendor>.md.
relevance: install
	@mkdir -p var
	@status=0; \
	env -u DATABASE_URL $(PY) -m pytest tests/test_search_relevance.py -q -s || status=1; \
	scripts/with-postgres.sh $(PY) -m pytest tests/test_search_relevance.py -q -s || status=1; \
	exit $$status

# PNGs of the main pages at desktop and phone widths, from throwaway demo data.
screenshots: install system-deps
	$(PY) scripts/screenshots.py

# Benchmarks (not part of `make test`), each on a throwaway PostgreSQL cluster; figures in
# docs/benchmarks.md.
BENCH_INSTALLED := $(VENV)/.installed-bench
SIZES ?= 1000 10000 100000
BENCH_REQUESTS ?= 50
BENCH_LOAD_SECONDS ?= 60
# The bench times the spreadsheet writers themselves, from one address: no export limit,
# and XLSX written in the request (in production, above 2,000 rows, by the task worker).
BENCH_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_STATIC_MANIFEST=false DJANGO_LOG_LEVEL=WARNING \
	DJANGO_SSL_REDIRECT=false SITE_URL=http://127.0.0.1 API_ANON_RATE=1000000/min SUGGESTION_RATE_LIMIT=1000000 \
	EXPORT_RATE_LIMIT=100000 EXPORT_BACKGROUND_ROWS=20000

$(BENCH_INSTALLED): pyproject.toml $(INSTALLED)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

# Public pages at each of SIZES published examples through gunicorn, beside the Django admin
# and Datasette, then wrk at the largest size; report in var/bench/.
bench: $(BENCH_INSTALLED)
	@scripts/install-system-deps.sh wrk
	$(BENCH_ENV) scripts/with-postgres.sh sh -c '$(MANAGE) migrate --noinput --verbosity 0 \
	  && $(MANAGE) load_reference_data --verbosity 0 \
	  && $(MANAGE) bench --sizes $(SIZES) --requests $(BENCH_REQUESTS) \
	     --load-seconds $(BENCH_LOAD_SECONDS)'

# What a write costs the readers (facet index after a save and an import) at FRESHNESS_SIZE
# published examples, in-process on a throwaway PostgreSQL.
FRESHNESS_SIZE ?= 100000
bench-freshness: install system-deps
	$(BENCH_ENV) scripts/with-postgres.sh sh -c '$(MANAGE) migrate --noinput --verbosity 0 \
	  && $(MANAGE) load_reference_data --verbosity 0 \
	  && $(MANAGE) generate_demo_data --count $(FRESHNESS_SIZE) --seed 17 --all-published \
	  && $(MANAGE) bench_freshness'

# Import of 10,000 example rows (preview + confirmation).
bench-import: install system-deps
	$(BENCH_ENV) scripts/with-postgres.sh sh -c '$(MANAGE) migrate --noinput --verbosity 0 \
	  && $(MANAGE) load_reference_data --verbosity 0 && $(MANAGE) bench_import --rows 10000'

# The site under bounded load on loopback (docs/reliability.md): mixed load, PostgreSQL
# restarted under load, ten large exports at once, the SQLite default with 5 readers and 5
# curators, then the task worker killed mid-job, an ODS export that exhausts its memory and
# a login flood; report in var/reliability/. As production: Redis as the shared cache.
RELIABILITY_EXAMPLES ?= 24000
RELIABILITY_SECONDS ?= 60
# all, or some of: load,restart,exports,import,sqlite,kill,oom,login
RELIABILITY_PHASES ?= all
reliability: install
	@scripts/install-system-deps.sh wrk redis
	$(BENCH_ENV) EXPORT_RATE_LIMIT=30 EXPORT_BACKGROUND_ROWS=2000 \
	  scripts/with-redis.sh scripts/with-postgres.sh sh -c '$(MANAGE) migrate --noinput \
	  --verbosity 0 && $(MANAGE) load_reference_data --verbosity 0 && $(MANAGE) reliability \
	  --examples $(RELIABILITY_EXAMPLES) --seconds $(RELIABILITY_SECONDS) \
	  --phases $(RELIABILITY_PHASES)'

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static
