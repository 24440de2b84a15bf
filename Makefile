# storybank: `make run` starts the demo, `make test` runs the whole suite.
# Both create what they need: the virtualenv, the packages, Chromium, PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench system-deps clean

$(STAMP): setup.cfg pyproject.toml requirements/nlp.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/nlp.txt
	$(BIN)/python -m pip install --quiet -e '.[test,pg,nlp]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/storybank demo

system-deps:
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-postgres.sh

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	@if ls benchmarks/*.py >/dev/null 2>&1; then for b in benchmarks/*.py; do $(BIN)/python $$b; done; \
	else echo "No benchmarks yet."; fi

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache *.egg-info
