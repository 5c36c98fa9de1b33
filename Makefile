# The commands a newcomer types. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SEED   ?= 7
LEADS  ?= 20000
WORLD  ?= data/world
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run serve test test-fast system-deps lint typecheck pytest bench readme clean help

help:
	@echo "make run        - install, simulate a world into $(WORLD) (if none), train, evaluate, register, serve"
	@echo "make serve      - serve the trained model (API on http://$(HOST):$(PORT))"
	@echo "make test       - install, lint (ruff, import rules), type-check (mypy) and run every test"
	@echo "make test-fast  - install and run the fast layer: unit and quick data tests (under 2 min)"
	@echo "                  one kind of test: $(BIN)/python -m pytest -m KIND  (unit data model api e2e)"
	@echo "make bench      - run the benchmarks in bench/ (slow)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "readiness needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

run: $(VENV)/.installed
	@if [ -f $(WORLD)/world.json ]; then echo "using the world in $(WORLD) (delete it to simulate anew)"; \
	else $(BIN)/readiness simulate --leads $(LEADS) --seed $(SEED) --out $(WORLD); fi
	$(BIN)/readiness train $(WORLD)
	@$(MAKE) --no-print-directory serve

serve: $(VENV)/.installed
	@echo "serving on http://$(HOST):$(PORT)/  (the page for IS reps; API docs: http://$(HOST):$(PORT)/docs; Ctrl-C to stop)"
	$(BIN)/python -m uvicorn api.app:create_app --factory --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src api tests bench docs scripts
	$(BIN)/ruff format --check src api tests bench docs scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy src api

pytest: $(VENV)/.installed
	$(BIN)/python -m pytest

# The fast layer (tests/unit and the quick tests of tests/data): run it while you work.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "(unit or data) and not slow" tests/unit tests/data

system-deps:
	@bash scripts/system-deps.sh

test: system-deps lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/simulate.py

readme: $(VENV)/.installed
	$(BIN)/python docs/update_readme.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
