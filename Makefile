# One-command entry points (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup toolchains lint test demo clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,local]"
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install codesim with its test and local-model extras

toolchains:  ## install the sandbox's language toolchains and the browser for report tests (Debian packages)
	bash scripts/install-toolchains.sh
	bash scripts/install-browser.sh

lint: setup  ## lint (ruff) and type-check (mypy) with the settings in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup toolchains lint  ## set up everything, lint and type-check, then run the whole test suite
	$(BIN)/pytest

demo: setup  ## pull the default local model and run CodeSIM-Adaptive on 5 HumanEval problems
	$(BIN)/codesim models pull qwen2.5-coder-0.5b
	$(BIN)/codesim run --dataset humaneval --strategy codesim-adaptive --limit 5

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
