# Two commands: `make run` (set up, open the app on the sample article) and `make test`.
# Everything is installed into .venv inside the clone; nothing outside it is touched.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `make run` installs what the app needs; `make test` adds the test tools (pytest, ruff, mypy,
# pandas, scikit-learn …), which the app never imports.
APP    := $(VENV)/.installed-app
STAMP  := $(VENV)/.installed-test
SAMPLE := samples/global-times-2022-04-26-wei-fenghe-kazakhstan.txt

.PHONY: setup run test lint bench soak clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Annotator needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $(APP)

$(STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(APP) $(STAMP)

setup: $(STAMP)

run: $(APP)
	$(BIN)/annotator $(SAMPLE)

lint: $(STAMP)
	$(BIN)/ruff check annotator tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/start.py
	$(BIN)/python benchmarks/workspace.py
	$(BIN)/python benchmarks/export_csv.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/import_pages.py
	$(BIN)/python benchmarks/pdf_import.py
	$(BIN)/python benchmarks/copies.py
	$(BIN)/python benchmarks/import_annotations.py
	$(BIN)/python benchmarks/cli_start.py
	$(BIN)/python benchmarks/analysis.py
	$(BIN)/python benchmarks/occurrences.py
	$(BIN)/python benchmarks/recurrences.py
	$(BIN)/python benchmarks/docx_limit.py

# Windows and the command line on one project for minutes (MINUTES=10 WINDOWS=2 by default).
soak: $(STAMP)
	$(BIN)/python tests/gui/shared_use.py --minutes $(or $(MINUTES),10) --windows $(or $(WINDOWS),2)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
