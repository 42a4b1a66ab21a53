# `make run` and `make test` do every set-up step themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test setup install browser npm node-clients clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(INSTALLED)

install: $(INSTALLED)

# Browser tests drive Debian's Chromium with Playwright; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

npm:
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }

# The official CometD JavaScript client under Node.js, for tests/notifications/test_node_client.py
# (npm, from the registry, as pinned in tests/notifications/node/package-lock.json).
node-clients: npm
	cd tests/notifications/node && npm ci --no-audit --no-fund --silent

# The web UI's JavaScript libraries (the CometD client), pinned in webui/package-lock.json and
# served by Django (STATICFILES_DIRS); collectstatic needs them.
WEBUI_LIBS := webui/node_modules/.package-lock.json
$(WEBUI_LIBS): webui/package-lock.json | npm
	cd webui && npm ci --no-audit --no-fund --silent
	touch $(WEBUI_LIBS)

setup: install $(WEBUI_LIBS)
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo

run: setup
	@echo "Serving the API, WebSockets and web UI on http://$(HOST):$(PORT)/ (Swagger UI: /api/docs/, admin: /admin/)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) gws_project.asgi:application

test: setup browser node-clients
	$(PY) -m pytest

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
