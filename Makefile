# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test lint setup train bench soak clean

run: setup
	@$(VENV)/bin/companion train
	@$(VENV)/bin/companion run

test: setup lint
	@$(PY) -m pytest -q

lint: setup
	@$(VENV)/bin/ruff check assistant tests bench
	@$(VENV)/bin/mypy

setup:
	@bash scripts/setup.sh

train: setup
	@$(VENV)/bin/companion train

bench: setup
	@$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) models/*.tar.gz models/.rasa-cache .pytest_cache
