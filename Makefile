# Everything a fresh machine needs is installed from here: only Python 3.11+ is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install chat run lint test check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Talk to the companion in this terminal, on an embedded SQLite database (no Telegram token).
chat: $(STAMP)
	$(BIN)/innerchild chat

## Run the Telegram bot (needs INNERCHILD_TELEGRAM_TOKEN).
run: $(STAMP)
	$(BIN)/innerchild run

## Lint (ruff, with flake8-annotations) and types (mypy: strict for bot/, safety/ and bench/, looser for tests;
## the paths mypy reads are `files` in [tool.mypy] in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check bot safety tests bench
	$(BIN)/mypy

## Lint and types, then the whole test suite (PostgreSQL too when INNERCHILD_TEST_POSTGRES_URL is set).
test: lint
	$(BIN)/python -m pytest -q

## Validate the dialogue scripts.
check: $(STAMP)
	$(BIN)/innerchild dialogues check

## Benchmarks (numbers quoted in the README come from here).
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
