# peuplement : deux commandes sur une machine neuve avec Python 3.11+ : `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
ETUDE_DEMO ?= etude_demo
DEMO_LOGEMENTS ?= 20000

# nothing here may call out to the network (dbt usage statistics included)
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install demo test lint bench bench-secret clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus est requis")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/peuplement demo $(ETUDE_DEMO) --logements $(DEMO_LOGEMENTS) --force
	$(BIN)/peuplement charger --etude $(ETUDE_DEMO)
	$(BIN)/peuplement construire --etude $(ETUDE_DEMO)
	$(BIN)/peuplement registre verifier --etude $(ETUDE_DEMO)
	PEUPLEMENT_DB=$(ETUDE_DEMO)/entrepot/peuplement.duckdb $(BIN)/dbt docs generate --static --profiles-dir . --quiet
	@echo "Exports (rapport PDF et classeur de la CIL, restitutions, cartes, fichiers ouverts) : $(ETUDE_DEMO)/exports/ ;"
	@echo "documentation et lignage : ouvrir target/static_index.html dans un navigateur"

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/sqlfluff lint models macros tests
	$(BIN)/dbt parse --profiles-dir . --quiet
	$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python scripts/bench_load.py

# the secrecy engine side by side with τ-Argus (pytauargus, bench extra only)
bench-secret: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev,bench]'
	$(BIN)/python scripts/bench_secret.py

clean:
	rm -rf target logs $(ETUDE_DEMO) bench_out
