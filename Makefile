# The two commands a newcomer needs:  make run   and   make test
# Both create the virtual environment and install Python and npm packages on first use, and
# skip that work when nothing changed (stamp files depend on the lock files).

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format checks lock clean messages bench

install: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: the product on the embedded default (SQLite, recompute in a background thread, console
## e-mail) with demo data; HOST and PORT choose the address (make run PORT=8101)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo --url http://$(HOST):$(PORT)/
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite (SQLite unless DATABASE_URL is set; PYTEST_ARGS passes extra options)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: the benchmarks (figures and machine printed; BENCH_DATABASE_URL for PostgreSQL)
bench: install
	cd bench && ../$(BIN)/python bench_scoring.py && ../$(BIN)/python bench_api.py && ../$(BIN)/python bench_import.py && ../$(BIN)/python bench_write.py && ../$(BIN)/python bench_upload_memory.py && ../$(BIN)/python bench_broker_down.py && ../$(BIN)/python bench_province.py && ../$(BIN)/python bench_entry.py && ../$(BIN)/python bench_dossier.py

## lint: ruff, and the import layering of .importlinter (docs/architecture.md)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## checks: migrations in step with models, and production settings pass check --deploy
checks: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=ci-check-deploy-$$(openssl rand -hex 32) ALLOWED_HOSTS=zhonglou.example.org \
	  DJANGO_SETTINGS_MODULE=zhonglou.settings.production \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	@# Every user-facing string of the source has a Chinese translation (needs GNU gettext).
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore="*/tests/*" -v0
	$(BIN)/python -c "import polib, sys; po = polib.pofile('locale/zh_Hans/LC_MESSAGES/django.po'); bad = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]; print('untranslated:', bad) if bad else None; sys.exit(1 if bad else 0)"
	@git checkout -q -- locale 2>/dev/null || true

## lock: record the exact versions of what is installed (after changing pyproject.toml)
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock
	@touch $(PY_STAMP)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

## messages: refresh the Chinese catalogue from the source and compile it (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore="*/tests/*"
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv
