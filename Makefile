# storybank: `make run` starts the demo, `make test` runs the whole suite.
# Both create what they need: `run` only what running needs; `test` adds the test
# tools, Chromium and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp
PORT ?= 5000

.PHONY: run check-port test lint bench system-deps clean

$(RUN_STAMP): setup.cfg pyproject.toml requirements/nlp.txt requirements/nlp-md.txt
	@echo "==> [1/3] Virtualenv in $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> [2/3] Installing storybank and what it needs to run (the first time takes a minute or two)"
	@$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/nlp.txt
	@$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/nlp-md.txt
	@$(BIN)/python -m pip install --quiet -e '.[pg,nlp]'
	@touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP)
	@echo "==> Installing the test tools"
	@$(BIN)/python -m pip install --quiet -e '.[test,pg,nlp]'
	@touch $(TEST_STAMP)

# Before installing or building anything: is the port free?
check-port:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' $(PORT) 2>/dev/null \
	  || { echo "Port $(PORT) is already in use on this machine. Stop what uses it, or choose another: make run PORT=5001"; exit 1; }

run: check-port
	@$(MAKE) --no-print-directory $(RUN_STAMP)
	@echo "==> [3/3] Building the demo (database, stories, accounts), then serving on http://127.0.0.1:$(PORT)/"
	@$(BIN)/storybank demo --port $(PORT)

system-deps:
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-postgres.sh
	@bash scripts/ensure-pg-client.sh

test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

bench: $(TEST_STAMP)
	@if ls benchmarks/*.py >/dev/null 2>&1; then for b in benchmarks/*.py; do $(BIN)/python $$b; done; \
	else echo "No benchmarks yet."; fi

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache *.egg-info
