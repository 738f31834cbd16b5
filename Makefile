# Wanlixing: `make run` serves the platform, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-python install install-dev bootstrap serve worker bench clean messages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 / Python 3.11+ is required")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

bootstrap: install
	$(BIN)/wanlixing bootstrap

run: bootstrap
	$(BIN)/wanlixing serve --host $(HOST) --port $(PORT) --with-worker

worker: install
	$(BIN)/wanlixing worker

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy wanlixing
	$(BIN)/wanlixing makemigrations --check --dry-run

test: install-dev
	$(BIN)/wanlixing bootstrap --no-starter
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev
	$(BIN)/wanlixing makemessages -l en --ignore=.venv --ignore=var --ignore=bench --no-obsolete && cd wanlixing && ../$(BIN)/wanlixing compilemessages -l en

bench: install-dev
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
