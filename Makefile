# Two commands for a newcomer: `make demo` (site with demo content) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench serve

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/masthead demo --serve

test: $(BIN)/.installed
	bash scripts/test.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check masthead tests benchmarks
	$(BIN)/ruff format --check masthead tests benchmarks
	MASTHEAD_DATA_DIR=$$(mktemp -d) $(BIN)/mypy

bench: $(BIN)/.installed
	for b in benchmarks/bench_*.py; do [ $$b = benchmarks/bench_http.py ] && continue; echo "== $$b"; $(BIN)/python $$b || exit 1; done
	@echo "HTTP beside the Wagtail peer: benchmarks/bench_http.py --help"
