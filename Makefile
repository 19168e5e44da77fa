# Atrium — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: help run test lint typecheck archcheck pytest coverage openapi bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install Atrium with its dev tools

run: $(STAMP) ## Serve the gateway on 127.0.0.1:8080 (embedded profile, data in ./var)
	$(BIN)/atrium serve --host $${HOST:-127.0.0.1} --port $${PORT:-8080}

test: lint coverage ## Lint, type-check, check architecture, run the whole test suite

lint: $(STAMP) ## ruff (lint + format check), mypy, import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy contracts gateway system_apis process_apis policies sandboxes
	$(BIN)/lint-imports

pytest: $(STAMP) ## Run the tests (pass ARGS=... for pytest options)
	$(BIN)/pytest $(ARGS)

coverage: $(STAMP) ## Run the whole suite under coverage; mapping code must be 100 % branch-covered
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(ARGS)
	$(BIN)/coverage report

openapi: $(STAMP) ## Regenerate the committed contracts under openapi/
	$(BIN)/atrium openapi --out openapi

bench: $(STAMP) ## Benchmark D / N / G / G+ / S / H and the GraphQL dashboard Q vs W; writes bench/results/
	$(BIN)/python -m bench.run

clean: ## Remove the venv, caches and local data
	rm -rf $(VENV) var .coverage .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
