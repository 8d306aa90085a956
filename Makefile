# `make parse` and `make test` build the virtual environment first when it is missing.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup parse test golden clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

parse: $(STAMP)
	$(VENV)/bin/plan-parse parse data/raw --out data/processed

test: $(STAMP)
	$(VENV)/bin/pytest

# Rewrite tests/golden/ after a deliberate parser change; review `git diff tests/golden` before committing.
golden: $(STAMP)
	$(VENV)/bin/pytest tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) data/processed/*.parquet
