# `make parse` and `make test` build the virtual environment first when it is missing.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup parse test lint golden bench report docs clean lock

setup: $(STAMP)

# The versions every machine installs are those of requirements.lock (`make lock` writes it from
# pyproject.toml); the project itself goes in last, editable, with no dependency of its own resolved.
$(STAMP): pyproject.toml requirements.lock pipeline/version.py
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@# The flattened reader's kernels compiled and cached now, not by the first parse (some 15 s).
	$(VENV)/bin/python -m parsers.tables.flattened
	touch $(STAMP)

# After a change of pyproject.toml's dependencies, or to take newer releases: review `git diff
# requirements.lock`, run the tests, commit both (tests/test_lock.py fails while they disagree).
lock: $(STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra test --extra cluster --output-file requirements.lock pyproject.toml

# make parse ENGINE=dask [SCHEDULER=tcp://HOST:PORT] [LAYOUT=dataset]: see the README, "On a cluster".
ENGINE ?= local
LAYOUT ?= single
SCHEDULER ?=
parse: $(STAMP)
	$(VENV)/bin/plan-parse parse data/raw --out data/processed --engine $(ENGINE) --layout $(LAYOUT) \
	  $(if $(SCHEDULER),--scheduler $(SCHEDULER))

test: $(STAMP)
	$(VENV)/bin/pytest

# ruff and mypy, configured in pyproject.toml (mypy strict on parsers/model and parsers/language); .ci/run
# runs it before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check parsers pipeline tests bench
	$(VENV)/bin/mypy parsers pipeline
	@# No module over 700 lines: one that grows past it is split along its seams.
	@awk 'FNR == 701 { print FILENAME ": over 700 lines"; over = 1 } END { exit over }' $$(find parsers pipeline -name '*.py')

# Rewrite tests/golden/ after a deliberate parser change; review `git diff tests/golden` before committing.
golden: $(STAMP)
	$(VENV)/bin/pytest tests/documents/test_golden.py --update-golden

clean:
	rm -rf $(VENV) data/processed/v[0-9]* data/processed/dataset data/processed/.cache data/processed/_*.json data/processed/*.parquet

# Speed figures (printed, never asserted): pipeline vs raw pdfplumber, text MB/s, 2-worker speed-up.
bench: $(STAMP)
	$(VENV)/bin/python bench/bench.py

# One review page per parsed document: data/processed/reports/<doc_id>.html
report: $(STAMP)
	$(VENV)/bin/python -c "from pipeline.storage.load import read_table; print('\n'.join(read_table('data/processed', 'documents').doc_id))" \
	  | while read id; do $(VENV)/bin/plan-parse report $$id --data data/processed --out data/processed/reports/$$id.html; done

# Regenerate the data dictionary after a schema change.
docs: $(STAMP)
	$(VENV)/bin/python -m pipeline.storage.dictionary > docs/tables.md
